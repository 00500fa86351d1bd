// The test profile on one Docker host: the plan's deployment as containers, one component per
// tier. Order, as `pulumi up` runs it: network and images; PostgreSQL, Redis (and PgBouncer)
// healthy; the migration exited 0; the workers healthy; then the edge.
import * as pulumi from "@pulumi/pulumi";
import type { Plan } from "../plan";
import type { AdminTarget } from "../plan/admin";
import type { TargetOutputs } from "../outputs";
import { dockerNames, THROAT_WORKDIR } from "../plan/names";
import { appEnv } from "./common";
import { Database } from "./database";
import { Edge } from "./edge";
import { Images } from "./images";
import { Migration } from "./migration";
import { StackNetwork } from "./network";
import { Redis } from "./redis";
import { AppSecrets } from "./secrets";
import { UserFiles } from "./userFiles";
import { Workers } from "./workers";

export class DockerStack extends pulumi.ComponentResource implements TargetOutputs {
  readonly url: pulumi.Output<string>;
  readonly admin: pulumi.Output<AdminTarget>;

  constructor(name: string, args: { plan: Plan }, opts?: pulumi.ComponentResourceOptions) {
    super("throat:docker:DockerStack", name, {}, opts);
    const { plan } = args;
    const s = plan.settings;
    const parent = { parent: this };

    // The plan's Docker names: each tier gets the ones its children carry.
    const names = dockerNames(s, plan.workers);
    const stack = s.stack;

    const network = new StackNetwork(`${name}-network`, { networkName: names.network, stack }, parent).name;
    const images = new Images(`${name}-images`, { image: s.image, namePrefix: s.namePrefix }, parent);
    const appSecrets = new AppSecrets(`${name}-secrets`, { secrets: s.secrets, namePrefix: s.namePrefix }, parent);
    const database = new Database(
      `${name}-database`,
      {
        names,
        stack,
        namePrefix: s.namePrefix,
        engineVersion: s.database.engineVersion,
        budget: plan.budget,
        network,
      },
      parent,
    );
    const redis = new Redis(`${name}-redis`, { containerName: names.redis, stack, network }, parent);
    const secrets = {
      databasePassword: database.password,
      secretKey: appSecrets.secretKey,
      mailPassword: appSecrets.mailPassword,
    };
    const redisEndpoint = { redisHost: redis.host, redisPort: redis.port };
    const userFiles = new UserFiles(`${name}-user-files`, { storage: plan.storage, stack }, parent);

    const migration = new Migration(
      `${name}-migration`,
      {
        containerName: names.migration,
        stack,
        migration: plan.migration,
        configFiles: plan.app.configFiles,
        image: images.throat,
        network,
        volumes: userFiles.appMounts,
        env: appEnv(
          plan.app,
          { databaseHost: database.direct.host, databasePort: database.direct.port, ...redisEndpoint },
          secrets,
        ),
        dependsOn: [database.postgres, redis.container],
      },
      parent,
    );
    const workers = new Workers(
      `${name}-workers`,
      {
        workers: plan.workers,
        configFiles: plan.app.configFiles,
        alias: names.alias,
        stack,
        maxPercent: s.deploy.maxPercent,
        image: images.throat,
        network,
        volumes: userFiles.appMounts,
        env: appEnv(
          plan.app,
          { databaseHost: database.forApp.host, databasePort: database.forApp.port, ...redisEndpoint },
          secrets,
        ),
        dependsOn: migration.dependencies([...database.appDependencies, redis.container]),
      },
      parent,
    );
    new Edge(
      `${name}-edge`,
      {
        containerName: names.edge,
        stack,
        tls: s,
        ports: s.edge,
        edge: plan.edge,
        image: images.edge,
        network,
        workers: workers.containers,
        volumes: userFiles.edgeMounts,
      },
      parent,
    );

    this.url = pulumi.output(`https://${s.siteName}${s.edge.httpsPort === 443 ? "" : `:${s.edge.httpsPort}`}`);
    // npm run throat: a one-off container beside the sync workers (scripts/throat.ts).
    this.admin = network.apply((n): AdminTarget => ({
      profile: "test",
      network: n,
      workerLabels: { "throat.stack": s.stack, "throat.worker": "sync" },
      workdir: THROAT_WORKDIR,
    }));
    this.registerOutputs({ url: this.url, admin: this.admin });
  }
}
