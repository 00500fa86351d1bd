// `pulumi destroy` and the ALB's access-log bucket: it always holds logs (ELB writes a test
// object at once), S3 deletes only an empty bucket (BucketNotEmpty), and the logs are evidence
// deleted by age only. So destroy keeps it, with everything that keeps it private, encrypted and
// expiring (scripts/offline/rules/lifecycle.ts destroyRefusals, strippedRetainedBuckets).
import type { ProgramRun } from "../../scripts/offline/mockRuntime";
import { destroyRefusals, strippedRetainedBuckets } from "../../scripts/offline/rules/lifecycle";
import { ofType } from "../support/runStack";
import { RUN_TIMEOUT, runProd, T, PREFIX } from "./support";

let run: ProgramRun;
beforeAll(async () => {
  run = await runProd();
}, RUN_TIMEOUT);

const LOGS = `${PREFIX}-alb-logs`;
const CONFIGURATION = [T.bucketPolicy, T.bucketEncryption, T.bucketOwnership, T.bucketPublicAccess, T.bucketLifecycle];

test("destroy keeps the access-log bucket and its policy, lifecycle, encryption, ownership and access block", () => {
  expect(destroyRefusals(run, {})).toEqual([]);
  expect(strippedRetainedBuckets(run)).toEqual([]);
  const bucket = ofType(run, T.bucket).find((b) => b.name === LOGS)!;
  expect(bucket.retainOnDelete).toBe(true);
  expect(bucket.inputs.forceDestroy).toBeUndefined();
  const around = run.resources.filter((r) => (r.propertyDependencies.bucket ?? []).includes(bucket.urn));
  expect(around.map((r) => r.type).sort()).toEqual([...CONFIGURATION].sort());
  for (const r of around) expect([r.type, r.retainOnDelete]).toEqual([r.type, true]);
});

test("the mock refuses deleting the bucket the load balancer logs into (BucketNotEmpty), and a kept bucket stripped", () => {
  const deleted = {
    ...run,
    resources: run.resources.map((r) => (r.name === LOGS ? { ...r, retainOnDelete: false } : r)),
  };
  expect(destroyRefusals(deleted, {})).toEqual([
    `${LOGS}: BucketNotEmpty: The bucket you tried to delete is not empty`,
  ]);
  const stripped = {
    ...run,
    resources: run.resources.map((r) =>
      r.type === T.bucketLifecycle && r.name === LOGS ? { ...r, retainOnDelete: false } : r,
    ),
  };
  expect(strippedRetainedBuckets(stripped)).toEqual([
    expect.stringMatching(new RegExp(`^${LOGS} \\(${T.bucketLifecycle}\\): deleted by destroy`)),
  ]);
});
