// The Lambda function that runs the migration task and reports how it ended (see migration.ts).
// Lambda runs this file's JavaScript (lambdaArchive.ts transpiles it at program time): it imports
// only types, and loads the AWS SDK v3 ECS client the nodejs runtime provides when first called.
// `makeHandler` takes the ECS client and commands as arguments so a test can run it against a
// fake ECS.
import type { CommandClass, EcsClient, LambdaContext, Sleep } from "./lambdaEcs";

/** The event aws.lambda.Invocation sends (its `input`). */
export interface MigrationEvent {
  cluster: string;
  taskDefinition: string;
  /** The migration task definition family: a migration still running from an earlier deploy is waited for. */
  family: string;
  container: string;
  subnets: string[];
  securityGroups: string[];
  /** RunTask's tag, derived from taskDefinition (migration.ts migrationStartedBy): one per revision. */
  startedBy: string;
  /** Where its output lands, for the error message. */
  logGroup: string;
  /** Exit code -> what it means (plan.migration.failures), named in the error message. */
  failures?: Record<string, string>;
}

/** The ECS commands the runner sends (what `@aws-sdk/client-ecs` exports under these names). */
export interface MigrationCommands {
  RunTaskCommand: CommandClass;
  DescribeTasksCommand: CommandClass;
  ListTasksCommand: CommandClass;
}

interface Task {
  taskArn?: string;
  taskDefinitionArn?: string;
  startedBy?: string;
  lastStatus?: string;
  stoppedReason?: string;
  /** The SDK parses the API's timestamps into Dates; a test's fake may give the ISO string. */
  stoppedAt?: Date | string;
  containers?: Array<{ name?: string; exitCode?: number; reason?: string }>;
}

export type MigrationHandler = (event: MigrationEvent, context: LambdaContext) => Promise<unknown>;

/**
 * Where a failed task's last lines are read (`@aws-sdk/client-cloudwatch-logs`'s client and
 * GetLogEventsCommand): the error `pulumi up` prints then carries them (the route check's rows,
 * Throat's traceback), not only where to look.
 */
export interface TaskLogs {
  client: EcsClient;
  GetLogEventsCommand: CommandClass;
}

const POLL_MS = 10000;
/** Stop polling this long before Lambda's own timeout, to report instead of being killed. */
const MARGIN_MS = 30000;
/**
 * How long a stopped migration task of this revision answers a later invocation instead of a
 * new run: one run of this function (its timeout, Lambda's 900 s maximum, in lambdaArchive.ts;
 * this file may import no value). An SDK retry of the Invoke arrives within that; a `pulumi up`
 * run again later, after a failure, gets a new attempt.
 */
const RETRY_WINDOW_MS = 900_000;
/** The failed task's last lines in the error, each cut at LINE_CHARS. */
const TAIL_LINES = 25;
const LINE_CHARS = 300;
/** awslogs delivers a stopped task's last events within seconds: one more read after this wait. */
const LOG_WAIT_MS = 5000;

