// The ALB's access logs: a private S3 bucket, encrypted with SSE-S3 (ELB access logs: "The only
// server-side encryption option that's supported is Amazon S3-managed keys (SSE-S3)"; SSE-KMS is
// refused), a lifecycle rule that deletes logs after throat:aws.accessLogDays, and the bucket
// policy ELB delivers with. Who delivers differs by region (ELB "Enable access logs for your
// Application Load Balancer"): regions available before August 2022 write as the region's ELB
// account (elb.getServiceAccount), newer ones as the logdelivery.elasticloadbalancing
// service principal; the policy grants both, scoped to this bucket's AWSLogs/<account>/ prefix.
import * as pulumi from "@pulumi/pulumi";
import * as s3 from "@pulumi/aws/s3";
import { getCallerIdentityOutput } from "@pulumi/aws/getCallerIdentity";
import { getServiceAccountOutput } from "@pulumi/aws/elb/getServiceAccount";

/** Key prefix of the ALB's log objects (ELB adds AWSLogs/<account>/ after it). */
export const ACCESS_LOG_PREFIX = "alb";

/** The access-log store named `name`; the stack names it `<namePrefix>-access-logs`. */
export interface AccessLogsArgs {
  /**
   * The logical name of the bucket and of its policy, encryption, ownership and lifecycle
   * resources; the stack gives `<namePrefix>-alb-logs`, the name they had before the component
   * took narrow args (it is not derived from `name`). The bucket is auto-named, so its physical
   * name is this plus Pulumi's random suffix.
   */
  bucketLogicalName: string;
  /** throat:aws.accessLogDays: the lifecycle rule deletes a log object this many days old. */
  expirationDays: number;
}

export class AccessLogs extends pulumi.ComponentResource {
  readonly bucketName: pulumi.Output<string>;
  /** The ALB must be configured only once the policy lets ELB write (it test-writes at once). */
  readonly ready: pulumi.Resource[];

  constructor(name: string, args: AccessLogsArgs, opts?: pulumi.ComponentResourceOptions) {
    super("throat:aws:AccessLogs", name, {}, opts);
    const logical = args.bucketLogicalName;
    // Kept by `pulumi destroy`, on purpose, with everything that keeps it private, encrypted and
    // expiring: the bucket always holds logs (ELB writes a test object as soon as the load
    // balancer is configured), and S3 deletes only an empty bucket (DeleteBucket: BucketNotEmpty,
    // "The bucket you tried to delete is not empty"). Not forceDestroy: logs are evidence,
    // deleted by age only; README "Destroy (AWS)" says how to remove the bucket by hand.
    const parent = { parent: this, retainOnDelete: true };
    // Auto-named: bucket names are global.
    const bucket = new s3.Bucket(logical, {}, parent);
    const block = new s3.BucketPublicAccessBlock(
      logical,
      {
        bucket: bucket.id,
        blockPublicAcls: true,
        blockPublicPolicy: true,
        ignorePublicAcls: true,
        restrictPublicBuckets: true,
      },
      parent,
    );
    const encryption = new s3.BucketServerSideEncryptionConfiguration(
      logical,
      {
        bucket: bucket.id,
        rules: [{ applyServerSideEncryptionByDefault: { sseAlgorithm: "AES256" } }],
      },
      parent,
    );
    new s3.BucketOwnershipControls(
      logical,
      { bucket: bucket.id, rule: { objectOwnership: "BucketOwnerEnforced" } },
      parent,
    );
    new s3.BucketLifecycleConfiguration(
      logical,
      {
        bucket: bucket.id,
        rules: [
          {
            id: "expire-access-logs",
            status: "Enabled",
            filter: {},
            expiration: { days: args.expirationDays },
          },
        ],
      },
      parent,
    );
    const account = getCallerIdentityOutput({}, { parent: this }).accountId;
    const elbAccount = getServiceAccountOutput({}, { parent: this }).arn;
    const logObjects = pulumi.interpolate`${bucket.arn}/${ACCESS_LOG_PREFIX}/AWSLogs/${account}/*`;
    const policy = new s3.BucketPolicy(
      logical,
      {
        bucket: bucket.id,
        policy: pulumi.jsonStringify({
          Version: "2012-10-17",
          Statement: [
            {
              Sid: "ElbAccountWrites",
              Effect: "Allow",
              Principal: { AWS: elbAccount },
              Action: "s3:PutObject",
              Resource: logObjects,
            },
            {
              Sid: "ElbServiceWrites",
              Effect: "Allow",
              Principal: { Service: "logdelivery.elasticloadbalancing.amazonaws.com" },
              Action: "s3:PutObject",
              Resource: logObjects,
            },
            {
              Sid: "TlsOnly",
              Effect: "Deny",
              Principal: "*",
              Action: "s3:*",
              Resource: [bucket.arn, pulumi.interpolate`${bucket.arn}/*`],
              Condition: { Bool: { "aws:SecureTransport": "false" } },
            },
          ],
        }),
      },
      { ...parent, dependsOn: [block] },
    );
    this.bucketName = bucket.bucket;
    this.ready = [policy, encryption];
    this.registerOutputs({ bucketName: this.bucketName });
  }
}
