// What the socketio tier holds and what that costs: clients per process and in total, the open
// files and memory those clients need, and the burst of database-touching events a process
// absorbs before its pool's timeout. An idle websocket holds no database connection, so the
// clients a process holds (throat:workers.socketio.clients) is decoupled from its pool.
//
// The constants are measurements (issue 14, Throat's real socketio worker, one
// GeventWebSocketWorker process behind nginx, pool of 10, 2 cores); `npm run bench` measures
// the same figures again on the stand-in app (BENCHMARKS.md).
import type { Settings } from "../settings";
import type { ConnectionBudget } from "./budget";

/** Resident memory of a socketio process with no client (374 MiB at 5,000 minus 5 x 57). */
export const SOCKETIO_BASE_MIB = 90;
/** What 1,000 idle socket.io websocket clients add to the socketio process: about 57 MiB. */
export const SOCKETIO_MIB_PER_1000_CLIENTS = 57;
/**
 * And to nginx in front of it (two connections per client): about 17 MiB measured without TLS;
 * `npm run bench` measures 45 MiB with the edge's TLS (the harness's nginx, 5,000 clients).
 */
export const NGINX_MIB_PER_1000_CLIENTS = 45;
/**
 * The task's memory must leave this share free above the clients' cost: a mass disconnect or a
 * burst of events allocates on top of the idle set.
 */
export const MEMORY_HEADROOM = 1.25;
/**
 * Database-touching socket.io events one pooled connection completes per second while events
 * wait for it. peewee's pool retries every 0.1 s while it waits (playhouse/pool.py:
 * `except MaxConnectionsExceeded: time.sleep(0.1)`), so a connection serves at most 10 waiting
 * events a second however fast the query, and the waiters' polling costs the process CPU.
 * Throat's real worker: about 95 a second through a pool of 10 (9.5) on a quiet machine.
 * `npm run bench` (stand-in, 5,000 clients held, pool 10, shared 2-core machine under load):
 * 6.66 per connection in a saturated burst of 1,600 events. We count 6.5, the loaded figure, so
 * that the stated burst completes on a busy process: a capacity to rely on, not the best case.
 */
export const DB_EVENTS_PER_SECOND_PER_CONNECTION = 6.5;
/**
 * Engine.IO's server ping interval, seconds: Throat's socketio.init_app passes no
 * ping_interval, so python-engineio's default (Server(ping_interval=25, ping_timeout=20)).
 * Every idle websocket carries a ping and a pong this often, so an edge's idle timeout must
 * be longer, or it cuts idle clients.
 */
export const SOCKETIO_PING_INTERVAL = 25;
/** Files a Python process opens besides its sockets: modules, logs, Redis, the pool's spares. */
export const PROCESS_SPARE_FILES = 1024;
/**
 * Fargate's nofile default: "The default nofile soft limit is 65535 and the default hard limit
 * is 65535" (Amazon ECS API Reference, Ulimit). We never set less than that.
 */
export const FARGATE_DEFAULT_NOFILE = 65535;
/**
 * The largest nofile a container may get: the Linux kernel's default fs.nr_open (1048576),
 * which also bounds Fargate's hard limit.
 */
export const MAX_NOFILE = 1048576;

export interface SocketioCapacity {
  /** Clients one process holds: its --worker-connections. */
  clientsPerProcess: number;
  /** Processes at max replicas (not the deploy peak: the old ones drain). */
  processes: number;
  totalClients: number;
  poolSize: number;
  /** Seconds an event waits for a pooled connection (throat:pool.timeout). */
  poolTimeout: number;
  /** Database-touching events a process completes within poolTimeout: pool x timeout x rate. */
  burstEvents: number;
  /** Memory (MiB) the process needs for its clients, with MEMORY_HEADROOM. */
  memoryNeededMiB: number;
  /** nofile (soft = hard) for the socketio container: one socket per client, plus spares. */
  nofile: number;
}

export function planSocketioCapacity(s: Settings, budget: ConnectionBudget): SocketioCapacity {
  const w = s.workers.socketio;
  const poolSize = budget.poolSizes.socketio;
  const clients = w.clients;
  return {
    clientsPerProcess: clients,
    processes: w.replicas.max,
    totalClients: clients * w.replicas.max,
    poolSize,
    poolTimeout: s.pool.timeout,
    burstEvents: burstEvents(poolSize, s.pool.timeout),
    memoryNeededMiB: socketioMemoryNeeded(clients),
    nofile: containerNofile(clients + poolSize + PROCESS_SPARE_FILES),
  };
}

/**
 * Events a process absorbs at once: each waits up to `timeout` s for one of `pool` connections,
 * each connection completes DB_EVENTS_PER_SECOND_PER_CONNECTION a second. With timeout 0 an
 * event that finds no free connection fails at once: only `pool` events are absorbed.
 */
