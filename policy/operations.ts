// What an operator lives with on prod: the alarms exist and notify someone, and the ALB's
// access-log bucket is private and encrypted. Both are stack policies: they relate resources
// (an alarm to the database it watches, a bucket to its public-access block) by the resources'
// own property dependencies, not by names.
import type { PolicyResource, StackValidationPolicy } from "@pulumi/policy";
import { Data, list, read, record, text } from "./data";
import { LOAD_BALANCERS, T } from "./types";

const ALARM = T.metricAlarm;
const BUCKET = T.bucket;
const PUBLIC_ACCESS_BLOCK = T.bucketPublicAccess;
const ENCRYPTION = T.bucketEncryption;
/** `source.a.b...`, undefined where a level is missing (read() expects an object at each level). */
const at = (source: unknown, ...path: string[]): Data =>
  path.reduce<Data>(
    (d, k) => (record(d) ? read(d, k) : undefined),
    record(source as Data) ? (source as Data) : undefined,
  );

const BLOCK_FLAGS = ["blockPublicAcls", "blockPublicPolicy", "ignorePublicAcls", "restrictPublicBuckets"] as const;

/** The metric names an alarm watches, whether a single metric or metric math. */
function metricNames(alarm: PolicyResource): string[] {
  const single = text(at(alarm.props, "metricName"));
  const queries = list(at(alarm.props, "metricQueries")).map((q) => text(at(q, "metric", "metricName")));
  return [single, ...queries].filter((n): n is string => !!n);
}

const dependsOnProp = (r: PolicyResource, prop: string, on: PolicyResource) =>
  (r.propertyDependencies[prop] ?? []).some((d) => d.urn === on.urn);

/** Does this alarm watch DatabaseConnections of that instance (by identifier, or the identifier's source)? */
function watchesConnections(alarm: PolicyResource, db: PolicyResource): boolean {
  if (!metricNames(alarm).includes("DatabaseConnections")) return false;
  const id = text(at(alarm.props, "dimensions", "DBInstanceIdentifier"));
  return id === text(read(db.props, "identifier")) || dependsOnProp(alarm, "dimensions", db);
}

export const prodAlarms: StackValidationPolicy = {
  name: "prod-alarms",
  description:
    "A prod stack (an RDS database behind a load balancer) has alarms on the database's connections and the load balancer's " +
    "5xx answers, and every alarm notifies someone.",
  enforcementLevel: "mandatory",
  validateStack: (args, reportViolation) => {
    const databases = args.resources.filter((r) => r.type === T.rds);
    if (!databases.length) return; // a test stack: no CloudWatch
    const alarms = args.resources.filter((r) => r.type === ALARM);
    for (const db of databases) {
      if (alarms.some((a) => watchesConnections(a, db))) continue;
      const name = text(read(db.props, "identifier")) ?? db.name;
      reportViolation(
        `RDS instance ${name} has no DatabaseConnections alarm: the connection budget can be exceeded unnoticed. ` +
          "Register the stack's alarms (components/aws/alarms.ts, throat:alerts.*).",
        db.urn,
      );
    }
    const hasLoadBalancer = args.resources.some((r) => LOAD_BALANCERS.includes(r.type));
    if (hasLoadBalancer && !alarms.some((a) => metricNames(a).some((m) => m.endsWith("5XX_Count")))) {
      reportViolation(
        "The load balancer has no 5xx alarm: failing requests go unnoticed until users report them. " +
          "Register the stack's alarms (components/aws/alarms.ts).",
      );
    }
    for (const a of alarms) {
      if (list(read(a.props, "alarmActions")).length) continue;
      const name = text(read(a.props, "name")) ?? a.name;
      reportViolation(
        `Alarm ${name} notifies nobody: give it alarmActions (the stack's SNS topic; throat:alerts.email subscribes an address).`,
        a.urn,
      );
    }
  },
};

export const logBucketsPrivateAndEncrypted: StackValidationPolicy = {
  name: "log-buckets-private-and-encrypted",
  description:
    "A bucket a load balancer writes access logs to blocks every kind of public access and encrypts with SSE-S3 " +
    "(the only encryption ALB log delivery supports).",
  enforcementLevel: "mandatory",
  validateStack: (args, reportViolation) => {
    for (const lb of args.resources.filter((r) => LOAD_BALANCERS.includes(r.type))) {
      if (at(lb.props, "accessLogs", "enabled") !== true) continue;
      for (const bucket of (lb.propertyDependencies.accessLogs ?? []).filter((d) => d.type === BUCKET)) {
        const of = (type: string) =>
          args.resources.filter((r) => r.type === type && dependsOnProp(r, "bucket", bucket));
        const blocked = of(PUBLIC_ACCESS_BLOCK).some((b) => BLOCK_FLAGS.every((f) => read(b.props, f) === true));
        if (!blocked) {
          reportViolation(
            `Access-log bucket ${bucket.name} is not private: add a BucketPublicAccessBlock with ${BLOCK_FLAGS.join(", ")} all true ` +
              "(logs hold every client's address and URL).",
            bucket.urn,
          );
        }
        const algorithms = of(ENCRYPTION).flatMap((e) =>
          list(read(e.props, "rules")).map((rule) =>
            text(at(rule, "applyServerSideEncryptionByDefault", "sseAlgorithm")),
          ),
        );
        if (!algorithms.length) {
          reportViolation(
            `Access-log bucket ${bucket.name} has no default encryption: add a BucketServerSideEncryptionConfiguration with sseAlgorithm AES256 (SSE-S3).`,
            bucket.urn,
          );
        } else if (algorithms.some((a) => a !== "AES256")) {
          reportViolation(
            `Access-log bucket ${bucket.name} encrypts with ${algorithms.join(", ")}: ALB access logs support SSE-S3 (AES256) only, ` +
              "so delivery would fail; use AES256.",
            bucket.urn,
          );
        }
      }
    }
  },
};
