// The prod profile on this machine, from what the AWS target registers (lib/registeredProd.ts):
// one process per worker kind with its task definition's environment, secrets and CONFIG_NAME,
// the image's command for that environment, and the migration task's command run first, against
// stand-ins that behave as the AWS services do (lib/tlsServers.ts, support/s3.ts).
//
// Each container's root is the Throat tree (symlinks, lib/containerRoot.ts) with the app image's
// build context laid over it as its Dockerfile's COPY lines place it (renderAppImageContext), so
// whatever the image adds (configs/, scripts) is there as in the image. What cannot hold outside
// a task changes, each on purpose: endpoints (the RDS and ElastiCache names, a host:port)
// become the loopback servers; /throat in the migration's command becomes the root's tree; the
// trust store is the test's CA (SSL_CERT_FILE); boto3's S3 endpoint is rewritten (support/s3.ts).
import { join } from "node:path";
import { renderAppImageContext } from "../../../components/aws/appImageContext";
import type { Plan } from "../../../components/plan";
import { APP_WORKDIR } from "../../../components/plan/storage";
import type { WorkerKind } from "../../../components/settings";
import { applyConfigName, containerRoot, VolumeStore } from "./containerRoot";
import { imageCommand } from "./registered";
import { registeredProdStack, type RegisteredProd, type TaskContainer } from "./registeredProd";
import { makeTestCa, startTlsPostgres, startTlsRedis, type TestCa, type TlsRedis } from "./tlsServers";
import type { RealApp } from "./realApp";
import {
  type GunicornServer,
  type PostgresServer,
  ProcessGroup,
  runCommand,
  startGunicorn,
  type S3Server,
  s3ShimEnv,
  startS3,
  writeS3Shim,
} from "../support";

export interface ProdWorker {
  kind: WorkerKind;
  server: GunicornServer;
  /** The tree's folder in its root (/throat in the task). */
  workdir: string;
  env: Record<string, string>;
}

export interface ProdStack {
  registered: RegisteredProd;
  ca: TestCa;
  postgres: PostgresServer;
  redis: TlsRedis;
  s3: S3Server;
  bucket: string;
  /** What the migration task printed. */
  migrationOutput: string;
  workers: Record<WorkerKind, ProdWorker>;
  /** A task's environment on this machine (endpoints, secrets, trust store, S3 rewrite). */
  env(task: TaskContainer): Record<string, string>;
  log(kind: WorkerKind): string;
  stop(): Promise<void>;
}

/** The build context's files by their path in the image, per its COPY lines (`COPY [--flags] src dest`). */
export function imageFiles(plan: Plan): Record<string, string> {
  const context = renderAppImageContext(plan);
  const copies = [...context.Dockerfile!.matchAll(/^COPY (?:--\S+ )*(\S+) (\S+)$/gm)];
  if (!copies.length) throw new Error(`no COPY line in the app image's Dockerfile:\n${context.Dockerfile}`);
  const files: Record<string, string> = {};
  for (const [, src, dest] of copies) {
    for (const [path, text] of Object.entries(context)) {
      if (path === "Dockerfile") continue;
      if (src!.endsWith("/") ? path.startsWith(src!) : path === src)
        files[src!.endsWith("/") ? join(dest!, path.slice(src!.length)) : dest!] = text;
    }
  }
  return files;
}

export async function startProdStack(
  plan: Plan,
  real: RealApp,
  options: { bootTimeoutMs: number },
): Promise<ProdStack> {
  const group = new ProcessGroup("prod-real");
  const cleanup: (() => Promise<void>)[] = [];
  try {
    return await start(plan, real, options, group, cleanup);
  } catch (error) {
    const message = `${(error as Error).message}\n${group.describe(30)}`;
    await group.stopAll();
    await Promise.all(cleanup.map((c) => c()));
    throw new Error(message);
  }
}

