// The `prod` profile on the REAL Throat, in CI too (lib/realApp.ts: where the tree and its stubs
// come from): the prod plan's worker and migration tasks exactly as the AWS target registers
// them (lib/registeredProd.ts), one process per kind, against stand-ins that behave as the AWS
// services do: PostgreSQL refusing non-TLS logins, TLS-only Redis, an S3 API server, a CA of the
// test's own (lib/prodStack.ts says what changes on this machine and why). Requests go straight
// to the worker kind the ALB rules pick, with the ALB's forwarding headers.
//
//   npx jest --selectProjects e2e --runTestsByPath test/e2e/realThroatProd.e2e.test.ts
import { readdirSync } from "node:fs";
import { extname, join, relative } from "node:path";
import { albDestination } from "../../components/plan/alb";
import { S3_PREFIXES } from "../../components/plan/storage";
import type { WorkerKind } from "../../components/settings";
import { prodPlan } from "../aws/support";
import { startProdStack, type ProdStack } from "./lib/prodStack";
import { Browser, login, register } from "./lib/throatBrowser";
import { describeWith, realApp, STORAGE_IN_APP } from "./lib/realApp";
import { SLOW } from "./lib/standin";
import { httpRequest, runCommand } from "./support";

const real = realApp("realThroatProd.e2e.test.ts");
const p = prodPlan();

/** What the ALB adds to every request it forwards over its https listener. */
const ALB_HEADERS = { "x-forwarded-for": "203.0.113.7", "x-forwarded-proto": "https", "x-forwarded-port": "443" };

/** The worker kind the plan's ALB rules send a path to (never the static tier here). */
function kindFor(path: string): WorkerKind {
  const kind = albDestination(p.edge.albRules ?? [], path);
  if (kind === "static") throw new Error(`${path} goes to the static tier, not a worker`);
  return kind;
}

/** Files under a folder, relative, without Throat's user-file folders (what the publisher skips). */
function staticFiles(root: string, dir = root): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const path = join(dir, e.name);
    if (e.isDirectory()) return ["stor", "thumbs"].includes(relative(root, path)) ? [] : staticFiles(root, path);
    return [relative(root, path)];
  });
}

const CONTENT_TYPES: Record<string, RegExp> = {
  ".css": /^text\/css$/,
  ".js": /^(application|text)\/javascript$/,
  ".png": /^image\/png$/,
  ".gif": /^image\/gif$/,
  ".svg": /^image\/svg\+xml$/,
  ".json": /^application\/json$/,
};

const python = (s: ProdStack, env: Record<string, string>, code: string, cwd: string) =>
  runCommand("/usr/bin/python3", ["-c", code], { cwd, env, timeoutMs: SLOW });

