// npm run throat: the exact requests it makes (RunTask input, docker argv), and the whole flow
// against a fake CLI that answers as aws / docker / pulumi would.
import { spawnSync } from "node:child_process";
import { ADMIN_SCRIPT, adminArgv, AdminTarget } from "../../components/plan/admin";
import { AdminError, Exec, ExecResult, runAdmin, stackTarget } from "../../scripts/admin/run";
import { createOneOff, exitOf, logStreamName, runTaskInput } from "../../scripts/admin/requests";

const prod: Extract<AdminTarget, { profile: "prod" }> = {
  profile: "prod",
  region: "eu-west-1",
  clusterArn: "arn:aws:ecs:eu-west-1:123456789012:cluster/throat-prod",
  taskDefinitionFamily: "throat-prod-migrate",
  container: "migrate",
  subnets: ["subnet-a", "subnet-b"],
  securityGroups: ["sg-migration"],
  logGroup: "/ecs/throat-prod/migrate",
  logStreamPrefix: "migrate",
};
const testTarget: Extract<AdminTarget, { profile: "test" }> = {
  profile: "test",
  network: "throat-test-me-net",
  workerLabels: { "throat.stack": "test-me", "throat.worker": "sync" },
  workdir: "/throat",
};
const TASK = "arn:aws:ecs:eu-west-1:123456789012:task/throat-prod/0123456789abcdef";

interface Call {
  cmd: string;
  args: string[];
  env?: Record<string, string>;
  input?: Buffer;
  inherit?: boolean;
}
function fakeExec(answer: (c: Call) => Partial<ExecResult> | undefined): Exec & { calls: Call[] } {
  const calls: Call[] = [];
  return {
    calls,
    run: async (cmd, args, opts = {}) => {
      const call = { cmd, args, ...opts };
      calls.push(call);
      const a = answer(call) ?? {};
      return { code: a.code ?? 0, stdout: a.stdout ?? Buffer.alloc(0), stderr: a.stderr ?? "" };
    },
  };
}
const json = (v: unknown) => ({ stdout: Buffer.from(JSON.stringify(v)) });
const io = () => {
  const lines = { out: [] as string[], err: [] as string[] };
  return { lines, io: { out: (l: string) => lines.out.push(l), err: (l: string) => lines.err.push(l) } };
};

test("the command is throat.py with the arguments as positional parameters, after the config copy", () => {
  expect(adminArgv(["admin", "add", "alice; rm -rf /"])).toEqual([
    "/bin/sh",
    "-c",
    ADMIN_SCRIPT,
    "throat.py",
    "admin",
    "add",
    "alice; rm -rf /",
  ]);
  expect(ADMIN_SCRIPT).toBe('cp "configs/$CONFIG_NAME/config.yaml" config.yaml && exec python3 throat.py "$@"');
  expect(() => adminArgv([])).toThrow(/no throat.py arguments/);
});

test("RunTask: the migration's family, a command override, private subnets, its security group, no public IP", () => {
  expect(runTaskInput(prod, ["admin", "add", "alice"])).toEqual({
    cluster: prod.clusterArn,
    taskDefinition: "throat-prod-migrate",
    launchType: "FARGATE",
    count: 1,
    startedBy: "throat-admin",
    networkConfiguration: {
      awsvpcConfiguration: {
        subnets: ["subnet-a", "subnet-b"],
        securityGroups: ["sg-migration"],
        assignPublicIp: "DISABLED",
      },
    },
    overrides: {
      containerOverrides: [
        { name: "migrate", command: ["/bin/sh", "-c", ADMIN_SCRIPT, "throat.py", "admin", "add", "alice"] },
      ],
    },
  });
  expect(logStreamName(prod, TASK)).toBe("migrate/migrate/0123456789abcdef");
});

test("the exit code comes from the stopped task's container; a task that never ran is an error", () => {
  expect(exitOf(prod, { tasks: [{ lastStatus: "STOPPED", containers: [{ name: "migrate", exitCode: 3 }] }] })).toEqual({
    code: 3,
  });
  expect(
    exitOf(prod, {
      tasks: [{ lastStatus: "STOPPED", stoppedReason: "CannotPullContainerError", containers: [{ name: "migrate" }] }],
    }),
  ).toEqual({ error: expect.stringMatching(/CannotPullContainerError/) });
});

