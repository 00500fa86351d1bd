// Runs a stack's plan on this machine: the plan's PostgreSQL budget, Redis, PgBouncer when
// enabled, every planned gunicorn process with exactly the plan's argv, environment and
// config.yaml, and nginx with the project's base files plus the plan's rendered files.
//
// Only what cannot hold outside containers changes, each on purpose:
// - gunicorn: binary, bind address and WSGI module (startGunicorn); the container port 5000
//   becomes a free loopback port per process.
// - nginx: the plan's files are rendered again with loopback upstreams, a self-signed
//   certificate and free ports; the rendered `listen PORT` (all interfaces, as in a
//   container) is narrowed to 127.0.0.1 because this machine may only use loopback.
import { randomBytes } from "node:crypto";
import { existsSync, readFileSync, readdirSync, symlinkSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import type { Plan } from "../../components/plan";
import { resolveEnv, type SecretName } from "../../components/plan/appConfig";
import { renderNginx } from "../../components/plan/nginx";
import type { WorkerKind } from "../../components/settings";
import {
  freePort,
  type GunicornServer,
  type NginxServer,
  type PgbouncerServer,
  type PostgresServer,
  ProcessGroup,
  processTree,
  type RedisServer,
  runCommand,
  startGunicorn,
  startNginx,
  startPgbouncer,
  startPostgres,
  startRedis,
  STANDIN_APP_DIR,
  waitForHttp,
} from "./support";

const PROJECT_ROOT = resolve(__dirname, "..", "..");
/** The brief's fixed value; the plan's own reservedConnections may be higher on prod (RDS). */
const SUPERUSER_RESERVED = 3;
const KINDS: readonly WorkerKind[] = ["sync", "gevent", "socketio"];
/** The SMTP password a plan with throat:mailPassword hands the app as MAIL_PASSWORD. */
export const MAIL_PASSWORD = "e2e-smtp-password";

export interface HarnessOptions {
  /** A Throat checkout or the stand-in app (default). */
  appDir?: string;
  /** Replaces `throat_prod:app` in the plan's argv. */
  wsgiModule?: string;
  /** gunicorn processes to run per kind; default: the plan's replicas.max. */
  replicas?: Partial<Record<WorkerKind, number>>;
  /** Run the plan's migration one-off first; default: when appDir has throat.py (real Throat). */
  migrate?: boolean;
  /** Temp dir label, for finding the logs (E2E_KEEP_TMP=1 keeps them). */
  label?: string;
  /** Per-process boot timeout: a 2-core machine booting six Python processes is slow. */
  bootTimeoutMs?: number;
  /** PYTHONPATH of every app process (the real Throat needs its stubs first on the path). */
  pythonPath?: string;
  /**
   * Upstream addresses nginx lists before the live ones though nothing there answers: what the
   * edge holds while a replaced worker's old address is gone (Docker DNS answered both).
   */
  deadUpstreams?: Partial<Record<WorkerKind, string[]>>;
}

export interface WorkerProcess {
  kind: WorkerKind;
  /** `<kind>-<replica index>`: the process name for kill() and logs. */
  name: string;
  server: GunicornServer;
  /** 127.0.0.1:port, as nginx's upstream lists it. */
  hostPort: string;
}

export interface Harness {
  plan: Plan;
  group: ProcessGroup;
  postgres: PostgresServer;
  pgbouncer?: PgbouncerServer;
  redis: RedisServer;
  nginx: NginxServer;
  workers: WorkerProcess[];
  /** The nginx files as run (rendered for this machine). */
  nginxFiles: Record<string, string>;
  ports: { http: number; https: number };
  /** https://127.0.0.1:<https port> */
  httpsUrl: string;
  /** http://127.0.0.1:<http port> */
  httpUrl: string;
  staticRoot: string;
  secretKey: string;
  byKind(kind: WorkerKind): WorkerProcess[];
  /** gunicorn worker pids (the master's children) of a process. */
  workerPids(name: string): number[];
  /** Everything a process has logged so far. */
  log(name: string): string;
  /** Stops one process (default SIGTERM, gunicorn's graceful stop). */
  kill(name: string, signal?: NodeJS.Signals): Promise<void>;
  /** Stops everything; safe to call twice. */
  stop(): Promise<void>;
}

export async function startHarness(plan: Plan, options: HarnessOptions = {}): Promise<Harness> {
  if (plan.edge.kind !== "nginx") {
    // The prod edge is an ALB (its rules are checked in test/plan); only nginx can run here.
    throw new Error(`harness: stack ${plan.settings.stack} has a ${plan.edge.kind} edge; the harness runs nginx edges (the test profile)`);
  }
  const group = new ProcessGroup(options.label ?? plan.settings.stack);
  try {
    return await start(plan, options, group);
  } catch (error) {
    const message = `${(error as Error).message}\n${group.describe(30)}`;
    await group.stopAll();
    throw new Error(message);
  }
}

async function start(plan: Plan, options: HarnessOptions, group: ProcessGroup): Promise<Harness> {
  const appDir = resolve(options.appDir ?? STANDIN_APP_DIR);
  const wsgiModule = options.wsgiModule ?? "throat_prod:app";
  const bootTimeoutMs = options.bootTimeoutMs ?? 120_000;
  const dbValues = plan.app.configFiles.sync.values.database ?? {};

  const [postgres, redis] = await Promise.all([
    startPostgres(group, {
      maxConnections: plan.budget.database.maxConnections,
      superuserReservedConnections: SUPERUSER_RESERVED,
      user: String(dbValues.user),
      database: String(dbValues.name),
    }),
    startRedis(group),
  ]);
  const pgb = plan.budget.pgbouncer;
  // Sized as the Docker target sizes it: transaction pooling, the server side capped at its pool.
  const pgbouncer = pgb
    ? await startPgbouncer(group, postgres, { poolMode: "transaction", defaultPoolSize: pgb.poolSize, maxDbConnections: pgb.poolSize, maxClientConn: pgb.maxClientConnections })
    : undefined;
  const db = pgbouncer ?? postgres;
  const secretKey = randomBytes(24).toString("hex");
  const appEnv = {
    ...resolveEnv(plan.app.env, { databaseHost: db.host, databasePort: String(db.port), redisHost: redis.host, redisPort: String(redis.port) }),
    ...secretEnv(plan, { databasePassword: postgres.password, secretKey, mailPassword: MAIL_PASSWORD }),
    ...(options.pythonPath ? { PYTHONPATH: options.pythonPath } : {}),
  };

  if (options.migrate ?? existsSync(join(appDir, "throat.py"))) await migrate(plan, group, appDir, appEnv);

  const starts: Promise<WorkerProcess>[] = [];
  for (const service of plan.workers) {
    const count = options.replicas?.[service.kind] ?? service.replicas.max;
    for (let i = 0; i < count; i++) {
      const name = `${service.kind}-${i}`;
      starts.push(
        startGunicorn(group, {
          name,
          argv: service.argv,
          env: { ...service.launchEnv, ...appEnv },
          appDir,
          wsgiModule,
          configYaml: plan.app.configFiles[service.kind].text,
          timeoutMs: bootTimeoutMs,
        }).then((server) => ({ kind: service.kind, name, server, hostPort: `127.0.0.1:${server.port}` })),
      );
    }
  }
  const workers = await Promise.all(starts);

  const ports = { http: await freePort(), https: await freePort() };
  const staticRoot = join(appDir, "app", "static");
  const { nginx, files } = await startEdge(plan, group, workers, staticRoot, ports, options.deadUpstreams ?? {});
  const httpsUrl = `https://127.0.0.1:${ports.https}`;
  await group.untilReady("nginx", waitForHttp(`${httpsUrl}/nginx-health`, { expectStatus: 200, timeoutMs: 30_000 }));

  let stopped: Promise<void> | undefined;
  return {
    plan,
    group,
    postgres,
    pgbouncer,
    redis,
    nginx,
    workers,
    nginxFiles: files,
    ports,
    httpsUrl,
    httpUrl: `http://127.0.0.1:${ports.http}`,
    staticRoot,
    secretKey,
    byKind: (kind) => workers.filter((w) => w.kind === kind),
    workerPids: (name) => {
      const master = group.get(name).pid;
      return processTree([master]).map((p) => p.pid).filter((pid) => pid !== master);
    },
    log: (name) => readFileSync(group.get(name).logFile, "utf8"),
    kill: (name, signal) => group.kill(name, { signal }),
    stop: () => (stopped ??= group.stopAll()),
  };
}

/** plan.app.secretEnv names -> test values. */
function secretEnv(plan: Plan, values: Record<SecretName, string>): Record<string, string> {
  return Object.fromEntries(Object.entries(plan.app.secretEnv).map(([name, ref]) => [name, values[ref]]));
}

async function startEdge(
  plan: Plan,
  group: ProcessGroup,
  workers: WorkerProcess[],
  staticRoot: string,
  ports: { http: number; https: number },
  dead: Partial<Record<WorkerKind, string[]>>,
): Promise<{ nginx: NginxServer; files: Record<string, string> }> {
  const prefix = group.subdir("nginx");
  const tls = { certificatePath: join(prefix, "tls", "cert.pem"), keyPath: join(prefix, "tls", "key.pem") };
  group.subdir("nginx/tls");
  await runCommand("openssl", ["req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes", "-days", "2", "-subj", "/CN=localhost", "-addext", "subjectAltName=DNS:localhost,IP:127.0.0.1", "-keyout", tls.keyPath, "-out", tls.certificatePath]);

  const upstreams = Object.fromEntries(KINDS.map((k) => [k, [...(dead[k] ?? []), ...workers.filter((w) => w.kind === k).map((w) => w.hostPort)]])) as Record<WorkerKind, string[]>;
  const rendered = renderNginx(plan.routes, plan.budget, { uploadMaxSize: plan.edge.uploadMaxSize, websocketTimeout: plan.edge.websocketTimeout }, { upstreams, staticRoot, tls, listen: ports, publicHttpsPort: ports.https });
  const http = loopbackListen(rendered["throat/http.conf"] ?? "", ports);
  const files = { ...rendered, "throat/http.conf": http };
  const nginx = await startNginx(group, {
    name: "nginx",
    confText: readFileSync(join(PROJECT_ROOT, "nginx", "nginx.conf"), "utf8"),
    // The project's proxy_params (its X-Forwarded-For is what SITE_TRUSTED_PROXY_COUNT counts), not Debian's.
    files: { ...files, proxy_params: readFileSync(join(PROJECT_ROOT, "nginx", "proxy_params"), "utf8") },
    waitPorts: [ports.http, ports.https],
  });
  return { nginx, files };
}

/** `listen 8443 ssl` binds every interface; here only loopback may be used. */
function loopbackListen(http: string, ports: { http: number; https: number }): string {
  let replaced = 0;
  const out = http.replace(/^(\s*listen )(\d+)\b/gm, (_m, head: string, port: string) => {
    replaced++;
    return `${head}127.0.0.1:${port}`;
  });
  if (replaced !== 2 || !out.includes(`127.0.0.1:${ports.https} ssl`)) {
    throw new Error(`harness: expected the rendered http.conf to listen on ${ports.http} and ${ports.https}:\n${http}`);
  }
  return out;
}

/**
 * The plan's migration one-off (`python3 throat.py migration apply`), in a run dir laid out like
 * startGunicorn's (the app's entries + the sync kind's config.yaml), on Debian's Python.
 */
async function migrate(plan: Plan, group: ProcessGroup, appDir: string, env: Record<string, string>): Promise<void> {
  const runDir = group.subdir("run-migration");
  for (const entry of readdirSync(appDir)) if (entry !== "config.yaml" && entry !== "configs") symlinkSync(join(appDir, entry), join(runDir, entry));
  // Where the image holds it: the migration's command copies configs/$CONFIG_NAME/config.yaml.
  const config = plan.app.configFiles.sync;
  group.subdir(`run-migration/configs/${config.name}`);
  writeFileSync(join(runDir, config.path), config.text);
  const [program, ...args] = plan.migration.argv;
  // Debian's python3 (the Flask stack's) first on PATH, for the command's `python3`.
  const runEnv = { ...env, CONFIG_NAME: plan.migration.configName, PATH: `/usr/bin:${process.env.PATH ?? ""}`, PYTHONDONTWRITEBYTECODE: "1" };
  await runCommand(program === "python3" ? "/usr/bin/python3" : (program ?? "/usr/bin/python3"), args, { cwd: runDir, env: runEnv, timeoutMs: 300_000 });
}
