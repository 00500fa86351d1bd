// What AWS would refuse in the mock runtime (../providerRules.ts checkResource), with AWS's
// documented limits quoted; what it would answer is awsState.ts. The mocks see one resource at a time, so the limits that span resources
// (priorities on a listener, rules per load balancer, a parameter group's family against the
// instance's engine) keep what they have seen per run in this module (RunMemory below).
import * as pulumi from "@pulumi/pulumi";
import { RolloutEvent, rolloutVerdict } from "../../../components/aws/rolloutCheckRunner";
import { world } from "./world";
import { listenerArn, physical, region } from "./awsNames";
import {
  AUTONAME_SUFFIX,
  describeFargatePair,
  ELB_NAME_MAX,
  LAMBDA_MAX_TIMEOUT,
  LOG_RETENTION_DAYS,
  postgresFamily,
} from "../../../components/aws/limits";
import {
  ACM_CERTIFICATE_ARN,
  POSTGRES_MAX_CONNECTIONS,
  RDS_MAX_BACKUP_RETENTION_DAYS,
} from "../../../components/settings/limits";

/** ELB quotas ("Quotas for your Application Load Balancers"): "Rules per Application Load Balancer (excluding default rules): 100". */
export const MAX_RULES_PER_ALB = 100;
/** "Condition values per rule: 5" and "Condition wildcards per rule: 5" (same page). */
export const MAX_CONDITION_VALUES = 5;
export const MAX_CONDITION_WILDCARDS = 5;
/** ELB API CreateRule: "Priority ... Valid Range: Minimum value of 1. Maximum value of 50000." */
export const MAX_PRIORITY = 50000;
/** PathPatternConfig: "The maximum size of each string is 128 characters." */
export const MAX_PATH_PATTERN = 128;

export class ProviderRejection extends Error {
  constructor(type: string, name: string, message: string) {
    super(`${type} ${name}: AWS would reject this: ${message}`);
    this.name = "ProviderRejection";
  }
}

// ---- cross-resource memory (one program run) ----
/** What one program run has registered so far, as far as the cross-resource limits care. */
class RunMemory {
  readonly listenerToAlb = new Map<string, string>();
  /** listener ARN -> priority -> rule logical name. */
  readonly priorities = new Map<string, Map<number, string>>();
  /** load balancer ARN -> rule logical names. */
  readonly rulesPerAlb = new Map<string, Set<string>>();
  /** parameter group physical name -> family. */
  readonly families = new Map<string, string>();
}
// Each run installs a fresh mock monitor (pulumi.runtime.setMocks), which keys its memory: a new
// run starts clean by itself. reset() forgets explicitly, e.g. between direct check() calls.
const runs = new WeakMap<object, RunMemory>();
const outsideRuns = {};
const runKey = () => (pulumi.runtime.getMonitor() as object | undefined) ?? outsideRuns;
function memory(): RunMemory {
  let m = runs.get(runKey());
  if (!m) runs.set(runKey(), (m = new RunMemory()));
  return m;
}

/** Forgets every resource the current run has registered. */
export function reset(): void {
  runs.set(runKey(), new RunMemory());
}

