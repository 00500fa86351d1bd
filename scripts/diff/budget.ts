// The connection budget's side of the diff: each side (PostgreSQL, PgBouncer) line by line with
// the --warn-left threshold, and the connections while the rolling deploy itself runs, when old
// and new tasks hold connections at once.
import { rolloutPeak } from "../../components/plan/transition";
import type {
  BudgetSideDiff,
  DocBudgetLine,
  DocBudgetSide,
  DocWorker,
  PlanDoc,
  Transition,
  TransitionLine,
  WarnLeft,
  WorkerDiff,
} from "./shapes";

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

/** A line's identity across plans: its consumer without the counts ("sync (4 proc x 1 thread)"). */
const lineKey = (l: DocBudgetLine) => l.consumer.split(" (")[0]!;

export function diffSide(
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
export function transition(a: PlanDoc, b: PlanDoc, workers: WorkerDiff[]): Transition {
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
