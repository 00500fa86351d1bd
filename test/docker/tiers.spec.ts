// The other Docker tiers, each built alone under the project's mocks from its own narrow args:
// the migration one-off, the database with and without PgBouncer, Redis, the network, the
// user-file volumes and the app secrets.
import * as docker from "@pulumi/docker";
import type { Plan } from "../../components/plan";
import { THROAT_WORKDIR } from "../../components/plan/names";
import { Database } from "../../components/docker/database";
import { Migration, MigrationArgs } from "../../components/docker/migration";
import { StackNetwork } from "../../components/docker/network";
import { Redis } from "../../components/docker/redis";
import { AppSecrets } from "../../components/docker/secrets";
import { UserFiles } from "../../components/docker/userFiles";
import { T } from "../../policy/types";
import { buildAlone, childrenOf, namesOf, testPlan } from "./component";
import { labelOf, uploadsOf } from "./support";

let plan: Plan;
beforeAll(() => {
  plan = testPlan();
});

/** A network the mock provider accepts containers on. */
const testNetwork = () => new docker.Network("the-net", { name: "the-net" }).name;

describe("Migration", () => {
  const build = (p: Plan, extra: Partial<MigrationArgs> = {}) =>
    buildAlone(() => {
      const gate = new docker.Network("database-gate", { name: "database-gate" });
      new Migration("migration", {
        containerName: namesOf(p).migration,
        stack: p.settings.stack,
        migration: p.migration,
        configFiles: p.app.configFiles,
        image: "sha256:throat",
        network: testNetwork(),
        env: ["DATABASE_HOST=db.example"],
        dependsOn: [gate],
        ...extra,
      });
    });

  test("runs the plan's migration command once, attached, with its config file and CONFIG_NAME", async () => {
    const run = await build(plan);
    const c = childrenOf(run, "throat:docker:Migration")[namesOf(plan).migration]!;
    expect(c.inputs).toMatchObject({
      name: namesOf(plan).migration,
      command: plan.migration.argv,
      attach: true,
      mustRun: false,
      restart: "no",
    });
    expect(c.inputs.envs).toEqual(["DATABASE_HOST=db.example", `CONFIG_NAME=${plan.migration.configName}`]);
    const config = Object.values(plan.app.configFiles).find((f) => f.name === plan.migration.configName)!;
    expect(uploadsOf(c)[`${THROAT_WORKDIR}/${config.path}`]?.content).toBe(config.text);
    expect(labelOf(c, "throat.tier")).toBe("migration");
    expect(c.deleteBeforeReplace).toBe(true);
    expect(c.dependencies).toContain(run.resources.find((r) => r.name === "database-gate")!.urn);
  });

  test("a migration naming a config file the plan lacks is refused with that name", async () => {
    const missing = { ...plan.migration, configName: "no-such-config" };
    await expect(build(plan, { migration: missing })).rejects.toThrow(/no config file named no-such-config/);
  });
});