// ---- check ----
export function check(type: string, name: string, inputs: Record<string, unknown>): void {
  const reject = (message: string) => {
    throw new ProviderRejection(type, name, message);
  };
  switch (type) {
    case "aws:lb/loadBalancer:LoadBalancer":
      checkElbName(physical(name, inputs), reject);
      if (inputs.idleTimeout !== undefined && !between(Number(inputs.idleTimeout), 1, 4000))
        reject(`idle_timeout.timeout_seconds ${String(inputs.idleTimeout)}: "The valid range is 1-4000 seconds"`);
      return;
    case "aws:lb/targetGroup:TargetGroup":
      if (typeof inputs.namePrefix === "string" && inputs.namePrefix.length > 6)
        reject(`namePrefix "${inputs.namePrefix}" is longer than 6 characters`);
      checkElbName(physical(name, inputs), reject);
      // "deregistration_delay.timeout_seconds: The range is 0-3600 seconds."
      if (inputs.deregistrationDelay !== undefined && !between(Number(inputs.deregistrationDelay), 0, 3600))
        reject(`deregistrationDelay ${String(inputs.deregistrationDelay)} outside 0-3600 seconds`);
      return;
    case "aws:lb/listener:Listener": {
      memory().listenerToAlb.set(listenerArn(name), String(inputs.loadBalancerArn));
      // ACM certificates are regional: a listener takes only one of its load balancer's region.
      const certRegion =
        typeof inputs.certificateArn === "string" ? ACM_CERTIFICATE_ARN.exec(inputs.certificateArn)?.[2] : undefined;
      if (certRegion !== undefined && certRegion !== region())
        reject(
          `certificate ${String(inputs.certificateArn)} is in ${certRegion}, the load balancer in ${region()} (CertificateNotFound)`,
        );
      return;
    }
    case "aws:lb/listenerRule:ListenerRule":
      return checkListenerRule(name, inputs, reject);
    case "aws:ecs/taskDefinition:TaskDefinition":
      return checkTaskDefinition(inputs, reject);
    case "aws:ecs/service:Service": {
      const breaker = inputs.deploymentCircuitBreaker as { enable?: boolean } | undefined;
      const controller = (inputs.deploymentController as { type?: string } | undefined)?.type ?? "ECS";
      // ECS DeploymentConfiguration: "The deployment circuit breaker can only be used for services using the rolling update (ECS) deployment type."
      if (breaker?.enable && controller !== "ECS")
        reject(`deploymentCircuitBreaker needs the ECS (rolling update) deployment controller, got ${controller}`);
      return;
    }
    case "aws:rds/parameterGroup:ParameterGroup":
      return checkParameterGroup(name, inputs, reject);
    case "aws:rds/instance:Instance":
      return checkInstance(inputs, reject);
    case "aws:cloudwatch/logGroup:LogGroup":
      if (inputs.retentionInDays !== undefined && !LOG_RETENTION_DAYS.includes(Number(inputs.retentionInDays))) {
        reject(
          `retentionInDays ${String(inputs.retentionInDays)}: "Possible values are: ${LOG_RETENTION_DAYS.join(", ")}"`,
        );
      }
      return;
    case "aws:cloudwatch/metricAlarm:MetricAlarm":
      return checkMetricAlarm(inputs, reject);
    case "aws:elasticache/replicationGroup:ReplicationGroup": {
      // ElastiCache node types are "cache.<family>.<size>" (InvalidParameterValue otherwise).
      if (typeof inputs.nodeType === "string" && !inputs.nodeType.startsWith("cache."))
        reject(`nodeType "${inputs.nodeType}" is not an ElastiCache node type (cache.*)`);
      const nodes = Number(inputs.numCacheClusters ?? 1);
      // CreateReplicationGroup NumCacheClusters: "If AutomaticFailoverEnabled is true, the value
      // of this parameter must be at least 2. The maximum permitted value ... is 6 (1 primary plus 5 replicas)."
      if (inputs.automaticFailoverEnabled === true && nodes < 2)
        reject(`automaticFailoverEnabled needs numCacheClusters >= 2, got ${nodes}`);
      if (nodes > 6) reject(`numCacheClusters ${nodes}: the maximum is 6 (1 primary plus 5 replicas)`);
      // SnapshotRetentionLimit: "The maximum value allowed is 35 days"; 0 turns backups off.
      if (inputs.snapshotRetentionLimit !== undefined && !between(Number(inputs.snapshotRetentionLimit), 0, 35))
        reject(`snapshotRetentionLimit ${String(inputs.snapshotRetentionLimit)} outside 0-35 days`);
      return;
    }
    case "aws:s3/bucket:Bucket":
      return checkBucket(inputs, reject);
    case "aws:cloudfront/originAccessControl:OriginAccessControl":
      return checkOriginAccessControl(inputs, reject);
    case "aws:cloudfront/distribution:Distribution":
      return checkDistribution(inputs, reject);
    case "aws:lambda/function:Function":
      if (inputs.timeout !== undefined && Number(inputs.timeout) > LAMBDA_MAX_TIMEOUT)
        reject(`timeout ${String(inputs.timeout)}: "The maximum timeout is ${LAMBDA_MAX_TIMEOUT} seconds"`);
      return;
    case "aws:lambda/invocation:Invocation":
      return checkRolloutInvocation(inputs, reject);
  }
}

