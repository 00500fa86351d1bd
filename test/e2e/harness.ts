// Runs a stack on this machine from what its Docker target registers (read back under Pulumi's
// mocks, lib/registered.ts): PostgreSQL with its container's role, password and -c settings,
// Redis, PgBouncer when enabled, one gunicorn process per worker container with the image's
// command for that container's environment, its uploaded files and volumes, and nginx with the
// edge container's uploaded files. So a wiring mistake between the plan and the target fails.
//
// Each container gets its own root folder (lib/containerRoot.ts) where containers would not
// share a disk; volumes are the only shared folders. Only what cannot hold outside containers
// changes, each on purpose:
// - endpoints: a host:port of the stack's network (DATABASE_HOST/PORT, redis:// URLs) becomes
//   the loopback server started for that container; one naming no container fails;
// - gunicorn: binary and bind address (a free loopback port per process), WSGI module;
// - paths: config files' absolute container paths point into the container's root;
// - nginx: upstream servers (network aliases) become the loopback ports of those workers;
//   `listen` narrows to 127.0.0.1 on free ports; a real self-signed certificate replaces the
//   mock's placeholder.
import { existsSync, readFileSync } from "node:fs";
import { join, resolve } from "node:path";
import type { Plan } from "../../components/plan";
import { EDGE_PATHS, PGBOUNCER_PORT, POSTGRES_PORT, REDIS_PORT, THROAT_WORKDIR } from "../../components/plan/names";
import type { WorkerKind } from "../../components/settings";
import { applyConfigName, type ContainerRoot, containerRoot, VolumeStore } from "./lib/containerRoot";
import { startEdge } from "./lib/edge";
import { imageCommand, type RegisteredContainer, registeredDockerStack } from "./lib/registered";

export { MAIL_PASSWORD } from "./lib/registered";
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
  startPgbouncer,
  startPostgres,
  startRedis,
  STANDIN_APP_DIR,
  waitForHttp,
} from "./support";

/** The brief's fixed value; the plan's own reservedConnections may be higher on prod (RDS). */
const SUPERUSER_RESERVED = 3;

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
  /** Added to every Throat process's environment (the real Throat's PYTHONPATH of stubs). */
  extraEnv?: Record<string, string>;
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
  /** Its container's network aliases (what the edge's upstreams name). */
  aliases: string[];
  /** Its container's root folder. */
  root: string;
  /** The environment it runs with (its container's, endpoints on this machine). */
  env: Record<string, string>;
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
  /** A volume's host folder (shared by every container that mounts it). */
  volumeDir(name: string): string;
  /** Replaces every worker container as `pulumi up` does: new ones, then the edge, then the old go. */
  replaceWorkers(): Promise<void>;
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

/** A worker container's root, made before its process starts. */
interface PreparedWorker {
  kind: WorkerKind;
  name: string;
  c: RegisteredContainer;
  root: ContainerRoot;
  workdir: string;
}

