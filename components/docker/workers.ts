// One container per planned replica of each worker kind (the Docker target runs the maximum).
// The image's default command reads the plan's launch environment and starts the gunicorn
// command line the plan shows; the kind's config.yaml is uploaded where CONFIG_NAME looks.
//
// Replacement starts the new container before the old one stops, so a deploy never leaves a
// kind without a server. That needs three things here:
// - `deleteBeforeReplace: false`, explicitly: pulumi-docker marks Container delete-before-
//   replace by default, and only an explicit resource option overrides the provider. Pulumi
//   starts every replacement at once, so the peak is twice the replicas: exactly what the
//   budget counts at deploy.maxPercent 200. Below 200 the budget allowed no such surge, and
//   the old containers go first instead (a short outage per kind, never too many connections).
// - no fixed container name (Pulumi auto-names `<alias>-<random>`), since old and new coexist;
//   nginx reaches a replica by its network alias, which both carry during the overlap.
// - `wait: true` on a healthcheck, so the old container is removed only after the new one
//   answers HTTP.
import * as docker from "@pulumi/docker";
import * as pulumi from "@pulumi/pulumi";
import type { AppConfig } from "../plan/appConfig";
import type { WorkerService } from "../plan/workers";
import { DOCKER_CONNECTIONS_LABEL } from "../../policy/contract";
import { DockerNames, envList, labels } from "./common";
import { THROAT_WORKDIR } from "../plan/names";

export interface WorkersArgs {
  /** The plan's worker kinds: one container per replica up to `replicas.max`. */
  workers: WorkerService[];
  /** Each kind's config.yaml (the plan's app config files). */
  configFiles: AppConfig["configFiles"];
  /** A replica's network alias, which is also its logical name (`dockerNames().alias`). */
  alias: DockerNames["alias"];
  /** The settings' stack name, for the labels. */
  stack: string;
  /** throat:deploy.maxPercent: at 200 a replacement starts before the old container stops. */
  maxPercent: number;
  image: pulumi.Input<string>;
  network: pulumi.Input<string>;
  /** The user-file volumes every Throat container mounts (UserFiles.appMounts). */
  volumes?: docker.types.input.ContainerVolume[];
  /** The app environment every kind shares (endpoints resolved, secrets as secrets). */
  env: pulumi.Input<string>[];
  /** Resolves once the migration succeeded (Migration.dependencies): a failed one registers no worker. */
  dependsOn: pulumi.Input<pulumi.Resource[]>;
}

/** Healthy when gunicorn answers HTTP with anything below 500 (Throat has no health route). */
export function workerHealthcheck(port: number): docker.types.input.ContainerHealthcheck {
  const probe = [
    "import sys, urllib.request, urllib.error",
    "try:",
    `    urllib.request.urlopen('http://127.0.0.1:${port}/', timeout=4)`,
    "except urllib.error.HTTPError as e:",
    "    sys.exit(1 if e.code >= 500 else 0)",
  ].join("\n");
  return { tests: ["CMD", "python3", "-c", probe], interval: "10s", timeout: "5s", retries: 3, startPeriod: "30s" };
}

export class Workers extends pulumi.ComponentResource {
  readonly containers: docker.Container[] = [];

  constructor(name: string, args: WorkersArgs, opts?: pulumi.ComponentResourceOptions) {
    super("throat:docker:Workers", name, {}, opts);
    for (const w of args.workers) {
      for (let i = 0; i < w.replicas.max; i++) this.containers.push(this.replica(w, args.alias(w.kind, i), args));
    }
    this.registerOutputs({ containers: this.containers.map((c) => c.name) });
  }

  private replica(w: WorkerService, alias: string, args: WorkersArgs): docker.Container {
    const config = args.configFiles[w.kind];
    return new docker.Container(
      alias,
      {
        image: args.image,
        envs: [...envList(w.launchEnv), ...args.env],
        uploads: [{ file: `${THROAT_WORKDIR}/${config.path}`, content: config.text }],
        networksAdvanced: [{ name: args.network, aliases: [alias] }],
        volumes: args.volumes ?? [],
        healthcheck: workerHealthcheck(w.port),
        // One open file per held websocket (plan/capacity.ts): Docker's default may be 1024.
        ...(w.nofile ? { ulimits: [{ name: "nofile", soft: w.nofile, hard: w.nofile }] } : {}),
        wait: true,
        waitTimeout: 180,
        restart: "unless-stopped",
        // gunicorn finishes in-flight requests on SIGTERM; the provider would SIGKILL without it.
        destroyGraceSeconds: 30,
        // The connections this container opens at most, for the budget policy (policy/budget.ts).
        labels: labels(args.stack, "worker", {
          "throat.worker": w.kind,
          [DOCKER_CONNECTIONS_LABEL]: String(w.connectionsPerReplica),
        }),
      },
      { parent: this, dependsOn: args.dependsOn, deleteBeforeReplace: args.maxPercent < 200 },
    );
  }
}
