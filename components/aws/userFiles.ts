// prod's user files and asset store: one private S3 bucket (plan/storage.ts lays out its
// layout: uploads at the root, thumbs/, static/), read by browsers only through a CloudFront
// distribution with origin access control (OAC), written by the tasks through their task
// roles (no access keys: boto3's default chain finds the ECS task role's credentials).
//
// The bucket: encrypted at rest (SSE-S3), versioned (an overwrite or a delete keeps the old
// version), public access blocked on all four switches, ACLs disabled (BucketOwnerEnforced).
// SSE-S3 rather than SSE-KMS: CloudFront's OAC reads SSE-S3 objects with the bucket policy
// alone; SSE-KMS would also need the key policy to allow the CloudFront service principal
// (CloudFront developer guide, "Restrict access to an Amazon S3 origin").
import * as pulumi from "@pulumi/pulumi";
import * as s3 from "@pulumi/aws/s3";
import * as cloudfront from "@pulumi/aws/cloudfront";
import * as iam from "@pulumi/aws/iam";
import type { StoragePlan } from "../plan/storage";

const TASK_TRUST = {
  Version: "2012-10-17",
  Statement: [{ Effect: "Allow", Principal: { Service: "ecs-tasks.amazonaws.com" }, Action: "sts:AssumeRole" }],
};
/** CloudFront managed cache policy "CachingOptimized" (CloudFront developer guide, managed cache policies). */
export const CACHING_OPTIMIZED = "658327ea-f89d-4fab-a63d-7e88639e58f6";
/**
 * Managed response headers policy "CORS-and-SecurityHeadersPolicy": CORS `*` (as deploy.md
 * serves /static) plus nosniff and friends for user uploads (managed response headers policies).
 */
export const CORS_AND_SECURITY_HEADERS = "e61eb60c-9c35-4d20-a928-2b84e02af89c";
const ORIGIN_ID = "files";

/** The user-file store named `name`; the stack names it `<namePrefix>-user-files`. */
export interface UserFilesArgs {
  /**
   * settings.namePrefix: the bucket's name prefix, the OAC's name, and the `<namePrefix>-files`,
   * `<namePrefix>-app-task`, `<namePrefix>-migrate-task` logical names they had before the
   * component took narrow args (naming them from `name` would change their URNs).
   */
  namePrefix: string;
  /** stack: the `throat:stack` tag and the distribution's comment. */
  stack: string;
  /** plan.storage.s3: the bucket's layout and what each task role may do in it. */
  s3: NonNullable<StoragePlan["s3"]>;
  /** plan.storage.retainOnDelete: `pulumi destroy` keeps the bucket and everything in it. */
  retainOnDelete: boolean;
}

export class UserFiles extends pulumi.ComponentResource {
  readonly bucket: s3.Bucket;
  readonly distribution: cloudfront.Distribution;
  /** The CDN's host name: storage URLs and the static tier's fallback. */
  readonly filesHost: pulumi.Output<string>;
  /** https://<CloudFront domain>: a stack output. */
  readonly url: pulumi.Output<string>;
  /** Worker tasks: Throat's object actions on the user files, never on the release assets. */
  readonly appTaskRole: iam.Role;
  /** The migration task: publishes the release's assets under static/ (PutObject only). */
  readonly migrationTaskRole: iam.Role;