export function burstEvents(pool: number, timeout: number): number {
  return timeout === 0 ? pool : Math.floor(pool * timeout * DB_EVENTS_PER_SECOND_PER_CONNECTION);
}

export function socketioMemoryNeeded(clients: number): number {
  return Math.ceil((SOCKETIO_BASE_MIB + (SOCKETIO_MIB_PER_1000_CLIENTS * clients) / 1000) * MEMORY_HEADROOM);
}

/** A container's nofile: what it needs, never below Fargate's default, at most MAX_NOFILE. */
export function containerNofile(needed: number): number {
  return Math.max(FARGATE_DEFAULT_NOFILE, needed);
}

/**
 * nginx worker_connections. Every proxied request or websocket holds two (client + upstream).
 * nginx.conf runs `worker_processes auto` without reuseport, so one worker may accept most
 * connections: each worker is sized for all of them. nginx starts closing connections once
 * fewer than 1/16 of worker_connections are free, so the load may fill at most 15/16.
 * The 1024 spare covers health checks and connections being torn down.
 */
export function nginxWorkerConnections(budget: ConnectionBudget): number {
  const c = budget.capacity;
  const load = 2 * (c.websocketClients + c.concurrentRequests.sync + c.concurrentRequests.gevent) + 1024;
  return Math.ceil((load * 16) / 15);
}

/** worker_rlimit_nofile: two files per connection (a proxied file may be open besides its sockets). */
export function nginxNofile(workerConnections: number): number {
  return 2 * workerConnections;
}

/**
 * Problems with what the socketio tier is asked to hold, each naming its key. On prod the task
 * memory is Fargate's hard limit, so too little is refused; the Docker target sets no memory
 * limit, so on test a shortfall against the prod default (1024 MiB) is a warning.
 */
export function checkSocketioCapacity(s: Settings, cap: SocketioCapacity): { errors: string[]; warnings: string[] } {
  const errors: string[] = [];
  const warnings: string[] = [];
  const memory = s.workers.socketio.memory;
  if (s.profile === "test") {
    // Docker gives the container the host's memory; the operator sizes the host.
    if (cap.memoryNeededMiB > memory) {
      warnings.push(
        `throat:workers.socketio.clients: ${cap.clientsPerProcess} clients per process need about ${cap.memoryNeededMiB} MiB ` +
          `per socketio container (${SOCKETIO_MIB_PER_1000_CLIENTS} MiB per 1,000 clients); make sure the Docker host has it.`,
      );
    }
  } else if (memory < cap.memoryNeededMiB) {
    const most = clientsFitting(memory);
    const message =
      `throat:workers.socketio.memory: ${memory} MiB is too small for ${cap.clientsPerProcess} clients per process ` +
      `(throat:workers.socketio.clients): idle clients cost about ${SOCKETIO_MIB_PER_1000_CLIENTS} MiB per 1,000 on ` +
      `${SOCKETIO_BASE_MIB} MiB at rest, ${cap.memoryNeededMiB} MiB with ${Math.round((MEMORY_HEADROOM - 1) * 100)}% headroom. ` +
      `Raise throat:workers.socketio.memory (and cpu to a Fargate pair), or lower clients to ${most} or less.`;
    errors.push(message);
  }
  if (cap.nofile > MAX_NOFILE) {
    errors.push(
      `throat:workers.socketio.clients: ${cap.clientsPerProcess} clients need ${cap.nofile} open files, above the ${MAX_NOFILE} a container may have; run more replicas with fewer clients each.`,
    );
  }
  return { errors, warnings };
}

/** The most clients whose memory fits `memory` MiB. */
export function clientsFitting(memory: number): number {
  return Math.max(
    0,
    Math.floor(((memory / MEMORY_HEADROOM - SOCKETIO_BASE_MIB) * 1000) / SOCKETIO_MIB_PER_1000_CLIENTS),
  );
}

/** The capacity report's lines (offline plan). */
export function formatSocketioCapacity(cap: SocketioCapacity): string[] {
  return [
    `socket.io clients: ${cap.clientsPerProcess} per process x ${cap.processes} process(es) = ${cap.totalClients} in total`,
    `  memory per process for them: ${cap.memoryNeededMiB} MiB (${SOCKETIO_MIB_PER_1000_CLIENTS} MiB per 1,000 clients, with headroom); open files: ${cap.nofile}`,
    `  database-touching event burst per process: ${cap.burstEvents} events within pool.timeout ${cap.poolTimeout} s ` +
      `(pool ${cap.poolSize} x ${cap.poolTimeout} s x ${DB_EVENTS_PER_SECOND_PER_CONNECTION}/s per connection); a larger burst times out ("Max connections exceeded")`,
  ];
}
