// Secrets reach the tasks only through Secrets Manager: ECS reads them at task start with the
// execution role (container definition `secrets`), so no secret value is ever written into a
// task definition, an image, or a stack output. valueFrom names the secret's version, not the
// bare secret: ECS injects a secret only when a task starts (ECS developer guide, "Pass Secrets
// Manager secrets through Amazon ECS environment variables"), so with a bare ARN a new value
// would reach only the tasks started later (autoscaling, replacements) while the running ones
// keep the old one, and the task definitions, hence the migration, the rolling deploy and the
// rollout check, would not change at all. Pinned as
// `<secret arn>:<json-key>:<version-stage>:<version-id>` (key and stage empty; Fargate platform
// 1.4.0 or later, the LATEST the services use), a new value is a new task definition revision
// and goes out as any other change does.
import * as pulumi from "@pulumi/pulumi";
import * as random from "@pulumi/random";
import * as secretsmanager from "@pulumi/aws/secretsmanager";
import type { SecretName } from "../plan/appConfig";

/** A stored secret as IAM and ECS name it. */
export interface SecretRef {
  /** The secret's ARN: what the execution role may GetSecretValue on (a version is not an IAM resource). */
  arn: pulumi.Output<string>;
  /** A container's `valueFrom`: the ARN pinned to the version holding the current value. */
  valueFrom: pulumi.Output<string>;
}

/** A Secrets Manager secret holding one string. */
export function storedSecret(
  logicalName: string,
  description: string,
  value: pulumi.Input<string>,
  parent: pulumi.Resource,
): SecretRef {
  // Auto-named: a deleted secret's name stays reserved for its recovery window, so a fixed
  // name would block re-creating the stack within that window.
  const secret = new secretsmanager.Secret(logicalName, { description, recoveryWindowInDays: 7 }, { parent });
  // A new value is a new version (PutSecretValue), with a new versionId.
  const version = new secretsmanager.SecretVersion(
    logicalName,
    { secretId: secret.id, secretString: pulumi.secret(value) },
    { parent },
  );
  return { arn: secret.arn, valueFrom: pulumi.interpolate`${secret.arn}:::${version.versionId}` };
}

/** A generated secret: letters and digits only, so no shell, URL or YAML quoting can mangle it. */
export function randomSecret(logicalName: string, length: number, parent: pulumi.Resource): pulumi.Output<string> {
  return new random.RandomPassword(logicalName, { length, special: false }, { parent }).result;
}

export interface AppSecretsArgs {
  prefix: string;
  /** Whether `throat:secretKey` is set (its value is read here, never through the plan). */
  secretKeyInConfig: boolean;
  /** Whether `throat:mailPassword` is set (read here, as a secret). */
  mailPasswordInConfig?: boolean;
}

/** Flask's secret key (APP_SECRET_KEY): from `throat:secretKey`, else generated once and kept in state. */
export class AppSecrets extends pulumi.ComponentResource {
  readonly secretKey: SecretRef;
  /** The SMTP password (MAIL_PASSWORD), only when throat:mailPassword is set. */
  readonly mailPassword?: SecretRef;

  constructor(name: string, args: AppSecretsArgs, opts?: pulumi.ComponentResourceOptions) {
    super("throat:aws:AppSecrets", name, {}, opts);
    const value = args.secretKeyInConfig
      ? new pulumi.Config("throat").requireSecret("secretKey")
      : randomSecret(`${args.prefix}-secret-key`, 64, this);
    this.secretKey = storedSecret(
      `${args.prefix}-secret-key`,
      "Throat: Flask secret key (APP_SECRET_KEY)",
      value,
      this,
    );
    if (args.mailPasswordInConfig) {
      const mail = new pulumi.Config("throat").requireSecret("mailPassword");
      this.mailPassword = storedSecret(
        `${args.prefix}-mail-password`,
        "Throat: SMTP password (MAIL_PASSWORD)",
        mail,
        this,
      );
    }
    this.registerOutputs({ secretKeyArn: this.secretKey.arn, mailPasswordArn: this.mailPassword?.arn });
  }
}

/** Every secret the app reads, by the plan's names (plan.app.secretEnv values); mail only with mail. */
export type SecretRefs = Record<Exclude<SecretName, "mailPassword">, SecretRef> &
  Partial<Record<SecretName, SecretRef>>;
