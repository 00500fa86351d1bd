// The difference between two plan documents (what `npm run plan -- --json` prints): what a
// change does to a deployment, in the terms an operator reviews it by. Pure: two documents in,
// one diff out. The connection budget line by line and during the rolling deploy itself, the
// workers and what each change sets off, the routes that move between worker kinds, and the
// resources added, removed, replaced or updated per tier, with secrets as "changed (secret)"
// and values that depend on a replaced resource as computed.
import { destinationOfPath } from "../../components/plan/routes";
import { rolloutPeak } from "../../components/plan/transition";
import { NEW_OUTPUTS_ON_UPDATE, replacesOn, STATEFUL_TYPES } from "../offline/replacements";
import { COMPUTED, resourceId, SECRET_KEY } from "../offline/resourceInputs";

// What the diff reads of a plan document. A base built at an older commit may lack the newer
// fields (config, deploy, route table, resource inputs): those parts of the diff say less.
export interface DocBudgetLine {
  consumer: string;
  processes: number;
  connectionsPerProcess: number;
  connections: number;
}
export interface DocBudgetSide {
  limit: number;
  lines: DocBudgetLine[];
  peak: number;
  free: number;
}
export interface DocWorker {
  kind: string;
  replicas: { min: number; max: number; peak: number };
  processes: number;
  threads: number;
  workerConnections: number | null;
  poolSize: number;
  argv: string[];
  env: Record<string, string>;
  configFile?: { text?: string };
}
export interface DocResource {
  type: string;
  name: string;
  tier?: string;
  custom?: boolean;
  inputs?: Record<string, unknown>;
  inputSources?: Record<string, string[]>;
}
export interface PlanDoc {
  stack: string;
  profile: string;
  config?: Record<string, unknown>;
  deploy?: { maxPercent: number };
  workers: DocWorker[];
  migration?: { argv: string[]; configName: string; cpu?: number; memory?: number };
  budget: {
    database: { maxConnections: number; reservedConnections: number };
    server: DocBudgetSide;
    pgbouncer?: DocBudgetSide | null;
  };
  routes: { gevent: string[]; table?: { rule: string; kind: string; edge: string }[] };
  resources: DocResource[];
}

export interface ValueChange {
  path: string;
  old?: unknown;
  new?: unknown;
  /** A secret changed: neither value is shown. */
  secret?: boolean;
  /** The new value is known only after the update (it comes from a replaced or new resource). */
  computed?: boolean;
}

export interface BudgetLineDiff {
  consumer: string;
  old?: DocBudgetLine;
  new?: DocBudgetLine;
}
export interface BudgetSideDiff {
  side: "PostgreSQL" | "PgBouncer";
  old?: { limit: number; peak: number; free: number };
  new?: { limit: number; peak: number; free: number };
  lines: BudgetLineDiff[];
  /** The new plan leaves less than the threshold free. */
  tight: boolean;
}
export interface TransitionLine {
  consumer: string;
  connections: number;
  how: string;
}
export interface Transition {
  side: "PostgreSQL" | "PgBouncer";
  limit: number;
  /** Why this limit applies while the deploy runs. */
  limitNote: string;
  lines: TransitionLine[];
  peak: number;
  fits: boolean;
}

export interface WorkerDiff {
  kind: string;
  action: "add" | "remove" | "change";
  changes: ValueChange[];
  /** A change that needs new tasks or containers (anything but the replica counts). */
  rolls: boolean;
  triggers: string[];
}

export interface RouteMove {
  rule: string;
  old?: { kind: string; edge: string };
  new?: { kind: string; edge: string };
}

export interface ResourceChange {
  type: string;
  name: string;
  tier: string;
  action: "add" | "remove" | "replace" | "update";
  changes: ValueChange[];
  /** The inputs that force the replacement. */
  replaceBecause: string[];
}

export interface PlanDiff {
  stack: string;
  profile: string;
  changed: boolean;
  config: ValueChange[];
  budget: { sides: BudgetSideDiff[]; transition?: Transition; warnLeft: WarnLeft };
  workers: WorkerDiff[];
  migration: ValueChange[];
  routes: RouteMove[];
  resources: { tier: string; changes: ResourceChange[] }[];
  /** What applying the change sets off: rolling deploys, reboots, replacements. */
  triggers: string[];
  /** Resource inputs could not be compared: the base document predates them. */
  baseLacksInputs: boolean;
}

/** The threshold under which what is left of a budget is flagged: a share of the limit or a count. */
export type WarnLeft = { percent: number } | { connections: number };

