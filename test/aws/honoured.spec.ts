// The prod-only settings are honoured by the AWS target: each non-default value reaches the
// resource AWS reads it from (profiles.ts says they work on prod; this run shows it).
import type { ProgramRun } from "../../scripts/offline/mockRuntime";
import { ofType } from "../support/runStack";
import { RUN_TIMEOUT, runProd, T } from "./support";

const CERT = "arn:aws:acm:eu-west-1:123456789012:certificate/honoured-1";
let run: ProgramRun;
beforeAll(async () => {
  run = await runProd({
    edge: { certificateArn: CERT },
    database: {
      maxConnections: 400,
      instanceClass: "db.r6g.large",
      allocatedStorage: 50,
      multiAz: true,
      backupRetentionDays: 14,
      engineVersion: 15,
      maxAllocatedStorage: 300,
      applyImmediately: false,
    },
    redis: { nodeType: "cache.r6g.large" },
    aws: { availabilityZones: 3, logRetentionDays: 90 },
    workers: {
      sync: { replicas: { min: 2, max: 6 }, processes: 4, cpu: 2048, memory: 4096 },
      gevent: { replicas: { min: 1, max: 3 }, cpu: 1024, memory: 3072 },
      socketio: { replicas: 2, workerConnections: 200, cpu: 256, memory: 1024 },
    },
  });
}, RUN_TIMEOUT);

test("database.* reach the RDS instance; engineVersion 15 given as a number picks postgres15", () => {
  const [db] = ofType(run, T.rds);
  expect(db!.inputs).toMatchObject({
    instanceClass: "db.r6g.large",
    allocatedStorage: 50,
    multiAz: true,
    backupRetentionPeriod: 14,
    engineVersion: "15",
    maxAllocatedStorage: 300,
    applyImmediately: false,
  });
  expect(ofType(run, T.parameterGroup)[0]!.inputs.family).toBe("postgres15");
});

test("redis.nodeType reaches ElastiCache", () => {
  expect(ofType(run, T.redis)[0]!.inputs.nodeType).toBe("cache.r6g.large");
});

test("aws.availabilityZones makes a subnet pair per zone; aws.logRetentionDays every log group", () => {
  expect(ofType(run, T.subnet)).toHaveLength(6);
  const groups = ofType(run, T.logGroup);
  expect(groups.length).toBeGreaterThan(0);
  for (const g of groups) expect(g.inputs.retentionInDays).toBe(90);
});

test("workers.<kind>.cpu/memory size each kind's task definition", () => {
  const size = (family: RegExp) =>
    ofType(run, T.taskDefinition).find((t) => family.test(String(t.inputs.family)))!.inputs;
  expect(size(/-sync$/)).toMatchObject({ cpu: "2048", memory: "4096" });
  expect(size(/-gevent$/)).toMatchObject({ cpu: "1024", memory: "3072" });
  expect(size(/-socketio$/)).toMatchObject({ cpu: "256", memory: "1024" });
});

test("edge.certificateArn is the HTTPS listener's certificate", () => {
  expect(
    ofType(run, T.listener)
      .map((l) => l.inputs.certificateArn)
      .filter(Boolean),
  ).toEqual([CERT]);
});
