// PLACEHOLDER: the docker target is being written; see components/docker/.
import * as pulumi from "@pulumi/pulumi";
import type { Plan } from "../plan";
import type { TargetOutputs } from "../outputs";

export class DockerStack extends pulumi.ComponentResource implements TargetOutputs {
  readonly url: pulumi.Output<string>;
  constructor(name: string, args: { plan: Plan }, opts?: pulumi.ComponentResourceOptions) {
    super("throat:docker:DockerStack", name, {}, opts);
    this.url = pulumi.output(`https://${args.plan.settings.siteName}`);
    this.registerOutputs({ url: this.url });
  }
}
