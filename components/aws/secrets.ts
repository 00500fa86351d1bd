// Secrets reach the tasks only through Secrets Manager: ECS reads them at task start with the
// execution role (container definition `secrets`, valueFrom = the secret's ARN), so no secret
// value is ever written into a task definition, an image, or a stack output.
import * as pulumi from "@pulumi/pulumi";
import * as random from "@pulumi/random";
import * as secretsmanager from "@pulumi/aws/secretsmanager";
import type { SecretName } from "../plan/appConfig";

/** A Secrets Manager secret holding one string; returns its ARN. */
export function storedSecret(
  logicalName: string,
  description: string,
  value: pulumi.Input<string>,
  parent: pulumi.Resource,
): secretsmanager.Secret {
  // Auto-named: a deleted secret's name stays reserved for its recovery window, so a fixed
  // name would block re-creating the stack within that window.
  const secret = new secretsmanager.Secret(logicalName, { description, recoveryWindowInDays: 7 }, { parent });
  new secretsmanager.SecretVersion(
    logicalName,
    { secretId: secret.id, secretString: pulumi.secret(value) },
    { parent },
  );
  return secret;
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
  readonly secretKeyArn: pulumi.Output<string>;
  /** The SMTP password (MAIL_PASSWORD), only when throat:mailPassword is set. */
  readonly mailPasswordArn?: pulumi.Output<string>;

  constructor(name: string, args: AppSecretsArgs, opts?: pulumi.ComponentResourceOptions) {
    super("throat:aws:AppSecrets", name, {}, opts);
    const value = args.secretKeyInConfig
      ? new pulumi.Config("throat").requireSecret("secretKey")
      : randomSecret(`${args.prefix}-secret-key`, 64, this);
    this.secretKeyArn = storedSecret(
      `${args.prefix}-secret-key`,
      "Throat: Flask secret key (APP_SECRET_KEY)",
      value,
      this,
    ).arn;
    if (args.mailPasswordInConfig) {
      const mail = new pulumi.Config("throat").requireSecret("mailPassword");
      this.mailPasswordArn = storedSecret(
        `${args.prefix}-mail-password`,
        "Throat: SMTP password (MAIL_PASSWORD)",
        mail,
        this,
      ).arn;
    }
    this.registerOutputs({ secretKeyArn: this.secretKeyArn, mailPasswordArn: this.mailPasswordArn });
  }
}

/** Every secret the app reads, by the plan's names (plan.app.secretEnv values); mail only with mail. */
export type SecretArns = Record<Exclude<SecretName, "mailPassword">, pulumi.Output<string>> &
  Partial<Record<SecretName, pulumi.Output<string>>>;
