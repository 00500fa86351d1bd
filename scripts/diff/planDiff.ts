// The difference between two plan documents (what `npm run plan -- --json` prints): what a
// change does to a deployment, in the terms an operator reviews it by. Pure: two documents in,
// one diff out. The connection budget line by line and during the rolling deploy itself, the
// workers and what each change sets off, the routes that move between worker kinds, and the
// resources added, removed, replaced or updated per tier, with secrets as "changed (secret)"
// and values that depend on a replaced resource as computed. The budget's part is budget.ts,
// the resources' resources.ts, the value comparison values.ts, the shapes shapes.ts; this file
// has the workers, the routes and the whole.
import { destinationOfPath } from "../../components/plan/routes";
import { DEFAULT_WARN_LEFT, diffSide, transition } from "./budget";
import { diffResources, topKey, triggersOf } from "./resources";
import type { BudgetSideDiff, DocWorker, PlanDiff, PlanDoc, RouteMove, WarnLeft, WorkerDiff } from "./shapes";
import { diffValues, sameValue } from "./values";

export { DEFAULT_WARN_LEFT, DiffArgumentError, parseWarnLeft } from "./budget";
export { diffValues, sameValue } from "./values";
export type * from "./shapes";

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

/** The rules whose worker kind or edge match differ (`npm run routes` compares two route lists by it). */
export function diffRoutes(a: Pick<PlanDoc, "routes">, b: Pick<PlanDoc, "routes">): RouteMove[] {
  // A base without the route table: only its gevent rules are known; the rest went to their
  // prefix's kind (static, socketio) or to sync.
  const table = (d: Pick<PlanDoc, "routes">) =>
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