export async function startHarness(plan: Plan, options: HarnessOptions = {}): Promise<Harness> {
  if (plan.edge.kind !== "nginx") {
    // The prod edge is an ALB (its rules are checked in test/plan); only nginx can run here.
    throw new Error(
      `harness: stack ${plan.settings.stack} has a ${plan.edge.kind} edge; the harness runs nginx edges (the test profile)`,
    );
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
  const stack = await registeredDockerStack(plan);

  // PostgreSQL as its container is registered: its role, password, database and -c settings.
  const pgContainer = stack.one("database");
  const pgSettings = Object.fromEntries(
    (pgContainer.command ?? []).flatMap((arg, i, all) =>
      all[i - 1] === "-c" ? [arg.split("=") as [string, string]] : [],
    ),
  );
  // The stack's private network by name. A container's env value naming anything else is a
  // wiring mistake: it fails here, as does a config upload CONFIG_NAME does not find, before
  // any server starts (the servers' loopback addresses are filled in once they run).
  const names = {
    postgres: `${pgContainer.name}:${POSTGRES_PORT}`,
    redis: `${stack.one("redis").name}:${REDIS_PORT}`,
    pgbouncer: plan.budget.pgbouncer ? `${stack.one("pgbouncer").name}:${PGBOUNCER_PORT}` : undefined,
  };
  const notYetStarted = { host: "", port: 0 };
  const planned = new Map(Object.values(names).flatMap((n) => (n ? [[n, notYetStarted] as const] : [])));
  const migration = stack.byTier("migration")[0];
  for (const c of [...(migration ? [migration] : []), ...stack.byTier("worker")]) onThisMachine(c, planned);
  const volumes = new VolumeStore(group.subdir("volumes"));
  let generation = 0;
  const throatRoot = (c: RegisteredContainer) =>
    containerRoot(
      group.subdir(`root-${c.name}-${generation}`),
      { [THROAT_WORKDIR]: appDir },
      c.files,
      c.mounts,
      volumes,
    );
  // Every worker container's root, new ones for each replacement.
  const prepareWorkers = (suffix: string): PreparedWorker[] =>
    plan.workers.flatMap((service) => {
      const registered = stack.byTier("worker").filter((c) => c.kind === service.kind);
      const count = options.replicas?.[service.kind] ?? registered.length;
      return registered.slice(0, count).map((c, i) => {
        const root = throatRoot(c);
        const workdir = root.host(THROAT_WORKDIR);
        applyConfigName(workdir, c.env.CONFIG_NAME);
        return { kind: service.kind, name: `${service.kind}-${i}${suffix}`, c, root, workdir };
      });
    });
  const firstWorkers = prepareWorkers("");

  const [postgres, redis] = await Promise.all([
    startPostgres(group, {
      maxConnections: Number(pgSettings.max_connections ?? plan.budget.database.maxConnections),
      superuserReservedConnections: Number(pgSettings.superuser_reserved_connections ?? SUPERUSER_RESERVED),
      user: pgContainer.env.POSTGRES_USER,
      password: pgContainer.env.POSTGRES_PASSWORD,
      database: pgContainer.env.POSTGRES_DB,
    }),
    startRedis(group),
  ]);
  const pgb = plan.budget.pgbouncer;
  // Sized as the Docker target sizes it: transaction pooling, the server side capped at its pool.
  const pgbouncer = pgb
    ? await startPgbouncer(group, postgres, {
        poolMode: "transaction",
        defaultPoolSize: pgb.poolSize,
        maxDbConnections: pgb.poolSize,
        maxClientConn: pgb.maxClientConnections,
      })
    : undefined;

  // The stack's private network: container name and port -> the server started here.
  const network = new Map<string, { host: string; port: number }>([
    [names.postgres, postgres],
    [names.redis, redis],
  ]);
  if (pgbouncer && names.pgbouncer) network.set(names.pgbouncer, pgbouncer);
  const env = (c: RegisteredContainer) => ({
    ...onThisMachine(c, network),
    ...(options.pythonPath ? { PYTHONPATH: options.pythonPath } : {}),
    ...(options.extraEnv ?? {}),
  });
  if (migration && (options.migrate ?? existsSync(join(appDir, "throat.py")))) {
    const root = throatRoot(migration);
    const [program, ...args] = migration.command ?? [];
    if (!program) throw new Error("harness: the migration container has no command");
    // Its `python3` is the image's; here, Debian's (where the Flask stack is installed) comes first.
    const path = `/usr/bin:/bin:${process.env.PATH ?? ""}`;
    await runCommand(program, args, {
      cwd: root.host(THROAT_WORKDIR),
      env: { ...env(migration), PATH: path, PYTHONDONTWRITEBYTECODE: "1" },
      timeoutMs: 300_000,
    });
  }

  const startWorkers = async (prepared: PreparedWorker[]): Promise<WorkerProcess[]> => {
    // allSettled: a failed boot must not leave the others' promises unobserved.
    const results = await Promise.allSettled(
      prepared
        .map((w) => ({ ...w, processEnv: env(w.c) }))
        .map(({ kind, name, c, root, workdir, processEnv }) =>
          startGunicorn(group, {
            name,
            argv: imageCommand(c.env),
            env: processEnv,
            appDir,
            wsgiModule,
            runDir: workdir,
            timeoutMs: bootTimeoutMs,
          }).then((server): WorkerProcess => ({
            kind,
            name,
            server,
            hostPort: `127.0.0.1:${server.port}`,
            aliases: c.aliases,
            root: root.root,
            env: processEnv,
          })),
        ),
    );
    const failed = results.find((r): r is PromiseRejectedResult => r.status === "rejected");
    if (failed) throw failed.reason;
    return results.map((r) => (r as PromiseFulfilledResult<WorkerProcess>).value);
  };
  let workers = await startWorkers(firstWorkers);

  const ports = { http: await freePort(), https: await freePort() };
  const edgeContainer = stack.one("edge");
  const allAliases = new Set(stack.byTier("worker").flatMap((c) => c.aliases));
  const edgeRoot = containerRoot(
    group.subdir("root-edge"),
    { [EDGE_PATHS.staticRoot]: join(appDir, "app", "static") },
    {},
    edgeContainer.mounts,
    volumes,
  );
  const staticRoot = edgeRoot.host(EDGE_PATHS.staticRoot);
  const httpsUrl = `https://127.0.0.1:${ports.https}`;
  const startEdgeNow = async () => {
    const edge = await startEdge(
      group,
      edgeContainer,
      edgeRoot,
      workers,
      allAliases,
      ports,
      options.deadUpstreams ?? {},
    );
    await group.untilReady("nginx", waitForHttp(`${httpsUrl}/nginx-health`, { expectStatus: 200, timeoutMs: 30_000 }));
    return edge;
  };
  let edge = await startEdgeNow();

  let stopped: Promise<void> | undefined;
  const harness: Harness = {
    plan,
    group,
    postgres,
    pgbouncer,
    redis,
    nginx: edge.nginx,
    workers,
    nginxFiles: edge.files,
    ports,
    httpsUrl,
    httpUrl: `http://127.0.0.1:${ports.http}`,
    staticRoot,
    secretKey: stack.byTier("worker")[0]?.env.APP_SECRET_KEY ?? "",
    volumeDir: (name) => volumes.path(name),
    byKind: (kind) => harness.workers.filter((w) => w.kind === kind),
    workerPids: (name) => {
      const master = group.get(name).pid;
      return processTree([master])
        .map((p) => p.pid)
        .filter((pid) => pid !== master);
    },
    log: (name) => readFileSync(group.get(name).logFile, "utf8"),
    kill: (name, signal) => group.kill(name, { signal }),
    // As `pulumi up` replaces them: new containers (new roots, same volumes) first, then the
    // edge (its label carries the worker ids), then the old containers go, all at once (the
    // engine deletes replaced resources in parallel).
    replaceWorkers: async () => {
      generation++;
      const old = workers;
      workers = await startWorkers(prepareWorkers(`.${generation}`));
      await group.kill("nginx");
      edge = await startEdgeNow();
      await Promise.all(old.map((w) => group.kill(w.name)));
      harness.workers = workers;
      harness.nginx = edge.nginx;
      harness.nginxFiles = edge.files;
    },
    stop: () => (stopped ??= group.stopAll()),
  };
  return harness;
}

/**
 * A container's environment on this machine: an endpoint that names a container of the stack's
 * network (DATABASE_HOST + DATABASE_PORT, a redis:// URL) becomes the loopback server started for
 * it. One that names no container of the stack is a wiring mistake, and fails here.
 */
function onThisMachine(
  c: RegisteredContainer,
  network: Map<string, { host: string; port: number }>,
): Record<string, string> {
  const known = [...network.keys()].join(", ");
  const lookup = (hostPort: string, what: string) => {
    const server = network.get(hostPort);
    if (!server)
      throw new Error(
        `harness: ${c.name}'s ${what} is ${hostPort}, which is no container of the stack's network (${known})`,
      );
    return server;
  };
  const env = { ...c.env };
  if (env.DATABASE_HOST !== undefined) {
    const db = lookup(`${env.DATABASE_HOST}:${env.DATABASE_PORT ?? ""}`, "DATABASE_HOST:DATABASE_PORT");
    env.DATABASE_HOST = db.host;
    env.DATABASE_PORT = String(db.port);
  }
  for (const [key, value] of Object.entries(env)) {
    const url = /^(rediss?|postgres(?:ql)?):\/\/([^/:@]+):(\d+)(.*)$/.exec(value);
    if (!url) continue;
    const server = lookup(`${url[2]}:${url[3]}`, key);
    env[key] = `${url[1]}://${server.host}:${server.port}${url[4]}`;
  }
  return env;
}