type Reject = (message: string) => never;

function checkMetricAlarm(inputs: Record<string, unknown>, reject: Reject): void {
  const queries = inputs.metricQueries as
    Array<{ id: string; returnData?: boolean; expression?: string; metric?: unknown }> | undefined;
  // PutMetricAlarm: "you must specify either MetricName or a Metrics array", never both.
  if (inputs.metricName !== undefined && queries?.length) reject("both metricName and metricQueries are set");
  if (inputs.metricName === undefined && !queries?.length) reject("neither metricName nor metricQueries is set");
  // "each Metrics array must contain exactly one ... with ReturnData set to true".
  if (queries && queries.filter((q) => q.returnData).length !== 1)
    reject("metricQueries must have exactly one query with returnData true");
  // MetricDataQuery Id: "must start with a lowercase letter ... letters, numbers, and underscore".
  for (const q of queries ?? [])
    if (!/^[a-z][A-Za-z0-9_]*$/.test(q.id)) reject(`metric query id "${q.id}" must start with a lowercase letter`);
  // Period: "Valid values are 10, 20, 30, and any multiple of 60."
  const period = inputs.period === undefined ? undefined : Number(inputs.period);
  if (period !== undefined && ![10, 20, 30].includes(period) && period % 60 !== 0)
    reject(`period ${period}: valid values are 10, 20, 30 and multiples of 60`);
  const ops = [
    "GreaterThanOrEqualToThreshold",
    "GreaterThanThreshold",
    "LessThanThreshold",
    "LessThanOrEqualToThreshold",
  ];
  if (!ops.includes(String(inputs.comparisonOperator)))
    reject(`comparisonOperator ${String(inputs.comparisonOperator)} is not one of ${ops.join(", ")}`);
}
const between = (v: number, min: number, max: number) => Number.isInteger(v) && v >= min && v <= max;