async function start(
  plan: Plan,
  real: RealApp,
  options: { bootTimeoutMs: number },
  group: ProcessGroup,
  cleanup: (() => Promise<void>)[],
) {
  const registered = await registeredProdStack(plan.settings.namePrefix);
  const bucket = registered.migration.env.STORAGE_CONTAINER;
  if (!bucket) throw new Error("prod stack: the migration task has no STORAGE_CONTAINER");
  const ca = await makeTestCa(group.subdir("ca"));
  const db = registered.database;
  const [postgres, redis, s3] = await Promise.all([
    startTlsPostgres(group, ca, {
      maxConnections: db.maxConnections,
      user: db.user,
      password: db.password,
      database: db.name,
    }),
    startTlsRedis(group, ca),
    startS3(group.subdir("s3"), [bucket]).then((server) => {
      // Closed also when a later start fails: an open s3rver keeps jest from exiting.
      cleanup.push(() => server.close());
      return server;
    }),
  ]);
  const pythonPath = `${writeS3Shim(group.subdir("s3-shim"))}:${real.stubs}`;
  const env = (task: TaskContainer): Record<string, string> => {
    const e: Record<string, string> = { ...task.env, ...task.secrets };
    e.DATABASE_HOST = postgres.host;
    e.DATABASE_PORT = String(postgres.port);
    for (const [k, v] of Object.entries(e)) {
      const url = /^(rediss?):\/\/[^/:@]+:\d+(.*)$/.exec(v);
      if (url) e[k] = `${url[1]}://${redis.host}:${redis.port}${url[2]}`;
    }
    return {
      ...e,
      ...s3ShimEnv(s3, real.stubs),
      PYTHONPATH: pythonPath,
      SSL_CERT_FILE: ca.caFile,
      PYTHONDONTWRITEBYTECODE: "1",
      // The task's `python3` is the image's; here Debian's, where the Flask stack is installed.
      PATH: `/usr/bin:/bin:${process.env.PATH ?? ""}`,
    };
  };
  const files = imageFiles(plan);
  const volumes = new VolumeStore(group.subdir("volumes"));
  const rootOf = (name: string) =>
    containerRoot(group.subdir(`root-${name}`), { [APP_WORKDIR]: real.appDir }, files, [], volumes);

  const migrationRoot = rootOf("migrate");
  const [shell, ...args] = (registered.migration.command ?? []).map((a) =>
    a.replaceAll(`${APP_WORKDIR}/`, `${migrationRoot.host(APP_WORKDIR)}/`),
  );
  if (!shell) throw new Error("prod stack: the migration task has no command");
  const migrationOutput = await runCommand(shell, args, {
    cwd: migrationRoot.host(APP_WORKDIR),
    env: env(registered.migration),
    timeoutMs: 300_000,
  });

  const kinds = Object.keys(registered.workers) as WorkerKind[];
  const started = await Promise.all(
    kinds.map(async (kind): Promise<ProdWorker> => {
      const task = registered.workers[kind];
      const workdir = rootOf(kind).host(APP_WORKDIR);
      applyConfigName(workdir, task.env.CONFIG_NAME);
      const processEnv = env(task);
      const server = await startGunicorn(group, {
        name: kind,
        argv: imageCommand(task.env),
        env: processEnv,
        appDir: real.appDir,
        runDir: workdir,
        timeoutMs: options.bootTimeoutMs,
        readyPath: "/static/img/1x1.gif",
      });
      return { kind, server, workdir, env: processEnv };
    }),
  );
  const workers = Object.fromEntries(started.map((w) => [w.kind, w])) as Record<WorkerKind, ProdWorker>;
  const { readFileSync } = await import("node:fs");
  return {
    registered,
    ca,
    postgres,
    redis,
    s3,
    bucket,
    migrationOutput,
    workers,
    env,
    log: (kind: WorkerKind) => readFileSync(group.get(kind).logFile, "utf8"),
    stop: async () => {
      await group.stopAll();
      await s3.close();
    },
  };
}
