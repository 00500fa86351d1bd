// Flask's secret key: the stack config's secret when the operator set one, else a random one
// that stays stable across updates (sessions survive a deploy). Either way a Pulumi secret.
import * as pulumi from "@pulumi/pulumi";
import * as random from "@pulumi/random";
import type { Settings } from "../settings";

export interface AppSecretsArgs {
  /** Which secrets the operator set in the stack config (throat:secretKey, throat:mailPassword). */
  secrets: Pick<Settings["secrets"], "secretKey" | "mailPassword">;
  /** Prefixes the random key's name (the settings' namePrefix). */
  namePrefix: string;
}

export class AppSecrets extends pulumi.ComponentResource {
  readonly secretKey: pulumi.Output<string>;
  /** The SMTP password (throat:mailPassword), only when it is set. */
  readonly mailPassword?: pulumi.Output<string>;

  constructor(name: string, args: AppSecretsArgs, opts?: pulumi.ComponentResourceOptions) {
    super("throat:docker:AppSecrets", name, {}, opts);
    const { secrets } = args;
    this.secretKey = secrets.secretKey
      ? new pulumi.Config("throat").requireSecret("secretKey")
      : pulumi.secret(
          new random.RandomPassword(`${args.namePrefix}-secret-key`, { length: 64, special: false }, { parent: this })
            .result,
        );
    if (secrets.mailPassword) this.mailPassword = new pulumi.Config("throat").requireSecret("mailPassword");
    this.registerOutputs({});
  }
}