  constructor(name: string, args: UserFilesArgs, opts?: pulumi.ComponentResourceOptions) {
    super("throat:aws:UserFiles", name, {}, opts);
    const { s3: access, retainOnDelete, stack } = args;
    const { prefixes } = access;
    const prefix = args.namePrefix;
    const child = { parent: this };

    // Bucket names are lower case (3-63 characters); the prefix leaves Pulumi room for its suffix.
    const bucketPrefix = `${prefix
      .toLowerCase()
      .replace(/[^a-z0-9-]+/g, "-")
      .slice(0, 30)}-files-`;
    this.bucket = new s3.Bucket(
      `${prefix}-files`,
      {
        bucketPrefix,
        // Without retainOnDelete, destroy must be able to empty a versioned bucket.
        forceDestroy: !retainOnDelete,
        tags: { "throat:stack": stack },
      },
      { parent: this, retainOnDelete: retainOnDelete },
    );
    const bucket = this.bucket.id;
    const keep = { parent: this, retainOnDelete: retainOnDelete };
    new s3.BucketServerSideEncryptionConfiguration(
      `${prefix}-files`,
      {
        bucket,
        rules: [{ applyServerSideEncryptionByDefault: { sseAlgorithm: "AES256" }, bucketKeyEnabled: true }],
      },
      keep,
    );
    new s3.BucketVersioning(`${prefix}-files`, { bucket, versioningConfiguration: { status: "Enabled" } }, keep);
    const publicAccess = new s3.BucketPublicAccessBlock(
      `${prefix}-files`,
      {
        bucket,
        blockPublicAcls: true,
        blockPublicPolicy: true,
        ignorePublicAcls: true,
        restrictPublicBuckets: true,
      },
      keep,
    );
    const ownership = new s3.BucketOwnershipControls(
      `${prefix}-files`,
      { bucket, rule: { objectOwnership: "BucketOwnerEnforced" } },
      keep,
    );

    const oac = new cloudfront.OriginAccessControl(
      `${prefix}-files`,
      {
        name: `${prefix}-files`,
        description: "Throat user files and assets: CloudFront signs every request to the bucket",
        originAccessControlOriginType: "s3",
        signingBehavior: "always",
        signingProtocol: "sigv4",
      },
      child,
    );
    this.distribution = new cloudfront.Distribution(
      `${prefix}-files`,
      {
        enabled: true,
        comment: `Throat ${stack}: user files and every release's static assets`,
        origins: [
          { originId: ORIGIN_ID, domainName: this.bucket.bucketRegionalDomainName, originAccessControlId: oac.id },
        ],
        defaultCacheBehavior: {
          targetOriginId: ORIGIN_ID,
          viewerProtocolPolicy: "redirect-to-https",
          allowedMethods: ["GET", "HEAD"],
          cachedMethods: ["GET", "HEAD"],
          compress: true,
          cachePolicyId: CACHING_OPTIMIZED,
          responseHeadersPolicyId: CORS_AND_SECURITY_HEADERS,
        },
        priceClass: "PriceClass_100",
        httpVersion: "http2and3",
        restrictions: { geoRestriction: { restrictionType: "none" } },
        viewerCertificate: { cloudfrontDefaultCertificate: true },
        tags: { "throat:stack": stack },
      },
      child,
    );
    this.filesHost = this.distribution.domainName;
    this.url = pulumi.interpolate`https://${this.filesHost}`;

    const objects = (...keyPrefixes: string[]) => keyPrefixes.map((p) => pulumi.interpolate`${this.bucket.arn}/${p}*`);
    new s3.BucketPolicy(
      `${prefix}-files`,
      {
        bucket,
        policy: pulumi.jsonStringify({
          Version: "2012-10-17",
          Statement: [
            {
              Sid: "CloudFrontReadsThroughOac",
              Effect: "Allow",
              Principal: { Service: "cloudfront.amazonaws.com" },
              Action: "s3:GetObject",
              // Every key: uploads at the root, thumbs/ and static/ are all for browsers.
              Resource: objects(""),
              Condition: { StringEquals: { "AWS:SourceArn": this.distribution.arn } },
            },
            {
              Sid: "TlsOnly",
              Effect: "Deny",
              Principal: "*",
              Action: "s3:*",
              Resource: [this.bucket.arn, pulumi.interpolate`${this.bucket.arn}/*`],
              Condition: { Bool: { "aws:SecureTransport": "false" } },
            },
          ],
        }),
        // S3 refuses a bucket policy while the public access block is still being applied.
      },
      { ...keep, dependsOn: [publicAccess, ownership] },
    );

    const taskRole = (role: string, statements: Record<string, unknown>[]) => {
      const r = new iam.Role(
        `${prefix}-${role}-task`,
        {
          assumeRolePolicy: JSON.stringify(TASK_TRUST),
          description: `Throat ${role} tasks: S3 access of the app itself`,
        },
        child,
      );
      new iam.RolePolicy(
        `${prefix}-${role}-task`,
        { role: r.id, policy: pulumi.jsonStringify({ Version: "2012-10-17", Statement: statements }) },
        child,
      );
      return r;
    };
    // Uploads sit at the bucket root (plan/storage.ts), so the grant covers every key and an
    // explicit deny (which wins over any allow) keeps every release's assets out of reach.
    this.appTaskRole = taskRole("app", [
      { Effect: "Allow", Action: access.appActions, Resource: objects(prefixes.uploads, prefixes.thumbnails) },
      {
        Sid: "ReleaseAssetsAreTheMigrations",
        Effect: "Deny",
        Action: access.appActions,
        Resource: objects(prefixes.assets),
      },
    ]);
    this.migrationTaskRole = taskRole("migrate", [
      { Effect: "Allow", Action: access.assetActions, Resource: objects(prefixes.assets) },
    ]);
    this.registerOutputs({ bucket: this.bucket.bucket, url: this.url });
  }
}
