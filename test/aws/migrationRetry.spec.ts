// The migration runner invoked again for the same task definition (the SDK retries the Invoke
// after a dropped connection: the Invocation holds one synchronous Invoke open for the whole
// migration, and NAT gateways drop idle flows after 350 s). Against a fake ECS that keeps its
// tasks: a retry starts no second task and reports the first one's result.
import * as pulumi from "@pulumi/pulumi";
import { migrationStartedBy } from "../../components/aws/migration";
import { makeHandler, MigrationCommands, MigrationEvent } from "../../components/aws/migrationRunner";
import type { ProgramRun } from "../../scripts/offline/mockRuntime";
import { ProviderRejection } from "../../scripts/offline/rules/aws";
import { check } from "../../scripts/offline/rules/awsRefs";
import { ofType } from "../support/runStack";
import { RUN_TIMEOUT, runProd, T, PREFIX } from "./support";

interface FakeTask {
  taskArn: string;
  taskDefinitionArn: string;
  startedBy: string;
  lastStatus: string;
  stoppedAt?: Date;
  containers: Array<{ name: string; exitCode?: number }>;
}

const command = (op: string) =>
  class {
    readonly op = op;
    constructor(readonly input: Record<string, unknown>) {}
  };
const cmd: MigrationCommands = {
  RunTaskCommand: command("RunTask"),
  DescribeTasksCommand: command("DescribeTasks"),
  ListTasksCommand: command("ListTasks"),
};

/** ECS as far as the runner sees it: the cluster's tasks, listed by family and desired status. */
class FakeEcs {
  readonly tasks: FakeTask[] = [];
  readonly started: FakeTask[] = [];
  clock = Date.parse("2026-01-01T12:00:00Z");
  add(task: Omit<FakeTask, "lastStatus" | "containers">): FakeTask {
    const t: FakeTask = { ...task, lastStatus: "RUNNING", containers: [{ name: "migrate" }] };
    this.tasks.push(t);
    return t;
  }
  stop(task: FakeTask, exitCode: number): void {
    Object.assign(task, { lastStatus: "STOPPED", stoppedAt: new Date(this.clock) });
    task.containers[0]!.exitCode = exitCode;
  }
  readonly client = {
    send: async (c: { op: string; input: Record<string, unknown> }): Promise<Record<string, unknown>> => {
      if (c.op === "ListTasks") {
        const family = (t: FakeTask) => t.taskDefinitionArn.split("/").pop()!.split(":")[0];
        const stopped = c.input.desiredStatus === "STOPPED";
        const found = this.tasks.filter(
          (t) => family(t) === c.input.family && (t.lastStatus === "STOPPED") === stopped,
        );
        return { taskArns: found.map((t) => t.taskArn) };
      }
      if (c.op === "DescribeTasks") {
        const arns = c.input.tasks as string[];
        return { tasks: this.tasks.filter((t) => arns.includes(t.taskArn)).map((t) => structuredClone(t)) };
      }
      const task = this.add({
        taskArn: `arn:aws:ecs:eu-west-1:1:task/throat-prod/run${this.started.length + 1}`,
        taskDefinitionArn: String(c.input.taskDefinition),
        startedBy: String(c.input.startedBy),
      });
      this.started.push(task);
      return { tasks: [structuredClone(task)], failures: [] };
    },
  };
}

const TASK_DEFINITION = "arn:aws:ecs:eu-west-1:1:task-definition/throat-prod-migrate:7";
const event: MigrationEvent = {
  cluster: "arn:aws:ecs:eu-west-1:1:cluster/throat-prod",
  taskDefinition: TASK_DEFINITION,
  family: "throat-prod-migrate",
  container: "migrate",
  subnets: ["subnet-a"],
  securityGroups: ["sg-migration"],
  startedBy: migrationStartedBy(TASK_DEFINITION),
  logGroup: "/ecs/throat-prod/migrate",
};
const plenty = { getRemainingTimeInMillis: () => 600_000 };
const yieldOnce = () => new Promise<void>((resolve) => setImmediate(resolve));

test("a retried invocation while the first task runs starts no second task and reports its exit code", async () => {
  const ecs = new FakeEcs();
  let retry: Promise<unknown> | undefined;
  // The first invocation, polling its task, is where the connection drops: the SDK invokes again.
  const first = makeHandler(ecs.client, cmd, async () => {
    retry ??= makeHandler(ecs.client, cmd, async () => ecs.stop(ecs.started[0]!, 3))(event, plenty).catch(
      (e: Error) => e,
    );
    await yieldOnce();
  });
  await expect(first(event, plenty)).rejects.toThrow(/exit code 3/);
  expect(retry).toBeDefined();
  const retried = await retry!;
  expect(ecs.started).toHaveLength(1);
  expect((retried as Error).message).toContain(
    `migration failed: task ${ecs.started[0]!.taskArn} stopped (no reason given), container migrate exit code 3`,
  );
  expect((retried as Error).message).toMatch(/this one is a retry/);
});

