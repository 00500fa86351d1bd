// The AWS tiers that hold data, built alone from their narrow args (as tiersAlone.spec.ts
// builds the others): Redis, the database, the user files' bucket.
import { Database } from "../../components/aws/database";
import { Redis } from "../../components/aws/redis";
import { UserFiles } from "../../components/aws/userFiles";
import type { ProgramRun } from "../../scripts/offline/mockRuntime";
import { one, prodPlan, RUN_TIMEOUT, T } from "./support";
import { buildAlone, childrenOf, typesAndNames, statementsOf } from "./builtAlone";

describe("Redis built alone", () => {
  const NAME = "blue-cache";
  const build = (nodes: number) =>
    buildAlone(() => {
      new Redis(NAME, {
        groupId: "blue",
        redis: { nodeType: "cache.t4g.small", nodes, snapshotRetentionDays: 3 },
        subnetIds: ["subnet-a", "subnet-b"],
        securityGroupId: "sg-redis",
      });
    });
  let two: ProgramRun;
  let single: ProgramRun;
  beforeAll(async () => {
    two = await build(2);
    single = await build(1);
  }, RUN_TIMEOUT);

  test("its subnet group and replication group are named from its name; the group id is the one given", () => {
    expect(typesAndNames(childrenOf(two, "throat:aws:Redis", NAME))).toEqual(
      [`${T.cacheSubnetGroup} ${NAME}`, `${T.redis} ${NAME}`].sort(),
    );
    expect(one(two, T.cacheSubnetGroup, NAME).inputs).toEqual(
      expect.objectContaining({ name: NAME, subnetIds: ["subnet-a", "subnet-b"] }),
    );
    expect(one(two, T.redis, NAME).inputs).toEqual(
      expect.objectContaining({
        replicationGroupId: "blue",
        subnetGroupName: NAME,
        securityGroupIds: ["sg-redis"],
        nodeType: "cache.t4g.small",
        snapshotRetentionLimit: 3,
        transitEncryptionEnabled: true,
      }),
    );
  });

  test("failover and multi-AZ with a replica, neither with one node (ElastiCache refuses it)", () => {
    expect(one(two, T.redis, NAME).inputs).toEqual(
      expect.objectContaining({ numCacheClusters: 2, automaticFailoverEnabled: true, multiAzEnabled: true }),
    );
    expect(one(single, T.redis, NAME).inputs).toEqual(
      expect.objectContaining({ numCacheClusters: 1, automaticFailoverEnabled: false, multiAzEnabled: false }),
    );
  });
});

describe("Database built alone", () => {
  const NAME = "blue-data";
  const database = { ...prodPlan().settings.database, instanceClass: "db.t4g.small", multiAz: false };
  let run: ProgramRun;
  beforeAll(async () => {
    run = await buildAlone(() => {
      new Database(NAME, {
        namePrefix: "blue",
        database,
        maxConnections: 345,
        subnetIds: ["subnet-priv-a"],
        securityGroupId: "sg-db",
        logRetentionDays: 30,
      });
    });
  }, RUN_TIMEOUT);

  test("the instance is the namePrefix, protected, in the given group, with the given size", () => {
    const instance = one(run, T.rds, "blue-postgres");
    expect(instance.protect).toBe(true);
    expect(instance.inputs).toEqual(
      expect.objectContaining({
        identifier: "blue",
        instanceClass: "db.t4g.small",
        multiAz: false,
        allocatedStorage: database.allocatedStorage,
        engineVersion: database.engineVersion,
        vpcSecurityGroupIds: ["sg-db"],
        deletionProtection: true,
        publiclyAccessible: false,
      }),
    );
    expect(instance.secretInputs).toContain("password");
    expect(one(run, T.dbSubnetGroup, "blue-db").inputs.subnetIds).toEqual(["subnet-priv-a"]);
  });

  test("max_connections is the given budget's", () => {
    const [group, ...more] = run.resources.filter((r) => r.type === T.parameterGroup);
    expect(more).toEqual([]);
    expect(group!.name.startsWith("blue-postgres")).toBe(true);
    expect(group!.inputs.parameters).toEqual([expect.objectContaining({ name: "max_connections", value: "345" })]);
  });
});

describe("UserFiles built alone", () => {
  const NAME = "blue-uploads";
  const s3 = prodPlan().storage.s3!;
  const make = (retainOnDelete: boolean) =>
    buildAlone(() => {
      new UserFiles(NAME, { namePrefix: "blue", stack: "blue-stack", s3, retainOnDelete });
    });
  let kept: ProgramRun;
  let dropped: ProgramRun;
  beforeAll(async () => {
    kept = await make(true);
    dropped = await make(false);
  }, RUN_TIMEOUT);
  const bucketArn = `arn:aws:s3:::blue-files-`;

  test("the bucket is named from namePrefix and tagged with the given stack", () => {
    expect(one(kept, T.bucket, "blue-files").inputs).toEqual(
      expect.objectContaining({ bucketPrefix: "blue-files-", tags: { "throat:stack": "blue-stack" } }),
    );
    expect(one(kept, T.oac, "blue-files").inputs.name).toBe("blue-files");
    expect(String(one(kept, T.distribution, "blue-files").inputs.comment)).toContain("blue-stack");
  });

  test("retainOnDelete keeps the bucket and its configuration on destroy; without it destroy may empty it", () => {
    for (const type of [T.bucket, T.bucketVersioning, T.bucketPolicy, T.bucketPublicAccess])
      expect([one(kept, type, "blue-files").retainOnDelete, one(dropped, type, "blue-files").retainOnDelete]).toEqual([
        true,
        false,
      ]);
    expect(one(kept, T.bucket, "blue-files").inputs.forceDestroy).toBe(false);
    expect(one(dropped, T.bucket, "blue-files").inputs.forceDestroy).toBe(true);
  });

  test("the app role gets the given actions on uploads and thumbnails, never on assets; the migration only assets", () => {
    const objects = (...keyPrefixes: string[]) =>
      keyPrefixes.map((p) => expect.stringMatching(new RegExp(`^${bucketArn}[0-9a-f]+/${p}\\*$`)));
    expect(statementsOf(one(kept, T.rolePolicy, "blue-app-task"))).toEqual([
      expect.objectContaining({
        Effect: "Allow",
        Action: s3.appActions,
        Resource: objects(s3.prefixes.uploads, s3.prefixes.thumbnails),
      }),
      expect.objectContaining({ Effect: "Deny", Action: s3.appActions, Resource: objects(s3.prefixes.assets) }),
    ]);
    expect(statementsOf(one(kept, T.rolePolicy, "blue-migrate-task"))).toEqual([
      expect.objectContaining({ Effect: "Allow", Action: s3.assetActions, Resource: objects(s3.prefixes.assets) }),
    ]);
  });
});
