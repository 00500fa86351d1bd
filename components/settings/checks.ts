// Values the schema's types accept but AWS, PostgreSQL or Docker would refuse at deploy time,
// and values that look right and are not. Each problem names its key (or the stack name) and
// says what to write instead. Pure: the file system is asked through `isFile`.
import type { RawSettings } from "./schema";
import {
  ACM_CERTIFICATE_ARN,
  AVAILABILITY_ZONES,
  AWS_STACK_NAME,
  DOCUMENTED_MIN_ZONES,
  HOST_NAME,
  IMAGE_NAME_MAX,
  IMAGE_REFERENCE,
  POSTGRES_MAX_CONNECTIONS,
  RDS_MAX_BACKUP_RETENTION_DAYS,
} from "./limits";

/** What the offline plan shows instead of a `secure:` value (only the Pulumi CLI decrypts it). */
export const SECRET_PLACEHOLDER = "[secret: decrypted by the Pulumi CLI at deploy time]";

export interface CheckContext {
  stack: string;
  profile: "test" | "prod";
  /** `aws:region` of the stack config, if set. */
  region?: string;
  /** Whether a path relative to the project is a file; absent: paths are not checked. */
  isFile?: (relativePath: string) => boolean;
}

export function checkValues(s: RawSettings, ctx: CheckContext, problems: string[]): void {
  const add = (p: string | undefined) => p && problems.push(p);
  add(checkStackName(ctx));
  if (s.siteName !== undefined) add(checkSiteName(s.siteName));
  if (s.image !== undefined) add(checkImage(s.image));
  if (s.appSource !== undefined && ctx.isFile) add(checkAppSource(s.appSource, ctx.isFile));
  add(checkPem("tlsCertificate", s.tlsCertificate, "CERTIFICATE"));
  add(checkPem("tlsKey", s.tlsKey, "PRIVATE KEY"));
  const db = s.database;
  if (db.maxConnections > POSTGRES_MAX_CONNECTIONS) {
    problems.push(
      `throat:database.maxConnections: got ${db.maxConnections}; PostgreSQL starts with at most ${POSTGRES_MAX_CONNECTIONS} ` +
        `(its limit of 262143 backends less autovacuum, worker and WAL sender slots); use a smaller number, or PgBouncer on test`,
    );
  }
  const reserved = db.reservedConnections;
  if (reserved !== undefined && reserved >= db.maxConnections) {
    problems.push(
      `throat:database.reservedConnections (${reserved}) / throat:database.maxConnections (${db.maxConnections}): ` +
        `the reserved slots take every connection, none is left for the app; lower throat:database.reservedConnections ` +
        `or raise throat:database.maxConnections`,
    );
  }
  if (ctx.profile !== "prod") return;
  // The keys below only exist on prod (profiles.ts refuses them on test, and PgBouncer on prod).
  if (db.backupRetentionDays > RDS_MAX_BACKUP_RETENTION_DAYS) {
    problems.push(
      `throat:database.backupRetentionDays: got ${db.backupRetentionDays}; RDS keeps automated backups 1 to ${RDS_MAX_BACKUP_RETENTION_DAYS} days ("Must be a value from 0 to 35"); for longer, take manual snapshots`,
    );
  }
  if (!db.instanceClass.startsWith("db.")) {
    problems.push(
      `throat:database.instanceClass: got "${db.instanceClass}"; RDS instance classes start with "db." (e.g. "db.${db.instanceClass.replace(/^cache\./, "")}")`,
    );
  }
  if (!s.redis.nodeType.startsWith("cache.")) {
    problems.push(
      `throat:redis.nodeType: got "${s.redis.nodeType}"; ElastiCache node types start with "cache." (e.g. "cache.${s.redis.nodeType.replace(/^db\./, "")}")`,
    );
  }
  if (s.image !== undefined && IMAGE_REFERENCE.test(s.image) && !s.image.split(/[:@]/)[0]!.includes("/")) {
    // A bare name is Docker Hub's library/<name>: official images only, never a Throat build.
    problems.push(
      `throat:image: got "${s.image}", which ECS would pull as docker.io/library/${s.image}, an official image Throat is not; ` +
        `push the image to a registry (ECR, ghcr.io, ...) and give its full reference, or set throat:appSource to build it`,
    );
  }
  add(checkAwsIds(s.aws));
  if (s.edge.certificateArn !== undefined) add(checkCertificateArn(s.edge.certificateArn, ctx.region));
  if (!s.aws.vpcId) add(checkZones(s.aws.availabilityZones, ctx.region));
}

function checkStackName({ stack, profile }: CheckContext): string | undefined {
  if (profile !== "prod" || AWS_STACK_NAME.test(stack)) return undefined;
  const fixed = stack
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, "-")
    .replace(/^-+|-+$/g, "");
  return (
    `stack name "${stack}": the prod profile names AWS resources throat-${stack}-..., and target groups, RDS identifiers and ` +
    `ECR repositories allow only lower-case letters, digits and single hyphens; rename the stack ` +
    `(pulumi stack rename ${fixed || "prod"})`
  );
}

