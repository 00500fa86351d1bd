// The migration runner (the Lambda function's module, against a fake ECS): it succeeds only when
// the migration container exits 0, and its failures name the task, the exit code and where the
// output is, because that message is what `pulumi up` shows.
import * as path from "node:path";
import { lambdaJavaScript } from "../../components/aws/lambdaArchive";
import { makeHandler, MigrationCommands, MigrationEvent, MigrationHandler } from "../../components/aws/migrationRunner";

type Task = {
  taskArn: string;
  lastStatus: string;
  stoppedReason?: string;
  containers?: Array<{ name: string; exitCode?: number; reason?: string }>;
};

/** Commands as the SDK shapes them: a class per operation holding its input. */
const command = (op: string) =>
  class {
    readonly op = op;
    constructor(readonly input: unknown) {}
  };
const cmd: MigrationCommands = {
  RunTaskCommand: command("RunTask"),
  DescribeTasksCommand: command("DescribeTasks"),
  ListTasksCommand: command("ListTasks"),
};

function fakeEcs(script: {
  running?: string[];
  run?: { tasks?: Task[]; failures?: unknown[] };
  describe: (arn: string, call: number) => Task;
}) {
  const calls: Array<[string, unknown]> = [];
  let describes = 0;
  return {
    calls,
    client: {
      send: async (c: { op: string; input: unknown }) => {
        calls.push([c.op, c.input]);
        if (c.op === "ListTasks")
          return {
            taskArns: (c.input as { desiredStatus: string }).desiredStatus === "RUNNING" ? (script.running ?? []) : [],
          };
        if (c.op === "RunTask")
          return (
            script.run ?? {
              tasks: [{ taskArn: "arn:aws:ecs:eu-west-1:1:task/throat-prod/abc123", lastStatus: "PROVISIONING" }],
              failures: [],
            }
          );
        return { tasks: (c.input as { tasks: string[] }).tasks.map((arn) => script.describe(arn, ++describes)) };
      },
    },
  };
}

const event: MigrationEvent = {
  cluster: "arn:aws:ecs:eu-west-1:1:cluster/throat-prod",
  taskDefinition: "arn:aws:ecs:eu-west-1:1:task-definition/throat-prod-migrate:7",
  family: "throat-prod-migrate",
  container: "migrate",
  subnets: ["subnet-a", "subnet-b"],
  securityGroups: ["sg-migration"],
  startedBy: "throat-migration",
  logGroup: "/ecs/throat-prod/migrate",
};
const plenty = { getRemainingTimeInMillis: () => 600_000 };
const noSleep = async () => {};
const stopped = (arn: string, exitCode: number | undefined, extra: Partial<Task> = {}): Task => ({
  taskArn: arn,
  lastStatus: "STOPPED",
  containers: [{ name: "migrate", exitCode }],
  ...extra,
});

test("runs the task with the event's network and waits for it to exit 0", async () => {
  const ecs = fakeEcs({
    describe: (arn, call) => (call < 3 ? { taskArn: arn, lastStatus: "RUNNING" } : stopped(arn, 0)),
  });
  const sleeps: number[] = [];
  const handler = makeHandler(ecs.client, cmd, async (ms) => void sleeps.push(ms));
  await expect(handler(event, plenty)).resolves.toEqual({
    taskArn: "arn:aws:ecs:eu-west-1:1:task/throat-prod/abc123",
    exitCode: 0,
  });
  expect(ecs.calls.map(([o]) => o)).toEqual([
    "ListTasks",
    "ListTasks",
    "RunTask",
    "DescribeTasks",
    "DescribeTasks",
    "DescribeTasks",
  ]);
  expect(ecs.calls[2]![1]).toEqual({
    cluster: event.cluster,
    taskDefinition: event.taskDefinition,
    launchType: "FARGATE",
    count: 1,
    startedBy: "throat-migration",
    networkConfiguration: {
      awsvpcConfiguration: {
        subnets: ["subnet-a", "subnet-b"],
        securityGroups: ["sg-migration"],
        assignPublicIp: "DISABLED",
      },
    },
  });
  expect(sleeps).toEqual([10000, 10000]);
});

test("a non-zero exit fails, naming the task, the exit code and the log stream", async () => {
  const ecs = fakeEcs({ describe: (arn) => stopped(arn, 1, { stoppedReason: "Essential container in task exited" }) });
  const handler = makeHandler(ecs.client, cmd, noSleep);
  await expect(handler(event, plenty)).rejects.toThrow(
    "migration failed: task arn:aws:ecs:eu-west-1:1:task/throat-prod/abc123 stopped (Essential container in task exited), container migrate exit code 1; its output is in CloudWatch Logs /ecs/throat-prod/migrate, stream migrate/migrate/abc123",
  );
});

