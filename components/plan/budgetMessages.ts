// The connection budget's refusals, in the operator's words: how many connections are missing,
// and every key that can fix it, with the number that would.
import type { Settings } from "../settings";

const SHRINK = "lower throat:workers.<kind>.replicas (max), processes, threads or poolSize";

function alternatives(s: Settings, first: string): string {
  const fixes = [
    first,
    SHRINK,
    `lower throat:deploy.maxPercent (now ${s.deploy.maxPercent}: the deploy surge counted)`,
  ];
  // PgBouncer is a test-profile setting (the AWS target deploys none).
  if (s.profile === "test" && !s.database.pgbouncer.enabled) fixes.push("enable throat:database.pgbouncer");
  return `Fix: ${fixes.join(", or ")}.`;
}

/** The server side: every consumer at its peak against max_connections minus reserved. */
export function serverOverBudget(s: Settings, peak: number, limit: number, table: string): string {
  const db = s.database;
  const missing = peak - limit;
  return (
    `throat:database.maxConnections: the deploy peak needs ${peak} connections, ${missing} more than the ${limit} ` +
    `available (max_connections ${db.maxConnections} - ${db.reservedConnections} reserved).\n${table}\n` +
    alternatives(s, `raise throat:database.maxConnections to ${db.maxConnections + missing}`)
  );
}

/** The app's connections against PgBouncer's max_client_conn. */
export function pgbouncerOverBudget(s: Settings, peak: number, limit: number, table: string): string {
  return (
    `throat:database.pgbouncer.maxClientConnections: the app's deploy peak needs ${peak} client connections, ` +
    `${peak - limit} more than PgBouncer's ${limit}.\n${table}\n` +
    `Fix: raise throat:database.pgbouncer.maxClientConnections to ${peak} (or remove it to size it to the peak), or ${SHRINK}.`
  );
}

/** The key that bounds the auto pools: PgBouncer's client limit when set, else max_connections. */
export function autoPoolsKey(s: Settings): string {
  const pgb = s.database.pgbouncer;
  return pgb.enabled && pgb.maxClientConnections !== undefined
    ? "throat:database.pgbouncer.maxClientConnections"
    : "throat:database.maxConnections";
}

/** `auto` pools: not even one connection per async process is left. */
export function autoPoolsOverBudget(s: Settings, kinds: readonly string[], left: number, needed: number): string {
  const db = s.database;
  const missing = needed - left;
  const key = autoPoolsKey(s);
  const [limit, value] =
    key === "throat:database.maxConnections"
      ? [`max_connections ${db.maxConnections}`, db.maxConnections]
      : [`PgBouncer's max_client_conn ${db.pgbouncer.maxClientConnections}`, db.pgbouncer.maxClientConnections!];
  const after =
    key === "throat:database.maxConnections"
      ? `sync workers, migrations, headroom and ${db.reservedConnections} reserved`
      : "sync workers";
  return (
    `${key}: the ${kinds.join(" and ")} workers' auto pools need at least ${needed} connections ` +
    `(one per process at the deploy peak), ${missing} more than the ${Math.max(left, 0)} that ${limit} leaves after ${after}. ` +
    alternatives(s, `raise ${key} to ${value + missing}`)
  );
}
