// Redis from the official image: socket.io's message queue, sessions and the cache. Reached
// by container name on the stack network; it publishes no port.
import * as docker from "@pulumi/docker";
import * as pulumi from "@pulumi/pulumi";
import type { Plan } from "../plan";
import { dockerNames } from "../plan/names";
import { labels, REDIS_PORT } from "./common";

export class Redis extends pulumi.ComponentResource {
  readonly container: docker.Container;
  readonly host: string;
  readonly port: string;

  constructor(
    name: string,
    args: { plan: Plan; network: pulumi.Output<string> },
    opts?: pulumi.ComponentResourceOptions,
  ) {
    super("throat:docker:Redis", name, {}, opts);
    const { plan, network } = args;
    const names = dockerNames(plan.settings, plan.workers);
    const image = new docker.RemoteImage(
      `${names.redis}-image`,
      { name: "redis:7", keepLocally: true },
      { parent: this },
    );
    this.container = new docker.Container(
      names.redis,
      {
        name: names.redis,
        image: image.imageId,
        networksAdvanced: [{ name: network }],
        healthcheck: { tests: ["CMD", "redis-cli", "ping"], interval: "5s", timeout: "3s", retries: 5 },
        wait: true,
        waitTimeout: 60,
        restart: "unless-stopped",
        destroyGraceSeconds: 10,
        labels: labels(plan, "redis"),
      },
      // A fixed name cannot exist twice.
      { parent: this, deleteBeforeReplace: true },
    );
    this.host = names.redis;
    this.port = String(REDIS_PORT);
    this.registerOutputs({ name: this.container.name });
  }
}
