// `npm run throat`: runs a Throat CLI command against a deployed stack. Every outside program
// (pulumi, aws, docker) is reached through `Exec`, so a test runs this whole flow against a fake
// that records each call and answers as the real CLI would.
//
// Why the AWS CLI rather than the AWS SDK: the SDK clients are not dependencies of this project,
// and an operator who deploys to AWS has the CLI (`aws configure` is step 1 of the README's
// Production section); the CLI also brings its own credential chain (profiles, SSO, OIDC).
// Why the test profile reuses a running worker's environment (`docker inspect`) rather than
// `pulumi stack output --show-secrets`: the stack outputs hold no secrets (and must not), and
// the worker's environment is exactly what the app runs with now; the values go to Docker
// through the docker CLI's environment, never its arguments.
import type { AdminTarget } from "../../components/plan/admin";
import {
  copyConfigArgv,
  createOneOff,
  exitOf,
  findWorkerArgv,
  inspectArgv,
  logStreamName,
  runTaskInput,
} from "./requests";

export interface ExecResult {
  /** 127 when the program is not installed. */
  code: number;
  stdout: Buffer;
  stderr: string;
}

export interface Exec {
  /** `inherit`: the program writes to this terminal directly (its output is not captured). */
  run(
    cmd: string,
    args: string[],
    opts?: { env?: Record<string, string>; input?: Buffer; inherit?: boolean },
  ): Promise<ExecResult>;
}

export interface Io {
  out(line: string): void;
  err(line: string): void;
}

export class AdminError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "AdminError";
  }
}

/** `aws ecs wait tasks-stopped` gives up after 100 polls of 6 s (10 min): wait this many times. */
export const MAX_WAITS = 6;

export async function stackTarget(exec: Exec, stack: string): Promise<AdminTarget> {
  const r = await exec.run("pulumi", ["stack", "output", "--stack", stack, "--json", "admin"]);
  if (r.code === 127) {
    throw new AdminError(
      "the Pulumi CLI is not installed (https://www.pulumi.com/docs/install/): npm run throat reads the stack's `admin` output with it",
    );
  }
  if (r.code !== 0) {
    throw new AdminError(
      `pulumi stack output --stack ${stack} failed (logged in to the stack's backend? deployed with pulumi up?): ${r.stderr.trim()}`,
    );
  }
  const target = JSON.parse(r.stdout.toString("utf8")) as AdminTarget | null;
  if (!target || (target.profile !== "prod" && target.profile !== "test")) {
    throw new AdminError(`stack ${stack} has no \`admin\` output: run pulumi up with this version of the stack first`);
  }
  return target;
}

export async function runAdmin(exec: Exec, io: Io, target: AdminTarget, args: readonly string[]): Promise<number> {
  return target.profile === "prod" ? runOnEcs(exec, io, target, args) : runInDocker(exec, io, target, args);
}

type Prod = Extract<AdminTarget, { profile: "prod" }>;
type Test = Extract<AdminTarget, { profile: "test" }>;

