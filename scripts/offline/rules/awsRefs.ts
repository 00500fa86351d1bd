// Provider rules for what one AWS resource names of another, for the mock runtime (beside
// aws.ts, which keeps the per-service limits): the secret version a container's valueFrom pins,
// the log groups RDS publishes into, the task a migration runner tags. Each is checked as the
// resource registers; what spans two runs (a second `pulumi up`, a destroy) is in lifecycle.ts.
import * as pulumi from "@pulumi/pulumi";
import { createHash } from "node:crypto";
import { revealSecrets } from "../secrets";
import { ProviderRejection } from "./aws";
import { autoName } from "./awsNames";

type Reject = (message: string) => never;

/** What this run has registered so far, as these rules care. */
class RunMemory {
  /** CloudWatch log group names. */
  readonly logGroups = new Set<string>();
  /** Task definition ARNs (the mock's state) whose containers pin a secret version. */
  readonly pinningTasks = new Set<string>();
}
// Keyed by the run's mock monitor, as aws.ts's memory: a new run starts clean by itself.
const runs = new WeakMap<object, RunMemory>();
const outsideRuns = {};
function memory(): RunMemory {
  const key = (pulumi.runtime.getMonitor() as object | undefined) ?? outsideRuns;
  let m = runs.get(key);
  if (!m) runs.set(key, (m = new RunMemory()));
  return m;
}

/**
 * A Secrets Manager valueFrom (ECS developer guide, "Pass Secrets Manager secrets through Amazon
 * ECS environment variables"): the secret's ARN, optionally followed by three fields,
 * "arn:aws:secretsmanager:region:aws_account_id:secret:secret-name:json-key:version-stage:version-id"
 * (empty ones left empty: `<arn>:::<version-id>`).
 */
const SECRETS_MANAGER_VALUE_FROM =
  /^arn:aws[a-z-]*:secretsmanager:[a-z0-9-]+:\d{12}:secret:[^:]+(?::([^:]*):([^:]*):([^:]*))?$/;

/** RunTask startedBy: "Up to 128 letters (uppercase and lowercase), numbers, hyphens (-), forward slash (/), and underscores (_)". */
const STARTED_BY = /^[A-Za-z0-9/_-]{1,128}$/;

/** What AWS answers for the resources these rules follow (aws.ts answers the rest). */
export function state(type: string, name: string, inputs: Record<string, unknown>): Record<string, unknown> {
  if (type !== "aws:secretsmanager/secretVersion:SecretVersion") return {};
  // PutSecretValue makes a new version for a new value, with a new VersionId (a UUID); the same
  // value keeps the version the state holds.
  const h = createHash("sha256")
    .update(`${name}\n${JSON.stringify(revealSecrets(inputs.secretString))}`)
    .digest("hex");
  const versionId = [h.slice(0, 8), h.slice(8, 12), h.slice(12, 16), h.slice(16, 20), h.slice(20, 32)].join("-");
  return { versionId };
}

/** Throws when AWS would refuse these inputs or act on them other than the stack means. */
export function check(type: string, name: string, inputs: Record<string, unknown>): void {
  const reject = (message: string) => {
    throw new ProviderRejection(type, name, message);
  };
  switch (type) {
    case "aws:cloudwatch/logGroup:LogGroup":
      if (typeof inputs.name === "string") memory().logGroups.add(inputs.name);
      return;
    case "aws:ecs/taskDefinition:TaskDefinition":
      return checkSecretReferences(name, inputs, reject);
    case "aws:ecs/service:Service":
      return checkPlatformVersion(inputs, reject);
    case "aws:rds/instance:Instance":
      return checkLogExports(name, inputs, reject);
    case "aws:lambda/invocation:Invocation":
      return checkMigrationInvocation(inputs, reject);
  }
}

function checkSecretReferences(name: string, inputs: Record<string, unknown>, reject: Reject): void {
  let containers: Array<{ name?: string; secrets?: Array<{ name: string; valueFrom: string }> }>;
  try {
    containers = JSON.parse(String(inputs.containerDefinitions)) as typeof containers;
  } catch {
    return; // aws.ts refuses it
  }
  let pins = false;
  for (const c of containers) {
    for (const s of c.secrets ?? []) {
      if (!s.valueFrom.startsWith("arn:aws:secretsmanager:")) continue;
      const parsed = SECRETS_MANAGER_VALUE_FROM.exec(s.valueFrom);
      if (!parsed)
        reject(
          `container ${String(c.name)}: ${s.name} valueFrom "${s.valueFrom}" is neither a secret's ARN nor one followed by :json-key:version-stage:version-id`,
        );
      if (parsed[2] || parsed[3]) pins = true;
    }
  }
  // The mock's task definition ARN (aws.ts state): the services name it.
  const family = String(inputs.family ?? autoName(name));
  if (pins) memory().pinningTasks.add(`:task-definition/${family}:`);
}

/**
 * A version-pinned (or JSON-key) secret needs "platform version 1.4.0 or later for Fargate
 * tasks" (ECS developer guide; the CDK's SecretVersionInfo says the same). Unset or LATEST is
 * 1.4.0 today.
 */
function checkPlatformVersion(inputs: Record<string, unknown>, reject: Reject): void {
  const version = inputs.platformVersion;
  if (typeof version !== "string" || version === "LATEST") return;
  const [major = 0, minor = 0] = version.split(".").map(Number);
  const pinned = [...memory().pinningTasks].some((t) => String(inputs.taskDefinition).includes(t));
  if (pinned && (major < 1 || (major === 1 && minor < 4)))
    reject(`platformVersion ${version}: its task definition pins secret versions, which needs Fargate 1.4.0 or later`);
}

/**
 * "Amazon RDS creates a log group ... /aws/rds/instance/<db instance identifier>/<log type>" when
 * it first publishes a log type (RDS User Guide, "Publishing PostgreSQL logs to Amazon
 * CloudWatch Logs"), with CloudWatch Logs' default retention, never expire: a group the stack
 * does not create first is not the stack's, ignores its retention, and outlives its destroy.
 */
function checkLogExports(name: string, inputs: Record<string, unknown>, reject: Reject): void {
  const exports = (inputs.enabledCloudwatchLogsExports as string[] | undefined) ?? [];
  const identifier = typeof inputs.identifier === "string" ? inputs.identifier : autoName(name);
  const groups = memory().logGroups;
  const missing = exports.map((logType) => `/aws/rds/instance/${identifier}/${logType}`).filter((g) => !groups.has(g));
  if (missing.length)
    reject(
      `enabledCloudwatchLogsExports: RDS would create ${missing.join(", ")} itself, with never-expire retention and outside the stack; create the log group before the instance`,
    );
}

/** The migration runner's event (components/aws/migrationRunner.ts): RunTask takes its startedBy as is. */
function checkMigrationInvocation(inputs: Record<string, unknown>, reject: Reject): void {
  let event: { taskDefinition?: unknown; startedBy?: unknown; check?: unknown };
  try {
    event = JSON.parse(String(inputs.input)) as typeof event;
  } catch {
    return;
  }
  if (event.check !== undefined || typeof event.taskDefinition !== "string" || event.startedBy === undefined) return;
  if (typeof event.startedBy !== "string" || !STARTED_BY.test(event.startedBy))
    reject(
      `RunTask startedBy "${String(event.startedBy)}": "Up to 128 letters (uppercase and lowercase), numbers, hyphens (-), forward slash (/), and underscores (_) are allowed"`,
    );
}
