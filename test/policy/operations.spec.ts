// prod-alarms and log-buckets-private-and-encrypted on the real prod program's resources, and on
// the same resources with one mistake each.
import type { ProgramRun, RecordedResource } from "../../scripts/offline/mockRuntime";
import { logBucketsPrivateAndEncrypted, prodAlarms } from "../../policy/operations";
import { runStack } from "../support/runStack";
import { messages } from "./support";
import { T } from "../../policy/types";

const policies = [prodAlarms, logBucketsPrivateAndEncrypted];
let prod: ProgramRun;
beforeAll(async () => {
  prod = await runStack("prod");
}, 60_000);

const without = (run: ProgramRun, pick: (r: RecordedResource) => boolean) => run.resources.filter((r) => !pick(r));
const edit = (
  run: ProgramRun,
  pick: (r: RecordedResource) => boolean,
  change: (i: Record<string, unknown>) => Record<string, unknown>,
) => run.resources.map((r) => (pick(r) ? { ...r, inputs: change(structuredClone(r.inputs)) } : r));
const isType = (type: string, name?: string) => (r: RecordedResource) =>
  r.type === type && (name === undefined || r.name === name);

test("the prod stack as registered passes; a test stack has nothing to check", async () => {
  expect(await messages(prod.resources, policies)).toEqual([]);
  expect(await messages((await runStack("test")).resources, policies)).toEqual([]);
}, 60_000);

test("no DatabaseConnections alarm, no 5xx alarm", async () => {
  const rs = without(
    prod,
    (r) => r.type === T.metricAlarm && (r.name === "throat-prod-db-connections" || r.name === "throat-prod-http-5xx"),
  );
  expect(await messages(rs, policies)).toEqual([
    "RDS instance throat-prod has no DatabaseConnections alarm: the connection budget can be exceeded unnoticed. Register the stack's alarms (components/aws/alarms.ts, throat:alerts.*).",
    "The load balancer has no 5xx alarm: failing requests go unnoticed until users report them. Register the stack's alarms (components/aws/alarms.ts).",
  ]);
});

test("an alarm that notifies nobody", async () => {
  const rs = edit(prod, isType(T.metricAlarm, "throat-prod-db-cpu"), (i) => ({
    ...i,
    alarmActions: [],
  }));
  expect(await messages(rs, policies)).toEqual([
    "Alarm throat-prod-db-cpu notifies nobody: give it alarmActions (the stack's SNS topic; throat:alerts.email subscribes an address).",
  ]);
});

test("the access-log bucket public, unencrypted, or encrypted with KMS", async () => {
  const block = T.bucketPublicAccess;
  const sse = T.bucketEncryption;
  expect(
    await messages(
      edit(prod, isType(block), (i) => ({ ...i, restrictPublicBuckets: false })),
      policies,
    ),
  ).toEqual([
    "Access-log bucket throat-prod-alb-logs is not private: add a BucketPublicAccessBlock with blockPublicAcls, blockPublicPolicy, ignorePublicAcls, restrictPublicBuckets all true (logs hold every client's address and URL).",
  ]);
  expect(await messages(without(prod, isType(sse)), policies)).toEqual([
    "Access-log bucket throat-prod-alb-logs has no default encryption: add a BucketServerSideEncryptionConfiguration with sseAlgorithm AES256 (SSE-S3).",
  ]);
  expect(
    await messages(
      edit(prod, isType(sse), (i) => ({
        ...i,
        rules: [{ applyServerSideEncryptionByDefault: { sseAlgorithm: "aws:kms" } }],
      })),
      policies,
    ),
  ).toEqual([
    "Access-log bucket throat-prod-alb-logs encrypts with aws:kms: ALB access logs support SSE-S3 (AES256) only, so delivery would fail; use AES256.",
  ]);
});

test("prod with every option of this issue (DNS, endpoints, one NAT, one Redis node, no Container Insights) passes every policy", async () => {
  const { policies: all } = await import("../../policy/policies");
  const run = await runStack("prod", {
    edge: {},
    dns: { zoneId: "Z0123456789ABCDEFGHIJ" },
    aws: { vpcEndpoints: true, natGateways: 1, containerInsights: false, staticTasks: 1 },
    redis: { nodes: 1 },
    alerts: { email: "ops@example.org" },
  });
  expect(await messages(run.resources, all)).toEqual([]);
}, 60_000);