test("prod: run-task, wait until STOPPED (past the waiter's 10 minutes), print the log lines and the exit code", async () => {
  let waits = 0;
  const exec = fakeExec((c) => {
    const a = c.args.join(" ");
    if (a.startsWith("sts get-caller-identity")) return json({ Account: "123456789012" });
    if (a.startsWith("ecs run-task")) return json({ tasks: [{ taskArn: TASK }], failures: [] });
    if (a.startsWith("ecs wait tasks-stopped"))
      return ++waits < 2 ? { code: 255, stderr: "Max attempts exceeded" } : {};
    if (a.startsWith("ecs describe-tasks"))
      return json({ tasks: [{ lastStatus: "STOPPED", containers: [{ name: "migrate", exitCode: 0 }] }] });
    if (a.startsWith("logs get-log-events") && !a.includes("--next-token"))
      return json({ events: [{ message: "User alice is now an administrator" }], nextForwardToken: "f/1" });
    if (a.startsWith("logs get-log-events")) return json({ events: [], nextForwardToken: "f/1" });
    throw new Error(`unexpected aws ${a}`);
  });
  const { lines, io: out } = io();
  await expect(runAdmin(exec, out, prod, ["admin", "add", "alice"])).resolves.toBe(0);
  const runTask = exec.calls.find((c) => c.args[1] === "run-task")!;
  expect(JSON.parse(runTask.args[runTask.args.indexOf("--cli-input-json") + 1]!)).toEqual(
    runTaskInput(prod, ["admin", "add", "alice"]),
  );
  expect(runTask.args).toEqual(expect.arrayContaining(["--region", "eu-west-1"]));
  expect(waits).toBe(2);
  const logs = exec.calls.find((c) => c.args[1] === "get-log-events")!;
  expect(logs.args).toEqual(
    expect.arrayContaining([
      "--log-group-name",
      "/ecs/throat-prod/migrate",
      "--log-stream-name",
      "migrate/migrate/0123456789abcdef",
      "--start-from-head",
    ]),
  );
  expect(lines.out).toEqual(["User alice is now an administrator"]);
  expect(lines.err).toContain("exit code 0");
});

test("prod: a failing command's exit code is returned", async () => {
  const exec = fakeExec((c) => {
    const a = c.args.join(" ");
    if (a.startsWith("ecs run-task")) return json({ tasks: [{ taskArn: TASK }] });
    if (a.startsWith("ecs describe-tasks"))
      return json({ tasks: [{ lastStatus: "STOPPED", containers: [{ name: "migrate", exitCode: 1 }] }] });
    if (a.startsWith("logs")) return json({ events: [{ message: "Error: user not found" }], nextForwardToken: "x" });
    return json({});
  });
  await expect(runAdmin(exec, io().io, prod, ["admin", "add", "nobody"])).resolves.toBe(1);
});

test("prod: refused, with what to do, without the AWS CLI or without credentials; nothing is started", async () => {
  const noCli = fakeExec(() => ({ code: 127, stderr: "spawn aws ENOENT" }));
  await expect(runAdmin(noCli, io().io, prod, ["recount"])).rejects.toThrow(/the AWS CLI is not installed/);
  const noCreds = fakeExec((c) =>
    c.args[0] === "sts" ? { code: 255, stderr: "Unable to locate credentials" } : json({}),
  );
  await expect(runAdmin(noCreds, io().io, prod, ["recount"])).rejects.toThrow(
    new AdminError(
      "no AWS credentials for eu-west-1: run aws configure (or set AWS_PROFILE), then retry. Unable to locate credentials",
    ),
  );
  expect(noCreds.calls.some((c) => c.args[1] === "run-task")).toBe(false);
});

test("the stack's admin output is read with pulumi; without the CLI or the output, a clear refusal", async () => {
  const ok = fakeExec(() => json(prod));
  await expect(stackTarget(ok, "prod")).resolves.toEqual(prod);
  expect(ok.calls[0]).toMatchObject({ cmd: "pulumi", args: ["stack", "output", "--stack", "prod", "--json", "admin"] });
  await expect(
    stackTarget(
      fakeExec(() => ({ code: 127 })),
      "prod",
    ),
  ).rejects.toThrow(/the Pulumi CLI is not installed/);
  await expect(
    stackTarget(
      fakeExec(() => json(null)),
      "prod",
    ),
  ).rejects.toThrow(/has no `admin` output/);
});

const WORKER_ENV = [
  "DATABASE_HOST=throat-test-me-postgres",
  "DATABASE_PASSWORD=s3cret-db",
  "APP_SECRET_KEY=s3cret-key",
  "CONFIG_NAME=test-me-sync",
  "PATH=/usr/local/bin:/usr/bin",
];

