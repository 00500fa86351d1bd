// The second `pulumi up` and the `pulumi destroy`, as the engine and the providers would see
// them: two mock runs (the last deploy, then this one) compared resource by resource, and the
// refusals AWS documents for what that diff asks. The mock runs one program at a time; this is
// where the life after the first deploy is modelled.
import type { ProgramRun, RecordedResource } from "../recorded";

/** Resources whose inputs differ between the runs: what the engine would update or replace. */
export function changedResources(before: ProgramRun, after: ProgramRun): RecordedResource[] {
  const old = new Map(before.resources.map((r) => [r.urn, r]));
  return after.resources.filter((r) => {
    const o = old.get(r.urn);
    return r.custom && (!o || JSON.stringify(o.inputs) !== JSON.stringify(r.inputs));
  });
}

const RDS = "aws:rds/instance:Instance";
const ECR = "aws:ecr/repository:Repository";
const LOG_GROUP = "aws:cloudwatch/logGroup:LogGroup";
const SECRET_VERSION = "aws:secretsmanager/secretVersion:SecretVersion";
const TASK_DEFINITION = "aws:ecs/taskDefinition:TaskDefinition";
const BUCKET = "aws:s3/bucket:Bucket";
const LOAD_BALANCERS = ["aws:lb/loadBalancer:LoadBalancer", "aws:alb/loadBalancer:LoadBalancer"];
const major = (v: unknown) => String(v).split(".")[0];

/** What AWS would refuse when the engine applies `after` over `before` (messages quote AWS). */
export function updateRefusals(before: ProgramRun, after: ProgramRun): string[] {
  const problems: string[] = [];
  const old = new Map(before.resources.map((r) => [r.urn, r]));
  for (const r of after.resources) {
    const o = old.get(r.urn);
    if (!o || r.type !== RDS) continue;
    // ModifyDBInstance, AllowMajorVersionUpgrade: "This parameter must be set to true when
    // specifying a value for the EngineVersion parameter that is a different major version
    // than the DB instance's current version."
    if (major(o.inputs.engineVersion) !== major(r.inputs.engineVersion) && r.inputs.allowMajorVersionUpgrade !== true) {
      problems.push(
        `${r.name}: InvalidParameterCombination: The AllowMajorVersionUpgrade flag must be present when upgrading to a new major version (${String(o.inputs.engineVersion)} -> ${String(r.inputs.engineVersion)})`,
      );
    }
  }
  problems.push(...takenLogGroups(before, after));
  return problems;
}

/**
 * Log groups RDS already made before the stack declared them: RDS creates
 * /aws/rds/instance/<id>/<log type> itself when it first publishes, so a stack deployed without
 * its own group finds the name taken (CreateLogGroup: ResourceAlreadyExistsException, "The
 * specified log group already exists") until the group is imported or deleted.
 */
function takenLogGroups(before: ProgramRun, after: ProgramRun): string[] {
  const had = new Set(before.resources.filter((r) => r.type === LOG_GROUP).map((r) => String(r.inputs.name)));
  const published = new Set(
    before.resources
      .filter((r) => r.type === RDS)
      .flatMap((r) =>
        ((r.inputs.enabledCloudwatchLogsExports as string[] | undefined) ?? []).map(
          (t) => `/aws/rds/instance/${String(r.inputs.identifier)}/${t}`,
        ),
      ),
  );
  return after.resources
    .filter((r) => r.type === LOG_GROUP && published.has(String(r.inputs.name)) && !had.has(String(r.inputs.name)))
    .map(
      (r) =>
        `${r.name}: ResourceAlreadyExistsException: The specified log group already exists (${String(r.inputs.name)}, made by RDS): import it first`,
    );
}

/**
 * Task definitions a changed secret value would not reach. ECS reads a container's secrets only
 * when a task starts (ECS developer guide, "Pass Secrets Manager secrets through Amazon ECS
 * environment variables"): a task definition that uses the secret but does not change keeps its
 * running tasks on the old value, starts new ones (autoscaling, replacements) on the new one,
 * and runs neither the migration nor a rolling deploy.
 */
