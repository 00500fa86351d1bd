// RDS PostgreSQL: the parameter group's family matches the engine and sets the plan's
// max_connections (a static parameter); the instance is encrypted, backed up, private, and
// protected three ways. Redis: the configured node type, private, encrypted at rest.
import type { ProgramRun } from "../../scripts/offline/mockRuntime";
import { autoName } from "../../scripts/offline/rules/awsNames";
import { ofType } from "../support/runStack";
import { containers, envOf, prodPlan, RUN_TIMEOUT, runProd, T, PREFIX } from "./support";

const plan = prodPlan();
let run: ProgramRun;
let pg15: ProgramRun;
beforeAll(async () => {
  run = await runProd();
  pg15 = await runProd({
    database: {
      maxConnections: 400,
      engineVersion: "15",
      instanceClass: "db.t4g.large",
      multiAz: false,
      backupRetentionDays: 14,
    },
  });
}, RUN_TIMEOUT);

const instanceOf = (r: ProgramRun) => ofType(r, T.rds)[0]!;
const groupOf = (r: ProgramRun) => ofType(r, T.parameterGroup)[0]!;

test("the parameter group's family matches the engine version, and the instance uses that group", () => {
  for (const [r, version] of [
    [run, "16"],
    [pg15, "15"],
  ] as const) {
    const instance = instanceOf(r);
    const group = groupOf(r);
    expect(instance.inputs.engine).toBe("postgres");
    expect(instance.inputs.engineVersion).toBe(version);
    expect(group.inputs.family).toBe(`postgres${version}`);
    // Auto-named group: the instance takes the name the provider gives it.
    expect(instance.inputs.parameterGroupName).toBe(autoName(group.name));
  }
});

test("max_connections is the plan's, applied at reboot (a static parameter)", () => {
  expect(groupOf(run).inputs.parameters).toEqual([
    { name: "max_connections", value: String(plan.budget.database.maxConnections), applyMethod: "pending-reboot" },
  ]);
  expect(plan.budget.database.maxConnections).toBe(400);
});

test("encrypted, backed up, private, and protected: protect, deletion protection, final snapshot", () => {
  const instance = instanceOf(run);
  expect(instance.protect).toBe(true);
  expect(instance.inputs).toMatchObject({
    storageEncrypted: true,
    deletionProtection: true,
    skipFinalSnapshot: false,
    finalSnapshotIdentifier: expect.stringMatching(new RegExp(String.raw`^${PREFIX}-final-[0-9a-f]{8}$`)),
    backupRetentionPeriod: plan.settings.database.backupRetentionDays,
    publiclyAccessible: false,
    multiAz: true,
    instanceClass: "db.t4g.large",
    allocatedStorage: plan.settings.database.allocatedStorage,
    identifier: PREFIX,
    dbName: "throat",
    username: "throat",
    port: 5432,
  });
  expect(instance.secretInputs).toContain("password");
  // Settings reach the instance as given.
  expect(instanceOf(pg15).inputs).toMatchObject({ multiAz: false, backupRetentionPeriod: 14, engineVersion: "15" });
  // Nothing else is protected: `pulumi destroy` stops at the database, and only there.
  expect(run.resources.filter((r) => r.protect).map((r) => r.type)).toEqual([T.rds]);
});

test("Redis: a replication group of the configured node type, failover across zones, encrypted at rest", () => {
  const redis = ofType(run, T.redis)[0]!.inputs;
  expect(redis).toMatchObject({
    engine: "redis",
    nodeType: plan.settings.redis.nodeType,
    port: 6379,
    numCacheClusters: 2,
    automaticFailoverEnabled: true,
    multiAzEnabled: true,
    atRestEncryptionEnabled: true,
    transitEncryptionEnabled: true,
  });
});

test("the workers and the migration reach both by the endpoints RDS and ElastiCache report", () => {
  for (const td of ofType(run, T.taskDefinition).filter((t) => t.name !== `${PREFIX}-static`)) {
    const env = envOf(containers(td)[0]!);
    expect(env.DATABASE_HOST).toMatch(new RegExp(String.raw`^${PREFIX}\..*\.rds\.amazonaws\.com$`));
    expect(env.DATABASE_PORT).toBe("5432");
    expect(env.APP_REDIS_URL).toMatch(new RegExp(String.raw`^rediss:\/\/master\.${PREFIX}\..*:6379\/0$`));
    expect(env.CACHE_REDIS_URL).toMatch(new RegExp(String.raw`^rediss:\/\/master\.${PREFIX}\..*:6379\/1$`));
  }
});
