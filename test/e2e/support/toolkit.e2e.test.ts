// Proves the e2e toolkit and the stand-in app work together: a real
// PostgreSQL and Redis, one sync and one gevent gunicorn started from the
// Throat image's command lines, configured through config.yaml + environment
// exactly as a deployment does.
import { startGunicorn, STANDIN_APP_DIR, type GunicornServer } from "./gunicorn";
import { httpRequest } from "./http";
import { startPostgres, type PostgresServer } from "./postgres";
import { isAlive, ProcessGroup, waitForPort } from "./processes";
import { startRedis, type RedisServer } from "./redis";

const SLOW = 60_000; // shared, slow machine

interface Typed {
  value: unknown;
  type: string;
}
interface Info {
  worker_type: string;
  pid: number;
  gevent_patched: boolean;
  remote_addr: string;
  config: Record<string, Typed>;
  database: { class: string; max_connections: Typed; timeout: Typed };
}

describe("e2e toolkit + stand-in app", () => {
  const group = new ProcessGroup("toolkit");
  let postgres: PostgresServer;
  let redis: RedisServer;
  let sync: GunicornServer;
  let gevent: GunicornServer;

  beforeAll(async () => {
    try {
      [postgres, redis] = await Promise.all([
        startPostgres(group, { maxConnections: 20, superuserReservedConnections: 3 }),
        startRedis(group),
      ]);
      // Booleans and pool sizes through config.yaml (real YAML bools/ints),
      // connection details and secrets through the environment.
      const configYaml = [
        "app:",
        "  debug: false",
        "  development: false",
        // Throat has no default for it and reads it on every page (the stand-in too).
        "  languages: [en]",
        "database:",
        "  engine: playhouse.pool.PooledPostgresqlDatabase",
        "  max_connections: 5",
        "  stale_timeout: 300",
        "  timeout: 10",
        "",
      ].join("\n");
      const env = {
        DATABASE_HOST: postgres.host,
        DATABASE_PORT: String(postgres.port),
        DATABASE_USER: postgres.user,
        DATABASE_PASSWORD: postgres.password,
        DATABASE_NAME: postgres.database,
        APP_REDIS_URL: redis.url,
        CACHE_REDIS_URL: redis.url,
      };
      [sync, gevent] = await Promise.all([
        startGunicorn(group, {
          name: "sync",
          argv: [
            "gunicorn",
            "-w",
            "2",
            "--threads",
            "1",
            "--worker-tmp-dir",
            "/dev/shm",
            "--bind",
            "0.0.0.0:5000",
            "throat_prod:app",
          ],
          env: { ...env, WORKER_TYPE: "sync" },
          appDir: STANDIN_APP_DIR,
          configYaml,
        }),
        startGunicorn(group, {
          name: "gevent",
          argv: [
            "gunicorn",
            "-w",
            "1",
            "--keep-alive",
            "65",
            "--worker-connections",
            "5",
            "--worker-class",
            "gevent",
            "throat_prod:app",
          ],
          env: { ...env, WORKER_TYPE: "gevent", SITE_TRUSTED_PROXY_COUNT: "1" },
          appDir: STANDIN_APP_DIR,
          configYaml,
        }),
      ]);
    } catch (error) {
      throw new Error(`${(error as Error).message}\n${group.describe()}`);
    }
  }, 2 * SLOW);

  afterAll(() => group.stopAll(), SLOW);

  const info = async (server: GunicornServer, headers?: Record<string, string>) => {
    const res = await httpRequest(`${server.url}/_standin/info`, { headers });
    expect(res.status).toBe(200);
    return res.json<Info>();
  };

  test(
    "config.yaml reaches the app with its YAML types",
    async () => {
      for (const [server, workerType, patched] of [
        [sync, "sync", false],
        [gevent, "gevent", true],
      ] as const) {
        const body = await info(server);
        expect(body.worker_type).toBe(workerType);
        expect(body.gevent_patched).toBe(patched);
        expect(body.config["app.debug"]).toEqual({ value: false, type: "bool" });
        expect(body.config["database.max_connections"]).toEqual({ value: 5, type: "int" });
        expect(body.database.class).toBe("PooledPostgresqlDatabase");
        expect(body.database.max_connections).toEqual({ value: 5, type: "int" });
        expect(body.database.timeout).toEqual({ value: 10, type: "int" });
      }
    },
    SLOW,
  );

  test(
    "environment overrides: int where the default is an int, ProxyFix per trusted_proxy_count",
    async () => {
      const body = await info(gevent, { "X-Forwarded-For": "203.0.113.9" });
      expect(body.config["site.trusted_proxy_count"]).toEqual({ value: 1, type: "int" });
      expect(body.remote_addr).toBe("203.0.113.9");
      // trusted_proxy_count 0 on the sync server: the header is ignored.
      expect((await info(sync, { "X-Forwarded-For": "203.0.113.9" })).remote_addr).toBe("127.0.0.1");
    },
    SLOW,
  );

  test(
    "a gevent route works on the gevent worker and fails on the sync worker",
    async () => {
      const onGevent = await httpRequest(`${gevent.url}/do/reset`, { method: "POST", body: "x=1" });
      expect(onGevent.status).toBe(200);
      expect(onGevent.json()).toMatchObject({ rule: "/do/reset", worker_type: "gevent", body_bytes: 3 });
      const onSync = await httpRequest(`${sync.url}/do/reset`, { method: "POST", body: "x=1" });
      expect(onSync.status).toBe(500);
      expect(group.logTail("sync")).toContain("Load balancer misconfiguration");
    },
    SLOW,
  );

  test(
    "the pool bounds database connections under concurrent load",
    async () => {
      const watch = postgres.watchConnections({ user: postgres.user, intervalMs: 50 });
      const answers = await Promise.all(
        Array.from({ length: 20 }, () => httpRequest(`${gevent.url}/all/new?hold=0.2`)),
      );
      const { peak } = await watch.stop();
      expect(answers.map((a) => a.status)).toEqual(Array(20).fill(200));
      expect(peak).toBeGreaterThan(0);
      expect(peak).toBeLessThanOrEqual(5 + 2); // gevent pool + one per sync worker
    },
    SLOW,
  );

  test(
    "stopAll leaves no process behind",
    async () => {
      const pids = group.livePids();
      expect(pids.length).toBeGreaterThanOrEqual(6); // 2 masters, 3 workers, redis, postgres...
      const ports = [postgres.port, redis.port, sync.port, gevent.port];
      await group.stopAll({ removeDir: false });
      expect(pids.filter(isAlive)).toEqual([]);
      for (const port of ports) await expect(waitForPort(port, 300)).rejects.toThrow();
    },
    SLOW,
  );
});
