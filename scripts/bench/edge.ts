// The edge, measured on this machine through the e2e harness (real nginx + gunicorn):
//   (a) requests/s for a 100 KiB static file served by nginx from disk vs the same file served
//       by Flask's static route on the sync worker (gunicorn hit directly: nginx sends every
//       /static/ path to disk, so no path reaches Flask's static route through it);
//   (b) idle socket.io clients (websocket through nginx) one socketio process holds for 30 s,
//       answering the server's pings, none dropped.
// Standalone: `npx tsx scripts/bench/edge.ts` prints JSON. Bounded: wrk -d 5s, 4 connections.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import type { Plan } from "../../components/plan";
import { plan } from "../../test/support/settings";
import { startHarness, type Harness } from "../../test/e2e/harness";
import { mapLimited } from "../../test/e2e/lib/concurrency";
import { connectWebSocketIo } from "../../test/e2e/lib/socketio";
import { httpRequest, runCommand } from "../../test/e2e/support";

const STATIC_FILE = "bench.bin";

/** One sync replica (2 processes), one gevent, one socketio: one of each, as small as it gets. */
export function benchPlan(): Plan {
  return plan("test-bench", { workers: { sync: { replicas: 1 } } });
}

export interface WrkResult {
  url: string;
  requestsPerSecond: number;
  transferPerSecond: string;
  requests: number;
  non2xx: number;
  socketErrors: string | null;
}

/** wrk, bounded: one thread, `connections` keep-alive connections, `seconds` long. */
export async function wrk(url: string, options: { seconds?: number; connections?: number } = {}): Promise<WrkResult> {
  const seconds = options.seconds ?? 5;
  const out = await runCommand("wrk", ["-t1", `-c${options.connections ?? 4}`, `-d${seconds}s`, "--timeout", "10s", url], { timeoutMs: (seconds + 30) * 1000 });
  const num = (re: RegExp) => Number(re.exec(out)?.[1] ?? NaN);
  return {
    url,
    requestsPerSecond: num(/Requests\/sec:\s+([\d.]+)/),
    transferPerSecond: /Transfer\/sec:\s+(\S+)/.exec(out)?.[1] ?? "?",
    requests: num(/(\d+) requests in/),
    non2xx: /Non-2xx or 3xx responses:\s+(\d+)/.test(out) ? num(/Non-2xx or 3xx responses:\s+(\d+)/) : 0,
    socketErrors: /Socket errors:\s+([^\n]+)/.exec(out)?.[1] ?? null,
  };
}

export interface StaticBench {
  fileBytes: number;
  rounds: { nginx: WrkResult; gunicorn: WrkResult }[];
  /** Medians over the rounds. */
  nginxRequestsPerSecond: number;
  gunicornRequestsPerSecond: number;
  /** nginx / gunicorn. nginx pays for TLS here, gunicorn (plain http) does not. */
  ratio: number;
}

/** (a) Alternating rounds (nginx, then gunicorn), so the machine's noise hits both alike. */
export async function benchStaticFile(h: Harness, rounds = 2): Promise<StaticBench> {
  const viaNginx = `${h.httpsUrl}/static/${STATIC_FILE}`;
  const viaGunicorn = `${h.byKind("sync")[0]!.server.url}/static/${STATIC_FILE}`;
  const onDisk = readFileSync(join(h.staticRoot, STATIC_FILE));
  for (const url of [viaNginx, viaGunicorn]) {
    const res = await httpRequest(url);
    if (res.status !== 200 || !res.body.equals(onDisk)) throw new Error(`bench: ${url} does not serve ${STATIC_FILE} (${res.status})`);
  }
  const results: StaticBench["rounds"] = [];
  for (let i = 0; i < rounds; i++) results.push({ nginx: await wrk(viaNginx), gunicorn: await wrk(viaGunicorn) });
  const nginx = median(results.map((r) => r.nginx.requestsPerSecond));
  const gunicorn = median(results.map((r) => r.gunicorn.requestsPerSecond));
  return { fileBytes: onDisk.length, rounds: results, nginxRequestsPerSecond: nginx, gunicornRequestsPerSecond: gunicorn, ratio: round(nginx / gunicorn) };
}

export interface WebsocketBench {
  /** What the plan promises per socketio process (--worker-connections). */
  workerConnections: number;
  tried: number;
  opened: number;
  openErrors: string[];
  holdSeconds: number;
  /** Clients whose connection ended during the hold. */
  dropped: number;
  /** Engine.IO pings the server sent during the hold, all answered. */
  serverPings: number;
  /** Clients that still made a ping -> pong round trip after the hold. */
  aliveAfterHold: number;
}

/** (b) Ramps to `clients` (default: the socketio process's worker connections) in steps of 10. */
export async function benchWebsocketClients(h: Harness, options: { clients?: number; holdSeconds?: number } = {}): Promise<WebsocketBench> {
  const workerConnections = h.plan.workers.find((w) => w.kind === "socketio")?.workerConnections ?? 0;
  const tried = options.clients ?? workerConnections * h.byKind("socketio").length;
  const holdSeconds = options.holdSeconds ?? 30;
  const openErrors: string[] = [];
  const opened = (
    await mapLimited(Array.from({ length: tried }), 10, () =>
      connectWebSocketIo(h.httpsUrl, 30_000).catch((e: Error) => {
        openErrors.push(e.message);
        return undefined;
      }),
    )
  ).filter((c): c is Awaited<ReturnType<typeof connectWebSocketIo>> => c !== undefined);
  // Idle: nothing but the server's heartbeats (answered by the client) for holdSeconds.
  await new Promise((r) => setTimeout(r, holdSeconds * 1000));
  const dropped = opened.filter((c) => c.closed()).length;
  const serverPings = opened.reduce((n, c) => n + c.pingsAnswered(), 0);
  const alive = await Promise.all(
    opened.map(async (c, i) => {
      try {
        await c.emit("ping", i);
        return ((await c.waitFor("pong", 30_000)) as { data: number }).data === i;
      } catch {
        return false;
      }
    }),
  );
  await Promise.all(opened.map((c) => c.close()));
  return { workerConnections, tried, opened: opened.length, openErrors: [...new Set(openErrors)], holdSeconds, dropped, serverPings, aliveAfterHold: alive.filter(Boolean).length };
}

/** Both, on one harness. */
export async function benchEdge(): Promise<{ staticFile: StaticBench; websocketClients: WebsocketBench }> {
  const h = await startHarness(benchPlan(), { label: "bench" });
  try {
    const staticFile = await benchStaticFile(h);
    const websocketClients = await benchWebsocketClients(h);
    return { staticFile, websocketClients };
  } finally {
    await h.stop();
  }
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return round(s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2);
}

function round(x: number): number {
  return Number(x.toFixed(2));
}

if (require.main === module) {
  benchEdge().then(
    (result) => process.stdout.write(`${JSON.stringify(result, null, 2)}\n`),
    (e: Error) => {
      process.stderr.write(`bench edge failed: ${e.stack ?? e.message}\n`);
      process.exit(1);
    },
  );
}
