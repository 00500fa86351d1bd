// The resources' side of the diff: each resource added, removed, replaced (an input the
// provider replaces on: replacements.ts) or updated, inputs that become known only after apply
// because they come from a replaced resource, and what applying each change sets off.
import { NEW_OUTPUTS_ON_UPDATE, replacesOn, STATEFUL_TYPES } from "../offline/replacements";
import { resourceId } from "../offline/resourceInputs";
import type { DocResource, PlanDoc, ResourceChange, ValueChange } from "./shapes";
import { diffValues } from "./values";

export function diffResources(a: PlanDoc, b: PlanDoc): ResourceChange[] {
  const custom = (d: PlanDoc) =>
    new Map(d.resources.filter((r) => r.custom !== false && !/^throat:/.test(r.type)).map((r) => [resourceId(r), r]));
  const [ra, rb] = [custom(a), custom(b)];
  const changes = new Map<string, ResourceChange>();
  const tierOf = (r: DocResource) => r.tier ?? "stack";
  for (const [id, r] of rb) {
    const old = ra.get(id);
    if (!old) {
      changes.set(id, { type: r.type, name: r.name, tier: tierOf(r), action: "add", changes: [], replaceBecause: [] });
      continue;
    }
    if (!old.inputs || !r.inputs) continue;
    const [oldInputs, newInputs] = [old.inputs, withoutUnknownDigest(old.inputs, r.inputs)];
    const inputChanges = Object.keys({ ...oldInputs, ...newInputs })
      .sort()
      .flatMap((k) => diffValues(oldInputs[k], newInputs[k], k));
    if (inputChanges.length) changes.set(id, classify(r, inputChanges));
  }
  for (const [id, r] of ra)
    if (!rb.has(id))
      changes.set(id, {
        type: r.type,
        name: r.name,
        tier: tierOf(r),
        action: "remove",
        changes: [],
        replaceBecause: [],
      });

  // A replaced or new resource gets new outputs (ARNs, ids), as does a rebuilt image: every input
  // of another resource that comes from it is known only after apply, which may replace that
  // resource too.
  const newOutputs = (c: ResourceChange) =>
    c.action === "add" || c.action === "replace" || NEW_OUTPUTS_ON_UPDATE.includes(c.type);
  for (let grew = true; grew;) {
    grew = false;
    const fresh = new Set([...changes].filter(([, c]) => newOutputs(c)).map(([id]) => id));
    for (const [id, r] of rb) {
      const c = changes.get(id);
      if (c?.action === "add" || c?.action === "replace") continue;
      const newlyComputed = Object.entries(r.inputSources ?? {})
        .filter(
          ([k, from]) =>
            from.some((f) => fresh.has(f)) &&
            !c?.changes.some((x) => x.path === k || x.path.startsWith(`${k}.`) || x.path.startsWith(`${k}[`)),
        )
        .map(([k]): ValueChange => ({ path: k, old: ra.get(id)?.inputs?.[k], computed: true }));
      if (!newlyComputed.length) continue;
      changes.set(
        id,
        classify(
          r,
          [...(c?.changes ?? []), ...newlyComputed].sort((x, y) => x.path.localeCompare(y.path)),
        ),
      );
      grew = true;
    }
  }
  return [...changes.values()];
}

/** A base from before the plan reproduced `build.contextDigest` knows nothing of it: not a change. */
function withoutUnknownDigest(old: Record<string, unknown>, next: Record<string, unknown>): Record<string, unknown> {
  const [ob, nb] = [old.build, next.build] as (Record<string, unknown> | undefined)[];
  if (!nb || nb.contextDigest === undefined || ob?.contextDigest !== undefined) return next;
  const { contextDigest: _unknown, ...build } = nb;
  return { ...next, build };
}

export const topKey = (path: string) => path.split(/[.[]/)[0]!;

function classify(r: DocResource, changes: ValueChange[]): ResourceChange {
  const replaceBecause = [...new Set(changes.map((c) => topKey(c.path)).filter((k) => replacesOn(r.type, k)))];
  return {
    type: r.type,
    name: r.name,
    tier: r.tier ?? "stack",
    action: replaceBecause.length ? "replace" : "update",
    changes,
    replaceBecause,
  };
}

const short = (type: string) => type.split(":").pop()!;

/** What applying one resource change sets off, in an operator's words. */
export function triggersOf(c: ResourceChange, profile: string): string[] {
  const changed = (k: string) => c.changes.find((x) => topKey(x.path) === k);
  const out: string[] = [];
  if (c.type === "aws:ecs/service:Service" && c.action === "update") {
    if (changed("taskDefinition")) out.push(`rolling deploy of ECS service ${c.name} (new task definition revision)`);
    const count = changed("desiredCount");
    if (count) out.push(`ECS service ${c.name}: desired count ${String(count.old)} -> ${String(count.new)}`);
  }
  if (c.type === "aws:appautoscaling/target:Target" && c.action === "update") {
    const [min, max] = [changed("minCapacity"), changed("maxCapacity")];
    if (min || max) out.push(`autoscaling ${c.name}: tasks ${describeRange(min, max)}`);
  }
  if (c.type === "aws:rds/parameterGroup:ParameterGroup" && c.action === "update") {
    const param = c.changes.find((x) => x.path.startsWith("parameters"));
    if (param)
      out.push(
        `RDS reboot needed: parameter group ${c.name} changes ${param.path} (${String(param.old)} -> ${String(param.new)}), a static parameter (pending-reboot): the instance keeps the old value until it reboots`,
      );
  }
  if (c.type === "aws:lambda/invocation:Invocation" && c.action === "replace")
    out.push(`the migration runs again (${c.name})`);
  if (c.type === "docker:index/container:Container") {
    if (c.action === "replace") out.push(`container ${c.name} recreated`);
    if (c.action === "add") out.push(`container ${c.name} started`);
    if (c.action === "remove") out.push(`container ${c.name} stopped and removed`);
  }
  // A task definition revision is immutable: its "replacement" is the service's rolling deploy
  // (or the migration's new run), said there.
  const saidElsewhere = [
    "docker:index/container:Container",
    "aws:lambda/invocation:Invocation",
    "aws:ecs/taskDefinition:TaskDefinition",
  ];
  if (c.action === "replace" && !saidElsewhere.includes(c.type)) {
    out.push(
      `replacement of ${short(c.type)} ${c.name} (${c.replaceBecause.join(", ")} forces it)${STATEFUL_TYPES.includes(c.type) ? ": ITS DATA IS NOT CARRIED OVER" : ""}`,
    );
  }
  if (
    c.type === "docker:index/image:Image" &&
    c.action === "update" &&
    c.changes.some((x) => x.path.startsWith("build"))
  )
    out.push(`image ${c.name} rebuilt and pushed (its build changed)`);
  if (c.action === "remove" && STATEFUL_TYPES.includes(c.type))
    out.push(`removal of ${short(c.type)} ${c.name}: ITS DATA IS DELETED`);
  if (profile === "prod" && c.type === "aws:rds/instance:Instance" && c.action === "update")
    out.push(
      `RDS instance ${c.name} modified in place (${[...new Set(c.changes.map((x) => topKey(x.path)))].join(", ")})`,
    );
  return out;
}

function describeRange(min?: ValueChange, max?: ValueChange): string {
  const part = (name: string, c?: ValueChange) => (c ? `${name} ${String(c.old)} -> ${String(c.new)}` : "");
  return [part("min", min), part("max", max)].filter(Boolean).join(", ");
}