async function runOnEcs(exec: Exec, io: Io, t: Prod, args: readonly string[]): Promise<number> {
  const aws = async (argv: string[], what: string) => {
    const r = await exec.run("aws", [...argv, "--region", t.region, "--output", "json"]);
    if (r.code === 127)
      throw new AdminError(
        "the AWS CLI is not installed (https://docs.aws.amazon.com/cli/latest/userguide/getting-started-install.html)",
      );
    if (r.code !== 0) throw new AdminError(`${what} failed: ${r.stderr.trim()}`);
    return JSON.parse(r.stdout.toString("utf8") || "{}") as Record<string, unknown>;
  };
  const id = await exec.run("aws", ["sts", "get-caller-identity", "--region", t.region, "--output", "json"]);
  if (id.code === 127)
    throw new AdminError(
      "the AWS CLI is not installed (https://docs.aws.amazon.com/cli/latest/userguide/getting-started-install.html)",
    );
  if (id.code !== 0)
    throw new AdminError(
      `no AWS credentials for ${t.region}: run aws configure (or set AWS_PROFILE), then retry. ${id.stderr.trim()}`,
    );

  type RunTaskOutput = { tasks?: Array<{ taskArn: string }>; failures?: Array<{ reason?: string; detail?: string }> };
  const started = (await aws(
    ["ecs", "run-task", "--cli-input-json", JSON.stringify(runTaskInput(t, args))],
    "ecs run-task",
  )) as RunTaskOutput;
  const taskArn = started.tasks?.[0]?.taskArn;
  if (!taskArn) {
    const reasons = (started.failures ?? []).map((f) => `${f.reason ?? ""} ${f.detail ?? ""}`.trim()).join("; ");
    throw new AdminError(`ECS started no task: ${reasons || "no reason given"}`);
  }
  io.err(`started ${taskArn}; waiting for it to stop`);

  let stopped = false;
  for (let i = 0; i < MAX_WAITS && !stopped; i++) {
    const w = await exec.run("aws", [
      "ecs",
      "wait",
      "tasks-stopped",
      "--cluster",
      t.clusterArn,
      "--tasks",
      taskArn,
      "--region",
      t.region,
    ]);
    if (w.code === 0) stopped = true;
    else if (w.code !== 255) throw new AdminError(`aws ecs wait tasks-stopped failed: ${w.stderr.trim()}`);
  }
  if (!stopped) {
    const follow = `aws logs tail ${t.logGroup} --follow --log-stream-names ${logStreamName(t, taskArn)}`;
    throw new AdminError(`the task still runs after ${MAX_WAITS * 10} minutes: follow it with ${follow}`);
  }

  const described = await aws(
    ["ecs", "describe-tasks", "--cluster", t.clusterArn, "--tasks", taskArn],
    "ecs describe-tasks",
  );
  const stream = logStreamName(t, taskArn);
  let token: string | undefined;
  for (;;) {
    const argv = [
      "logs",
      "get-log-events",
      "--log-group-name",
      t.logGroup,
      "--log-stream-name",
      stream,
      "--start-from-head",
    ];
    if (token) argv.push("--next-token", token);
    const page = (await aws(argv, "logs get-log-events")) as {
      events?: Array<{ message: string }>;
      nextForwardToken?: string;
    };
    for (const e of page.events ?? []) io.out(e.message);
    // The forward token repeats once the stream has no more events.
    if (!page.nextForwardToken || page.nextForwardToken === token || !(page.events ?? []).length) break;
    token = page.nextForwardToken;
  }
  const exit = exitOf(t, described as Parameters<typeof exitOf>[1]);
  if ("error" in exit) throw new AdminError(exit.error);
  io.err(`exit code ${exit.code}`);
  return exit.code;
}

async function runInDocker(exec: Exec, io: Io, t: Test, args: readonly string[]): Promise<number> {
  const docker = async (argv: string[], opts: Parameters<Exec["run"]>[2] = {}) => {
    const r = await exec.run("docker", argv, opts);
    if (r.code === 127)
      throw new AdminError(
        "the docker CLI is not installed: the test profile runs the command as a container on the stack's Docker host",
      );
    return r;
  };
  const ping = await docker(["version", "--format", "{{.Server.Version}}"]);
  if (ping.code !== 0)
    throw new AdminError(
      `no Docker engine answers (is it running, may this user use it? DOCKER_HOST?): ${ping.stderr.trim()}`,
    );
  const ps = await docker(findWorkerArgv(t));
  const workerId = ps.stdout
    .toString("utf8")
    .split("\n")
    .map((l) => l.trim())
    .filter(Boolean)[0];
  if (ps.code !== 0 || !workerId) {
    const stack = t.workerLabels["throat.stack"];
    throw new AdminError(
      `no running sync worker of stack ${stack} on this Docker host: run pulumi up first. ${ps.stderr.trim()}`,
    );
  }
  const inspected = await docker(inspectArgv(workerId));
  if (inspected.code !== 0) throw new AdminError(`docker inspect ${workerId} failed: ${inspected.stderr.trim()}`);
  const text = inspected.stdout.toString("utf8").trim();
  const bar = text.lastIndexOf("|");
  const worker = { env: JSON.parse(text.slice(0, bar)) as string[], image: text.slice(bar + 1) };

  const name = `throat-${t.workerLabels["throat.stack"]}-admin-${Date.now().toString(36)}`;
  const create = createOneOff(t, worker, args, name);
  const created = await docker(create.argv, { env: create.env });
  if (created.code !== 0) throw new AdminError(`docker create failed: ${created.stderr.trim()}`);
  try {
    const cp = copyConfigArgv(t, workerId, name);
    const tar = await docker(cp.from);
    if (tar.code !== 0) throw new AdminError(`copying configs/ from ${workerId} failed: ${tar.stderr.trim()}`);
    const put = await docker(cp.to, { input: tar.stdout });
    if (put.code !== 0) throw new AdminError(`copying configs/ into ${name} failed: ${put.stderr.trim()}`);
    const started = await docker(["start", "--attach", name], { inherit: true });
    io.err(`exit code ${started.code}`);
    return started.code;
  } finally {
    await docker(["rm", "--force", name]);
  }
}