function checkElbName(physicalName: string, reject: Reject): void {
  // CreateTargetGroup / CreateLoadBalancer: "This name must be unique ..., can have a maximum of
  // 32 characters, must contain only alphanumeric characters or hyphens, and must not begin or
  // end with a hyphen."
  if (physicalName.length > ELB_NAME_MAX)
    reject(
      `name "${physicalName}" has ${physicalName.length} characters; the maximum is ${ELB_NAME_MAX} (an auto-named resource adds ${AUTONAME_SUFFIX} to its logical name)`,
    );
  if (!/^[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?$/.test(physicalName))
    reject(`name "${physicalName}": only alphanumeric characters and hyphens, not at either end`);
}

function checkListenerRule(name: string, inputs: Record<string, unknown>, reject: Reject): void {
  const conditions = (inputs.conditions as Array<Record<string, { values?: unknown[] } | undefined>> | undefined) ?? [];
  const values = conditions.flatMap((c) =>
    Object.values(c).flatMap((v) => (v && Array.isArray(v.values) ? v.values.map(String) : [])),
  );
  if (values.length > MAX_CONDITION_VALUES)
    reject(`${values.length} condition values; "Condition values per rule: ${MAX_CONDITION_VALUES}"`);
  const wildcards = values.reduce((n, v) => n + (v.match(/[*?]/g)?.length ?? 0), 0);
  if (wildcards > MAX_CONDITION_WILDCARDS)
    reject(`${wildcards} wildcards in its conditions; "Condition wildcards per rule: ${MAX_CONDITION_WILDCARDS}"`);
  for (const c of conditions) {
    for (const p of c.pathPattern?.values ?? []) {
      if (String(p).length > MAX_PATH_PATTERN)
        reject(
          `path pattern "${String(p)}" has ${String(p).length} characters; "The maximum size of each string is ${MAX_PATH_PATTERN} characters"`,
        );
    }
  }
  const priority = Number(inputs.priority);
  if (inputs.priority !== undefined && !between(priority, 1, MAX_PRIORITY))
    reject(`priority ${String(inputs.priority)} outside 1..${MAX_PRIORITY}`);
  const listener = String(inputs.listenerArn);
  const { priorities, listenerToAlb, rulesPerAlb } = memory();
  const taken = priorities.get(listener) ?? new Map<number, string>();
  priorities.set(listener, taken);
  const holder = taken.get(priority);
  // CreateRule: PriorityInUse, "The specified priority is in use."
  if (inputs.priority !== undefined && holder !== undefined && holder !== name)
    reject(`priority ${priority} is already used by ${holder} on listener ${listener} (PriorityInUse)`);
  if (inputs.priority !== undefined) taken.set(priority, name);
  const alb = listenerToAlb.get(listener) ?? listener;
  const rules = rulesPerAlb.get(alb) ?? new Set<string>();
  rulesPerAlb.set(alb, rules);
  rules.add(name);
  if (rules.size > MAX_RULES_PER_ALB)
    reject(
      `rule ${rules.size} on load balancer ${alb}; "Rules per Application Load Balancer (excluding default rules): ${MAX_RULES_PER_ALB}"`,
    );
}

function checkTaskDefinition(inputs: Record<string, unknown>, reject: Reject): void {
  const compat = (inputs.requiresCompatibilities as string[] | undefined) ?? [];
  if (!compat.includes("FARGATE")) return;
  if (inputs.networkMode !== "awsvpc")
    reject(`Fargate tasks need networkMode awsvpc, got ${String(inputs.networkMode)}`);
  const problem = describeFargatePair(Number(inputs.cpu), Number(inputs.memory));
  // RegisterTaskDefinition: "No Fargate configuration exists for given values."
  if (problem) reject(`No Fargate configuration exists for given values: ${problem}`);
  let containers: Array<Record<string, unknown>>;
  try {
    containers = JSON.parse(String(inputs.containerDefinitions)) as Array<Record<string, unknown>>;
  } catch {
    return reject("containerDefinitions is not JSON");
  }
  for (const c of containers) {
    const names = [
      ...((c.environment as Array<{ name: string }> | undefined) ?? []),
      ...((c.secrets as Array<{ name: string }> | undefined) ?? []),
    ].map((e) => e.name);
    const dup = names.find((n, i) => names.indexOf(n) !== i);
    if (dup) reject(`container ${String(c.name)} sets ${dup} twice (environment / secrets)`);
    // Container definitions, healthCheck: interval 5-300, timeout 2-120, retries 1-10, startPeriod 0-300 seconds.
    const hc = c.healthCheck as
      { interval?: number; timeout?: number; retries?: number; startPeriod?: number } | undefined;
    if (
      hc &&
      !(
        between(hc.interval ?? 30, 5, 300) &&
        between(hc.timeout ?? 5, 2, 120) &&
        between(hc.retries ?? 3, 1, 10) &&
        between(hc.startPeriod ?? 0, 0, 300)
      )
    )
      reject(`container ${String(c.name)}: health check outside ECS's ranges`);
    // "For tasks using the Fargate launch type, the max stop timeout value is 120 seconds."
    if (c.stopTimeout !== undefined && Number(c.stopTimeout) > 120)
      reject(`container ${String(c.name)}: stopTimeout ${String(c.stopTimeout)} above Fargate's 120 seconds`);
    // Ulimit: name one of ECS's types, softLimit and hardLimit required (API Reference, Ulimit);
    // the kernel's fs.nr_open (1048576) bounds nofile, a soft limit above its hard one is refused.
    for (const u of (c.ulimits as Array<{ name?: string; softLimit?: number; hardLimit?: number }> | undefined) ?? []) {
      if (typeof u.softLimit !== "number" || typeof u.hardLimit !== "number")
        reject(`container ${String(c.name)}: ulimit ${String(u.name)} needs softLimit and hardLimit`);
      if (Number(u.softLimit) > Number(u.hardLimit))
        reject(
          `container ${String(c.name)}: ulimit ${String(u.name)} softLimit ${String(u.softLimit)} above hardLimit ${String(u.hardLimit)}`,
        );
      if (u.name === "nofile" && Number(u.hardLimit) > 1048576)
        reject(`container ${String(c.name)}: nofile hardLimit ${String(u.hardLimit)} above 1048576`);
    }
  }
}

/**
 * A rollout check's Invocation runs the real function source's verdict against the world's ECS
 * answer. The provider fails the create on a function error ("Lambda function ... returned
 * error"), which is what `pulumi up` then prints.
 */
function checkRolloutInvocation(inputs: Record<string, unknown>, reject: Reject): void {
  let event: RolloutEvent;
  try {
    event = JSON.parse(String(inputs.input)) as RolloutEvent;
  } catch {
    return;
  }
  if (event.check !== "rollout") return;
  const service = world().ecsServices?.[event.service];
  if (service === undefined) return;
  const verdict = rolloutVerdict(event, service);
  if (verdict.state === "wait")
    reject(
      `Lambda function returned error: service ${event.service}: the deployment of ${event.taskDefinition} is still in progress as this check times out; run 'pulumi up' again to wait for it.`,
    );
  if (verdict.state !== "done") reject(`Lambda function returned error: ${String(verdict.message)}`);
}

function checkParameterGroup(name: string, inputs: Record<string, unknown>, reject: Reject): void {
  const family = String(inputs.family);
  memory().families.set(physical(name, inputs), family);
  const parameters = (inputs.parameters as Array<{ name: string; applyMethod?: string }> | undefined) ?? [];
  // max_connections is static: "you can't use immediate for static parameters" (RDS ModifyDBParameterGroup).
  // PostgreSQL refuses to start above MAX_BACKENDS less its other backends (settings/limits.ts).
  const maxConnections = parameters.find((p) => p.name === "max_connections") as { value?: string } | undefined;
  if (maxConnections && Number(maxConnections.value) > POSTGRES_MAX_CONNECTIONS)
    reject(`max_connections ${String(maxConnections.value)} above PostgreSQL's ${POSTGRES_MAX_CONNECTIONS}`);
  const staticImmediate = parameters.find(
    (p) => p.name === "max_connections" && (p.applyMethod ?? "immediate") === "immediate",
  );
  if (staticImmediate) reject(`parameter max_connections is static; its applyMethod must be "pending-reboot"`);
}

function checkInstance(inputs: Record<string, unknown>, reject: Reject): void {
  // CreateDBInstance: DBInstanceClass "db.*"; BackupRetentionPeriod "Must be a value from 0 to 35."
  if (typeof inputs.instanceClass === "string" && !inputs.instanceClass.startsWith("db."))
    reject(`instanceClass "${inputs.instanceClass}" is not a DB instance class (db.*)`);
  if (
    inputs.backupRetentionPeriod !== undefined &&
    !between(Number(inputs.backupRetentionPeriod), 0, RDS_MAX_BACKUP_RETENTION_DAYS)
  )
    reject(`backupRetentionPeriod ${String(inputs.backupRetentionPeriod)}: "Must be a value from 0 to 35"`);
  if (inputs.skipFinalSnapshot === false && !inputs.finalSnapshotIdentifier)
    reject(`skipFinalSnapshot is false but no finalSnapshotIdentifier is set: deleting the instance would fail`);
  if (inputs.engine !== "postgres" || typeof inputs.engineVersion !== "string") return;
  const group = inputs.parameterGroupName;
  const family = typeof group === "string" ? memory().families.get(group) : undefined;
  const want = postgresFamily(inputs.engineVersion);
  // RDS: "the DB parameter group family must match the engine version of the DB instance".
  if (family !== undefined && family !== want)
    reject(
      `parameter group ${String(group)} has family ${family}; engine postgres ${inputs.engineVersion} needs ${want}`,
    );
}

/**
 * S3 bucket naming rules: "Bucket names must be between 3 (min) and 63 (max) characters long",
 * "can consist only of lowercase letters, numbers, periods (.), and hyphens (-)", "must begin
 * and end with a letter or number". The provider's bucket_prefix: "Must be lowercase and less
 * than or equal to 37 characters in length" (Terraform aws_s3_bucket).
 */
function checkBucket(inputs: Record<string, unknown>, reject: Reject): void {
  if (typeof inputs.bucketPrefix === "string") {
    if (inputs.bucketPrefix.length > 37) reject(`bucketPrefix "${inputs.bucketPrefix}" is longer than 37 characters`);
    if (!/^[a-z0-9][a-z0-9.-]*$/.test(inputs.bucketPrefix))
      reject(
        `bucketPrefix "${inputs.bucketPrefix}": lowercase letters, digits, "." and "-" only, starting with a letter or digit`,
      );
  }
  if (typeof inputs.bucket === "string" && !/^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/.test(inputs.bucket))
    reject(`bucket name "${inputs.bucket}" breaks S3's naming rules`);
  // Object Ownership BucketOwnerEnforced disables ACLs: "Requests to set ACLs or update ACLs fail".
  if (inputs.acl !== undefined)
    reject(`acl "${String(inputs.acl)}": the stack disables ACLs (BucketOwnerEnforced); grant access by policy`);
}

/** CreateOriginAccessControl: OriginAccessControlOriginType s3 | mediastore | lambda | mediapackagev2; SigningBehavior never | always | no-override; SigningProtocol sigv4. */
function checkOriginAccessControl(inputs: Record<string, unknown>, reject: Reject): void {
  if (!["s3", "mediastore", "lambda", "mediapackagev2"].includes(String(inputs.originAccessControlOriginType)))
    reject(
      `originAccessControlOriginType "${String(inputs.originAccessControlOriginType)}" is not one of s3, mediastore, lambda, mediapackagev2`,
    );
  if (!["never", "always", "no-override"].includes(String(inputs.signingBehavior)))
    reject(`signingBehavior "${String(inputs.signingBehavior)}" is not one of never, always, no-override`);
  if (inputs.signingProtocol !== "sigv4") reject(`signingProtocol "${String(inputs.signingProtocol)}": only sigv4`);
}

/**
 * An OAC signs requests to an S3 REST endpoint; "if your origin is an S3 bucket configured as
 * a website endpoint, you must set it up with CloudFront as a custom origin" (no OAC), and an
 * origin has either an OAC or a legacy origin access identity.
 */
function checkDistribution(inputs: Record<string, unknown>, reject: Reject): void {
  const origins =
    (inputs.origins as
      | {
          originId?: string;
          domainName?: string;
          originAccessControlId?: string;
          s3OriginConfig?: { originAccessIdentity?: string };
        }[]
      | undefined) ?? [];
  for (const o of origins) {
    if (!o.originAccessControlId) continue;
    if (/\.s3-website[.-]/.test(String(o.domainName)))
      reject(
        `origin ${o.originId}: an origin access control cannot sign requests to an S3 website endpoint (${o.domainName})`,
      );
    if (o.s3OriginConfig?.originAccessIdentity)
      reject(`origin ${o.originId}: both an origin access control and an origin access identity`);
  }
  const ids = new Set(origins.map((o) => o.originId));
  const target = (inputs.defaultCacheBehavior as { targetOriginId?: string } | undefined)?.targetOriginId;
  if (!ids.has(target)) reject(`defaultCacheBehavior.targetOriginId "${target}" names no origin`);
}
