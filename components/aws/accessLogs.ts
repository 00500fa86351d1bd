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
import type { Settings } from "../settings";

/** Key prefix of the ALB's log objects (ELB adds AWSLogs/<account>/ after it). */
export const ACCESS_LOG_PREFIX = "alb";

export class AccessLogs extends pulumi.ComponentResource {
  readonly bucketName: pulumi.Output<string>;
  /** The ALB must be configured only once the policy lets ELB write (it test-writes at once). */
  readonly ready: pulumi.Resource[];

  constructor(name: string, args: { settings: Settings }, opts?: pulumi.ComponentResourceOptions) {
    super("throat:aws:AccessLogs", name, {}, opts);
    const prefix = args.settings.namePrefix;
    const parent = { parent: this };
    // Auto-named: bucket names are global. Not forceDestroy: logs are evidence, deleted by age only.
    const bucket = new s3.Bucket(`${prefix}-alb-logs`, {}, parent);
    const block = new s3.BucketPublicAccessBlock(
      `${prefix}-alb-logs`,
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
      `${prefix}-alb-logs`,
      {
        bucket: bucket.id,
        rules: [{ applyServerSideEncryptionByDefault: { sseAlgorithm: "AES256" } }],
      },
      parent,
    );
    new s3.BucketOwnershipControls(
      `${prefix}-alb-logs`,
      { bucket: bucket.id, rule: { objectOwnership: "BucketOwnerEnforced" } },
      parent,
    );
    new s3.BucketLifecycleConfiguration(
      `${prefix}-alb-logs`,
      {
        bucket: bucket.id,
        rules: [
          {
            id: "expire-access-logs",
            status: "Enabled",
            filter: {},
            expiration: { days: args.settings.aws.accessLogDays },
          },
        ],
      },
      parent,
    );
    const account = getCallerIdentityOutput({}, parent).accountId;
    const elbAccount = getServiceAccountOutput({}, parent).arn;
    const logObjects = pulumi.interpolate`${bucket.arn}/${ACCESS_LOG_PREFIX}/AWSLogs/${account}/*`;
    const policy = new s3.BucketPolicy(
      `${prefix}-alb-logs`,
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
      { parent: this, dependsOn: [block] },
    );
    this.bucketName = bucket.bucket;
    this.ready = [policy, encryption];
    this.registerOutputs({ bucketName: this.bucketName });
  }
}