test("an exit code the plan knows (the route check's 3) is named with its meaning", async () => {
  const ecs = fakeEcs({ describe: (arn) => stopped(arn, 3) });
  const handler = makeHandler(ecs.client, cmd, noSleep);
  const failures = { "3": "the routes drifted: regenerate throat:routeList", "4": "unreadable" };
  await expect(handler({ ...event, failures }, plenty)).rejects.toThrow(
    /exit code 3; .*stream migrate\/migrate\/abc123\. Exit code 3: the routes drifted: regenerate throat:routeList$/,
  );
  // An exit code it does not know gets no meaning.
  const other = makeHandler(fakeEcs({ describe: (arn) => stopped(arn, 1) }).client, cmd, noSleep);
  await expect(other({ ...event, failures }, plenty)).rejects.toThrow(/abc123$/);
});

test("a container that never ran (image pull, secrets) fails too", async () => {
  const ecs = fakeEcs({
    describe: (arn) => ({
      taskArn: arn,
      lastStatus: "STOPPED",
      stoppedReason: "ResourceInitializationError: unable to pull secrets",
      containers: [{ name: "migrate", reason: "CannotPullContainerError" }],
    }),
  });
  await expect(makeHandler(ecs.client, cmd, noSleep)(event, plenty)).rejects.toThrow(
    /ResourceInitializationError.*exit code none \(CannotPullContainerError\)/,
  );
});

test("a task ECS cannot place fails at once", async () => {
  const ecs = fakeEcs({ run: { tasks: [], failures: [{ reason: "RESOURCE:ENI" }] }, describe: () => stopped("x", 0) });
  await expect(makeHandler(ecs.client, cmd, noSleep)(event, plenty)).rejects.toThrow(
    /could not start the migration task: \[\{"reason":"RESOURCE:ENI"\}\]/,
  );
});

test("a migration still running from an earlier deploy is waited for before ours starts", async () => {
  const old = "arn:aws:ecs:eu-west-1:1:task/throat-prod/old999";
  const ecs = fakeEcs({
    running: [old],
    describe: (arn, call) => (arn === old && call < 3 ? { taskArn: arn, lastStatus: "RUNNING" } : stopped(arn, 0)),
  });
  await makeHandler(ecs.client, cmd, noSleep)(event, plenty);
  expect(
    ecs.calls.map(([o, input]) =>
      o === "DescribeTasks" ? `Describe ${(input as { tasks: string[] }).tasks[0]!.split("/").pop()}` : o,
    ),
  ).toEqual([
    "ListTasks",
    "Describe old999",
    "ListTasks",
    "Describe old999",
    "Describe old999",
    "RunTask",
    "Describe abc123",
  ]);
  expect(ecs.calls[0]![1]).toEqual({ cluster: event.cluster, family: "throat-prod-migrate", desiredStatus: "RUNNING" });
});

test("near Lambda's timeout it reports the task still running instead of being killed", async () => {
  const ecs = fakeEcs({ describe: (arn) => ({ taskArn: arn, lastStatus: "RUNNING" }) });
  const almostOut = { getRemainingTimeInMillis: () => 20_000 };
  await expect(makeHandler(ecs.client, cmd, noSleep)(event, almostOut)).rejects.toThrow(
    /still running as this function times out; it goes on\. Run 'pulumi up' again/,
  );
});

test("the packaged index.js, loaded as Lambda loads it, requires only the AWS SDK the runtime provides", async () => {
  const source = lambdaJavaScript(path.join(__dirname, "../../components/aws/migrationRunner.ts"));
  const module = { exports: {} as Record<string, unknown> };
  const required: string[] = [];
  const sent: string[] = [];
  const sdk = {
    ECSClient: class {
      send = async (c: { op: string }) => (sent.push(c.op), { taskArns: [] });
    },
    ...cmd,
    CloudWatchLogsClient: class {
      send = async (c: { op: string }) => (sent.push(c.op), { events: [] });
    },
    GetLogEventsCommand: command("GetLogEvents"),
  };
  new Function("require", "module", "exports", source)((n: string) => (required.push(n), sdk), module, module.exports);
  // The SDK's client answers that no task started: the handler ran on it and reports that.
  await expect((module.exports.handler as MigrationHandler)(event, plenty)).rejects.toThrow(
    "ECS could not start the migration task",
  );
  expect(required).toEqual(["@aws-sdk/client-ecs", "@aws-sdk/client-cloudwatch-logs"]);
  expect(sent).toEqual(["ListTasks", "ListTasks", "RunTask"]);
});

