import { parse } from "yaml";
import { resolveEnv } from "../../components/plan/appConfig";
import { planProxies } from "../../components/plan/proxies";
import { plan, settings } from "../support/settings";

describe("application configuration", () => {
  const p = plan("test", { secretKey: undefined });

  it("turns debug and development off, as typed booleans in config.yaml, never env strings", () => {
    for (const file of Object.values(p.app.configFiles)) {
      const values = parse(file.text);
      expect(values.app).toMatchObject({ debug: false, development: false, testing: false, force_https: false });
      expect(typeof values.app.debug).toBe("boolean");
    }
    const allEnv = { ...p.app.env, ...Object.fromEntries(p.workers.flatMap((w) => Object.entries(w.launchEnv))) };
    expect(Object.keys(allEnv).filter((k) => /^APP_(DEBUG|DEVELOPMENT|FORCE_HTTPS)$/.test(k))).toEqual([]);
  });

  it("gives each kind the pooled engine with its pool size, stale timeout and wait timeout as numbers", () => {
    for (const w of p.workers) {
      const db = parse(p.app.configFiles[w.kind].text).database;
      expect(db).toMatchObject({
        engine: "playhouse.pool.PooledPostgresqlDatabase",
        max_connections: w.poolSize,
        stale_timeout: 300,
        timeout: 10,
      });
    }
  });

  it("omits peewee's timeout for pool.timeout 0, since peewee reads 0 as wait forever", () => {
    const noWait = plan("test", {
      pool: { timeout: 0 },
      workers: { gevent: { workerConnections: 10 }, socketio: { workerConnections: 10 } },
    });
    for (const file of Object.values(noWait.app.configFiles))
      expect(parse(file.text).database).not.toHaveProperty("timeout");
  });

  it("carries the trusted proxy count and the site name", () => {
    const site = parse(p.app.configFiles.gevent.text).site;
    expect(site).toEqual({ server_name: "localhost", trusted_proxy_count: 1, upload_max_size: 16777216 });
  });

  it("keeps secrets out of files and plain env: they are references", () => {
    expect(p.app.secretEnv).toEqual({ DATABASE_PASSWORD: "databasePassword", APP_SECRET_KEY: "secretKey" });
    const text = JSON.stringify([p.app.env, p.app.configFiles]);
    expect(text).not.toMatch(/password|secret_key/i);
  });

  it("selects each kind's file by CONFIG_NAME at configs/<name>/config.yaml", () => {
    for (const w of p.workers)
      expect(p.app.configFiles[w.kind].path).toBe(`configs/${w.launchEnv.CONFIG_NAME}/config.yaml`);
  });

  it("asks for TLS to the database on prod (RDS refuses plain logins), libpq's default on Docker", () => {
    for (const file of Object.values(plan("prod").app.configFiles))
      expect(parse(file.text).database).toMatchObject({ sslmode: "require" });
    for (const file of Object.values(p.app.configFiles))
      expect(parse(file.text).database).not.toHaveProperty("sslmode");
  });

  it("speaks TLS to Redis on prod (ElastiCache encrypts in transit), plain on the Docker network", () => {
    expect(plan("prod").app.env.APP_REDIS_URL).toBe("rediss://{{redisHost}}:{{redisPort}}/0");
    expect(plan("prod").app.env.CACHE_REDIS_URL).toBe("rediss://{{redisHost}}:{{redisPort}}/1");
    expect(p.app.env.APP_REDIS_URL).toBe("redis://{{redisHost}}:{{redisPort}}/0");
  });

  it("fills endpoints at deploy time", () => {
    const env = resolveEnv(p.app.env, { databaseHost: "db", databasePort: "5432", redisHost: "r", redisPort: "6379" });
    expect(env).toEqual({
      DATABASE_HOST: "db",
      DATABASE_PORT: "5432",
      APP_REDIS_URL: "redis://r:6379/0",
      CACHE_REDIS_URL: "redis://r:6379/1",
    });
    expect(() =>
      resolveEnv({ X: "{{nope}}" }, { databaseHost: "", databasePort: "", redisHost: "", redisPort: "" }),
    ).toThrow(/unknown endpoint \{\{nope\}\}/);
  });
});

describe("trusted proxy count from the edge topology", () => {
  it.each([
    ["test", {}, 1],
    ["test", { edge: { outerProxies: 1 } }, 2],
    [
      "prod",
      {
        siteName: "f.example.org",
        image: "registry.example.org/throat:1",
        edge: { certificateArn: "arn:aws:acm:eu-west-1:123456789012:certificate/0000-test" },
      },
      1,
    ],
    [
      "prod",
      {
        siteName: "f.example.org",
        image: "registry.example.org/throat:1",
        edge: { certificateArn: "arn:aws:acm:eu-west-1:123456789012:certificate/0000-test", outerProxies: 2 },
      },
      3,
    ],
  ])("%s %j: %i", (stack, config, count) => {
    expect(planProxies(settings(stack, config)).trustedProxyCount).toBe(count);
  });
});
