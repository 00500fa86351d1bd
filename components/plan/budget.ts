// The database connection budget (deploy.md, "Database connections"): every process that can
// hold a connection, at its pool size, at its maximum replica count, times the rolling-deploy
// surge, plus migrations and operator headroom, must fit in max_connections minus the
// superuser-reserved slots. `auto` pool sizes fill what is left, fairly, without exceeding it.
import type { Settings, WorkerKind } from "../settings";
import { autoPoolsKey, autoPoolsOverBudget, pgbouncerOverBudget, serverOverBudget } from "./budgetMessages";

export interface BudgetLine {
  consumer: string;
  /** Processes that hold connections at the peak (replicas x surge x processes). */
  processes: number;
  connectionsPerProcess: number;
  connections: number;
}

export interface BudgetSide {
  /** What the consumers may use: the server's limit minus reserved (or PgBouncer's client limit). */
  limit: number;
  lines: BudgetLine[];
  peak: number;
  free: number;
}

export interface ConnectionBudget {
  database: { maxConnections: number; reservedConnections: number };
  /** Pool size (peewee max_connections) chosen per worker kind. */
  poolSizes: Record<WorkerKind, number>;
  /** Replicas at the peak of a rolling deploy: ceil(max x maxPercent / 100). */
  peakReplicas: Record<WorkerKind, number>;
  /** Consumers of PostgreSQL itself. With PgBouncer, that is PgBouncer + migrations + headroom. */
  server: BudgetSide;
  /** With PgBouncer: the app's connections against PgBouncer's max_client_conn. */
  pgbouncer?: BudgetSide & { poolSize: number; maxClientConnections: number };
  capacity: Capacity;
}

export interface Capacity {
  /** Requests served at once at max replicas, per worker kind. */
  concurrentRequests: Record<WorkerKind, number>;
  /** Open socket.io clients at max replicas. */
  websocketClients: number;
}

export class BudgetError extends Error {
  constructor(
    readonly key: string,
    message: string,
  ) {
    super(message);
    this.name = "BudgetError";
  }
}

const asyncKinds = ["gevent", "socketio"] as const;

export function peakReplicas(max: number, maxPercent: number): number {
  return Math.ceil((max * maxPercent) / 100);
}

export function planBudget(s: Settings): ConnectionBudget {
  const { database: db, workers, deploy } = s;
  const peak = {
    sync: peakReplicas(workers.sync.replicas.max, deploy.maxPercent),
    gevent: peakReplicas(workers.gevent.replicas.max, deploy.maxPercent),
    socketio: peakReplicas(workers.socketio.replicas.max, deploy.maxPercent),
  };
  const serverLimit = db.maxConnections - db.reservedConnections;
  const fixedLines: BudgetLine[] = [
    line("migrations", 1, db.migrationConnections),
    line("operator headroom", 1, db.headroom),
  ];
  const syncLine = line(
    `sync (${workers.sync.processes} proc x ${workers.sync.threads} thread)`,
    peak.sync * workers.sync.processes,
    workers.sync.threads,
  );

  // What the app's pools may use in total: PgBouncer's client limit, or the server's remainder.
  const pgb = db.pgbouncer.enabled ? db.pgbouncer : undefined;
  const appLimit = pgb ? pgb.maxClientConnections : serverLimit - sum(fixedLines);
  const poolSizes = choosePools(s, peak, appLimit === undefined ? undefined : appLimit - syncLine.connections);
  const appLines = [syncLine, ...asyncKinds.map((k) => line(k, peak[k], poolSizes[k]))];

  let server: BudgetSide;
  let pgbouncer: ConnectionBudget["pgbouncer"];
  if (pgb) {
    const maxClientConnections = pgb.maxClientConnections ?? sum(appLines);
    pgbouncer = { ...side(maxClientConnections, appLines), poolSize: pgb.poolSize, maxClientConnections };
    server = side(serverLimit, [line("pgbouncer (default_pool_size)", 1, pgb.poolSize), ...fixedLines]);
  } else {
    server = side(serverLimit, [...appLines, ...fixedLines]);
  }

  const budget: ConnectionBudget = {
    database: { maxConnections: db.maxConnections, reservedConnections: db.reservedConnections },
    poolSizes,
    peakReplicas: peak,
    server,
    pgbouncer,
    capacity: {
      concurrentRequests: {
        sync: workers.sync.replicas.max * workers.sync.processes * workers.sync.threads,
        gevent: workers.gevent.replicas.max * workers.gevent.workerConnections,
        socketio: workers.socketio.replicas.max * workers.socketio.workerConnections,
      },
      websocketClients: workers.socketio.replicas.max * workers.socketio.workerConnections,
    },
  };
  if (pgbouncer && pgbouncer.free < 0) {
    throw new BudgetError(
      "throat:database.pgbouncer.maxClientConnections",
      pgbouncerOverBudget(s, pgbouncer.peak, pgbouncer.limit, formatBudget(budget)),
    );
  }
  if (server.free < 0) {
    throw new BudgetError(
      "throat:database.maxConnections",
      serverOverBudget(s, server.peak, server.limit, formatBudget(budget)),
    );
  }
  return budget;
}

