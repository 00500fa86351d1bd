// The nginx edge: the only container that publishes ports. The plan's rendered files go where
// nginx.conf includes them, the certificate where http.conf points.
//
// nginx resolves the upstream aliases once, at start. When a worker container is replaced,
// the alias moves to a new address and a running nginx would keep sending to the old one. So
// the edge carries the worker container ids in a label: labels cannot change on a container, a
// changed set of workers replaces the edge, and the new nginx resolves the aliases afresh.
import * as docker from "@pulumi/docker";
import * as pulumi from "@pulumi/pulumi";
import type { Plan } from "../plan";
import { dockerNames, EDGE_PATHS } from "../plan/names";
import { NGINX_HEALTH_PATH } from "../plan/drain";
import { labels } from "./common";
import { edgeTls } from "./tls";

export class Edge extends pulumi.ComponentResource {
  readonly container: docker.Container;

  constructor(
    name: string,
    args: {
      plan: Plan;
      image: pulumi.Output<string>;
      network: pulumi.Output<string>;
      workers: docker.Container[];
      /** The user-file volumes, read-only (UserFiles.edgeMounts). */
      volumes?: docker.types.input.ContainerVolume[];
    },
    opts?: pulumi.ComponentResourceOptions,
  ) {
    super("throat:docker:Edge", name, {}, opts);
    const { plan, workers } = args;
    const s = plan.settings;
    const certificate = edgeTls(plan, this);
    const upstreams = pulumi.all(workers.map((w) => w.id)).apply((ids) => [...ids].sort().join(","));

    this.container = new docker.Container(
      dockerNames(s, plan.workers).edge,
      {
        name: dockerNames(s, plan.workers).edge,
        image: args.image,
        uploads: [
          ...Object.entries(plan.edge.nginxFiles).map(([file, content]) => ({ file: `/etc/nginx/${file}`, content })),
          { file: EDGE_PATHS.tls.certificatePath, content: certificate.certificatePem },
          // nginx's master process (root) reads the key before it drops privileges.
          { file: EDGE_PATHS.tls.keyPath, content: certificate.privateKeyPem, permissions: "0600" },
        ],
        ports: [
          { internal: EDGE_PATHS.httpPort, external: s.edge.httpPort },
          { internal: EDGE_PATHS.httpsPort, external: s.edge.httpsPort },
        ],
        networksAdvanced: [{ name: args.network }],
        // nginx's worker_rlimit_nofile needs a hard limit at least as high (no CAP_SYS_RESOURCE).
        ulimits: [{ name: "nofile", soft: plan.edge.nofile, hard: plan.edge.nofile }],
        volumes: args.volumes ?? [],
        healthcheck: {
          tests: [
            "CMD",
            "curl",
            "-fsS",
            "-o",
            "/dev/null",
            `http://127.0.0.1:${EDGE_PATHS.httpPort}${NGINX_HEALTH_PATH}`,
          ],
          interval: "10s",
          timeout: "3s",
          retries: 3,
        },
        wait: true,
        waitTimeout: 60,
        restart: "unless-stopped",
        destroyGraceSeconds: 10,
        labels: labels(plan, "edge", { "throat.upstreams": upstreams }),
      },
      // The published ports and the fixed name belong to one container at a time.
      { parent: this, dependsOn: workers, deleteBeforeReplace: true },
    );
    this.registerOutputs({ name: this.container.name });
  }
}