describeWith(real)("the real Throat on the prod plan's task definitions", () => {
  let s: ProdStack;
  beforeAll(async () => {
    s = await startProdStack(p, real!, { bootTimeoutMs: 300_000 });
  }, 10 * SLOW);
  afterAll(() => s?.stop(), SLOW);

  const url = (path: string) => `${s.workers[kindFor(path)].server.url}${path}`;

  test(
    "the migration task migrates over TLS and publishes every static file with its content type",
    async () => {
      expect(
        Number(
          (
            await s.postgres.psql("SELECT count(*) FROM pg_tables WHERE schemaname = 'public'", {
              database: s.postgres.database,
            })
          ).trim(),
        ),
      ).toBeGreaterThan(10);
      const root = join(real!.appDir, "app", "static");
      const wanted = staticFiles(root)
        .map((f) => `${S3_PREFIXES.assets}${f}`)
        .sort();
      expect(wanted.length).toBeGreaterThan(10);
      const keys = (await s.s3.keys(s.bucket)).filter((k) => k.startsWith(S3_PREFIXES.assets)).sort();
      expect(keys).toEqual(wanted);
      let typed = 0;
      for (const key of keys) {
        const expected = CONTENT_TYPES[extname(key)];
        if (!expected) continue;
        expect([key, (await s.s3.object(s.bucket, key))?.contentType]).toEqual([key, expect.stringMatching(expected)]);
        typed++;
      }
      expect(typed).toBeGreaterThan(5);
    },
    SLOW,
  );

  test(
    "GET / from the sync worker with the ALB's headers is 200, debug off",
    async () => {
      expect(kindFor("/")).toBe("sync");
      const res = await httpRequest(url("/"), { headers: ALB_HEADERS, timeoutMs: SLOW });
      expect(res.status).toBe(200);
      expect(res.text()).not.toContain("Page generated in");
      for (const path of ["/login", "/register"]) {
        expect(kindFor(path)).toBe("gevent");
        expect((await httpRequest(url(path), { headers: ALB_HEADERS, timeoutMs: SLOW })).status).toBe(200);
      }
    },
    SLOW,
  );

  test(
    "register and login through the kinds the ALB picks; the session cookie is Secure",
    async () => {
      expect([kindFor("/register"), kindFor("/login")]).toEqual(["gevent", "gevent"]);
      const base = (path: string) => s.workers[kindFor(path)].server.url;
      const user = `prod${Date.now() % 100000}`;
      const registered = await register(new Browser(base, ALB_HEADERS), s.redis, user, "correct-horse-3");
      expect([registered.status, registered.headers.location]).toEqual([302, "/welcome"]);
      const browser = new Browser(base, ALB_HEADERS);
      expect((await login(browser, user, "correct-horse-3")).status).toBe(302);
      const home = await browser.request("/");
      expect(home.status).toBe(200);
      expect(home.text()).toContain(user);
      const session = browser.setCookies.filter((c) => c.startsWith("session="));
      expect(session.length).toBeGreaterThan(0);
      for (const line of session) expect(line).toMatch(/;\s*Secure(;|$)/i);
    },
    SLOW,
  );

  test(
    "socket.io on the socketio worker; its message queue subscribes on the TLS Redis",
    async () => {
      expect(kindFor("/socket.io/")).toBe("socketio");
      const res = await httpRequest(url("/socket.io/?EIO=4&transport=polling"), {
        headers: ALB_HEADERS,
        timeoutMs: SLOW,
      });
      expect(res.status).toBe(200);
      expect(res.text()).toMatch(/^0\{"sid":/);
      const deadline = Date.now() + 10_000;
      let channels = "";
      while (Date.now() < deadline && !channels.includes("flask-socketio")) {
        channels = await s.redis.cli("PUBSUB", "CHANNELS");
        if (!channels.includes("flask-socketio")) await new Promise((r) => setTimeout(r, 100));
      }
      expect(channels).toContain("flask-socketio");
    },
    SLOW,
  );

  test(
    "the cache is on the TLS Redis: its database holds Throat's keys",
    async () => {
      const db = s.registered.workers.sync.env.CACHE_REDIS_URL!.split("/").pop()!;
      expect(s.registered.workers.sync.env.CACHE_REDIS_URL).toMatch(/^rediss:\/\//);
      expect(Number((await s.redis.cli("-n", db, "DBSIZE")).trim())).toBeGreaterThan(0);
    },
    SLOW,
  );

  test(
    "every database connection of the app uses TLS",
    async () => {
      const rows = await s.postgres.psql(
        `SELECT s.ssl FROM pg_stat_activity a JOIN pg_stat_ssl s USING (pid) WHERE a.usename = '${s.postgres.user}'`,
      );
      const flags = rows.trim().split("\n").filter(Boolean);
      expect(flags.length).toBeGreaterThan(0);
      expect(flags.every((f) => f === "t")).toBe(true);
    },
    SLOW,
  );

  test(
    "an image Throat stores in a gevent task lands in the bucket at the key its URL names, on the files host",
    async () => {
      const gevent = s.workers.gevent;
      const out = await python(
        s,
        gevent.env,
        [
          "import base64, io, json",
          ...STORAGE_IN_APP,
          "    buf = io.BytesIO(); Image.new('RGB', (48, 48), (20, 160, 90)).save(buf, 'PNG'); data = buf.getvalue()",
          "    name = storage.store_file(FileStorage(stream=io.BytesIO(data), filename='g.png'), 'e2eprod', 'image/png')",
          "    print(json.dumps({'url': storage.file_url(name), 'bytes': base64.b64encode(data).decode()}))",
        ].join("\n"),
        gevent.workdir,
      );
      const stored = JSON.parse(out.trim().split("\n").pop()!) as { url: string; bytes: string };
      const filesHost = new URL(s.registered.workers.gevent.env.STORAGE_UPLOADS_URL!).host;
      const where = new URL(stored.url);
      expect([where.protocol, where.host]).toEqual(["https:", filesHost]);
      const object = await s.s3.object(s.bucket, where.pathname.slice(1));
      expect(object?.contentType).toBe("image/png");
      expect(object?.body.equals(Buffer.from(stored.bytes, "base64"))).toBe(true);
    },
    SLOW,
  );

  test("every kind booted without an exception and with a cache", () => {
    for (const kind of ["sync", "gevent", "socketio"] as const) {
      expect(s.log(kind)).not.toContain("ERROR:app:EXCEPTION");
      expect(s.log(kind)).not.toContain("CACHE_TYPE is set to null");
    }
  });

  test(
    "a plain redis:// URL fails against the TLS-only Redis; the task's rediss:// one works",
    async () => {
      const env = s.workers.sync.env;
      const ping = (u: string) =>
        python(
          s,
          env,
          `import redis\nprint(redis.Redis.from_url(${JSON.stringify(u)}, socket_timeout=5).ping())`,
          s.workers.sync.workdir,
        );
      expect((await ping(env.CACHE_REDIS_URL!)).trim()).toBe("True");
      await expect(ping(env.CACHE_REDIS_URL!.replace(/^rediss:/, "redis:"))).rejects.toThrow(
        /ConnectionError|Connection/,
      );
    },
    SLOW,
  );

  test(
    "sslmode=disable is refused by the TLS-only PostgreSQL; the config's sslmode is accepted",
    async () => {
      const env = s.workers.sync.env;
      const connect = (sslmode: string) =>
        python(
          s,
          env,
          `import os, psycopg2\npsycopg2.connect(host=os.environ['DATABASE_HOST'], port=os.environ['DATABASE_PORT'], user='${s.postgres.user}', password=os.environ['DATABASE_PASSWORD'], dbname='${s.postgres.database}', sslmode='${sslmode}').close()\nprint('ok')`,
          s.workers.sync.workdir,
        );
      const sslmode = (p.app.configFiles.sync.values.database as { sslmode?: string }).sslmode;
      expect(sslmode).toBe("require");
      expect((await connect(sslmode!)).trim()).toBe("ok");
      await expect(connect("disable")).rejects.toThrow(/no encryption|pg_hba/);
    },
    SLOW,
  );
});
