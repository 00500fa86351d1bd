// s3-bucket-not-public: the real prod stack passes; each way of making its bucket public (or
// leaving a door open) is refused, naming the bucket and the fix.
import { privateBuckets } from "../../policy/storage";
import type { ProgramRun } from "../../scripts/offline/mockRuntime";
import { runStack } from "../support/runStack";
import { messages, type Registered, resource } from "./support";
import { T } from "../../policy/types";

const RUN_TIMEOUT = 60_000;
const BUCKET = T.bucket;
const BLOCK = T.bucketPublicAccess;
const OWNERSHIP = T.bucketOwnership;
const POLICY = T.bucketPolicy;
const NAME = "throat-prod-files";

let run: ProgramRun;
beforeAll(async () => {
  run = await runStack("prod");
}, RUN_TIMEOUT);

const check = (rs: Registered[]) => messages(rs, [privateBuckets]);
const without = (type: string) => run.resources.filter((r) => !(r.type === type && r.name === NAME));
const edited = (type: string, change: (inputs: Record<string, unknown>) => Record<string, unknown>) =>
  run.resources.map((r) =>
    r.type === type && r.name === NAME ? { ...r, inputs: change(structuredClone(r.inputs)) } : r,
  );
const bucket = () => run.resources.find((r) => r.type === BUCKET && r.name === NAME)!;

test("the prod stack's bucket passes", async () => {
  // The user files' bucket, and the ALB's access-log bucket: both pass.
  expect(
    run.resources
      .filter((r) => r.type === BUCKET)
      .map((r) => r.name)
      .sort(),
  ).toEqual(["throat-prod-alb-logs", NAME]);
  expect(await check(run.resources)).toEqual([]);
});

test("no public access block", async () => {
  expect(await check(without(BLOCK))).toEqual([
    `S3 bucket ${NAME} has no public access block: add an aws.s3.BucketPublicAccessBlock with blockPublicAcls, blockPublicPolicy, ignorePublicAcls and restrictPublicBuckets all true.`,
  ]);
});

test("a switch of the block off, or left to its default", async () => {
  const rs = edited(BLOCK, (i) => ({ ...i, restrictPublicBuckets: false, ignorePublicAcls: undefined }));
  expect(await check(rs)).toEqual([
    `S3 bucket ${NAME} has public access block ${NAME} with ignorePublicAcls, restrictPublicBuckets not true: set all four to true.`,
  ]);
});

test("ACLs left enabled", async () => {
  const expected = [
    `S3 bucket ${NAME} keeps ACLs enabled: add aws.s3.BucketOwnershipControls with objectOwnership BucketOwnerEnforced, so no object ACL can make a file public.`,
  ];
  expect(await check(without(OWNERSHIP))).toEqual(expected);
  expect(await check(edited(OWNERSHIP, (i) => ({ ...i, rule: { objectOwnership: "ObjectWriter" } })))).toEqual(
    expected,
  );
});

test("a public canned ACL on the bucket", async () => {
  const rs = run.resources.map((r) => (r === bucket() ? { ...r, inputs: { ...r.inputs, acl: "public-read" } } : r));
  expect(await check(rs)).toEqual([
    `S3 bucket ${NAME} has the canned ACL "public-read": remove it; readers get files through CloudFront (origin access control), never from the bucket.`,
  ]);
});

test("a bucket policy that lets everyone read", async () => {
  const rs = edited(POLICY, (i) => {
    const doc = JSON.parse(String(i.policy)) as { Statement: unknown[] };
    doc.Statement.push({
      Sid: "PublicRead",
      Effect: "Allow",
      Principal: { AWS: "*" },
      Action: "s3:GetObject",
      Resource: "arn:aws:s3:::x/*",
    });
    return { ...i, policy: JSON.stringify(doc) };
  });
  expect(await check(rs)).toEqual([
    `S3 bucket ${NAME} has bucket policy ${NAME} allowing everyone (PublicRead: "s3:GetObject" for Principal {"AWS":"*"}): name the principal (for CloudFront: Service cloudfront.amazonaws.com with an AWS:SourceArn condition).`,
  ]);
});

test("a bucket the stack does not create is matched by its literal name", async () => {
  const other = resource(BUCKET, "uploads", { bucket: "someone-elses-uploads" });
  const block = resource(BLOCK, "uploads", {
    bucket: "someone-elses-uploads",
    blockPublicAcls: true,
    blockPublicPolicy: true,
    ignorePublicAcls: true,
    restrictPublicBuckets: true,
  });
  const ownership = resource(OWNERSHIP, "uploads", {
    bucket: "someone-elses-uploads",
    rule: { objectOwnership: "BucketOwnerEnforced" },
  });
  expect(await check([other, block, ownership])).toEqual([]);
  expect(await check([other, ownership])).toEqual([
    expect.stringMatching(/^S3 bucket uploads has no public access block/),
  ]);
});