function checkSiteName(name: string): string | undefined {
  if (name === "localhost" || HOST_NAME.test(name)) return undefined;
  const why: string[] = [];
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(name)) why.push("a scheme");
  const rest = name.replace(/^[a-z][a-z0-9+.-]*:\/\//i, "");
  if (rest.includes("/")) why.push("a path");
  if (/:\d*(\/|$)/.test(rest)) why.push("a port");
  if (/\s/.test(name)) why.push("spaces");
  const host = rest.trim().split(/[/\s]/)[0]!.replace(/:\d*$/, "");
  const hint = HOST_NAME.test(host) ? `; write "${host}"` : "";
  const what = why.length ? `it has ${why.join(", ")}` : "it is not a DNS host name";
  return `throat:siteName: got ${JSON.stringify(name)}; the site name is a host name alone (no scheme, path, port or spaces): ${what}${hint}`;
}

function checkImage(ref: string): string | undefined {
  if (ref.length <= IMAGE_NAME_MAX && IMAGE_REFERENCE.test(ref)) return undefined;
  let hint = "";
  if (/^[a-z]+:\/\//i.test(ref)) hint = `; drop the scheme: "${ref.replace(/^[a-z]+:\/\//i, "")}"`;
  else if (/\s/.test(ref)) hint = "; an image reference has no spaces";
  else if (/[A-Z]/.test(ref.split(/[:@]/)[0]!.replace(/^[^/]*\.[^/]*\//, "")))
    hint = "; repository names are lower case";
  else if (/:$/.test(ref)) hint = "; give a tag after the colon or drop it";
  return `throat:image: got ${JSON.stringify(ref)}, which Docker refuses as an image reference ([registry/]name[:tag][@digest])${hint}`;
}

function checkAppSource(dir: string, isFile: (p: string) => boolean): string | undefined {
  const missing = ["throat.py", "Dockerfile"].filter((f) => !isFile(`${dir}/${f}`));
  if (!missing.length) return undefined;
  return (
    `throat:appSource: "${dir}" is not a Throat checkout (no ${missing.join(", no ")} in it; paths are relative to the project); ` +
    `point it at a clone of Throat, or set throat:image instead`
  );
}

function checkPem(key: "tlsCertificate" | "tlsKey", value: string | undefined, label: string): string | undefined {
  if (value === undefined || value === SECRET_PLACEHOLDER) return undefined;
  if (new RegExp(`-----BEGIN [A-Z ]*${label}-----`).test(value)) return undefined;
  const secret = key === "tlsKey" ? " --secret" : "";
  // Never echo the value: tlsKey is a secret.
  const looksLikePath = !value.includes("\n") && /(^[~./]|\.(pem|crt|cer|key)$)/.test(value.trim());
  const what = looksLikePath ? "looks like a file path" : `has no "-----BEGIN ...${label}-----" block`;
  return `throat:${key}: the value ${what}; it must be the PEM text itself: pulumi config set${secret} throat:${key} < file.pem`;
}

function checkCertificateArn(arn: string, region: string | undefined): string | undefined {
  const m = ACM_CERTIFICATE_ARN.exec(arn);
  if (!m) {
    return `throat:edge.certificateArn: got "${arn}"; an ACM certificate ARN looks like arn:aws:acm:<region>:<12-digit account>:certificate/<id> (aws acm list-certificates)`;
  }
  if (region !== undefined && m[2] !== region) {
    return (
      `throat:edge.certificateArn: the certificate is in ${m[2]!}, the stack deploys to aws:region ${region}; ` +
      `an ALB uses only ACM certificates of its own region: request or import the certificate in ${region}`
    );
  }
  return undefined;
}

function checkZones(zones: number, region: string | undefined): string | undefined {
  const known = region === undefined ? undefined : AVAILABILITY_ZONES[region];
  const limit = known ?? DOCUMENTED_MIN_ZONES;
  if (zones <= limit) return undefined;
  const where = region ?? "the region (aws:region is not set)";
  const why =
    known !== undefined
      ? `${where} has ${known} availability zones`
      : `AWS documents at least ${DOCUMENTED_MIN_ZONES} availability zones per region and the plan cannot check ${where} offline for more`;
  return `throat:aws.availabilityZones: got ${zones}; ${why}: use at most ${limit}`;
}

/** EC2 ids: "vpc-" / "subnet-" and 8 or 17 hex digits (InvalidVpcID.Malformed / InvalidSubnetID.Malformed otherwise). */
function checkAwsIds(aws: RawSettings["aws"]): string | undefined {
  const bad: string[] = [];
  if (aws.vpcId !== undefined && !/^vpc-(?:[0-9a-f]{8}|[0-9a-f]{17})$/.test(aws.vpcId))
    bad.push(`throat:aws.vpcId "${aws.vpcId}"`);
  for (const key of ["publicSubnetIds", "privateSubnetIds"] as const) {
    for (const id of aws[key] ?? [])
      if (!/^subnet-(?:[0-9a-f]{8}|[0-9a-f]{17})$/.test(id)) bad.push(`throat:aws.${key} "${id}"`);
  }
  const both = (aws.publicSubnetIds ?? []).filter((id) => aws.privateSubnetIds?.includes(id));
  const problems = bad.length
    ? [
        `${bad.join(", ")}: EC2 ids look like vpc-0123456789abcdef0 / subnet-0123456789abcdef0 (aws ec2 describe-subnets)`,
      ]
    : [];
  if (both.length)
    problems.push(
      `throat:aws.publicSubnetIds / throat:aws.privateSubnetIds: ${both.join(", ")} in both lists; the load balancer's public subnets and the tasks' private subnets differ`,
    );
  return problems.length ? problems.join("\n  - ") : undefined;
}
