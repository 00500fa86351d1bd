// The nginx edge the plan renders, run for real in front of the plan's workers: every rule of
// the route list lands on the worker kind the plan promises, socket.io (polling and websocket)
// on the socketio processes, /static/ from disk, http on https, the upload limit, and a forged
// X-Forwarded-For is ignored. Last, on the same stack: a sync replica dying mid-stream costs no
// request (nginx retries an idempotent request that failed on a dead upstream on the next one,
// proxy_next_upstream, and stops sending there).
import { readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { destinationOfRoute, STATIC_PREFIX } from "../../components/plan/routes";
import { plan } from "../support/settings";
import { startHarness, type Harness } from "./harness";
import { mapLimited, outcome } from "./lib/concurrency";
import { connectPolling, connectWebSocketIo } from "./lib/socketio";
import { plainGetRoute, requestFor, SLOW, type RouteAnswer, type StandinInfo } from "./lib/standin";
import { httpRequest, isAlive, processTree } from "./support";

// Two socketio processes: polling only works if nginx keeps a session on one (ip_hash). Two
// sync replicas of two processes (the profile's default): one of them is killed at the end.
const p = plan("test-routing", { workers: { sync: { replicas: 2, processes: 2 }, socketio: { replicas: 2 } } });
const FAILOVER_REQUESTS = 400;
const FAILOVER_CONCURRENCY = 4;
const KILL_AFTER = 100;

describe("routing through the rendered nginx edge", () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness(p);
  }, 3 * SLOW);
  afterAll(() => h?.stop(), SLOW);

  const socketioPids = () => h.byKind("socketio").flatMap((w) => h.workerPids(w.name));

  test(
    "every rule of the route list reaches the worker kind the plan gives it",
    async () => {
      const routes = p.routes.routes.filter((r) => !r.rule.startsWith(STATIC_PREFIX));
      expect(routes.length).toBe(p.routes.routes.length - 1); // only /static/<path:filename> is left out
      const results = await mapLimited(routes, 4, async (route) => {
        const { method, path, body } = requestFor(route);
        const res = await httpRequest(`${h.httpsUrl}${path}`, { method, body });
        const answer = res.status === 200 ? res.json<RouteAnswer>() : undefined;
        const served = answer && `${answer.rule} ${answer.endpoint}`;
        return {
          rule: route.rule,
          method,
          path,
          status: res.status,
          want: destinationOfRoute(p.routes, route.rule),
          got: answer?.worker_type,
          served,
          expected: `${route.rule} ${route.endpoint}`,
        };
      });
      // Exact: each row on its destination, and Flask ran that row's endpoint (rule and method).
      const wrong = results.filter((r) => r.status !== 200 || r.got !== r.want || r.served !== r.expected);
      expect(wrong).toEqual([]);
      // nginx routes by path, not method: a rule whose POST needs gevent (/api/v3/register,
      // /submit/<ptype>, /submit/<ptype>/<sub>) sends its sync-capable GET there too, which
      // docs/throat-contract.md (Routing) calls harmless. Every other row is on sync.
      const geventRows = p.routes.routes.filter((r) => p.routes.geventRules.includes(r.rule));
      expect(results.filter((r) => r.got === "gevent").map((r) => r.expected)).toEqual(
        geventRows.map((r) => `${r.rule} ${r.endpoint}`),
      );
    },
    SLOW,
  );

  test(
    "the Engine.IO polling handshake and a polling session reach a socketio process",
    async () => {
      const open = await httpRequest(`${h.httpsUrl}/socket.io/?EIO=4&transport=polling`);
      expect(open.status).toBe(200);
      expect(open.text()).toMatch(/^0\{/);
      expect(JSON.parse(open.text().slice(1))).toMatchObject({ sid: expect.any(String), upgrades: ["websocket"] });
      // Several sessions, each a sequence of requests: all must stay on the process that knows the sid.
      for (let i = 0; i < 3; i++) {
        const client = await connectPolling(h.httpsUrl);
        await client.emit("ping", `poll-${i}`);
        const pong = (await client.waitFor("pong")) as { data: string; pid: number };
        expect(pong.data).toBe(`poll-${i}`);
        expect(socketioPids()).toContain(pong.pid);
        await client.close();
      }
    },
    SLOW,
  );

  test(
    "a websocket upgrade through nginx answers 101 and a ping event makes a round trip",
    async () => {
      const client = await connectWebSocketIo(h.httpsUrl);
      try {
        expect(client.ws.status).toBe(101);
        await client.emit("ping", "over-websocket");
        const pong = (await client.waitFor("pong")) as { data: string; pid: number };
        expect(pong.data).toBe("over-websocket");
        expect(socketioPids()).toContain(pong.pid);
      } finally {
        await client.close();
      }
    },
    SLOW,
  );

  describe("static files", () => {
    const file = "bench.bin";
    test(
      "come from disk through nginx with long caching and CORS, byte for byte",
      async () => {
        const res = await httpRequest(`${h.httpsUrl}${STATIC_PREFIX}${file}`);
        expect(res.status).toBe(200);
        expect(res.body.equals(readFileSync(join(h.staticRoot, file)))).toBe(true);
        expect(res.headers["expires"]).toBeDefined();
        expect(res.headers["cache-control"]).toMatch(/max-age=\d{6,}/);
        expect(res.headers["access-control-allow-origin"]).toBe("*");
        // nginx's own ETag: "<mtime hex>-<size hex>" of the file on disk; Flask's differs.
        const stat = statSync(join(h.staticRoot, file));
        expect(res.headers["etag"]).toBe(`"${Math.floor(stat.mtimeMs / 1000).toString(16)}-${stat.size.toString(16)}"`);
        const fromGunicorn = await httpRequest(`${h.byKind("sync")[0]!.server.url}${STATIC_PREFIX}${file}`);
        expect(fromGunicorn.status).toBe(200);
        expect(fromGunicorn.headers["etag"]).not.toBe(res.headers["etag"]);
        expect(fromGunicorn.headers["access-control-allow-origin"]).toBeUndefined();
      },
      SLOW,
    );

    test(
      "never reach gunicorn: a missing file is nginx's 404, not Flask's",
      async () => {
        const path = `${STATIC_PREFIX}missing-${Date.now()}.css`;
        const viaNginx = await httpRequest(`${h.httpsUrl}${path}`);
        const viaFlask = await httpRequest(`${h.byKind("sync")[0]!.server.url}${path}`);
        expect(viaNginx.status).toBe(404);
        expect(viaFlask.status).toBe(404);
        expect(viaNginx.text()).toContain("<center>nginx</center>");
        expect(viaFlask.text()).not.toContain("nginx");
      },
      SLOW,
    );

    test(
      "leave no access log line, while a proxied request does",
      async () => {
        const staticProbe = `static-probe-${Date.now()}`;
        const proxiedProbe = `proxied-probe-${Date.now()}`;
        expect((await httpRequest(`${h.httpsUrl}/static/css/site.css?${staticProbe}`)).status).toBe(200);
        expect((await httpRequest(`${h.httpsUrl}/?${proxiedProbe}`)).status).toBe(200);
        // nginx writes access lines unbuffered; still, poll briefly for the proxied one.
        for (let i = 0; i < 50 && !h.log("nginx").includes(proxiedProbe); i++)
          await new Promise((r) => setTimeout(r, 100));
        expect(h.log("nginx")).toContain(proxiedProbe);
        expect(h.log("nginx")).not.toContain(staticProbe);
      },
      SLOW,
    );
  });

  test(
    "http redirects to the same URL on https",
    async () => {
      const res = await httpRequest(`${h.httpUrl}/login?next=%2Fs%2Fnews`);
      expect(res.status).toBe(301);
      expect(res.headers["location"]).toBe(`https://127.0.0.1:${h.ports.https}/login?next=%2Fs%2Fnews`);
    },
    SLOW,
  );

  describe("uploads (Throat's site.upload_max_size is 16 MiB)", () => {
    const upload = (bytes: number) =>
      httpRequest(`${h.httpsUrl}/do/upload/sample-sub`, {
        method: "POST",
        body: Buffer.alloc(bytes, 0x61),
        headers: { "content-type": "application/octet-stream" },
        timeoutMs: SLOW,
      });

    // 12 MiB: above Throat's own app.max_content_length default (10 MiB), which the app enforces
    // itself (Flask's MAX_CONTENT_LENGTH): it passes only because the plan sets it from
    // throat:uploadMaxSize, like the edge's limit.
    test(
      "12 MiB passes the edge and reaches a gevent worker whole",
      async () => {
        expect(p.settings.uploadMaxSize).toBe(16 * 1024 * 1024);
        const res = await upload(12 * 1024 * 1024);
        expect(res.status).toBe(200);
        expect(res.json<RouteAnswer>()).toMatchObject({ worker_type: "gevent", body_bytes: 12 * 1024 * 1024 });
      },
      SLOW,
    );

    test(
      "16 MiB + 1 byte is refused by nginx with 413",
      async () => {
        const res = await upload(16 * 1024 * 1024 + 1);
        expect(res.status).toBe(413);
        expect(res.text()).toContain("nginx"); // nginx's error page: the app never saw it
      },
      SLOW,
    );
  });

  test(
    "a forged X-Forwarded-For never changes the address the app resolves (one proxy)",
    async () => {
      expect(p.proxies.trustedProxyCount).toBe(1);
      const forged = { "X-Forwarded-For": "203.0.113.9, 198.51.100.7" };
      const info = await httpRequest(`${h.httpsUrl}/_standin/info`, { headers: forged });
      expect(info.json<StandinInfo>()).toMatchObject({ worker_type: "sync", remote_addr: "127.0.0.1" });
      const gevent = await httpRequest(`${h.httpsUrl}/do/reset`, { method: "POST", body: "x=1", headers: forged });
      expect(gevent.json<RouteAnswer>()).toMatchObject({ worker_type: "gevent", remote_addr: "127.0.0.1" });
    },
    SLOW,
  );

  // Last: it leaves the stack one sync replica short.
  test(
    `losing a sync replica under traffic: ${FAILOVER_REQUESTS} GETs, one replica SIGKILLed after ${KILL_AFTER}: all 200`,
    async () => {
      const [victim, survivor] = h.byKind("sync");
      if (!victim || !survivor) throw new Error("the plan should run two sync replicas");
      const victimTree = processTree([h.group.get(victim.name).pid]);
      const survivorPids = h.workerPids(survivor.name);
      // A short hold keeps requests in flight on the victim when it dies: those are retried.
      const route = plainGetRoute(p.routes.routes, false).rule;
      let done = 0;
      let killed: Promise<void> | undefined;
      const results = await mapLimited(Array.from({ length: FAILOVER_REQUESTS }), FAILOVER_CONCURRENCY, async () => {
        const result = await outcome(() => httpRequest(`${h.httpsUrl}${route}?hold=0.02`, { timeoutMs: SLOW }));
        if (++done === KILL_AFTER) killed = h.kill(victim.name, "SIGKILL");
        return result;
      });
      await killed;
      expect(results.filter((r) => r.status !== 200)).toEqual([]);
      expect(victimTree.filter(isAlive)).toEqual([]);
      // nginx did meet the dead replica mid-stream (and retried elsewhere): its error log names it.
      const upstreamErrors = h
        .log("nginx")
        .split("\n")
        .filter((l) => l.includes("upstream") && l.includes(victim.hostPort));
      expect(upstreamErrors.length).toBeGreaterThan(0);
      // What comes next is the survivor's.
      const served = await Promise.all(
        Array.from({ length: 8 }, () => httpRequest(`${h.httpsUrl}${route}`).then((r) => r.json<RouteAnswer>().pid)),
      );
      for (const pid of served) expect(survivorPids).toContain(pid);
    },
    3 * SLOW,
  );
});
