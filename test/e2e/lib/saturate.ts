// Drives every worker process past what it serves at once, each request holding its database
// connection (`?hold=` runs pg_sleep), while sampling PostgreSQL's connection count:
// - gevent: through nginx, requests on a gevent rule;
// - sync: through nginx, requests on a sync rule;
// - socketio: websocket clients through nginx (ping -> pong), kept open through the load, plus
//   requests straight to the process so that its greenlets want database connections too
//   (Throat's socket.io handlers use the database; the stand-in's do not, and nginx sends only
//   /socket.io there).
// The load is a fixed set of counts derived once from the reference plan, so a misconfigured
// copy of that plan gets exactly the same load.
import type { Plan } from "../../../components/plan";
import type { WorkerKind } from "../../../components/settings";
import { plan } from "../../support/settings";
import type { Harness } from "../harness";
import { httpRequest } from "../support";
import { outcome, type Outcome } from "./concurrency";
import { connectWebSocketIo, type SocketIoClient } from "./socketio";
import { plainGetRoute } from "./standin";

export interface SaturationLoad {
  /** Seconds each request holds its connection. */
  hold: number;
  /** Concurrent requests through nginx on a gevent rule, and on a sync rule. */
  gevent: number;
  sync: number;
  /** Per socketio process: socket.io clients, and requests sent to it directly. */
  websocketClients: number;
  socketioRequests: number;
}

export interface SaturationResult {
  outcomes: Record<WorkerKind, Outcome[]>;
  /** socket.io clients that connected and got their pong back, of those tried. */
  sockets: { tried: number; ok: number; errors: string[] };
  /** Highest count of the app role's PostgreSQL connections seen while the load ran. */
  peak: number;
  /** PostgreSQL's log lines refusing a connection. */
  refusals: string[];
}

const REFUSAL = /too many clients|remaining connection slots/;

/**
 * A small stack whose budget is tight: max_connections 40 (37 after the reserved 3); sync
 * 2 replicas x 2 processes; gevent and socketio 1 replica x 20 worker connections; auto pools
 * (5 each: the budget counts every service twice for the rolling deploy) with a 10 s wait.
 */
export function saturationPlan(): Plan {
  return plan("test-saturation", {
    database: { maxConnections: 40 },
    workers: {
      sync: { replicas: 2, processes: 2 },
      gevent: { replicas: 1, workerConnections: 20 },
      socketio: { replicas: 1, workerConnections: 20 },
    },
    pool: { timeout: 10 },
  });
}

/**
 * Twice what every process of `p` (at replicas.max) serves at once, each request holding its
 * connection for 0.5 s; half of each socketio process's worker connections are socket.io clients.
 */
export function saturationLoad(p: Plan): SaturationLoad {
  const service = (kind: WorkerKind) => p.workers.find((w) => w.kind === kind)!;
  const [sync, gevent, socketio] = [service("sync"), service("gevent"), service("socketio")];
  const socketioConnections = socketio.workerConnections ?? 0;
  return {
    hold: 0.5,
    gevent: 2 * gevent.replicas.max * (gevent.workerConnections ?? 0),
    sync: 2 * sync.replicas.max * sync.processes * sync.threads,
    websocketClients: Math.floor(socketioConnections / 2),
    socketioRequests: 2 * socketioConnections - Math.floor(socketioConnections / 2),
  };
}

export async function saturate(h: Harness, load: SaturationLoad): Promise<SaturationResult> {
  const times = (n: number) => Array.from({ length: n });
  const get = (url: string) => outcome(() => httpRequest(url, { timeoutMs: 120_000 }));
  const holdQuery = `?hold=${load.hold}`;
  const geventRule = plainGetRoute(h.plan.routes.routes, true).rule;
  const syncRule = plainGetRoute(h.plan.routes.routes, false).rule;
  const socketioProcesses = h.byKind("socketio");

  const watch = h.postgres.watchConnections({ user: h.postgres.user, intervalMs: 50 });
  const clients = await openClients(h, load.websocketClients * socketioProcesses.length);
  const [gevent, sync, socketio] = await Promise.all([
    Promise.all(times(load.gevent).map(() => get(`${h.httpsUrl}${geventRule}${holdQuery}`))),
    Promise.all(times(load.sync).map(() => get(`${h.httpsUrl}${syncRule}${holdQuery}`))),
    Promise.all(
      socketioProcesses.flatMap((w) =>
        times(load.socketioRequests).map(() => get(`${w.server.url}${syncRule}${holdQuery}`)),
      ),
    ),
  ]);
  const sockets = await pingAndClose(clients);
  const { peak } = await watch.stop();
  const refusals = h
    .log("postgres")
    .split("\n")
    .filter((l) => REFUSAL.test(l));
  return { outcomes: { gevent, sync, socketio }, sockets, peak, refusals };
}

type Opened = { client: SocketIoClient } | { error: string };

function openClients(h: Harness, n: number): Promise<Opened[]> {
  return Promise.all(
    Array.from({ length: n }, () =>
      connectWebSocketIo(h.httpsUrl, 60_000).then(
        (client): Opened => ({ client }),
        (error: Error): Opened => ({ error: error.message }),
      ),
    ),
  );
}

/** Each connected client emits ping and awaits its own pong, then closes. */
async function pingAndClose(opened: Opened[]): Promise<SaturationResult["sockets"]> {
  const errors = opened.flatMap((o) => ("error" in o ? [o.error] : []));
  const answered = await Promise.all(
    opened.map(async (o, i) => {
      if (!("client" in o)) return false;
      try {
        await o.client.emit("ping", i);
        return ((await o.client.waitFor("pong", 60_000)) as { data: number }).data === i;
      } catch (error) {
        errors.push((error as Error).message);
        return false;
      } finally {
        await o.client.close();
      }
    }),
  );
  return { tried: opened.length, ok: answered.filter(Boolean).length, errors };
}

/** The outcomes that are not 200, summarised for an assertion message. */
export function failures(outcomes: Outcome[]): string[] {
  return outcomes
    .filter((o) => o.status !== 200)
    .map((o) => (o.error ? `error: ${o.error}` : `${o.status}: ${(o.body ?? "").replace(/\s+/g, " ").slice(0, 120)}`));
}
