// Limits of the services the stack deploys to, each quoted from its documentation, so the
// settings refuse a value AWS, PostgreSQL or Docker would refuse half-way through `pulumi up`.

/**
 * PostgreSQL: "#define MAX_BACKENDS 0x3FFFF" (src/include/postmaster/postmaster.h), and the
 * server refuses to start when "max_connections + autovacuum_max_workers + 1 +
 * max_worker_processes + max_wal_senders" exceeds it (src/backend/utils/init/postinit.c,
 * InitializeMaxBackends). With the defaults (3 autovacuum workers, 8 worker processes, 10 WAL
 * senders; RDS keeps them) max_connections may be at most 262143 - 22.
 * https://www.postgresql.org/docs/current/runtime-config-connection.html
 */
export const POSTGRES_MAX_BACKENDS = 0x3ffff;
export const POSTGRES_OTHER_BACKENDS = 3 + 1 + 8 + 10;
export const POSTGRES_MAX_CONNECTIONS = POSTGRES_MAX_BACKENDS - POSTGRES_OTHER_BACKENDS;

/**
 * RDS CreateDBInstance, BackupRetentionPeriod: "Constraints: Must be a value from 0 to 35."
 * https://docs.aws.amazon.com/AmazonRDS/latest/APIReference/API_CreateDBInstance.html
 */
export const RDS_MAX_BACKUP_RETENTION_DAYS = 35;

/**
 * Availability zones an account can use per region. AWS: "Each AWS Region consists of a minimum
 * of three, isolated, and physically separate AZs" (https://aws.amazon.com/about-aws/global-infrastructure/regions_az/);
 * the regions with more, and us-west-1, where accounts get two ("us-west-1 ... new customers can
 * access only two Availability Zones", https://docs.aws.amazon.com/AWSEC2/latest/UserGuide/using-regions-availability-zones.html).
 * Offline the plan cannot ask the account, so any other region is held to the documented three.
 */
export const AVAILABILITY_ZONES: Record<string, number> = {
  "us-east-1": 6,
  "us-west-2": 4,
  "ap-northeast-2": 4,
  "us-west-1": 2,
};
export const DOCUMENTED_MIN_ZONES = 3;

/**
 * Docker's image reference grammar (github.com/distribution/reference, reference.go):
 * `name [":" tag] ["@" digest]`, name `[domain "/"] path-component ["/" path-component]*`,
 * path-component `[a-z0-9]+ (separator [a-z0-9]+)*` with separator `[_.] | "__" | "-"+`,
 * tag `[\w][\w.-]{0,127}`; "the total length of a named reference must be ... 255".
 * (The IPv6 registry form is left out.)
 */
const PATH_COMPONENT = "[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*";
const DOMAIN =
  "(?:[a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9])(?:\\.(?:[a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9]))*(?::[0-9]+)?";
export const IMAGE_REFERENCE = new RegExp(
  `^(?:${DOMAIN}/)?${PATH_COMPONENT}(?:/${PATH_COMPONENT})*(?::[A-Za-z0-9_][A-Za-z0-9_.-]{0,127})?(?:@sha256:[a-f0-9]{64})?$`,
);
export const IMAGE_NAME_MAX = 255;

/**
 * Names the prod stack derives from `throat-<stack>`:
 * - ELB CreateTargetGroup / CreateLoadBalancer: "must contain only alphanumeric characters or
 *   hyphens, and must not begin or end with a hyphen";
 * - RDS DB instance identifier: "Can only contain ASCII letters, digits, and hyphens ... Can't end
 *   with a hyphen or contain two consecutive hyphens";
 * - ECR CreateRepository: "The repository name must start with a letter and can only contain
 *   lowercase letters, numbers, hyphens, underscores, and forward slashes".
 * Together: lower-case letters and digits in groups joined by single hyphens.
 */
export const AWS_STACK_NAME = /^[a-z0-9]+(?:-[a-z0-9]+)*$/;

/**
 * ACM: "ACM certificates are regional resources. To use a certificate with Elastic Load
 * Balancing ..., you must request or import a certificate in the same Region as the load
 * balancer" (https://docs.aws.amazon.com/acm/latest/userguide/acm-regions.html).
 * Format: arn:<partition>:acm:<region>:<12-digit account>:certificate/<id>.
 */
export const ACM_CERTIFICATE_ARN = /^arn:(aws[a-z-]*):acm:([a-z0-9-]+):(\d{12}):certificate\/[A-Za-z0-9-]+$/;

/** A DNS host name (RFC 1123): labels of letters, digits and inner hyphens, 63 at most each, 253 in all. */
export const HOST_NAME =
  /^(?=.{1,253}$)[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*$/;