test("a retry after the first task succeeded reports that task, and one after a failure reports the failure", async () => {
  const ecs = new FakeEcs();
  await makeHandler(ecs.client, cmd, async () => ecs.stop(ecs.started[0]!, 0))(event, plenty);
  ecs.clock += 60_000;
  const now = () => ecs.clock;
  await expect(makeHandler(ecs.client, cmd, undefined, now)(event, plenty)).resolves.toEqual({
    taskArn: ecs.started[0]!.taskArn,
    exitCode: 0,
  });
  expect(ecs.started).toHaveLength(1);

  ecs.stop(ecs.started[0]!, 2);
  await expect(makeHandler(ecs.client, cmd, undefined, now)(event, plenty)).rejects.toThrow(/exit code 2/);
  expect(ecs.started).toHaveLength(1);
});

function ours(): { taskDefinitionArn: string; startedBy: string } {
  return { taskDefinitionArn: TASK_DEFINITION, startedBy: migrationStartedBy(TASK_DEFINITION) };
}

test("a `pulumi up` run again after a failed migration, later than any retry, runs it again", async () => {
  const ecs = new FakeEcs();
  const failed = ecs.add({ taskArn: "arn:aws:ecs:eu-west-1:1:task/throat-prod/old1", ...ours() });
  ecs.stop(failed, 1);
  ecs.clock += 16 * 60_000;
  await makeHandler(
    ecs.client,
    cmd,
    async () => ecs.stop(ecs.started[0]!, 0),
    () => ecs.clock,
  )(event, plenty);
  expect(ecs.started).toHaveLength(1);
});

test("an admin command on the same task definition, or the previous revision's migration, is not ours", async () => {
  const ecs = new FakeEcs();
  const admin = ecs.add({
    taskArn: "arn:aws:ecs:eu-west-1:1:task/throat-prod/admin1",
    taskDefinitionArn: TASK_DEFINITION,
    startedBy: "throat-admin",
  });
  const previous = ecs.add({
    taskArn: "arn:aws:ecs:eu-west-1:1:task/throat-prod/prev1",
    taskDefinitionArn: TASK_DEFINITION.replace(/:7$/, ":6"),
    startedBy: migrationStartedBy(TASK_DEFINITION.replace(/:7$/, ":6")),
  });
  const result = await makeHandler(ecs.client, cmd, async () => {
    // Both finish while waited for; then ours starts.
    if (admin.lastStatus !== "STOPPED") ecs.stop(admin, 0);
    else if (previous.lastStatus !== "STOPPED") ecs.stop(previous, 0);
    else ecs.stop(ecs.started[0]!, 0);
  })(event, plenty);
  expect(ecs.started).toHaveLength(1);
  expect(result).toEqual({ taskArn: ecs.started[0]!.taskArn, exitCode: 0 });
});

describe("startedBy, from the task definition ARN", () => {
  let run: ProgramRun;
  beforeAll(async () => {
    run = await runProd();
  }, RUN_TIMEOUT);

  test("one per revision, within RunTask's characters and length", () => {
    const long = `arn:aws:ecs:eu-west-1:123456789012:task-definition/${"f".repeat(255)}:1000000`;
    for (const arn of [TASK_DEFINITION, long]) {
      expect(migrationStartedBy(arn)).toMatch(/^[A-Za-z0-9/_-]{1,36}$/);
    }
    expect(migrationStartedBy(TASK_DEFINITION)).not.toBe(migrationStartedBy(TASK_DEFINITION.replace(/:7$/, ":8")));
    const invocation = ofType(run, T.invocation).find((i) => i.name === `${PREFIX}-migrate`)!;
    const sent = JSON.parse(String(invocation.inputs.input)) as MigrationEvent;
    expect(sent.startedBy).toBe(migrationStartedBy(sent.taskDefinition));
  });

  test("the mock refuses a startedBy RunTask would", () => {
    const input = (startedBy: string) => ({
      functionName: "runner",
      input: JSON.stringify({ ...event, startedBy }),
    });
    pulumi.runtime.setAllConfig({}, []);
    expect(() => check(T.invocation, "m", input("migration:7"))).toThrow(ProviderRejection);
    expect(() => check(T.invocation, "m", input("x".repeat(129)))).toThrow(/Up to 128 letters/);
    expect(() => check(T.invocation, "m", input(event.startedBy))).not.toThrow();
  });
});