describe("Database", () => {
  const build = (budget: Plan["budget"]) =>
    buildAlone(() => {
      new Database("database", {
        names: namesOf(plan),
        stack: plan.settings.stack,
        namePrefix: plan.settings.namePrefix,
        engineVersion: "15",
        budget,
        network: testNetwork(),
      });
    });

  test("PostgreSQL of the given version, limited to the budget's connections, its data on the volume", async () => {
    const run = await build(plan.budget);
    expect(plan.budget.pgbouncer).toBeUndefined();
    const n = namesOf(plan);
    const children = childrenOf(run, "throat:docker:Database");
    expect(Object.keys(children).sort()).toEqual(
      [n.postgres, `${n.postgres}-image`, `${n.postgres}-password`, n.postgresVolume].sort(),
    );
    expect(children[`${n.postgres}-image`]!.inputs.name).toBe("postgres:15");
    const postgres = children[n.postgres]!;
    expect(postgres.inputs.command).toEqual([
      "postgres",
      "-c",
      `max_connections=${plan.budget.database.maxConnections}`,
      "-c",
      `superuser_reserved_connections=${plan.budget.database.reservedConnections}`,
    ]);
    expect(postgres.inputs.volumes).toEqual([
      { volumeName: n.postgresVolume, containerPath: "/var/lib/postgresql/data" },
    ]);
    expect(postgres.secretInputs).toContain("envs");
  });

  test("with a PgBouncer budget: a PgBouncer component sized by it, pointed at PostgreSQL", async () => {
    const pooled = testPlan({ database: { maxConnections: 100, pgbouncer: { enabled: true, poolSize: 25 } } });
    const pool = pooled.budget.pgbouncer!;
    const run = await build(pooled.budget);
    const n = namesOf(plan);
    const pgbouncer = childrenOf(run, "throat:docker:PgBouncer")[n.pgbouncer]!;
    const ini = uploadsOf(pgbouncer)["/etc/pgbouncer/pgbouncer.ini"]!.content!;
    expect(ini).toContain(`default_pool_size = ${pool.poolSize}`);
    expect(ini).toContain(`max_client_conn = ${pool.maxClientConnections}`);
    expect(ini).toContain(`host=${n.postgres} port=5432`);
    const postgres = run.resources.find((r) => r.name === n.postgres)!;
    expect(pgbouncer.dependencies).toContain(postgres.urn);
  });
});

describe("Redis, the network, the user files, the app secrets", () => {
  test("Redis: the official image, the given name, on the given network", async () => {
    const run = await buildAlone(() => {
      new Redis("redis", { containerName: namesOf(plan).redis, stack: plan.settings.stack, network: testNetwork() });
    });
    const c = childrenOf(run, "throat:docker:Redis")[namesOf(plan).redis]!;
    expect(c.inputs.name).toBe(namesOf(plan).redis);
    expect(c.inputs.networksAdvanced).toEqual([{ name: "the-net" }]);
    expect(c.inputs.ports).toBeUndefined();
    expect(labelOf(c, "throat.stack")).toBe(plan.settings.stack);
  });

  test("network: a bridge network of the given name, labelled with the stack", async () => {
    const run = await buildAlone(() => {
      new StackNetwork("network", { networkName: namesOf(plan).network, stack: plan.settings.stack });
    });
    const net = childrenOf(run, "throat:docker:Network")[namesOf(plan).network]!;
    expect(net.type).toBe(T.network);
    expect(net.inputs).toMatchObject({ name: namesOf(plan).network, driver: "bridge" });
    expect(net.deleteBeforeReplace).toBe(true);
  });

  test("user files: one fixed-name volume per planned kind, kept on destroy only when asked", async () => {
    for (const retainOnDelete of [false, true]) {
      let mounts: unknown[] = [];
      const run = await buildAlone(() => {
        const files = new UserFiles("files", {
          storage: { volumes: plan.storage.volumes, retainOnDelete },
          stack: plan.settings.stack,
        });
        mounts = files.appMounts.map((m) => m.containerPath);
      });
      const volumes = childrenOf(run, "throat:docker:UserFiles");
      expect(Object.keys(volumes).sort()).toEqual(plan.storage.volumes.map((v) => v.name).sort());
      for (const v of Object.values(volumes)) expect(v.retainOnDelete).toBe(retainOnDelete);
      expect(mounts).toEqual(plan.storage.volumes.map((v) => v.appPath));
    }
  });

  test("app secrets: a random key named from the prefix unless throat:secretKey is set", async () => {
    const random = await buildAlone(() => {
      new AppSecrets("secrets", { secrets: { secretKey: false, mailPassword: false }, namePrefix: "some-prefix" });
    });
    expect(Object.keys(childrenOf(random, "throat:docker:AppSecrets"))).toEqual(["some-prefix-secret-key"]);
    const given = await buildAlone(
      () => {
        new AppSecrets("secrets", { secrets: { secretKey: true, mailPassword: false }, namePrefix: "some-prefix" });
      },
      { config: { "throat:secretKey": "operator-secret-key-0123456789" }, secretKeys: ["throat:secretKey"] },
    );
    expect(Object.keys(childrenOf(given, "throat:docker:AppSecrets"))).toEqual([]);
  });
});
