// PgBouncer between the workers and PostgreSQL, sized by the plan's budget: the server side
// (default_pool_size) and the client side (max_client_conn) are the two numbers the budget
// checked. Transaction pooling: a server connection is held only for one transaction.
import * as path from "node:path";
import * as docker from "@pulumi/docker";
import * as pulumi from "@pulumi/pulumi";
import { PROJECT_ROOT } from "../projectRoot";
import type { Plan } from "../plan";
import { DATABASE_NAME, DATABASE_USER } from "../plan/appConfig";
import { dockerNames } from "../plan/names";
import { DatabaseEndpoint, imageRepository, labels, PGBOUNCER_PORT } from "./common";

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

export class PgBouncer extends pulumi.ComponentResource {
  readonly container: docker.Container;
  readonly endpoint: DatabaseEndpoint;

  constructor(
    name: string,
    args: {
      plan: Plan;
      network: pulumi.Output<string>;
      password: pulumi.Output<string>;
      upstream: DatabaseEndpoint;
      dependsOn: pulumi.Resource[];
    },
    opts?: pulumi.ComponentResourceOptions,
  ) {
    super("throat:docker:PgBouncer", name, {}, opts);
    const { plan, network, password, upstream } = args;
    const budget = plan.budget.pgbouncer;
    if (!budget)
      throw new Error("PgBouncer: the plan has no pgbouncer budget (throat:database.pgbouncer.enabled is false)");
    const names = dockerNames(plan.settings, plan.workers);

    const image = new docker.Image(
      `${names.pgbouncer}-image`,
      {
        imageName: `${imageRepository(plan.settings.namePrefix, "pgbouncer")}:bookworm`,
        build: { context: path.join(PROJECT_ROOT, "components", "docker", "pgbouncer") },
        skipPush: true,
      },
      { parent: this },
    );

    this.container = new docker.Container(
      names.pgbouncer,
      {
        name: names.pgbouncer,
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
        labels: labels(plan.settings.stack, "pgbouncer"),
      },
      // Two PgBouncers at once would open twice the server connections the budget allows.
      { parent: this, dependsOn: args.dependsOn, deleteBeforeReplace: true },
    );
    this.endpoint = { host: names.pgbouncer, port: String(PGBOUNCER_PORT) };
    this.registerOutputs({ endpoint: `${this.endpoint.host}:${this.endpoint.port}` });
  }
}
