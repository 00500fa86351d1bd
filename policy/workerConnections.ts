// Async gunicorn workers (gevent, socketio) always set WORKER_CONNECTIONS (deploy.md: without
// `--worker-connections` gunicorn accepts 1000 concurrent requests per worker, far more than the
// database pool can serve, and requests fail "Exceeded maximum connections"). The Throat image
// turns WORKER_CONNECTIONS into that flag (docs/throat-contract.md, Environment), so the environment is what to check.
// Sees: ECS container definitions and Docker containers whose environment sets WORKER_TYPE.
// Cannot see: whether the number fits the pool (the plan checks that: workerConnections <= pool
// size unless requests may wait), a gunicorn command line that bypasses the image's start script.
import type { ResourceValidationArgs, ResourceValidationPolicy } from "@pulumi/policy";
import { dockerEnv, dockerName, ecsContainers, envOfEcs } from "./containers";
import { read, text } from "./data";
import { T } from "./types";

const ASYNC_KINDS = ["gevent", "socketio"];
const GUNICORN_DEFAULT = 1000;

/** What is wrong with an async worker's WORKER_CONNECTIONS, or undefined. */
export function workerConnectionsProblem(env: Map<string, string>): string | undefined {
  const kind = env.get("WORKER_TYPE");
  if (kind === undefined || !ASYNC_KINDS.includes(kind)) return undefined;
  const fix = `Set WORKER_CONNECTIONS to at most the pool size (throat:workers.${kind}.workerConnections).`;
  const value = env.get("WORKER_CONNECTIONS");
  if (value === undefined)
    return `runs a ${kind} worker without WORKER_CONNECTIONS, so gunicorn accepts its default of ${GUNICORN_DEFAULT} concurrent requests, far more than the database pool serves. ${fix}`;
  if (!/^\d+$/.test(value.trim()) || Number(value) < 1)
    return `runs a ${kind} worker with WORKER_CONNECTIONS "${value}", which is not a positive integer. ${fix}`;
  if (Number(value) === GUNICORN_DEFAULT)
    return `runs a ${kind} worker with WORKER_CONNECTIONS ${GUNICORN_DEFAULT}, gunicorn's default, far more than the database pool serves. ${fix}`;
  return undefined;
}

export const asyncWorkerConnections: ResourceValidationPolicy = {
  name: "async-workers-set-worker-connections",
  description:
    "gevent and socketio workers set WORKER_CONNECTIONS to a positive integer other than gunicorn's default 1000.",
  enforcementLevel: "mandatory",
  validateResource: [
    (args, reportViolation) => {
      if (args.type !== T.taskDefinition) return;
      const parsed = ecsContainers(args.props);
      if ("unknown" in parsed) throw parsed.unknown.error;
      // Unparseable definitions are reported by task-definition-secrets-not-in-environment.
      if ("invalid" in parsed) return;
      for (const c of parsed.ok) {
        const problem = workerConnectionsProblem(envOfEcs(c));
        if (problem) reportViolation(`Task definition ${family(args)}, container ${c.name} ${problem}`);
      }
    },
    (args, reportViolation) => {
      if (args.type !== T.container) return;
      const { env, unknown } = dockerEnv(args.props);
      const problem = workerConnectionsProblem(env);
      // At preview, generated secrets make some entries unknown: WORKER_CONNECTIONS may be one of them.
      if (problem && unknown && !env.has("WORKER_CONNECTIONS")) throw unknown.error;
      if (problem) reportViolation(`Docker container ${dockerName(args)} ${problem}`);
    },
  ],
};

const family = (args: ResourceValidationArgs) => text(read(args.props, "family")) ?? args.name;
