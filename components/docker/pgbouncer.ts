// PgBouncer between the workers and PostgreSQL, sized by the plan's budget: the server side
// (default_pool_size) and the client side (max_client_conn) are the two numbers the budget
// checked. Transaction pooling: a server connection is held only for one transaction.
import * as path from "node:path";
import * as docker from "@pulumi/docker";
import * as pulumi from "@pulumi/pulumi";
import { PROJECT_ROOT } from "../projectRoot";
import { DATABASE_NAME, DATABASE_USER } from "../plan/appConfig";
import type { ConnectionBudget } from "../plan/budget";
import { DatabaseEndpoint, imageRepository, labels } from "./common";
import { PGBOUNCER_PORT } from "../plan/names";

const CONFIG_DIR = "/etc/pgbouncer";

export function pgbouncerIni(upstream: DatabaseEndpoint, poolSize: number, maxClientConnections: number): string {
  return [
    ";; Rendered by the Throat stack from its connection budget. Do not edit: change the stack config.",
    "[databases]",
    `${DATABASE_NAME} = host=${upstream.host} port=${upstream.port} dbname=${DATABASE_NAME}`,
    "",
    "[pgbouncer]",
    "listen_addr = 0.0.0.0",
    `listen_port = ${PGBOUNCER_PORT}`,
    "auth_type = scram-sha-256",
    `auth_file = ${CONFIG_DIR}/userlist.txt`,
    "pool_mode = transaction",
    `default_pool_size = ${poolSize}`,
    // The budget counts PgBouncer's server side as default_pool_size: make that a hard cap.
    `max_db_connections = ${poolSize}`,
    `max_client_conn = ${maxClientConnections}`,
    "",
  ].join("\n");
}

export interface PgBouncerArgs {
  /** The container's Docker name, also its host name on the network (`dockerNames().pgbouncer`). */
  containerName: string;
  /** The settings' stack name, for the labels. */
  stack: string;
  /** Prefixes the image's repository name (the settings' namePrefix). */
  namePrefix: string;
  /** The budget's PgBouncer side: pool size and client limit. */
  budget: NonNullable<ConnectionBudget["pgbouncer"]>;
  network: pulumi.Input<string>;
  /** The `throat` role's password, a secret: it lands in the userlist. */
  password: pulumi.Input<string>;
  upstream: DatabaseEndpoint;
  dependsOn: pulumi.Resource[];
}

export class PgBouncer extends pulumi.ComponentResource {
  readonly container: docker.Container;
  readonly endpoint: DatabaseEndpoint;

  constructor(name: string, args: PgBouncerArgs, opts?: pulumi.ComponentResourceOptions) {
    super("throat:docker:PgBouncer", name, {}, opts);
    const { network, password, upstream, budget, containerName } = args;

    const image = new docker.Image(
      `${containerName}-image`,
      {
        imageName: `${imageRepository(args.namePrefix, "pgbouncer")}:bookworm`,
        build: { context: path.join(PROJECT_ROOT, "components", "docker", "pgbouncer") },
        skipPush: true,
      },
      { parent: this },
    );

    this.container = new docker.Container(
      containerName,
      {
        name: containerName,
        image: image.repoDigest,
        uploads: [
          {
            file: `${CONFIG_DIR}/pgbouncer.ini`,
            content: pgbouncerIni(upstream, budget.poolSize, budget.maxClientConnections),
          },
          // A plain-text password lets PgBouncer answer SCRAM from the app and log in to
          // PostgreSQL with SCRAM itself.
          {
            file: `${CONFIG_DIR}/userlist.txt`,
            content: pulumi.secret(pulumi.interpolate`"${DATABASE_USER}" "${password}"\n`),
          },
        ],
        networksAdvanced: [{ name: network }],
        // The slim image has no psql client; a TCP connect proves the listener is up.
        healthcheck: {
          tests: ["CMD", "bash", "-c", `exec 3<>/dev/tcp/127.0.0.1/${PGBOUNCER_PORT}`],
          interval: "5s",
          timeout: "3s",
          retries: 5,
        },
        wait: true,
        waitTimeout: 60,
        restart: "unless-stopped",
        destroyGraceSeconds: 10,
        labels: labels(args.stack, "pgbouncer"),
      },
      // Two PgBouncers at once would open twice the server connections the budget allows.
      { parent: this, dependsOn: args.dependsOn, deleteBeforeReplace: true },
    );
    this.endpoint = { host: containerName, port: String(PGBOUNCER_PORT) };
    this.registerOutputs({ endpoint: `${this.endpoint.host}:${this.endpoint.port}` });
  }
}
