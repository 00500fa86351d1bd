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
import type { Settings } from "../settings";
import { EDGE_PATHS } from "../plan/names";
import { NGINX_HEALTH_PATH } from "../plan/drain";
import { labels } from "./common";
import { edgeTls, EdgeTlsSettings } from "./tls";

export interface EdgeArgs {
  /** The edge container's Docker name (`dockerNames().edge`). */
  containerName: string;
  /** The settings' stack name, for the labels. */
  stack: string;
  /** The site name and prefix the certificate is made for, or the operator's (throat:tlsKey). */
  tls: EdgeTlsSettings;
  /** The host ports nginx's 80 and 443 are published on (throat:edge.httpPort/httpsPort). */
  ports: Pick<Settings["edge"], "httpPort" | "httpsPort">;
  /** The plan's rendered nginx files and the container's nofile. */
  edge: Pick<Plan["edge"], "nginxFiles" | "nofile">;
  image: pulumi.Input<string>;
  network: pulumi.Input<string>;
  workers: docker.Container[];
  /** The user-file volumes, read-only (UserFiles.edgeMounts). */
  volumes?: docker.types.input.ContainerVolume[];
}

export class Edge extends pulumi.ComponentResource {
  readonly container: docker.Container;

  constructor(name: string, args: EdgeArgs, opts?: pulumi.ComponentResourceOptions) {
    super("throat:docker:Edge", name, {}, opts);
    const { workers, edge, ports } = args;
    const certificate = edgeTls(args.tls, this);
    const upstreams = pulumi.all(workers.map((w) => w.id)).apply((ids) => [...ids].sort().join(","));

    this.container = new docker.Container(
      args.containerName,
      {
        name: args.containerName,
        image: args.image,
        uploads: [
          ...Object.entries(edge.nginxFiles).map(([file, content]) => ({ file: `/etc/nginx/${file}`, content })),
          { file: EDGE_PATHS.tls.certificatePath, content: certificate.certificatePem },
          // nginx's master process (root) reads the key before it drops privileges.
          { file: EDGE_PATHS.tls.keyPath, content: certificate.privateKeyPem, permissions: "0600" },
        ],
        ports: [
          { internal: EDGE_PATHS.httpPort, external: ports.httpPort },
          { internal: EDGE_PATHS.httpsPort, external: ports.httpsPort },
        ],
        networksAdvanced: [{ name: args.network }],
        // nginx's worker_rlimit_nofile needs a hard limit at least as high (no CAP_SYS_RESOURCE).
        ulimits: [{ name: "nofile", soft: edge.nofile, hard: edge.nofile }],
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
        labels: labels(args.stack, "edge", { "throat.upstreams": upstreams }),
      },
      // The published ports and the fixed name belong to one container at a time.
      { parent: this, dependsOn: workers, deleteBeforeReplace: true },
    );
    this.registerOutputs({ name: this.container.name });
  }
}
