// PostgreSQL from the official image, its data on a named volume, its password made here and
// handed on only as a Pulumi secret. max_connections and the superuser-reserved slots are the
// plan's budget, so the server enforces exactly what the budget counted. With PgBouncer on,
// the workers connect through it; migrations always go straight to PostgreSQL.
import * as docker from "@pulumi/docker";
import * as pulumi from "@pulumi/pulumi";
import * as random from "@pulumi/random";
import { DATABASE_NAME, DATABASE_USER } from "../plan/appConfig";
import type { ConnectionBudget } from "../plan/budget";
import { DatabaseEndpoint, DockerNames, labels } from "./common";
import { POSTGRES_PORT } from "../plan/names";
import { PgBouncer } from "./pgbouncer";

export interface DatabaseArgs {
  /** The plan's Docker names of PostgreSQL, its volume and PgBouncer (`dockerNames()`). */
  names: Pick<DockerNames, "postgres" | "postgresVolume" | "pgbouncer">;
  /** The settings' stack name, for the labels. */
  stack: string;
  /** Prefixes PgBouncer's image repository name (the settings' namePrefix). */
  namePrefix: string;
  /** throat:database.engineVersion: the official image's tag. */
  engineVersion: string;
  /** The budget's database side and, when PgBouncer is on, its side. */
  budget: Pick<ConnectionBudget, "database" | "pgbouncer">;
  network: pulumi.Input<string>;
}

export class Database extends pulumi.ComponentResource {
  /** The `throat` role's password: a secret. */
  readonly password: pulumi.Output<string>;
  readonly postgres: docker.Container;
  readonly pgbouncer?: PgBouncer;
  /** PostgreSQL itself: for migrations, which must not run inside a transaction pool. */
  readonly direct: DatabaseEndpoint;
  /** What the workers use: PgBouncer when enabled, else PostgreSQL. */
  readonly forApp: DatabaseEndpoint;
  /** The containers the app's containers must wait for. */
  readonly appDependencies: pulumi.Resource[];

  constructor(name: string, args: DatabaseArgs, opts?: pulumi.ComponentResourceOptions) {
    super("throat:docker:Database", name, {}, opts);
    const { names, network } = args;
    const budget = args.budget.database;

    // Letters and digits only: the password also lands in PgBouncer's quoted userlist.
    const password = new random.RandomPassword(
      `${names.postgres}-password`,
      { length: 32, special: false },
      { parent: this },
    );
    this.password = pulumi.secret(password.result);

    const image = new docker.RemoteImage(
      `${names.postgres}-image`,
      // keepLocally: other stacks on the host may run the same official image.
      { name: `postgres:${args.engineVersion}`, keepLocally: true },
      { parent: this },
    );
    // Fixed name: Docker would hand a "new" volume of the same name the old one's data, then the
    // old one's deletion would remove it. Its inputs never change; replacing it loses the data.
    const volume = new docker.Volume(
      names.postgresVolume,
      { name: names.postgresVolume, labels: [{ label: "throat.stack", value: args.stack }] },
      { parent: this, deleteBeforeReplace: true },
    );

    this.postgres = new docker.Container(
      names.postgres,
      {
        name: names.postgres,
        image: image.imageId,
        command: [
          "postgres",
          "-c",
          `max_connections=${budget.maxConnections}`,
          "-c",
          `superuser_reserved_connections=${budget.reservedConnections}`,
        ],
        envs: [
          pulumi.secret(pulumi.interpolate`POSTGRES_PASSWORD=${this.password}`),
          `POSTGRES_USER=${DATABASE_USER}`,
          `POSTGRES_DB=${DATABASE_NAME}`,
        ],
        volumes: [{ volumeName: volume.name, containerPath: "/var/lib/postgresql/data" }],
        networksAdvanced: [{ name: network }],
        // Over TCP on purpose: during first-run initialisation the image's temporary server
        // listens on the socket only, so the check turns healthy when the real server is up.
        healthcheck: {
          tests: ["CMD", "pg_isready", "-h", "127.0.0.1", "-U", DATABASE_USER, "-d", DATABASE_NAME],
          interval: "5s",
          timeout: "5s",
          retries: 5,
          startPeriod: "60s",
        },
        // `pulumi up` moves on (to the migration) only once PostgreSQL accepts connections.
        wait: true,
        waitTimeout: 180,
        restart: "unless-stopped",
        // Without it the provider removes a running container with SIGKILL; a clean
        // shutdown spares crash recovery on the next start.
        destroyGraceSeconds: 60,
        labels: labels(args.stack, "database"),
      },
      // One server per volume and a fixed name: the old one must be gone before the new starts.
      { parent: this, deleteBeforeReplace: true },
    );

    this.direct = { host: names.postgres, port: String(POSTGRES_PORT) };
    if (args.budget.pgbouncer) {
      this.pgbouncer = new PgBouncer(
        `${name}-pgbouncer`,
        {
          containerName: names.pgbouncer,
          stack: args.stack,
          namePrefix: args.namePrefix,
          budget: args.budget.pgbouncer,
          network,
          password: this.password,
          upstream: this.direct,
          dependsOn: [this.postgres],
        },
        { parent: this },
      );
      this.forApp = this.pgbouncer.endpoint;
      this.appDependencies = [this.postgres, this.pgbouncer.container];
    } else {
      this.forApp = this.direct;
      this.appDependencies = [this.postgres];
    }
    this.registerOutputs({ postgres: this.postgres.name, endpoint: `${this.forApp.host}:${this.forApp.port}` });
  }
}
