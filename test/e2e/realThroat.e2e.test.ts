// The `test` plan's files (config.yaml per kind, environment, gunicorn argv, the migration)
// run with the REAL Throat, PostgreSQL, Redis and the plan's nginx, in CI too (lib/realApp.ts:
// where the tree and its stubs come from).
// The stand-in keeps the contract we know; the real app is the judge of a configuration.
//
//   npx jest --selectProjects e2e --runTestsByPath test/e2e/realThroat.e2e.test.ts
import { buildPlan } from "../../components/plan";
import { ROUTE_LIST, settings } from "../support/settings";
import { startHarness, type Harness } from "./harness";
import { describeWith, realApp } from "./lib/realApp";
import { exceptionPaths, GUARD_TEXT, misrouted, servedBy, sweep, sweptRows, THROAT_OWN_500S } from "./lib/realRoutes";
import { connectPolling, connectWebSocketIo } from "./lib/socketio";
import { SLOW } from "./lib/standin";
import { Browser, login, register } from "./lib/throatBrowser";
import { httpRequest } from "./support";

const real = realApp("realThroat.e2e.test.ts");

// One process per kind keeps the two cores usable; throat:app proves the merge on the real app,
// throat:mail that Throat starts with the mail section and MAIL_PASSWORD (Flask-Mail set up).
const config = {
  workers: { sync: { replicas: 1, processes: 1 } },
  app: {
    site: { footer: { links: { ToS: "/wiki/tos", Privacy: "/wiki/privacy", "Stack help": "/wiki/stack-help" } } },
  },
  mail: { server: "smtp.example.org", username: "throat", defaultFrom: "noreply@example.org" },
  mailPassword: "stored as a secret",
};
const p = buildPlan(settings("test-real", config, ["mailPassword"]), ROUTE_LIST);

