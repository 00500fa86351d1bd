// The connection budget of the change itself: from what runs now to what is planned.
// During a rolling deploy the old tasks keep their old pool sizes until they stop, while the new
// ones open pools of the new size. The plan's own budget counts only the new tasks, so a change
// that shrinks `auto` pools to make room for more replicas can fit at rest and overflow on the
// way there. What runs now comes from the stack's last outputs (components/previous.ts).
import type { Settings, WorkerKind } from "../settings";
import { workerKinds } from "../settings";
import { BudgetError, ConnectionBudget } from "./budget";

/** What the last deploy left running, as the stack's outputs record it. */
export interface PreviousDeployment {
  workers: Record<WorkerKind, { max: number; connectionsPerReplica: number }>;
  /** PostgreSQL major version the data was written with (absent in outputs older than this field). */
  engineVersion?: string;
  /** max_connections - reserved of the last deploy: what RDS runs until its next reboot. */
  serverLimit?: number;
}

export interface TransitionLine {
  kind: WorkerKind;
  oldTasks: number;
  oldConnections: number;
  newTasks: number;
  newConnections: number;
  /** Connections of this service at the worst moment of its rollout. */
  peak: number;
}

export interface TransitionBudget {
  lines: TransitionLine[];
  /** Workers at their rollout peak + migrations + headroom (+ PgBouncer's side unchanged). */
  peak: number;
  limit: number;
  free: number;
  /** Why the limit is not the planned one (RDS keeps the old max_connections until a reboot). */
  limitNote?: string;
}

/**
 * The worst moment of one service's rolling deploy. ECS keeps at most `maxPercent` of the new
 * desired count running (old + new), starts at most the new desired count of new tasks, and
 * never has more old tasks than ran before; the worst mix holds the most connections.
 */
export function rolloutPeak(
  old: { tasks: number; perTask: number },
  next: { tasks: number; perTask: number },
  maxPercent: number,
): TransitionLine["peak"] {
  const total = Math.ceil((next.tasks * maxPercent) / 100);
  let worst = 0;
  for (let o = 0; o <= Math.min(old.tasks, total); o++) {
    const n = Math.min(next.tasks, total - o);
    worst = Math.max(worst, o * old.perTask + n * next.perTask);
  }
  return worst;
}

/**
 * The budget from `previous` to the planned deployment. Without PgBouncer every pooled
 * connection is a server connection; with it, the server side does not change with the pools
 * (PgBouncer's pool is fixed), so only PgBouncer's client limit is checked.
 */
export function planTransition(s: Settings, budget: ConnectionBudget, previous: PreviousDeployment): TransitionBudget {
  const lines = workerKinds.map((kind): TransitionLine => {
    const w = s.workers[kind];
    const processes = kind === "sync" ? s.workers.sync.processes : 1;
    const old = previous.workers[kind];
    const next = { tasks: w.replicas.max, perTask: processes * budget.poolSizes[kind] };
    const peak = rolloutPeak({ tasks: old.max, perTask: old.connectionsPerReplica }, next, s.deploy.maxPercent);
    return {
      kind,
      oldTasks: old.max,
      oldConnections: old.connectionsPerReplica,
      newTasks: next.tasks,
      newConnections: next.perTask,
      peak,
    };
  });
  const side = budget.pgbouncer ?? budget.server;
  const workerLines = new Set(["sync", "gevent", "socketio"]);
  const others = side.lines
    .filter((l) => !workerLines.has(l.consumer.split(" ")[0]!))
    .reduce((n, l) => n + l.connections, 0);
  const peak = lines.reduce((n, l) => n + l.peak, 0) + others;
  // On RDS max_connections is static (pending-reboot): a raised limit does not hold yet while
  // this deploy rolls, so the rollout is checked against the lower of the old and new limits.
  const oldLimit = previous.serverLimit;
  if (s.profile === "prod" && !budget.pgbouncer && oldLimit !== undefined && oldLimit < side.limit) {
    const limitNote = `RDS keeps the old max_connections (${oldLimit} usable) until it reboots`;
    return { lines, peak, limit: oldLimit, free: oldLimit - peak, limitNote };
  }
  return { lines, peak, limit: side.limit, free: side.limit - peak };
}

/** Throws a BudgetError with the two-step fix when the change cannot be made in one deploy. */
export function checkTransition(
  s: Settings,
  budget: ConnectionBudget,
  previous: PreviousDeployment,
  t: TransitionBudget,
): void {
  if (t.free >= 0) return;
  const key = budget.pgbouncer ? "throat:database.pgbouncer.maxClientConnections" : "throat:database.maxConnections";
  // Step 1 shrinks each pool to the smaller of its old and new size at the old replica counts;
  // step 2 then changes the replicas with every task already at the small pools.
  const steps = t.lines
    .filter((l) => l.kind !== "sync" && l.newConnections < l.oldConnections)
    .map((l) => `throat:workers.${l.kind}.poolSize: ${l.newConnections}`);
  const rows = t.lines.map(
    (l) =>
      `  ${l.kind.padEnd(9)} old ${l.oldTasks} x ${l.oldConnections}, new ${l.newTasks} x ${l.newConnections}: up to ${l.peak}`,
  );
  const twoStep = t.limitNote
    ? `Deploy it in two steps: first throat:database.maxConnections alone (pulumi up, then aws rds reboot-db-instance in a quiet hour), then the pool or replica change (pulumi up again).`
    : steps.length
      ? `Deploy it in two steps: first set ${steps.join(", ")} with the replicas unchanged (pulumi up), then change the replicas (pulumi up again).`
      : `Deploy it in two steps: first the pool or replica change that lowers connections, then the one that raises them.`;
  throw new BudgetError(
    key,
    `${key}: the change from what runs now cannot be made in one deploy: while old and new tasks run side by side (throat:deploy.maxPercent ${s.deploy.maxPercent}), they hold up to ${t.peak} connections, ${-t.free} more than the ${t.limit} available${t.limitNote ? ` (${t.limitNote})` : ""}.\n${rows.join("\n")}\n${twoStep}`,
  );
}

/** Reads a PreviousDeployment out of the stack outputs (see outputs.ts); undefined if absent. */
export function previousFromOutputs(outputs: Record<string, unknown> | undefined): PreviousDeployment | undefined {
  const workers = outputs?.workers as Record<string, { max?: number; processes?: number }> | undefined;
  const pools = (outputs?.connectionBudget as { poolSizes?: Record<string, number> } | undefined)?.poolSizes;
  if (!workers || !pools) return undefined;
  const out = {} as PreviousDeployment["workers"];
  for (const kind of workerKinds) {
    const w = workers[kind];
    if (!w || typeof w.max !== "number" || typeof pools[kind] !== "number") return undefined;
    out[kind] = { max: w.max, connectionsPerReplica: (w.processes ?? 1) * pools[kind] };
  }
  const engineVersion = typeof outputs?.databaseEngineVersion === "string" ? outputs.databaseEngineVersion : undefined;
  const b = outputs?.connectionBudget as { maxConnections?: unknown; reserved?: unknown };
  const serverLimit =
    typeof b.maxConnections === "number" && typeof b.reserved === "number" ? b.maxConnections - b.reserved : undefined;
  return {
    workers: out,
    ...(engineVersion ? { engineVersion } : {}),
    ...(serverLimit !== undefined ? { serverLimit } : {}),
  };
}