/**
 * Pool size per async kind. A number is taken as given. `auto` fills the connections left after
 * sync workers, migrations and headroom: every async process gets the same level L, capped at
 * its worker connections (a process never uses more connections than requests it serves at
 * once), with L as high as fits. With PgBouncer and no client limit, the cap itself.
 * Then checks deploy.md's rule: worker connections <= pool size, unless requests may wait.
 */
function choosePools(
  s: Settings,
  peak: Record<WorkerKind, number>,
  available: number | undefined,
): Record<WorkerKind, number> {
  const sizes: Record<WorkerKind, number> = { sync: s.workers.sync.threads, gevent: 0, socketio: 0 };
  const autoKinds = asyncKinds.filter((k) => s.workers[k].poolSize === "auto");
  let left = available;
  for (const k of asyncKinds) {
    const size = s.workers[k].poolSize;
    if (size !== "auto") {
      sizes[k] = size;
      if (left !== undefined) left -= peak[k] * size;
    }
  }
  if (autoKinds.length) {
    const cap = (k: (typeof asyncKinds)[number]) => s.workers[k].workerConnections;
    const use = (level: number) => autoKinds.reduce((n, k) => n + peak[k] * Math.min(cap(k), level), 0);
    let level = Math.max(...autoKinds.map(cap));
    if (left !== undefined) {
      while (level > 0 && use(level) > left) level--;
      if (level < 1) {
        throw new BudgetError(autoPoolsKey(s), autoPoolsOverBudget(s, autoKinds, left, use(1)));
      }
    }
    for (const k of autoKinds) sizes[k] = Math.min(cap(k), level);
  }
  if (s.pool.timeout === 0) {
    for (const k of asyncKinds) {
      const wc = s.workers[k].workerConnections;
      if (wc > sizes[k]) {
        throw new BudgetError(
          `throat:workers.${k}.workerConnections`,
          `throat:workers.${k}.workerConnections: ${wc} concurrent requests per process, but the pool holds ${sizes[k]} connections and throat:pool.timeout is 0, so requests beyond ${sizes[k]} fail at once ("Exceeded maximum connections"). Lower workerConnections to ${sizes[k]}, raise the pool, or set throat:pool.timeout (seconds to wait for a connection).`,
        );
      }
    }
  }
  return sizes;
}

function line(consumer: string, processes: number, connectionsPerProcess: number): BudgetLine {
  return { consumer, processes, connectionsPerProcess, connections: processes * connectionsPerProcess };
}

function side(limit: number, lines: BudgetLine[]): BudgetSide {
  const peak = sum(lines);
  return { limit, lines, peak, free: limit - peak };
}

function sum(lines: BudgetLine[]): number {
  return lines.reduce((n, l) => n + l.connections, 0);
}

/** The budget as the table a reviewer reads. */
export function formatBudget(b: ConnectionBudget): string {
  const table = (title: string, s: BudgetSide) => {
    const rows = s.lines.map(
      (l) =>
        `  ${l.consumer.padEnd(34)} ${String(l.processes).padStart(5)} x ${String(l.connectionsPerProcess).padStart(4)} = ${String(l.connections).padStart(5)}`,
    );
    return [
      `${title}`,
      `  ${"consumer".padEnd(34)} ${"procs".padStart(5)}   ${"pool".padStart(4)}   ${"conns".padStart(5)}`,
      ...rows,
      `  ${"peak".padEnd(34)} ${"".padStart(14)}${String(s.peak).padStart(5)} of ${s.limit} (${s.free} free)`,
    ].join("\n");
  };
  const parts = [
    table(
      `PostgreSQL: max_connections ${b.database.maxConnections} - ${b.database.reservedConnections} reserved = ${b.server.limit}`,
      b.server,
    ),
  ];
  if (b.pgbouncer)
    parts.push(
      table(
        `PgBouncer: max_client_conn ${b.pgbouncer.maxClientConnections}, default_pool_size ${b.pgbouncer.poolSize}`,
        b.pgbouncer,
      ),
    );
  return parts.join("\n");
}