export class DiffArgumentError extends Error {}

export function parseWarnLeft(text: string): WarnLeft {
  const m = /^(\d+(?:\.\d+)?)(%?)$/.exec(text.trim());
  if (!m)
    throw new DiffArgumentError(
      `--warn-left: "${text}" is neither a percentage of the limit (10%) nor a number of connections (20)`,
    );
  return m[2] ? { percent: Number(m[1]) } : { connections: Number(m[1]) };
}

export const DEFAULT_WARN_LEFT: WarnLeft = { percent: 10 };

function threshold(w: WarnLeft, limit: number): number {
  return "percent" in w ? (limit * w.percent) / 100 : w.connections;
}

// ---- values ----------------------------------------------------------------------------

const isObject = (v: unknown): v is Record<string, unknown> => !!v && typeof v === "object" && !Array.isArray(v);
const isSecretLeaf = (v: unknown) => isObject(v) && SECRET_KEY in v && Object.keys(v).length === 1;

function parseJson(v: unknown): unknown {
  if (typeof v !== "string" || !/^\s*[[{]/.test(v)) return undefined;
  try {
    return JSON.parse(v) as unknown;
  } catch {
    return undefined;
  }
}

export function sameValue(a: unknown, b: unknown): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

/** Leaf changes between two values; objects (and JSON in strings) are compared key by key. */
export function diffValues(a: unknown, b: unknown, path = "", out: ValueChange[] = []): ValueChange[] {
  if (sameValue(a, b)) return out;
  if (isSecretLeaf(a) || isSecretLeaf(b)) {
    out.push({ path, secret: true });
    return out;
  }
  if (b === COMPUTED) {
    out.push({ path, old: a, computed: true });
    return out;
  }
  const [ja, jb] = [parseJson(a), parseJson(b)];
  if (ja !== undefined && jb !== undefined) return diffValues(ja, jb, path, out);
  if (isObject(a) && isObject(b)) {
    for (const k of [...new Set([...Object.keys(a), ...Object.keys(b)])].sort())
      diffValues(a[k], b[k], path ? `${path}.${k}` : k, out);
    return out;
  }
  // Lists of named things (environment variables, parameters, containers) pair up by name.
  const names = (l: unknown[]) =>
    l.every((x) => isObject(x) && typeof x.name === "string") ? l.map((x) => (x as { name: string }).name) : undefined;
  const [na, nb] = Array.isArray(a) && Array.isArray(b) ? [names(a), names(b)] : [undefined, undefined];
  if (na && nb && new Set(na).size === na.length && new Set(nb).size === nb.length) {
    const [la, lb] = [a as Record<string, unknown>[], b as Record<string, unknown>[]];
    for (const n of [...new Set([...na, ...nb])])
      diffValues(la[na.indexOf(n)], lb[nb.indexOf(n)], `${path}[${n}]`, out);
    return out;
  }
  if (Array.isArray(a) && Array.isArray(b) && a.length === b.length && a.some((x) => isObject(x) || Array.isArray(x))) {
    a.forEach((x, i) => diffValues(x, b[i], `${path}[${i}]`, out));
    return out;
  }
  out.push({ path, old: a, new: b });
  return out;
}

// ---- budget ----------------------------------------------------------------------------

/** A line's identity across plans: its consumer without the counts ("sync (4 proc x 1 thread)"). */
const lineKey = (l: DocBudgetLine) => l.consumer.split(" (")[0]!;

function diffSide(
  side: BudgetSideDiff["side"],
  a: DocBudgetSide | undefined | null,
  b: DocBudgetSide | undefined | null,
  warn: WarnLeft,
): BudgetSideDiff | undefined {
  if (!a && !b) return undefined;
  const keys = [...new Set([...(a?.lines ?? []), ...(b?.lines ?? [])].map(lineKey))];
  const lines = keys.map((k) => ({
    consumer: k,
    old: a?.lines.find((l) => lineKey(l) === k),
    new: b?.lines.find((l) => lineKey(l) === k),
  }));
  const summary = (s: DocBudgetSide | undefined | null) =>
    s ? { limit: s.limit, peak: s.peak, free: s.free } : undefined;
  return { side, old: summary(a), new: summary(b), lines, tight: !!b && b.free < threshold(warn, b.limit) };
}

const connectionsPerReplica = (w: DocWorker) =>
  w.kind === "sync" ? w.processes * w.threads : w.processes * w.poolSize;

/**
 * The connections while the deploy runs: a service that rolls keeps its old tasks (old pools, old
 * replicas) until the new ones (new pools, new replicas) are healthy, and ECS runs at most
 * maxPercent of the desired count (rolloutPeak, the rule `pulumi up` checks). A service that
 * does not roll runs its new replica count. Then migrations and headroom. On RDS,
 * max_connections is a static parameter: the old limit holds until the instance reboots.
 */
function transition(a: PlanDoc, b: PlanDoc, workers: WorkerDiff[]): Transition {
  const pgb = !!b.budget.pgbouncer;
  const side = pgb ? "PgBouncer" : "PostgreSQL";
  const maxPercent = b.deploy?.maxPercent ?? 200;
  const lines: TransitionLine[] = [];
  for (const w of b.workers) {
    const old = a.workers.find((x) => x.kind === w.kind);
    const rolls = workers.find((d) => d.kind === w.kind)?.rolls ?? false;
    const next = connectionsPerReplica(w);
    if (old && rolls) {
      // The same rollout model `pulumi up` refuses by (components/plan/transition.ts).
      const prev = connectionsPerReplica(old);
      const peak = rolloutPeak(
        { tasks: old.replicas.max, perTask: prev },
        { tasks: w.replicas.max, perTask: next },
        maxPercent,
      );
      const how = `${old.replicas.max} old x ${prev} -> ${w.replicas.max} new x ${next}, at most ${maxPercent}%`;
      lines.push({ consumer: w.kind, connections: peak, how });
    } else {
      lines.push({
        consumer: w.kind,
        connections: next * w.replicas.max,
        how: `${w.replicas.max} x ${next}${old ? "" : " (new)"}`,
      });
    }
  }
  const limitOf = (d: PlanDoc) => (pgb ? d.budget.pgbouncer?.limit : d.budget.server.limit);
  let limit = limitOf(b)!;
  let limitNote = pgb ? "PgBouncer's client limit" : "max_connections - reserved";
  if (!pgb) {
    for (const l of b.budget.server.lines.filter((x) => ["migrations", "operator headroom"].includes(lineKey(x)))) {
      lines.push({
        consumer: l.consumer,
        connections: l.connections,
        how: `${l.processes} x ${l.connectionsPerProcess}`,
      });
    }
    if (b.profile === "prod" && a.budget.server.limit !== limit) {
      limit = a.budget.server.limit;
      limitNote = "the old max_connections: RDS applies a new one only after a reboot (static parameter)";
    }
  }
  const peak = lines.reduce((n, l) => n + l.connections, 0);
  return { side, limit, limitNote, lines, peak, fits: peak <= limit };
}

// ---- workers ---------------------------------------------------------------------------

function workerFields(w: DocWorker): Record<string, unknown> {
  return {
    "replicas.min": w.replicas.min,
    "replicas.max": w.replicas.max,
    processes: w.processes,
    threads: w.threads,
    workerConnections: w.workerConnections,
    poolSize: w.poolSize,
    command: w.argv.join(" "),
    ...Object.fromEntries(Object.entries(w.env).map(([k, v]) => [`env.${k}`, v])),
    configFile: w.configFile?.text,
  };
}

function diffWorkers(a: PlanDoc, b: PlanDoc): WorkerDiff[] {
  const kinds = [...new Set([...a.workers, ...b.workers].map((w) => w.kind))];
  const out: WorkerDiff[] = [];
  for (const kind of kinds) {
    const [old, next] = [a.workers.find((w) => w.kind === kind), b.workers.find((w) => w.kind === kind)];
    const action = !old ? "add" : !next ? "remove" : "change";
    const changes = diffValues(old ? workerFields(old) : {}, next ? workerFields(next) : {});
    if (!changes.length) continue;
    const rolls = changes.some((c) => !c.path.startsWith("replicas."));
    out.push({ kind, action, changes, rolls, triggers: [] });
  }
  return out;
}

// ---- routes ----------------------------------------------------------------------------

function diffRoutes(a: PlanDoc, b: PlanDoc): RouteMove[] {
  // A base without the route table: only its gevent rules are known; the rest went to their
  // prefix's kind (static, socketio) or to sync.
  const table = (d: PlanDoc) =>
    new Map(
      (d.routes.table ?? d.routes.gevent.map((rule) => ({ rule, kind: "gevent", edge: "" }))).map((r) => [
        r.rule,
        { kind: r.kind, edge: r.edge },
      ]),
    );
  const [ta, tb] = [table(a), table(b)];
  const partial = !a.routes.table || !b.routes.table;
  const moves: RouteMove[] = [];
  for (const rule of [...new Set([...ta.keys(), ...tb.keys()])].sort()) {
    let [old, next] = [ta.get(rule), tb.get(rule)];
    if (partial) {
      const byPrefix = { kind: destinationOfPath(rule) ?? "sync", edge: "" };
      old ??= byPrefix;
      next ??= byPrefix;
    }
    if (old && next && old.kind === next.kind && (partial || old.edge === next.edge)) continue;
    moves.push({ rule, old, new: next });
  }
  return moves;
}

// ---- resources -------------------------------------------------------------------------

function diffResources(a: PlanDoc, b: PlanDoc): ResourceChange[] {
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

const topKey = (path: string) => path.split(/[.[]/)[0]!;

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
function triggersOf(c: ResourceChange, profile: string): string[] {
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

// ---- the whole diff ----------------------------------------------------------------------

export function diffPlans(a: PlanDoc, b: PlanDoc, opts: { warnLeft?: WarnLeft } = {}): PlanDiff {
  const warnLeft = opts.warnLeft ?? DEFAULT_WARN_LEFT;
  const workers = diffWorkers(a, b);
  const sides = [
    diffSide("PostgreSQL", a.budget.server, b.budget.server, warnLeft),
    diffSide("PgBouncer", a.budget.pgbouncer, b.budget.pgbouncer, warnLeft),
  ].filter((s): s is BudgetSideDiff => !!s);
  const resourceChanges = diffResources(a, b);
  const triggers = resourceChanges.flatMap((c) => triggersOf(c, b.profile));
  // A worker's triggers: those of the resources named for its kind (service, task, containers).
  // A kind rolls when its tasks or containers are renewed, also for a reason outside its own
  // settings (a rebuilt image that every kind runs).
  for (const kind of b.workers.map((w) => w.kind)) {
    const mine = new RegExp(`-${kind}(-\\d+)?$`);
    const own = resourceChanges.filter((c) => mine.test(c.name));
    const renewed = own.some(
      (c) =>
        (c.type === "aws:ecs/service:Service" && c.changes.some((x) => topKey(x.path) === "taskDefinition")) ||
        (c.type === "docker:index/container:Container" && c.action === "replace"),
    );
    let w = workers.find((x) => x.kind === kind);
    if (!w && renewed) workers.push((w = { kind, action: "change", changes: [], rolls: true, triggers: [] }));
    if (!w) continue;
    w.rolls ||= renewed;
    w.triggers = own.flatMap((c) => triggersOf(c, b.profile));
  }
  const tiers = [...new Set(resourceChanges.map((c) => c.tier))].sort();
  const order = { remove: 0, replace: 1, add: 2, update: 3 };
  const diff: PlanDiff = {
    stack: b.stack,
    profile: b.profile,
    changed: false,
    // A base without its stack config says nothing about it (not that every key is new).
    config: a.config && b.config ? diffValues(a.config, b.config) : [],
    budget: { sides, warnLeft },
    workers,
    migration: diffValues(a.migration ?? {}, b.migration ?? {}),
    routes: diffRoutes(a, b),
    resources: tiers.map((tier) => ({
      tier,
      changes: resourceChanges
        .filter((c) => c.tier === tier)
        .sort((x, y) => order[x.action] - order[y.action] || x.name.localeCompare(y.name)),
    })),
    triggers,
    baseLacksInputs: a.resources.some((r) => r.inputs === undefined),
  };
  const budgetChanged = sides.some((s) => !sameValue(s.old, s.new) || s.lines.some((l) => !sameValue(l.old, l.new)));
  if (workers.some((w) => w.rolls) || budgetChanged) diff.budget.transition = transition(a, b, workers);
  diff.changed =
    budgetChanged || [diff.config, workers, diff.migration, diff.routes, resourceChanges].some((x) => x.length > 0);
  return diff;
}

/** Whether the diff holds something a reviewer must not wave through. */
export function diffWarnings(d: PlanDiff): string[] {
  const out: string[] = [];
  for (const s of d.budget.sides) {
    if (s.tight && s.new)
      out.push(
        `${s.side} budget: ${s.new.free} of ${s.new.limit} connections left, under the ${"percent" in d.budget.warnLeft ? `${d.budget.warnLeft.percent}%` : d.budget.warnLeft.connections} threshold`,
      );
  }
  const t = d.budget.transition;
  if (t && !t.fits)
    out.push(
      `the rolling deploy does not fit: ${t.peak} connections at its peak, ${t.limit} available (${t.limitNote})`,
    );
  for (const tr of d.triggers) if (/DATA IS/.test(tr)) out.push(tr);
  return out;
}