export function makeHandler(
  ecs: EcsClient,
  cmd: MigrationCommands,
  sleep: Sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
  now: () => number = () => Date.now(),
  logs?: TaskLogs,
): MigrationHandler {
  async function waitStopped(event: MigrationEvent, context: LambdaContext, taskArn: string): Promise<Task> {
    for (;;) {
      const out = await ecs.send(new cmd.DescribeTasksCommand({ cluster: event.cluster, tasks: [taskArn] }));
      const task = ((out.tasks as Task[] | undefined) || [])[0];
      if (!task) {
        throw new Error(`migration task ${taskArn} vanished: ${JSON.stringify(out.failures || [])}`);
      }
      if (task.lastStatus === "STOPPED") return task;
      if (context.getRemainingTimeInMillis() < POLL_MS + MARGIN_MS) {
        throw new Error(
          `migration task ${taskArn} is still running as this function times out; it goes on. ` +
            "Run 'pulumi up' again: it waits for this task before it starts another.",
        );
      }
      await sleep(POLL_MS);
    }
  }

  /** The family's tasks ECS wants in `desiredStatus` (stopped ones stay listed for at least an hour). */
  async function familyTasks(event: MigrationEvent, desiredStatus: "RUNNING" | "STOPPED"): Promise<Task[]> {
    const listed = await ecs.send(
      new cmd.ListTasksCommand({ cluster: event.cluster, family: event.family, desiredStatus }),
    );
    const arns = (listed.taskArns as string[] | undefined) || [];
    if (!arns.length) return [];
    const out = await ecs.send(new cmd.DescribeTasksCommand({ cluster: event.cluster, tasks: arns }));
    return (out.tasks as Task[] | undefined) || [];
  }

  /** The stream's last lines (newest last), or why they could not be read. */
  async function lastLines(event: MigrationEvent, stream: string): Promise<string> {
    if (!logs) return "";
    try {
      for (let attempt = 0; ; attempt++) {
        const out = await logs.client.send(
          new logs.GetLogEventsCommand({
            logGroupName: event.logGroup,
            logStreamName: stream,
            startFromHead: false,
            limit: TAIL_LINES,
          }),
        );
        const events = ((out.events as Array<{ timestamp?: number; message?: string }> | undefined) || []).sort(
          (a, b) => (a.timestamp || 0) - (b.timestamp || 0),
        );
        if (events.length) {
          const lines = events.map((e) =>
            String(e.message || "")
              .replace(/\s+$/, "")
              .slice(0, LINE_CHARS),
          );
          return `\nIts last ${lines.length} lines:\n${lines.map((l) => `  ${l}`).join("\n")}`;
        }
        if (attempt === 1) return "\n(Its log stream has no lines yet.)";
        await sleep(LOG_WAIT_MS);
      }
    } catch (e) {
      return `\n(Its last lines could not be read: ${(e as Error).message})`;
    }
  }

  /** Succeeds when the migration container exited 0, else throws what `pulumi up` shows. */
  async function outcome(event: MigrationEvent, task: Task, earlier: boolean): Promise<unknown> {
    const container = (task.containers || []).find((c) => c.name === event.container) || {};
    const taskId = String(task.taskArn).split("/").pop();
    if (container.exitCode === 0) return { taskArn: task.taskArn, exitCode: 0 };
    const stream = `${event.container}/${event.container}/${String(taskId)}`;
    const exitCode = container.exitCode === undefined ? "none" : String(container.exitCode);
    const why = container.reason ? ` (${container.reason})` : "";
    const meaning = (event.failures || {})[exitCode];
    const again = earlier
      ? "; an earlier invocation for this task definition started it (this one is a retry), " +
        `and a 'pulumi up' ${RETRY_WINDOW_MS / 60000} minutes after it stopped runs the migration again`
      : "";
    throw new Error(
      `migration failed: task ${String(task.taskArn)} stopped (${task.stoppedReason || "no reason given"}), ` +
        `container ${event.container} exit code ${exitCode}${why}; its output is in CloudWatch Logs ` +
        `${event.logGroup}, stream ${stream}${again}` +
        (meaning ? `. Exit code ${exitCode}: ${meaning}` : "") +
        (container.exitCode === undefined ? "" : await lastLines(event, stream)),
    );
  }

  return async function handler(event, context) {
    // Idempotent per task definition revision: the Invocation holds one synchronous Invoke open
    // for the whole migration, and an SDK retry after a dropped connection (NAT gateways drop
    // idle flows after 350 s) invokes this function again while the first task runs or just
    // after it stopped. Such a retry reports that task instead of running the migration twice.
    // Ours are told apart by the task definition ARN and startedBy (derived from the ARN by
    // migration.ts): `npm run throat` runs commands with the same task definition.
    const ours = (t: Task) => t.taskDefinitionArn === event.taskDefinition && t.startedBy === event.startedBy;
    const running = await familyTasks(event, "RUNNING");
    const runningOurs = running.find(ours);
    if (runningOurs) return outcome(event, await waitStopped(event, context, String(runningOurs.taskArn)), true);
    const stoppedAt = (t: Task) => (t.stoppedAt === undefined ? 0 : new Date(t.stoppedAt).getTime());
    const recent = (await familyTasks(event, "STOPPED"))
      .filter((t) => ours(t) && now() - stoppedAt(t) < RETRY_WINDOW_MS)
      .sort((a, b) => stoppedAt(b) - stoppedAt(a))[0];
    if (recent) return outcome(event, recent, true);

    // One migration at a time: a task left running by an earlier deploy (this function timed
    // out) finishes before ours starts.
    for (const task of running) await waitStopped(event, context, String(task.taskArn));

    const run = await ecs.send(
      new cmd.RunTaskCommand({
        cluster: event.cluster,
        taskDefinition: event.taskDefinition,
        launchType: "FARGATE",
        count: 1,
        startedBy: event.startedBy,
        networkConfiguration: {
          awsvpcConfiguration: {
            subnets: event.subnets,
            securityGroups: event.securityGroups,
            assignPublicIp: "DISABLED",
          },
        },
      }),
    );
    const started = ((run.tasks as Task[] | undefined) || [])[0];
    const failures = (run.failures as unknown[] | undefined) || [];
    if (!started || failures.length) {
      throw new Error("ECS could not start the migration task: " + JSON.stringify(failures));
    }
    return outcome(event, await waitStopped(event, context, String(started.taskArn)), false);
  };
}

/** The modules Lambda's nodejs runtime provides; variables, so tsc does not look for their types. */
const ECS_SDK = "@aws-sdk/client-ecs";
const LOGS_SDK = "@aws-sdk/client-cloudwatch-logs";
let live: MigrationHandler | undefined;

/** What Lambda calls (`index.handler`): the real ECS client, made on the first call. */
export async function handler(event: MigrationEvent, context: LambdaContext): Promise<unknown> {
  if (!live) {
    const sdk = (await import(ECS_SDK)) as MigrationCommands & { ECSClient: new (config: object) => EcsClient };
    const logsSdk = (await import(LOGS_SDK)) as TaskLogs & { CloudWatchLogsClient: new (config: object) => EcsClient };
    const logs = { client: new logsSdk.CloudWatchLogsClient({}), GetLogEventsCommand: logsSdk.GetLogEventsCommand };
    live = makeHandler(new sdk.ECSClient({}), sdk, undefined, undefined, logs);
  }
  return live(event, context);
}
