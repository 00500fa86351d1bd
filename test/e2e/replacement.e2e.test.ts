// A worker replaced with a new address: Docker replaces worker containers new-first under a
// shared alias, so for a while the edge holds the old address too, where nothing answers any
// more (no RST: the connection attempt just hangs). Every proxied location must move on to a
// live server after the short connect timeout (plan/nginx.ts PROXY_CONNECT_TIMEOUT), for GETs
// to sync and gevent routes and socket.io polling alike, instead of nginx's default 60 s.
import { spawn, type ChildProcess } from "node:child_process";
import { once } from "node:events";
import type { WorkerKind } from "../../components/settings";
import { PROXY_CONNECT_TIMEOUT } from "../../components/plan/nginx";
import { plan } from "../support/settings";
import { startHarness, type Harness } from "./harness";
import { plainGetRoute, SLOW } from "./lib/standin";
import { httpRequest } from "./support";

// One sync replica is enough: each kind's upstream lists the dead address before a live one.
const p = plan("test-replacement", { workers: { sync: { replicas: 1 } } });
/** Far below nginx's default connect timeout (60 s), well above ours: a stall shows, a slow machine does not. */
const STALL = 20_000;

/**
 * A loopback address that never answers: a socket listening with a full accept queue, so the
 * kernel drops new SYNs and a connect hangs, as to a removed container's address.
 */
async function blackhole(): Promise<{ address: string; stop(): void }> {
  const script = [
    "import socket, time",
    "s = socket.socket(); s.bind(('127.0.0.1', 0)); s.listen(0)",
    "port = s.getsockname()[1]; fill = []",
    "for _ in range(4):",
    "    c = socket.socket(); c.setblocking(False)",
    "    try: c.connect(('127.0.0.1', port))",
    "    except BlockingIOError: pass",
    "    fill.append(c)",
    "time.sleep(0.5); print(port, flush=True); time.sleep(3600)",
  ].join("\n");
  const child: ChildProcess = spawn("python3", ["-c", script], { stdio: ["ignore", "pipe", "inherit"] });
  const [chunk] = (await once(child.stdout!, "data")) as [Buffer];
  return { address: `127.0.0.1:${chunk.toString().trim()}`, stop: () => child.kill("SIGKILL") };
}

describe("the nginx edge during a worker replacement", () => {
  let h: Harness;
  const holes: { address: string; stop(): void }[] = [];
  beforeAll(async () => {
    holes.push(...(await Promise.all([blackhole(), blackhole(), blackhole()])));
    const [sync, gevent, socketio] = holes.map((x) => x.address);
    const dead: Record<WorkerKind, string[]> = { sync: [sync!], gevent: [gevent!], socketio: [socketio!] };
    h = await startHarness(p, { deadUpstreams: dead });
  }, 3 * SLOW);
  afterAll(async () => {
    await h?.stop();
    for (const x of holes) x.stop();
  }, SLOW);

  const paths: Record<WorkerKind, () => string> = {
    sync: () => plainGetRoute(p.routes.routes, false).rule,
    gevent: () => plainGetRoute(p.routes.routes, true).rule,
    socketio: () => "/socket.io/?EIO=4&transport=polling",
  };

  test(
    "sync, gevent and socket.io: no failed GET, none stalled on the dead address",
    async () => {
      // Round robin puts the dead address first (ip_hash for socket.io picks one per client).
      // The kinds at once (each waits out its own connect timeouts), each kind's GETs in turn.
      const statuses = async (path: string) => {
        const results = [];
        for (let i = 0; i < 6; i++)
          results.push(await httpRequest(`${h.httpsUrl}${path}`, { timeoutMs: STALL }).then((r) => r.status));
        return results;
      };
      const kinds = Object.keys(paths) as WorkerKind[];
      const results = await Promise.all(kinds.map((kind) => statuses(paths[kind]())));
      const byKind = Object.fromEntries(kinds.map((kind, i) => [kind, results[i]]));
      expect(byKind).toEqual(Object.fromEntries(kinds.map((kind) => [kind, [200, 200, 200, 200, 200, 200]])));
      expect(PROXY_CONNECT_TIMEOUT * 1000).toBeLessThan(STALL);
    },
    SLOW,
  );

  test("nginx gave up on each dead address by its connect timeout, and says so", () => {
    const log = h.log("nginx");
    for (const hole of holes.slice(0, 2)) {
      const lines = log.split("\n").filter((l) => l.includes(hole.address));
      expect(lines.some((l) => /timed out .*while connecting to upstream/.test(l))).toBe(true);
    }
  });
});