describe("a failed task's last lines in the error", () => {
  type LogEvent = { timestamp: number; message: string };
  /** CloudWatch Logs answering each GetLogEvents with the next of `answers` (an Error: thrown). */
  const fakeLogs = (answers: Array<LogEvent[] | Error>) => {
    const calls: unknown[] = [];
    return {
      calls,
      logs: {
        GetLogEventsCommand: command("GetLogEvents"),
        client: {
          send: async (c: { input: unknown }) => {
            calls.push(c.input);
            const answer = answers[Math.min(calls.length - 1, answers.length - 1)]!;
            if (answer instanceof Error) throw answer;
            return { events: answer };
          },
        },
      },
    };
  };
  const failing = () => fakeEcs({ describe: (arn) => stopped(arn, 3) });
  const failures = { "3": "the routes drifted: regenerate throat:routeList" };

  test("the stream's newest lines, oldest first, after the exit code's meaning", async () => {
    // As GetLogEvents may page them: the newest first.
    const events = [
      { timestamp: 3, message: "  - /login auth.login: note 'gevent' -> '', gevent -> sync\n" },
      { timestamp: 2, message: "route check: 1 route routed elsewhere:" },
    ];
    const { logs, calls } = fakeLogs([events]);
    const handler = makeHandler(failing().client, cmd, noSleep, undefined, logs);
    const error = await handler({ ...event, failures }, plenty).catch((e: Error) => e);
    expect((error as Error).message).toMatch(
      /Exit code 3: the routes drifted: regenerate throat:routeList\nIts last 2 lines:\n {2}route check: 1 route routed elsewhere:\n {4}- \/login auth\.login: note 'gevent' -> '', gevent -> sync$/,
    );
    expect(calls).toEqual([
      { logGroupName: event.logGroup, logStreamName: "migrate/migrate/abc123", startFromHead: false, limit: 25 },
    ]);
  });

  test("an empty stream is read once more after a wait, as awslogs may still be delivering", async () => {
    const { logs, calls } = fakeLogs([[], [{ timestamp: 1, message: "Traceback (most recent call last):" }]]);
    const sleeps: number[] = [];
    const handler = makeHandler(failing().client, cmd, async (ms) => void sleeps.push(ms), undefined, logs);
    await expect(handler(event, plenty)).rejects.toThrow(
      /\nIts last 1 lines:\n {2}Traceback \(most recent call last\):$/,
    );
    expect(calls).toHaveLength(2);
    expect(sleeps).toContain(5000);
    const stillEmpty = fakeLogs([[], []]);
    await expect(
      makeHandler(failing().client, cmd, noSleep, undefined, stillEmpty.logs)(event, plenty),
    ).rejects.toThrow(/stream migrate\/migrate\/abc123\n\(Its log stream has no lines yet\.\)$/);
  });

  test("a read that fails leaves the error as it was, saying why the lines are missing", async () => {
    const { logs } = fakeLogs([new Error("User is not authorized to perform: logs:GetLogEvents")]);
    await expect(makeHandler(failing().client, cmd, noSleep, undefined, logs)(event, plenty)).rejects.toThrow(
      /stream migrate\/migrate\/abc123\n\(Its last lines could not be read: User is not authorized to perform: logs:GetLogEvents\)$/,
    );
  });

  test("a container that never ran has no stream to read; a success reads none", async () => {
    const never = fakeLogs([[]]);
    const pulled = fakeEcs({
      describe: (arn) => ({
        taskArn: arn,
        lastStatus: "STOPPED",
        containers: [{ name: "migrate", reason: "CannotPullContainerError" }],
      }),
    });
    await expect(makeHandler(pulled.client, cmd, noSleep, undefined, never.logs)(event, plenty)).rejects.toThrow(
      /CannotPullContainerError\); its output is in CloudWatch Logs [^\n]*abc123$/,
    );
    const ok = fakeLogs([[]]);
    await makeHandler(
      fakeEcs({ describe: (arn) => stopped(arn, 0) }).client,
      cmd,
      noSleep,
      undefined,
      ok.logs,
    )(event, plenty);
    expect([...never.calls, ...ok.calls]).toEqual([]);
  });
});
