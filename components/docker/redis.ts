// Redis from the official image: socket.io's message queue, sessions and the cache. Reached
// by container name on the stack network; it publishes no port.
import * as docker from "@pulumi/docker";
import * as pulumi from "@pulumi/pulumi";
import { labels } from "./common";
import { REDIS_PORT } from "../plan/names";

export interface RedisArgs {
  /** The container's Docker name, also its host name on the network (`dockerNames().redis`). */
  containerName: string;
  /** The settings' stack name, for the labels. */
  stack: string;
  network: pulumi.Input<string>;
}

export class Redis extends pulumi.ComponentResource {
  readonly container: docker.Container;
  readonly host: string;
  readonly port: string;

  constructor(name: string, args: RedisArgs, opts?: pulumi.ComponentResourceOptions) {
    super("throat:docker:Redis", name, {}, opts);
    const { containerName, network } = args;
    const image = new docker.RemoteImage(
      `${containerName}-image`,
      { name: "redis:7", keepLocally: true },
      { parent: this },
    );
    this.container = new docker.Container(
      containerName,
      {
        name: containerName,
        image: image.imageId,
        networksAdvanced: [{ name: network }],
        healthcheck: { tests: ["CMD", "redis-cli", "ping"], interval: "5s", timeout: "3s", retries: 5 },
        wait: true,
        waitTimeout: 60,
        restart: "unless-stopped",
        destroyGraceSeconds: 10,
        labels: labels(args.stack, "redis"),
      },
      // A fixed name cannot exist twice.
      { parent: this, deleteBeforeReplace: true },
    );
    this.host = containerName;
    this.port = String(REDIS_PORT);
    this.registerOutputs({ name: this.container.name });
  }
}