export function staleSecretTasks(before: ProgramRun, after: ProgramRun): string[] {
  const old = new Map(before.resources.map((r) => [r.urn, r]));
  const changed = new Set(changedResources(before, after).map((r) => r.urn));
  const problems: string[] = [];
  for (const version of after.resources.filter((r) => r.type === SECRET_VERSION)) {
    const previous = old.get(version.urn);
    if (!previous || previous.inputs.secretString === version.inputs.secretString) continue;
    const secrets = version.propertyDependencies.secretId ?? [];
    for (const td of after.resources.filter((r) => r.type === TASK_DEFINITION)) {
      const uses = (td.propertyDependencies.containerDefinitions ?? []).some((u) => secrets.includes(u));
      if (uses && !changed.has(td.urn))
        problems.push(
          `${td.name}: ${version.name} has a new value, but the task definition does not change: its running tasks keep the old value (ECS injects secrets only when a task starts)`,
        );
    }
  }
  return problems;
}

export interface DestroyWorld {
  /** RDS snapshot identifiers that already exist in the account and region. */
  existingSnapshots?: string[];
  /** ECR repositories (physical names) that hold images. */
  repositoriesWithImages?: string[];
  /** S3 buckets (logical names) that hold objects; a load balancer's log bucket always does. */
  bucketsWithObjects?: string[];
}

/** What AWS would refuse on `pulumi destroy` of `run` (protect and deletionProtection aside). */
export function destroyRefusals(run: ProgramRun, w: DestroyWorld): string[] {
  const problems: string[] = [];
  for (const r of run.resources) {
    if (r.type === RDS && r.inputs.skipFinalSnapshot === false) {
      const id = String(r.inputs.finalSnapshotIdentifier);
      // DeleteDBInstance: DBSnapshotAlreadyExists, "DBSnapshotIdentifier is already used by an existing snapshot."
      if (w.existingSnapshots?.includes(id))
        problems.push(`${r.name}: DBSnapshotAlreadyExists: final snapshot ${id} already exists`);
    }
    if (r.type === ECR && r.inputs.forceDelete !== true && w.repositoriesWithImages?.includes(String(r.inputs.name))) {
      // DeleteRepository: RepositoryNotEmptyException, "the repository contains images"; the
      // provider's force_delete: "If true, will delete the repository even if it contains images."
      problems.push(
        `${r.name}: RepositoryNotEmptyException: The repository ${String(r.inputs.name)} cannot be deleted because it still contains images`,
      );
    }
    // DeleteBucket: BucketNotEmpty, "The bucket you tried to delete is not empty"; the provider's
    // force_destroy empties it first. retainOnDelete: the engine does not delete it at all.
    if (r.type === BUCKET && !r.retainOnDelete && r.inputs.forceDestroy !== true && holdsObjects(run, r, w))
      problems.push(`${r.name}: BucketNotEmpty: The bucket you tried to delete is not empty`);
  }
  return problems;
}

/**
 * A bucket a load balancer logs into holds objects from the start: ELB writes a test object as
 * soon as access logs are enabled ("Enable access logs for your Application Load Balancer").
 */
function holdsObjects(run: ProgramRun, bucket: RecordedResource, w: DestroyWorld): boolean {
  if (w.bucketsWithObjects?.includes(bucket.name)) return true;
  return run.resources.some(
    (r) => LOAD_BALANCERS.includes(r.type) && (r.propertyDependencies.accessLogs ?? []).includes(bucket.urn),
  );
}

/**
 * What `pulumi destroy` deletes around a bucket it keeps (retainOnDelete): a deleted lifecycle
 * configuration no longer expires its objects, a deleted public access block or policy no
 * longer guards it. Every resource configuring a kept bucket is kept with it.
 */
export function strippedRetainedBuckets(run: ProgramRun): string[] {
  const kept = new Set(run.resources.filter((r) => r.type === BUCKET && r.retainOnDelete).map((r) => r.urn));
  return run.resources
    .filter((r) => r.custom && !r.retainOnDelete && (r.propertyDependencies.bucket ?? []).some((u) => kept.has(u)))
    .map((r) => `${r.name} (${r.type}): deleted by destroy while the bucket it configures is kept`);
}
