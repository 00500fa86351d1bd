// The configuration the plan hands each worker kind (config.yaml by CONFIG_NAME + environment)
// as the running app sees it, with Python types: booleans off, the pool settings as ints on a
// pooled engine, the trusted proxy count. This stack has an outer proxy (a CDN) and PgBouncer,
// so it also proves the address one hop in is taken, and PgBouncer's server side holds.
import { POOLED_ENGINE } from "../../components/plan/appConfig";
import { workerKinds } from "../../components/settings";
import { plan } from "../support/settings";
import { startHarness, type Harness } from "./harness";
import { plainGetRoute, SLOW, type RouteAnswer, type StandinInfo } from "./lib/standin";
import { httpRequest } from "./support";

const p = plan("test-config", {
  edge: { outerProxies: 1 },
  database: { pgbouncer: { enabled: true, poolSize: 4 } },
  workers: { sync: { replicas: 1 } },
});

describe("the app's configuration, per worker kind", () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness(p);
  }, 3 * SLOW);
  afterAll(() => h?.stop(), SLOW);

  // Straight to each process: nginx sends /_standin/info to sync only.
  const infoOf = async (url: string) => {
    const res = await httpRequest(`${url}/_standin/info`);
    expect(res.status).toBe(200);
    return res.json<StandinInfo>();
  };

  test.each(workerKinds)("%s: debug and development off (bool), the plan's pool (int), pooled engine", async (kind) => {
    const service = p.workers.find((w) => w.kind === kind)!;
    const file = p.app.configFiles[kind].values.database!;
    expect(h.byKind(kind).length).toBeGreaterThan(0);
    for (const w of h.byKind(kind)) {
      const info = await infoOf(w.server.url);
      expect(info.worker_type).toBe(kind);
      expect(info.gevent_patched).toBe(kind !== "sync");
      expect(info.config["app.debug"]).toEqual({ value: false, type: "bool" });
      expect(info.config["app.development"]).toEqual({ value: false, type: "bool" });
      expect(info.config["database.engine"]).toEqual({ value: POOLED_ENGINE, type: "str" });
      expect(info.config["database.max_connections"]).toEqual({ value: service.poolSize, type: "int" });
      expect(info.config["database.stale_timeout"]).toEqual({ value: file.stale_timeout, type: "int" });
      expect(info.config["database.timeout"]).toEqual({ value: file.timeout, type: "int" });
      // What peewee's pool really holds, not only what the file said.
      expect(info.database).toEqual({
        class: "PooledPostgresqlDatabase",
        max_connections: { value: service.poolSize, type: "int" },
        timeout: { value: p.settings.pool.timeout, type: "int" },
        stale_timeout: { value: p.settings.pool.staleTimeout, type: "int" },
      });
      expect(info.config["site.trusted_proxy_count"]).toEqual({ value: p.proxies.trustedProxyCount, type: "int" });
    }
  }, SLOW);

  test("with an outer proxy the app takes the address one hop in, whatever the client forged", async () => {
    expect(p.proxies.trustedProxyCount).toBe(2);
    // The client forged 198.51.100.66; the outer proxy appended the client's real address.
    const headers = { "X-Forwarded-For": "198.51.100.66, 203.0.113.9" };
    const info = await httpRequest(`${h.httpsUrl}/_standin/info`, { headers });
    expect(info.json<StandinInfo>()).toMatchObject({ worker_type: "sync", remote_addr: "203.0.113.9" });
    const gevent = await httpRequest(`${h.httpsUrl}/do/reset`, { method: "POST", body: "x=1", headers });
    expect(gevent.json<RouteAnswer>()).toMatchObject({ worker_type: "gevent", remote_addr: "203.0.113.9" });
  }, SLOW);

  test("through PgBouncer, PostgreSQL sees at most its default_pool_size while every request succeeds", async () => {
    const pgb = p.budget.pgbouncer!;
    expect(h.pgbouncer).toBeDefined();
    const route = plainGetRoute(p.routes.routes, true);
    const watch = h.postgres.watchConnections({ user: h.postgres.user, intervalMs: 50 });
    // More concurrent holds than PgBouncer's server pool: the surplus queues in PgBouncer.
    const answers = await Promise.all(Array.from({ length: 3 * pgb.poolSize }, () => httpRequest(`${h.httpsUrl}${route.rule}?hold=0.3`, { timeoutMs: SLOW })));
    const { peak } = await watch.stop();
    expect(answers.map((a) => a.status)).toEqual(answers.map(() => 200));
    expect(peak).toBeGreaterThan(0);
    expect(peak).toBeLessThanOrEqual(pgb.poolSize);
  }, SLOW);
});
