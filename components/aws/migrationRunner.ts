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
  startedBy: string;
  /** Where its output lands, for the error message. */
  logGroup: string;
}

/** The ECS commands the runner sends (what `@aws-sdk/client-ecs` exports under these names). */
export interface MigrationCommands {
  RunTaskCommand: CommandClass;
  DescribeTasksCommand: CommandClass;
  ListTasksCommand: CommandClass;
}

interface Task {
  taskArn?: string;
  lastStatus?: string;
  stoppedReason?: string;
  containers?: Array<{ name?: string; exitCode?: number; reason?: string }>;
}

export type MigrationHandler = (event: MigrationEvent, context: LambdaContext) => Promise<unknown>;

const POLL_MS = 10000;
/** Stop polling this long before Lambda's own timeout, to report instead of being killed. */
const MARGIN_MS = 30000;

export function makeHandler(
  ecs: EcsClient,
  cmd: MigrationCommands,
  sleep: Sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
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

  return async function handler(event, context) {
    // One migration at a time: a task left running by an earlier deploy (this function timed
    // out) finishes before ours starts.
    const running = await ecs.send(
      new cmd.ListTasksCommand({ cluster: event.cluster, family: event.family, desiredStatus: "RUNNING" }),
    );
    for (const arn of (running.taskArns as string[] | undefined) || []) await waitStopped(event, context, arn);

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

    const task = await waitStopped(event, context, String(started.taskArn));
    const container = (task.containers || []).find((c) => c.name === event.container) || {};
    const taskId = String(started.taskArn).split("/").pop();
    if (container.exitCode === 0) return { taskArn: started.taskArn, exitCode: 0 };
    const exitCode = container.exitCode === undefined ? "none" : String(container.exitCode);
    const why = container.reason ? ` (${container.reason})` : "";
    throw new Error(
      `migration failed: task ${String(started.taskArn)} stopped (${task.stoppedReason || "no reason given"}), ` +
        `container ${event.container} exit code ${exitCode}${why}; its output is in CloudWatch Logs ` +
        `${event.logGroup}, stream ${event.container}/${event.container}/${String(taskId)}`,
    );
  };
}

/** The module Lambda's nodejs runtime provides; a variable, so tsc does not look for its types. */
const ECS_SDK = "@aws-sdk/client-ecs";
let live: MigrationHandler | undefined;

/** What Lambda calls (`index.handler`): the real ECS client, made on the first call. */
export async function handler(event: MigrationEvent, context: LambdaContext): Promise<unknown> {
  if (!live) {
    const sdk = (await import(ECS_SDK)) as MigrationCommands & { ECSClient: new (config: object) => EcsClient };
    live = makeHandler(new sdk.ECSClient({}), sdk);
  }
  return live(event, context);
}
