// The configuration the plan hands each worker kind (config.yaml by CONFIG_NAME + environment)
// as the running app sees it, with Python types: booleans off, the pool settings as ints on a
// pooled engine, the trusted proxy count. This stack has an outer proxy (a CDN) and PgBouncer,
// so it also proves the address one hop in is taken, and PgBouncer's server side holds; it sets
// throat:app and throat:mail (the password a secret), so it proves they reach every kind.
// gunicorn's access logs (plan/accessLog.ts, through GUNICORN_CMD_ARGS in the launch env): a
// request a sync or gevent process serves is logged with the client's address as ProxyFix
// resolved it (two trusted X-Forwarded-For hops with the CDN: its entry names the client).
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { parse, stringify } from "yaml";
import { CACHE_TYPE, POOLED_ENGINE, resolveEnv } from "../../components/plan/appConfig";
import { workerKinds } from "../../components/settings";
import { buildPlan } from "../../components/plan";
import { ROUTE_LIST, settings } from "../support/settings";
import { MAIL_PASSWORD, startHarness, type Harness } from "./harness";
import { plainGetRoute, SLOW, type RouteAnswer, type StandinInfo } from "./lib/standin";
import { httpRequest, STANDIN_APP_DIR, startGunicorn } from "./support";

const MAIL = { server: "smtp.example.org", username: "throat", defaultFrom: "noreply@example.org" };
const config = {
  edge: { outerProxies: 1 },
  database: { pgbouncer: { enabled: true, poolSize: 4 } },
  workers: { sync: { replicas: 1 } },
  app: { app: { languages: ["en", "es"] } },
  mail: MAIL,
  mailPassword: "stored as a secret",
};
const p = buildPlan(settings("test-config", config, ["mailPassword"]), ROUTE_LIST);

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

  test.each(workerKinds)(
    "%s: debug and development off (bool), the plan's pool (int), pooled engine, languages, Redis cache, mail",
    async (kind) => {
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
        // Throat has no default for app.languages; its cache is off unless cache.type is set;
        // Flask's body limit is app.max_content_length (Throat's default 10 MiB).
        expect(info.languages).toEqual(["en", "es"]);
        // The mail section from the file; the password only from the secret env (MAIL_PASSWORD).
        expect(info.mail).toEqual({
          server: MAIL.server,
          port: 587,
          use_tls: true,
          username: MAIL.username,
          default_from: MAIL.defaultFrom,
          password_set: true,
        });
        expect(readFileSync(join(w.server.runDir, "config.yaml"), "utf8")).not.toContain(MAIL_PASSWORD);
        expect(info.cache).toEqual({ type: CACHE_TYPE, backend: "RedisCache", redis_url_set: true });
        expect(info.max_content_length).toBe(p.settings.uploadMaxSize);
      }
    },
    SLOW,
  );

  test(
    "the cache's Redis database holds keys after a page view",
    async () => {
      const cacheDb = p.app.env.CACHE_REDIS_URL!.split("/").pop()!;
      expect(cacheDb).toBe("1");
      await h.redis.cli("-n", cacheDb, "FLUSHDB");
      expect((await h.redis.cli("-n", cacheDb, "KEYS", "*")).trim()).toBe("");
      const route = plainGetRoute(p.routes.routes, false);
      expect((await httpRequest(`${h.httpsUrl}${route.rule}`)).status).toBe(200);
      // flask-caching's key prefix, as Throat's cache writes it.
      expect((await h.redis.cli("-n", cacheDb, "KEYS", "*")).split("\n")).toContain("flask_cache_site.name");
    },
    SLOW,
  );

  describe("the stand-in fails as Throat does when the plan leaves a key out", () => {
    // One more sync process on the same database and Redis with an edited config.yaml.
    const startWith = async (
      name: string,
      edit: (values: Record<string, Record<string, unknown>>) => void,
      envEdit: Record<string, string> = {},
    ) => {
      const service = p.workers.find((w) => w.kind === "sync")!;
      // The running sync container's config.yaml: the plan's, its paths in that container's root
      // (the storage folders Throat creates at start exist only there).
      const values = parse(readFileSync(join(h.byKind("sync")[0]!.server.runDir, "config.yaml"), "utf8"));
      edit(values);
      const db = h.pgbouncer ?? h.postgres;
      const endpoints = {
        databaseHost: db.host,
        databasePort: String(db.port),
        redisHost: h.redis.host,
        redisPort: String(h.redis.port),
      };
      const env = {
        ...service.launchEnv,
        ...resolveEnv(p.app.env, endpoints),
        DATABASE_PASSWORD: h.postgres.password,
        APP_SECRET_KEY: h.secretKey,
        ...envEdit,
      };
      return startGunicorn(h.group, {
        name,
        argv: service.argv,
        env,
        appDir: STANDIN_APP_DIR,
        configYaml: stringify(values),
        timeoutMs: SLOW,
      });
    };

    test(
      "without app.languages every page is a 500, logged as Throat logs it",
      async () => {
        const server = await startWith("sync-no-languages", (v) => delete v.app!.languages);
        const page = await httpRequest(`${server.url}${plainGetRoute(p.routes.routes, false).rule}`);
        expect(page.status).toBe(500);
        expect((await httpRequest(`${server.url}/_standin/info`)).status).toBe(500);
        expect(h.log("sync-no-languages")).toMatch(/ERROR:app:EXCEPTION: KeyError, "'languages'"/);
      },
      SLOW,
    );

    test(
      "with cache.type null nothing is cached, CACHE_REDIS_URL is ignored, and flask-caching says so",
      async () => {
        const emptyDb = "7";
        const server = await startWith("sync-null-cache", (v) => (v.cache = { type: "null" }), {
          CACHE_REDIS_URL: `redis://${h.redis.host}:${h.redis.port}/${emptyDb}`,
        });
        const info = (await httpRequest(`${server.url}/_standin/info`)).json<StandinInfo>();
        expect(info.cache).toMatchObject({ type: "null", backend: "NullCache" });
        expect((await httpRequest(`${server.url}${plainGetRoute(p.routes.routes, false).rule}`)).status).toBe(200);
        expect((await h.redis.cli("-n", emptyDb, "KEYS", "*")).trim()).toBe("");
        expect(h.log("sync-null-cache")).toContain("CACHE_TYPE is set to null");
      },
      SLOW,
    );
  });

  test(
    "with an outer proxy the app takes the address one hop in, whatever the client forged",
    async () => {
      expect(p.proxies.trustedProxyCount).toBe(2);
      // The client forged 198.51.100.66; the outer proxy appended the client's real address.
      const headers = { "X-Forwarded-For": "198.51.100.66, 203.0.113.9" };
      const info = await httpRequest(`${h.httpsUrl}/_standin/info`, { headers });
      expect(info.json<StandinInfo>()).toMatchObject({ worker_type: "sync", remote_addr: "203.0.113.9" });
      const gevent = await httpRequest(`${h.httpsUrl}/do/reset`, { method: "POST", body: "x=1", headers });
      expect(gevent.json<RouteAnswer>()).toMatchObject({ worker_type: "gevent", remote_addr: "203.0.113.9" });
    },
    SLOW,
  );

  test(
    "through PgBouncer, PostgreSQL sees at most its default_pool_size while every request succeeds",
    async () => {
      const pgb = p.budget.pgbouncer!;
      expect(h.pgbouncer).toBeDefined();
      const route = plainGetRoute(p.routes.routes, true);
      const watch = h.postgres.watchConnections({ user: h.postgres.user, intervalMs: 50 });
      // More concurrent holds than PgBouncer's server pool: the surplus queues in PgBouncer.
      const answers = await Promise.all(
        Array.from({ length: 3 * pgb.poolSize }, () =>
          httpRequest(`${h.httpsUrl}${route.rule}?hold=0.3`, { timeoutMs: SLOW }),
        ),
      );
      const { peak } = await watch.stop();
      expect(answers.map((a) => a.status)).toEqual(answers.map(() => 200));
      expect(peak).toBeGreaterThan(0);
      expect(peak).toBeLessThanOrEqual(pgb.poolSize);
    },
    SLOW,
  );

  describe("gunicorn access logs", () => {
    const CLIENT = "203.0.113.7";
    const CDN = "198.51.100.2";

    test("the plan hands every kind the access-log flags", () => {
      for (const w of p.workers)
        expect(w.launchEnv.GUNICORN_CMD_ARGS).toContain("--access-logfile - --access-logformat '%(h)s ");
    });

    test.each(["sync", "gevent"] as const)(
      "%s: a request's line names the client ProxyFix resolved",
      async (kind) => {
        const w = h.byKind(kind)[0]!;
        // Straight to gunicorn from 127.0.0.1 (standing in for nginx), as the CDN and nginx forward.
        const res = await httpRequest(`${w.server.url}/_standin/info?probe=${kind}`, {
          headers: { "x-forwarded-for": `${CLIENT}, ${CDN}` },
        });
        expect(res.status).toBe(200);
        const deadline = Date.now() + 10_000;
        let line: string | undefined;
        while (!line && Date.now() < deadline) {
          line = h
            .log(w.name)
            .split("\n")
            .find((l) => l.includes(`probe=${kind}`));
          if (!line) await new Promise((r) => setTimeout(r, 200));
        }
        expect(line).toMatch(
          new RegExp(
            `^${CLIENT.replace(/\./g, "\\.")} "GET /_standin/info\\?probe=${kind} HTTP/1\\.1" 200 \\d+ \\d+ms `,
          ),
        );
      },
      SLOW,
    );
  });
});
