// The exact requests `npm run throat` makes, as pure functions of the stack's `admin` output and
// the throat.py arguments, so a test can check each one without AWS or Docker.
import { adminArgv, AdminTarget } from "../../components/plan/admin";

type ProdTarget = Extract<AdminTarget, { profile: "prod" }>;
type TestTarget = Extract<AdminTarget, { profile: "test" }>;

/** ECS RunTask's tag on the admin tasks (startedBy: up to 128 letters, digits, - and _). */
export const ADMIN_STARTED_BY = "throat-admin";

/**
 * ECS RunTask input (`aws ecs run-task --cli-input-json`): the migration's task definition
 * (its family alone names the latest ACTIVE revision), a command override for its container,
 * in the private subnets with the migration's security group, no public address.
 */
export function runTaskInput(t: ProdTarget, args: readonly string[]) {
  return {
    cluster: t.clusterArn,
    taskDefinition: t.taskDefinitionFamily,
    launchType: "FARGATE",
    count: 1,
    startedBy: ADMIN_STARTED_BY,
    networkConfiguration: {
      awsvpcConfiguration: { subnets: t.subnets, securityGroups: t.securityGroups, assignPublicIp: "DISABLED" },
    },
    overrides: { containerOverrides: [{ name: t.container, command: adminArgv(args) }] },
  };
}

/** awslogs names a task's stream <stream prefix>/<container name>/<task id>. */
export function logStreamName(t: ProdTarget, taskArn: string): string {
  const id = taskArn.split("/").pop()!;
  return `${t.logStreamPrefix}/${t.container}/${id}`;
}

interface DescribedTask {
  lastStatus?: string;
  stopCode?: string;
  stoppedReason?: string;
  containers?: Array<{ name: string; exitCode?: number; reason?: string }>;
}

/** The command's exit code from DescribeTasks, or why there is none (the task never ran). */
export function exitOf(
  t: ProdTarget,
  described: { tasks?: DescribedTask[]; failures?: Array<{ reason?: string }> },
): { code: number } | { error: string } {
  const task = described.tasks?.[0];
  if (!task)
    return {
      error: `ECS describes no such task: ${described.failures?.map((f) => f.reason).join(", ") ?? "no reason given"}`,
    };
  if (task.lastStatus !== "STOPPED")
    return { error: `the task is ${task.lastStatus ?? "in an unknown state"}, not STOPPED` };
  const c = task.containers?.find((x) => x.name === t.container);
  if (c?.exitCode === undefined)
    return {
      error: `container ${t.container} has no exit code: ${c?.reason ?? task.stoppedReason ?? task.stopCode ?? "unknown"}`,
    };
  return { code: c.exitCode };
}

/** `docker ps` that finds the stack's running sync workers. */
export function findWorkerArgv(t: TestTarget): string[] {
  return [
    "ps",
    "--filter",
    "status=running",
    ...Object.entries(t.workerLabels).flatMap(([k, v]) => ["--filter", `label=${k}=${v}`]),
    "--format",
    "{{.ID}}",
  ];
}

export function inspectArgv(containerId: string): string[] {
  return ["inspect", "--format", "{{json .Config.Env}}|{{.Config.Image}}", containerId];
}

/**
 * `docker create` for the one-off: the worker's image and network and its environment, where
 * each variable is passed by name only (`-e NAME`): Docker reads the value from the docker
 * CLI's own environment, so the secrets (DATABASE_PASSWORD, APP_SECRET_KEY) never appear in an
 * argument list (`ps`), a file or the terminal. `env` is what the docker CLI must be run with.
 */
export function createOneOff(
  t: TestTarget,
  worker: { env: string[]; image: string },
  args: readonly string[],
  name: string,
): { argv: string[]; env: Record<string, string> } {
  const env: Record<string, string> = {};
  for (const entry of worker.env) {
    const i = entry.indexOf("=");
    if (i > 0) env[entry.slice(0, i)] = entry.slice(i + 1);
  }
  // Docker's own variables of the image (PATH, ...) come back with the image: pass only the rest.
  const names = Object.keys(env).filter((n) => n !== "PATH" && n !== "HOSTNAME" && n !== "HOME");
  const argv = [
    "create",
    "--name",
    name,
    "--network",
    t.network,
    "--label",
    `throat.stack=${t.workerLabels["throat.stack"] ?? ""}`,
    "--label",
    "throat.tier=admin",
    ...names.flatMap((n) => ["-e", n]),
    worker.image,
    ...adminArgv(args),
  ];
  return { argv, env: Object.fromEntries(names.map((n) => [n, env[n]!])) };
}

/** The configs/ folder travels from the worker to the one-off as a tar stream (no file on disk). */
export function copyConfigArgv(t: TestTarget, workerId: string, oneOff: string): { from: string[]; to: string[] } {
  return { from: ["cp", `${workerId}:${t.workdir}/configs`, "-"], to: ["cp", "-", `${oneOff}:${t.workdir}`] };
}
