// One private bridge network per stack: every container of the stack joins it and finds the
// others by name (Docker's embedded DNS works on user-defined networks only). Nothing on it
// publishes a port except the edge.
import * as docker from "@pulumi/docker";
import * as pulumi from "@pulumi/pulumi";

export interface StackNetworkArgs {
  /** The network's Docker name (plan/names.ts `dockerNames().network`). */
  networkName: string;
  /** The settings' stack name, for the throat.stack label. */
  stack: string;
}

export class StackNetwork extends pulumi.ComponentResource {
  /** The network's name, as containers' `networksAdvanced` want it. */
  readonly name: pulumi.Output<string>;

  constructor(name: string, args: StackNetworkArgs, opts?: pulumi.ComponentResourceOptions) {
    super("throat:docker:Network", name, {}, opts);
    const network = new docker.Network(
      args.networkName,
      {
        name: args.networkName,
        driver: "bridge",
        labels: [{ label: "throat.stack", value: args.stack }],
      },
      // Docker refuses a second network of the same name, and a network with containers on it
      // cannot be removed: a replacement goes first, its containers with it.
      { parent: this, deleteBeforeReplace: true },
    );
    this.name = network.name;
    this.registerOutputs({ name: this.name });
  }
}
