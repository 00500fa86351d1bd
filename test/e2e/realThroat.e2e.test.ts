// The `test` plan's files (config.yaml per kind, environment, gunicorn argv, the migration)
// run with the REAL Throat, PostgreSQL, Redis and the plan's nginx, in CI too (lib/realApp.ts:
// where the tree and its stubs come from).
// The stand-in keeps the contract we know; the real app is the judge of a configuration.
//
//   npx jest --selectProjects e2e --runTestsByPath test/e2e/realThroat.e2e.test.ts
import { buildPlan } from "../../components/plan";
import { ROUTE_LIST, settings } from "../support/settings";
import { startHarness, type Harness } from "./harness";
import { Browser, registerAndLogin } from "./lib/browser";
import { describeWith, realApp } from "./lib/realApp";
import { SLOW } from "./lib/standin";
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

  test(
    "register and login over TLS",
    async () => {
      await registerAndLogin(
        () => new Browser(h.httpsUrl),
        (key) => h.redis.cli("GET", key),
      );
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

  test("no worker logged an exception, and none runs without a cache", () => {
    expect(logs()).not.toContain("ERROR:app:EXCEPTION");
    expect(logs()).not.toContain("CACHE_TYPE is set to null");
  });
});