test("test: the one-off gets the worker's environment by name only: no secret value in its arguments", () => {
  const { argv, env } = createOneOff(
    testTarget,
    { env: WORKER_ENV, image: "throat:latest" },
    ["admin", "add", "alice"],
    "one-off",
  );
  expect(argv.join(" ")).not.toMatch(/s3cret/);
  expect(argv).toEqual([
    "create",
    "--name",
    "one-off",
    "--network",
    "throat-test-me-net",
    "--label",
    "throat.stack=test-me",
    "--label",
    "throat.tier=admin",
    "-e",
    "DATABASE_HOST",
    "-e",
    "DATABASE_PASSWORD",
    "-e",
    "APP_SECRET_KEY",
    "-e",
    "CONFIG_NAME",
    "throat:latest",
    "/bin/sh",
    "-c",
    ADMIN_SCRIPT,
    "throat.py",
    "admin",
    "add",
    "alice",
  ]);
  expect(env).toEqual({
    DATABASE_HOST: "throat-test-me-postgres",
    DATABASE_PASSWORD: "s3cret-db",
    APP_SECRET_KEY: "s3cret-key",
    CONFIG_NAME: "test-me-sync",
  });
});

test("test: finds a running sync worker, copies its configs/, runs attached, returns the exit code, always removes the one-off", async () => {
  const tar = Buffer.from("tar bytes");
  const exec = fakeExec((c) => {
    const [verb] = c.args;
    if (verb === "ps") return { stdout: Buffer.from("abc123\ndef456\n") };
    if (verb === "inspect") return { stdout: Buffer.from(`${JSON.stringify(WORKER_ENV)}|throat:latest\n`) };
    if (verb === "cp" && c.args[2] === "-") return { stdout: tar };
    if (verb === "start") return { code: 4 };
    return {};
  });
  await expect(runAdmin(exec, io().io, testTarget, ["default", "add", "news"])).resolves.toBe(4);
  const verbs = exec.calls.map((c) => c.args[0]);
  expect(verbs).toEqual(["version", "ps", "inspect", "create", "cp", "cp", "start", "rm"]);
  expect(exec.calls[1]!.args).toEqual([
    "ps",
    "--filter",
    "status=running",
    "--filter",
    "label=throat.stack=test-me",
    "--filter",
    "label=throat.worker=sync",
    "--format",
    "{{.ID}}",
  ]);
  const create = exec.calls[3]!;
  expect(create.env).toMatchObject({ DATABASE_PASSWORD: "s3cret-db" });
  const name = create.args[create.args.indexOf("--name") + 1]!;
  expect(exec.calls[4]!.args).toEqual(["cp", "abc123:/throat/configs", "-"]);
  expect(exec.calls[5]).toMatchObject({ args: ["cp", "-", `${name}:/throat`], input: tar });
  expect(exec.calls[6]).toMatchObject({ args: ["start", "--attach", name], inherit: true });
  expect(exec.calls[7]!.args).toEqual(["rm", "--force", name]);
  for (const c of exec.calls) expect(c.args.join(" ")).not.toMatch(/s3cret/);
});

test("test: refused without a Docker engine or a running worker", async () => {
  await expect(
    runAdmin(
      fakeExec(() => ({ code: 1, stderr: "Cannot connect to the Docker daemon" })),
      io().io,
      testTarget,
      ["recount"],
    ),
  ).rejects.toThrow(/no Docker engine answers/);
  await expect(
    runAdmin(
      fakeExec((c) => (c.args[0] === "ps" ? { stdout: Buffer.from("") } : {})),
      io().io,
      testTarget,
      ["recount"],
    ),
  ).rejects.toThrow(/no running sync worker of stack test-me/);
});

// The real AWS CLI validates a request against the ECS API model before it looks for
// credentials: with none configured, a well-formed RunTask input reaches "Unable to locate
// credentials", a malformed one stops at "Parameter validation failed". No network is used.
// scripts/debian-packages.txt installs the CLI, so this never skips.
test("the real AWS CLI accepts the RunTask input (parameter validation against the ECS model)", () => {
  const env = {
    PATH: process.env.PATH ?? "",
    HOME: "/nonexistent",
    AWS_CONFIG_FILE: "/dev/null",
    AWS_SHARED_CREDENTIALS_FILE: "/dev/null",
    AWS_EC2_METADATA_DISABLED: "true",
  };
  const run = (input: unknown) =>
    spawnSync("aws", ["ecs", "run-task", "--region", "eu-west-1", "--cli-input-json", JSON.stringify(input)], {
      env,
      encoding: "utf8",
      timeout: 60_000,
    }).stderr;
  expect(run(runTaskInput(prod, ["admin", "add", "alice"]))).toMatch(/Unable to locate credentials/);
  // The check has teeth: a misspelt key is refused.
  expect(run({ ...runTaskInput(prod, ["recount"]), startedby: "x" })).toMatch(/Parameter validation failed/);
}, 120_000);
