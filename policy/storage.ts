// No public S3 bucket. A stack policy, because a bucket's exposure is spread over several
// resources: the bucket (a legacy inline `acl`), its public access block, its ownership
// controls (ACLs disabled), its ACL resources and its bucket policy. They are matched to the
// bucket by the resource their `bucket` property came from (propertyDependencies: the name is
// unknown at preview) or, for buckets the stack does not create, by literal name.
//
// A bucket passes when its public access block turns on all four switches (AWS: "we recommend
// that you turn on all four settings", S3 user guide, "Blocking public access to your Amazon S3
// storage"), its ownership is BucketOwnerEnforced (ACLs disabled: no object ACL can make a file
// public), no ACL grants public access, and no bucket policy statement allows everyone
// (Principal "*" or {"AWS": "*"}) without a condition that names who.
// Cannot see: the account-level public access block, access points, policies set outside the
// stack, presigned URLs.
import type { PolicyResource, ReportViolation, StackValidationPolicy } from "@pulumi/policy";
import { Data, firstUnknown, known, list, read, record, text } from "./data";
import { T } from "./types";

const BUCKETS: string[] = [T.bucket, T.bucketV2];
const PUBLIC_ACCESS_BLOCK = T.bucketPublicAccess;
const OWNERSHIP: string[] = [T.bucketOwnership];
const ACLS: string[] = [T.bucketAcl, T.bucketAclV2];
const POLICIES: string[] = [T.bucketPolicy];
const SWITCHES = ["blockPublicAcls", "blockPublicPolicy", "ignorePublicAcls", "restrictPublicBuckets"] as const;
const PUBLIC_CANNED_ACLS = ["public-read", "public-read-write", "authenticated-read"];

export const privateBuckets: StackValidationPolicy = {
  name: "s3-bucket-not-public",
  description:
    "Every S3 bucket blocks public access (all four switches), has ACLs disabled, and no ACL or bucket policy opens it to everyone.",
  enforcementLevel: "mandatory",
  validateStack: (args, reportViolation) => {
    const buckets = args.resources.filter((r) => BUCKETS.includes(r.type));
    // The resources that configure a bucket, by the bucket they name.
    const of = (types: string[]) => (bucket: PolicyResource) =>
      args.resources.filter((r) => types.includes(r.type) && namesBucket(r, bucket));
    for (const bucket of buckets) {
      const subject = `S3 bucket ${bucket.name}`;
      const report: ReportViolation = (message) => reportViolation(`${subject} ${message}`, bucket.urn);
      const acl = text(known(read(bucket.props, "acl")));
      if (acl && PUBLIC_CANNED_ACLS.includes(acl))
        report(
          `has the canned ACL "${acl}": remove it; readers get files through CloudFront (origin access control), never from the bucket.`,
        );

      const blocks = of([PUBLIC_ACCESS_BLOCK])(bucket);
      if (!blocks.length)
        report(
          "has no public access block: add an aws.s3.BucketPublicAccessBlock with blockPublicAcls, blockPublicPolicy, ignorePublicAcls and restrictPublicBuckets all true.",
        );
      for (const block of blocks) {
        const off = SWITCHES.filter((k) => known(read(block.props, k)) !== true);
        if (off.length)
          report(`has public access block ${block.name} with ${off.join(", ")} not true: set all four to true.`);
      }

      const enforced = of(OWNERSHIP)(bucket).some(
        (o) =>
          text(known(read(record(known(read(o.props, "rule"))) ?? {}, "objectOwnership"))) === "BucketOwnerEnforced",
      );
      if (!enforced)
        report(
          "keeps ACLs enabled: add aws.s3.BucketOwnershipControls with objectOwnership BucketOwnerEnforced, so no object ACL can make a file public.",
        );

      for (const a of of(ACLS)(bucket)) {
        const canned = text(known(read(a.props, "acl")));
        const grants = list(known(read(record(known(read(a.props, "accessControlPolicy"))) ?? {}, "grants")));
        const publicGrant = grants.some((g) => /AllUsers|AuthenticatedUsers/.test(JSON.stringify(g)));
        if ((canned && PUBLIC_CANNED_ACLS.includes(canned)) || publicGrant)
          report(`has ACL ${a.name} that grants public access: remove it.`);
      }

      for (const p of of(POLICIES)(bucket)) {
        for (const statement of publicStatements(known(read(p.props, "policy")))) {
          report(
            `has bucket policy ${p.name} allowing everyone (${statement}): name the principal (for CloudFront: Service cloudfront.amazonaws.com with an AWS:SourceArn condition).`,
          );
        }
      }
    }
  },
};

/** Does `r`'s `bucket` property name this bucket: by the resource it came from, else by literal name? */
function namesBucket(r: PolicyResource, bucket: PolicyResource): boolean {
  if ((r.propertyDependencies.bucket ?? []).some((d) => d.urn === bucket.urn)) return true;
  const name = text(read(r.props, "bucket"));
  return name !== undefined && [text(read(bucket.props, "bucket")), bucket.name].includes(name);
}

/** Statements of a policy document that allow every principal with no condition. */
function publicStatements(policy: Data): string[] {
  const unknown = firstUnknown(policy);
  if (unknown) throw unknown.error;
  let doc: unknown = policy;
  if (typeof policy === "string") {
    try {
      doc = JSON.parse(policy);
    } catch {
      return [];
    }
  }
  const statements = [(doc as { Statement?: unknown }).Statement ?? []].flat() as Array<Record<string, unknown>>;
  return statements
    .filter((s) => s.Effect === "Allow" && isEveryone(s.Principal) && !s.Condition)
    .map(
      (s) =>
        `${s.Sid ? `${String(s.Sid)}: ` : ""}${JSON.stringify(s.Action)} for Principal ${JSON.stringify(s.Principal)}`,
    );
}

function isEveryone(principal: unknown): boolean {
  if (principal === "*") return true;
  const aws = (principal as { AWS?: unknown } | undefined)?.AWS;
  return [aws].flat().includes("*");
}
