// The edge, measured on this machine through the e2e harness (real nginx + gunicorn):
//   (a) requests/s for a 100 KiB static file through the edge over HTTPS: nginx from disk vs
//       the same file by Flask's static handling on the sync worker, also through nginx over
//       HTTPS (the stand-in's /_standin/static/ path, which nginx proxies to sync): both pay
//       for TLS and the edge, only the origin differs;
//   (b) idle socket.io clients one socketio process holds, and DB event bursts (websockets.ts).
// Standalone: `npx tsx scripts/bench/edge.ts` prints JSON. Bounded: wrk -d 5s, 4 connections.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { startHarness, type Harness } from "../../test/e2e/harness";
import { httpRequest, runCommand } from "../../test/e2e/support";
import { benchPlan } from "./benchPlan";
import { benchWebsockets, type WebsocketBench } from "./websockets";

const STATIC_FILE = "bench.bin";

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
  const out = await runCommand(
    "wrk",
    ["-t1", `-c${options.connections ?? 4}`, `-d${seconds}s`, "--timeout", "10s", url],
    { timeoutMs: (seconds + 30) * 1000 },
  );
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
  /** nginx from disk / the sync worker, both through the edge over HTTPS. */
  ratio: number;
}

/** (a) Alternating rounds (nginx, then gunicorn), so the machine's noise hits both alike. */
export async function benchStaticFile(h: Harness, rounds = 2): Promise<StaticBench> {
  const viaNginx = `${h.httpsUrl}/static/${STATIC_FILE}`;
  const viaGunicorn = `${h.httpsUrl}/_standin/static/${STATIC_FILE}`;
  const onDisk = readFileSync(join(h.staticRoot, STATIC_FILE));
  for (const url of [viaNginx, viaGunicorn]) {
    const res = await httpRequest(url);
    if (res.status !== 200 || !res.body.equals(onDisk))
      throw new Error(`bench: ${url} does not serve ${STATIC_FILE} (${res.status})`);
  }
  const results: StaticBench["rounds"] = [];
  for (let i = 0; i < rounds; i++) results.push({ nginx: await wrk(viaNginx), gunicorn: await wrk(viaGunicorn) });
  const nginx = median(results.map((r) => r.nginx.requestsPerSecond));
  const gunicorn = median(results.map((r) => r.gunicorn.requestsPerSecond));
  return {
    fileBytes: onDisk.length,
    rounds: results,
    nginxRequestsPerSecond: nginx,
    gunicornRequestsPerSecond: gunicorn,
    ratio: round(nginx / gunicorn),
  };
}

/** Both, on one harness. */
export async function benchEdge(): Promise<{ staticFile: StaticBench; websocketClients: WebsocketBench }> {
  const h = await startHarness(benchPlan(), { label: "bench" });
  try {
    const staticFile = await benchStaticFile(h);
    const websocketClients = await benchWebsockets(h);
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
