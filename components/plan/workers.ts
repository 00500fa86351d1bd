// One worker service per kind, as the Throat image runs it: the environment its entrypoint
// reads (WORKER_TYPE, WORKER_COUNT, THREAD_COUNT, WORKER_CONNECTIONS, CONFIG_NAME) and the
// gunicorn command line that environment produces (docs/throat-contract.md, Environment), so a reviewer sees both.
import type { Settings, WorkerKind } from "../settings";
import { workerKinds } from "../settings";
import type { ConnectionBudget } from "./budget";
import { planSocketioCapacity } from "./capacity";
import { GUNICORN_CMD_ARGS } from "./accessLog";

/** The image listens here (deploy.md: "The Dockerfile brings up gunicorn on port 5000"). */
export const APP_PORT = 5000;
/** gunicorn's keep-alive for async workers (docs/throat-contract.md, Environment): above the ALB's 60 s idle timeout. */
export const ASYNC_KEEPALIVE = 65;
export const WSGI_APP = "throat_prod:app";
/**
 * With threads > 1 the sync worker becomes gthread, which keeps idle connections open for
 * gunicorn's `keepalive` (default 2 s; docs.gunicorn.org/en/stable/settings.html#keepalive:
 * "When Gunicorn is deployed behind a load balancer, it often makes sense to set this to a
 * higher value"; the plain sync worker ignores it). Below the ALB's 60 s idle timeout, the ALB
 * reuses a connection gunicorn has just closed: a 502. The image's command has no variable for
 * it, so it travels in GUNICORN_CMD_ARGS, which gunicorn reads as extra command-line arguments.
 */
export const GTHREAD_KEEPALIVE = ASYNC_KEEPALIVE;

const workerClass: Record<Exclude<WorkerKind, "sync">, string> = {
  gevent: "gevent",
  socketio: "geventwebsocket.gunicorn.workers.GeventWebSocketWorker",
};

export interface WorkerService {
  kind: WorkerKind;
  replicas: { min: number; max: number; peak: number };
  /** gunicorn worker processes per replica (`-w`): always 1 for async kinds. */
  processes: number;
  threads: number;
  /** `--worker-connections`, async kinds only. */
  workerConnections?: number;
  /** nofile (soft = hard) of its containers: socketio, from its clients (plan/capacity.ts). */
  nofile?: number;
  /** peewee pool size (database.max_connections) of each process. */
  poolSize: number;
  /** Database connections one replica can hold: processes x pool size (the budget's unit). */
  connectionsPerReplica: number;
  /** The configs/<name>/config.yaml this service's containers select. */
  configName: string;
  /** The image's launch environment for this kind. */
  launchEnv: Record<string, string>;
  /** The command line that environment makes the image run. */
  argv: string[];
  port: number;
  cpu: number;
  memory: number;
}

export function configNameOf(s: Settings, kind: WorkerKind): string {
  return `${s.stack}-${kind}`;
}

export function planWorkers(s: Settings, budget: ConnectionBudget): WorkerService[] {
  return workerKinds.map((kind): WorkerService => {
    const w = s.workers[kind];
    const configName = configNameOf(s, kind);
    const processes = kind === "sync" ? s.workers.sync.processes : 1;
    const base = {
      kind,
      replicas: { ...w.replicas, peak: budget.peakReplicas[kind] },
      poolSize: budget.poolSizes[kind],
      connectionsPerReplica: processes * budget.poolSizes[kind],
      configName,
      port: APP_PORT,
      cpu: w.cpu,
      memory: w.memory,
    };
    if (kind === "sync") {
      const sync = s.workers.sync;
      const keepAlive = sync.threads > 1 ? ["--keep-alive", String(GTHREAD_KEEPALIVE)] : [];
      return {
        ...base,
        processes: sync.processes,
        threads: sync.threads,
        launchEnv: {
          WORKER_TYPE: "sync",
          WORKER_COUNT: String(sync.processes),
          THREAD_COUNT: String(sync.threads),
          CONFIG_NAME: configName,
          // gthread's keep-alive, then the access log every kind writes (accessLog.ts).
          GUNICORN_CMD_ARGS: [...keepAlive, GUNICORN_CMD_ARGS].join(" "),
        },
        argv: [
          "gunicorn",
          "-w",
          String(sync.processes),
          "--threads",
          String(sync.threads),
          ...keepAlive,
          "--worker-tmp-dir",
          "/dev/shm",
          "--bind",
          `0.0.0.0:${APP_PORT}`,
          WSGI_APP,
        ],
      };
    }
    const a = s.workers[kind as "gevent" | "socketio"];
    return {
      ...base,
      processes: 1,
      threads: 1,
      workerConnections: a.workerConnections,
      ...(kind === "socketio" ? { nofile: planSocketioCapacity(s, budget).nofile } : {}),
      launchEnv: {
        WORKER_TYPE: kind,
        WORKER_CONNECTIONS: String(a.workerConnections),
        CONFIG_NAME: configName,
        GUNICORN_CMD_ARGS,
      },
      argv: [
        "gunicorn",
        "-w",
        "1",
        "--keep-alive",
        String(ASYNC_KEEPALIVE),
        "--worker-connections",
        String(a.workerConnections),
        "--worker-class",
        workerClass[kind as "gevent" | "socketio"],
        "--bind",
        `0.0.0.0:${APP_PORT}`,
        WSGI_APP,
      ],
    };
  });
}

/** Checks the deploy.md rules on a rendered service, whatever produced it. */
export function checkWorker(w: WorkerService): string[] {
  const problems: string[] = [];
  const flag = (name: string) => {
    const i = w.argv.indexOf(name);
    return i < 0 ? undefined : w.argv[i + 1];
  };
  if (w.kind !== "sync") {
    if (flag("-w") !== "1")
      problems.push(`${w.kind}: async workers must run exactly one gunicorn worker (-w 1), got -w ${flag("-w")}`);
    const wc = flag("--worker-connections");
    if (wc === undefined)
      problems.push(
        `${w.kind}: --worker-connections is missing, so gunicorn allows 1000 concurrent requests per worker`,
      );
  }
  return problems;
}
