// AWS facts the AWS target must respect, each quoted from AWS's documentation. The components
// check their inputs against them to fail early with a message naming the config key, and the
// mock provider (scripts/offline/rules/aws.ts) rejects what AWS itself would reject.

// Fargate sizes and CloudWatch retention values are checked in the plan and settings (where the
// error can name the config key); they live there and are re-exported for the mock provider.
export { describeFargatePair, FARGATE_CPUS, fargateMemoryFor, isFargatePair } from "../plan/fargate";
export { LOG_RETENTION_DAYS } from "../settings/schema";

/** Elastic Load Balancing: "The name of the target group ... can have a maximum of 32 characters" (same for a load balancer). */
export const ELB_NAME_MAX = 32;
/** Pulumi auto-naming appends "-" and 7 random hex characters to the logical name. */
export const AUTONAME_SUFFIX = 8;

/** AWS Lambda: "The maximum timeout is 900 seconds (15 minutes)". */
export const LAMBDA_MAX_TIMEOUT = 900;

/** The RDS parameter group family of a PostgreSQL engine version: `postgres<major>` (major 10 and later). */
export function postgresFamily(engineVersion: string): string {
  return `postgres${engineVersion.split(".")[0]}`;
}