describeWith(real)("the real Throat on the test plan's files", () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness(p, {
      appDir: real!.appDir,
      wsgiModule: "throat_prod:app",
      pythonPath: real!.stubs,
      label: "real-throat",
      bootTimeoutMs: 300_000,
    });
  }, 10 * SLOW);
  afterAll(() => h?.stop(), SLOW);

  const logs = () => h.workers.map((w) => h.log(w.name)).join("\n");

  test(
    "GET / is 200, Throat's own page with debug off, on every worker kind's config",
    async () => {
      const res = await httpRequest(`${h.httpsUrl}/`, { timeoutMs: SLOW });
      expect(res.status).toBe(200);
      // throat:app's footer link: the operator's settings reach the real app.
      expect(res.text()).toContain('<a href="/wiki/stack-help">Stack help</a>');
      expect(res.text()).not.toContain("Page generated in");
      // The gevent and socketio kinds too, straight to their processes.
      for (const kind of ["gevent", "socketio"] as const) {
        const direct = await httpRequest(`${h.byKind(kind)[0]!.server.url}/`, { timeoutMs: SLOW });
        expect(direct.status).toBe(200);
      }
    },
    SLOW,
  );

  // A registered user's session: the socket.io tests join its room with this cookie.
  const user = `stack${Date.now() % 100000}`;
  let session: Browser;

  test(
    "register and login over TLS",
    async () => {
      const registered = await register(new Browser(h.httpsUrl), h.redis, user, "correct-horse-1");
      expect([registered.status, registered.headers.location]).toEqual([302, "/welcome"]);
      session = new Browser(h.httpsUrl);
      expect((await login(session, user, "correct-horse-1")).status).toBe(302);
      const home = await session.request("/");
      expect(home.status).toBe(200);
      expect(home.text()).toContain(user);
    },
    SLOW,
  );

  /**
   * The kinds whose process knows an Engine.IO session: a polling POST with its sid is "ok" only
   * where the session lives (elsewhere 400, unknown session). "40" opens the default namespace.
   */
  const sessionHolders = async (sid: string) => {
    const answers = await Promise.all(
      h.workers.map(async (w) => {
        const url = `${w.server.url}/socket.io/?EIO=4&transport=polling&sid=${sid}`;
        const res = await httpRequest(url, { method: "POST", body: "40", headers: { "content-type": "text/plain" } });
        return res.status === 200 ? [w.kind] : [];
      }),
    );
    return answers.flat();
  };

  test(
    "socket.io polling through nginx: the handshake, Throat's connect event and a chat round trip on the socketio worker",
    async () => {
      const open = await httpRequest(`${h.httpsUrl}/socket.io/?EIO=4&transport=polling`);
      expect(open.status).toBe(200);
      const handshake = JSON.parse(open.text().slice(1)) as { sid: string };
      expect(handshake).toMatchObject({ sid: expect.any(String), upgrades: ["websocket"] });
      expect(await sessionHolders(handshake.sid)).toEqual(["socketio"]);
      // Throat's /snt connect handler joins the session's user room and emits uinfo to it
      // (through the Redis message queue, as every room emit does).
      const client = await connectPolling(`${h.httpsUrl}/snt`, 30_000, { cookie: session.cookieHeader() });
      try {
        expect(await client.waitFor("uinfo")).toMatchObject({ taken: 0, ntf: 0 });
        expect(await sessionHolders(client.sid)).toEqual(["socketio"]);
        // A client's event and Throat's answer, both over polling: "subscribe" joins the chat
        // room, "msg" from a logged-in session is stored and sent to that room.
        await client.emit("subscribe", { target: "chat" });
        await client.emit("msg", { msg: "hello over polling" });
        expect(await client.waitFor("msg")).toMatchObject({ user, msg: "hello over polling" });
        expect(await h.redis.cli("LLEN", "chathistory")).toMatch(/^1\s*$/);
      } finally {
        await client.close();
      }
    },
    SLOW,
  );

  test(
    "socket.io over a websocket (101): an HTTP action on a sync worker reaches the client through Redis",
    async () => {
      const client = await connectWebSocketIo(`${h.httpsUrl}/snt`, 30_000, { cookie: session.cookieHeader() });
      try {
        expect(client.ws.status).toBe(101);
        await client.waitFor("uinfo");
        // /do/readall_msgs runs on a sync worker and emits "notification" to the user's room:
        // flask-socketio publishes it on app.redis_url; only the socketio worker holds the socket.
        // flask-socketio's queue channel on that Redis has its listener (the socketio process).
        expect((await h.redis.cli("PUBSUB", "NUMSUB", "flask-socketio")).split("\n")[1]).toMatch(/^[1-9]/);
        const marker = `e2e-readall-${Date.now()}`;
        const read = await session.request(`/do/readall_msgs?${marker}`, { method: "POST" });
        expect([read.status, read.json()]).toEqual([200, { status: "ok" }]);
        expect(await client.waitFor("notification")).toMatchObject({ count: { messages: 0, notifications: 0 } });
        expect(await sessionHolders(client.sid)).toEqual(["socketio"]);
        expect(await servedBy(h, marker)).toEqual(["sync"]);
      } finally {
        await client.close();
      }
    },
    SLOW,
  );

  test(
    "the cache is Redis: its database holds Throat's keys",
    async () => {
      const db = p.app.env.CACHE_REDIS_URL!.split("/").pop()!;
      expect((await h.redis.cli("-n", db, "DBSIZE")).trim()).not.toBe("0");
    },
    SLOW,
  );

  test("before the sweep, no worker logged an exception, and none runs without a cache", () => {
    expect(logs()).not.toContain("ERROR:app:EXCEPTION");
    expect(logs()).not.toContain("CACHE_TYPE is set to null");
  });

  test(
    "every route-list row through nginx lands on the kind the plan gives it: no guard, no 5xx but Throat's own",
    async () => {
      const rows = sweptRows(p.routes);
      const results = await sweep(h, p.routes, rows, "edge", () => h.httpsUrl);
      expect(results.length).toBe(p.routes.routes.length - 1); // only /static/<path:filename> is left out
      expect(misrouted(results)).toEqual([]);
      expect(results.filter((r) => r.guardInBody)).toEqual([]);
      // Every row's method is one its rule takes: Flask matched the row, not a neighbour.
      expect(results.filter((r) => r.status === 405)).toEqual([]);
      expect(logs()).not.toContain(GUARD_TEXT);
      // No 5xx but Throat's own, each with its own error, and no other exception logged.
      const failed = results.filter((r) => r.status >= 500);
      expect(failed.map((r) => [r.rule, r.status]).sort()).toEqual(
        Object.keys(THROAT_OWN_500S)
          .map((k) => [k, 500])
          .sort(),
      );
      expect(exceptionPaths(logs()).sort()).toEqual(failed.map((r) => r.path).sort());
      for (const error of Object.values(THROAT_OWN_500S)) expect(logs()).toContain(error);
    },
    5 * SLOW,
  );

  // Last: it makes the sync worker log the guard's exceptions on purpose.
  test(
    "the sweep's checks fail on a misrouted row: gevent rows on sync trip Throat's guard, sync rows on gevent are named",
    async () => {
      const sync = h.byKind("sync")[0]!;
      const gevent = h.byKind("gevent")[0]!;
      const geventRows = p.routes.routes.filter((r) => r.gevent);
      const syncRows = sweptRows(p.routes)
        .filter((r) => !p.routes.geventRules.includes(r.rule))
        .slice(0, 5);
      const direct = (r: { gevent: boolean }) => (r.gevent ? sync.server.url : gevent.server.url);
      const results = await sweep(h, p.routes, [...geventRows, ...syncRows], "wrong", direct);
      expect(misrouted(results).map((r) => r.rule)).toEqual(results.map((r) => r.rule));
      const onSync = results.slice(0, geventRows.length);
      expect(onSync.map((r) => [r.rule, r.got, r.status])).toEqual(geventRows.map((r) => [r.rule, ["sync"], 500]));
      // With debug off Throat's 500 page never carries the guard's words: its log does, one
      // "Exception on <path>" line with the guard's RuntimeError per misrouted gevent row.
      expect(onSync.filter((r) => r.guardInBody)).toEqual([]);
      const syncLog = h.log(sync.name);
      expect(exceptionPaths(syncLog)).toEqual(expect.arrayContaining(onSync.map((r) => r.path)));
      // Throat's 500 handler logs each as `EXCEPTION: <type>, "<message>", <traceback>`.
      const guards = syncLog
        .split("\n")
        .filter((l) => l.startsWith(`ERROR:app:EXCEPTION: RuntimeError, "${GUARD_TEXT}`));
      expect(guards.length).toBe(geventRows.length);
    },
    SLOW,
  );
});
