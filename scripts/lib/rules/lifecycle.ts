// The second `pulumi up` and the `pulumi destroy`, as the engine and the providers would see
// them: two mock runs (the last deploy, then this one) compared resource by resource, and the
// refusals AWS documents for what that diff asks. The mock runs one program at a time; this is
// where the life after the first deploy is modelled.
import type { ProgramRun, RecordedResource } from "../../offline/recorded";

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
  return problems;
}

export interface DestroyWorld {
  /** RDS snapshot identifiers that already exist in the account and region. */
  existingSnapshots?: string[];
  /** ECR repositories (physical names) that hold images. */
  repositoriesWithImages?: string[];
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
  }
  return problems;
}
