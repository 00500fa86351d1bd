// The migration: plan.migration.argv as a one-off Fargate task, run once per new migration task
// definition (a new image or configuration), before any worker service moves to the new task
// definitions; a failed migration fails `pulumi up` and no service changes.
//
// How it runs, and why this way (only the installed @pulumi packages were available):
// - aws.ecs.getTaskExecution (an invoke that calls RunTask) was rejected: it runs on every
//   `pulumi preview` too (its own docs warn of it), returns as soon as the task is placed, and
//   never reports the task's exit code, so a failed migration would not stop the rollout.
// - A command provider (@pulumi/command, `aws ecs run-task` + `aws ecs wait tasks-stopped` + exit
//   code check) would work but is not installed, and needs the AWS CLI on the deploying machine.
// - Chosen: a small Lambda function (migrationRunner.ts) called by aws.lambda.Invocation. The
//   Invocation is a resource, so it runs at `pulumi up` only, not at preview; it invokes the
//   function synchronously when created, and is replaced (invoked again) when its input changes,
//   i.e. when the migration task definition gets a new revision. The function starts the task,
//   waits for it to stop, and throws unless the container exited 0: the provider turns a
//   function error into a failed create, so `pulumi up` stops before the services, which depend
//   on the Invocation. A failed Invocation is not saved in the state, so the next `pulumi up`
//   runs the migration again. Limit: Lambda runs at most 15 minutes; a longer migration keeps
//   running, the function reports it, and the next run waits for it before starting another.
import { createHash } from "node:crypto";
import * as path from "node:path";
import * as pulumi from "@pulumi/pulumi";
import * as iam from "@pulumi/aws/iam";
import * as lambda from "@pulumi/aws/lambda";
import * as cloudwatch from "@pulumi/aws/cloudwatch";
import type { Plan } from "../plan";
import { logGroupWithGrant, TierLogArgs } from "./cluster";
import { fargateTaskDefinition } from "./containers";
import { runnerFunctionArgs } from "./lambdaArchive";
import type { MigrationEvent } from "./migrationRunner";
import type { AppTaskArgs } from "./workers";

const CONTAINER = "migrate";

/**
 * RunTask's startedBy for the migration of one task definition revision: the runner finds a task
 * an earlier invocation started for it (migrationRunner.ts). RunTask: "Up to 128 letters
 * (uppercase and lowercase), numbers, hyphens (-), forward slash (/), and underscores (_)"; the
 * ARN has ":" and can be longer, so its revision and a hash of the whole ARN (36 characters at
 * most, StartTask's older limit too).
 */
export function migrationStartedBy(taskDefinitionArn: string): string {
  const revision = taskDefinitionArn
    .split(":")
    .pop()!
    .replace(/[^0-9]/g, "");
  const hash = createHash("sha256").update(taskDefinitionArn).digest("hex").slice(0, 16);
  return `migration/${revision}/${hash}`;
}

/** The migration named `name`; the stack names it `<namePrefix>-migration`. */
export interface MigrationArgs extends AppTaskArgs {
  /**
   * The task definition family (`npm run throat` runs commands with it), the runner function's
   * name, and the logical name of the task definition, the log group and its grant
   * (`<family>-logs`), the runner (`<family>-runner`) and the Invocation; the stack gives
   * `<namePrefix>-migrate`, the names they had before the component took narrow args.
   */
  family: string;
  /** plan.migration: the command, the configuration (CONFIG_NAME) and the task size it runs with. */
  migration: Omit<Plan["migration"], "imageFiles" | "generatedFiles">;
  /**
   * The task's log group (names.ts logGroupName) and throat:aws.logRetentionDays, which the
   * runner function's own log group keeps too.
   */
  logs: TierLogArgs;
  region: pulumi.Input<string>;
  /** The database, Redis and the NAT routes: the task needs them all. */
  dependsOn: pulumi.Input<pulumi.Resource>[];
}

export class Migration extends pulumi.ComponentResource {
  /** Created once the migration has succeeded: the worker services depend on it. */
  readonly done: lambda.Invocation;
  /** The runner's name (its Errors metric is alarmed). */
  readonly functionName: pulumi.Output<string>;
  /** What `npm run throat` runs a command with: the migration's task definition family and container. */
  readonly family: string;
  readonly container = CONTAINER;
  readonly logGroupName: pulumi.Output<string>;

  constructor(name: string, args: MigrationArgs, opts?: pulumi.ComponentResourceOptions) {
    super("throat:aws:Migration", name, {}, opts);
    const { migration, family } = args;
    const logs = logGroupWithGrant(family, args.logs, args.executionRole, this);

    const taskDefinition = fargateTaskDefinition(
      family,
      {
        cpu: args.migration.cpu,
        memory: args.migration.memory,
        executionRoleArn: args.executionRole.arn,
        taskRoleArn: args.taskRole?.arn,
        container: {
          name: CONTAINER,
          image: args.image,
          environment: pulumi.output(args.appEnv).apply((env) => ({ ...env, CONFIG_NAME: migration.configName })),
          secrets: args.secrets,
          command: migration.argv,
          logGroup: logs.group.name,
          region: args.region,
        },
      },
      { parent: this },
    );

    const functionName = family;
    const functionLogs = new cloudwatch.LogGroup(
      `${family}-runner`,
      { name: `/aws/lambda/${functionName}`, retentionInDays: args.logs.retentionDays },
      { parent: this },
    );
    const role = new iam.Role(
      `${family}-runner`,
      {
        description: "Throat migration runner (Lambda): runs and watches the migration task",
        assumeRolePolicy: JSON.stringify({
          Version: "2012-10-17",
          Statement: [{ Effect: "Allow", Principal: { Service: "lambda.amazonaws.com" }, Action: "sts:AssumeRole" }],
        }),
      },
      { parent: this },
    );
    const taskArns = args.cluster.arn.apply((arn) => arn.replace(":cluster/", ":task/") + "/*");
    const policy = new iam.RolePolicy(
      `${family}-runner`,
      {
        role: role.id,
        policy: pulumi.jsonStringify({
          Version: "2012-10-17",
          Statement: [
            {
              Effect: "Allow",
              Action: "ecs:RunTask",
              Resource: pulumi.interpolate`${taskDefinition.arnWithoutRevision}:*`,
              Condition: { ArnEquals: { "ecs:cluster": args.cluster.arn } },
            },
            {
              Effect: "Allow",
              Action: "ecs:ListTasks",
              Resource: "*",
              Condition: { ArnEquals: { "ecs:cluster": args.cluster.arn } },
            },
            { Effect: "Allow", Action: "ecs:DescribeTasks", Resource: taskArns },
            {
              Effect: "Allow",
              Action: "iam:PassRole",
              Resource: [args.executionRole.arn, ...(args.taskRole ? [args.taskRole.arn] : [])],
              Condition: { StringEquals: { "iam:PassedToService": "ecs-tasks.amazonaws.com" } },
            },
            {
              Effect: "Allow",
              Action: ["logs:CreateLogStream", "logs:PutLogEvents"],
              Resource: pulumi.interpolate`${functionLogs.arn}:*`,
            },
            // A failed task's last lines, for the error `pulumi up` prints (migrationRunner.ts).
            {
              Effect: "Allow",
              Action: "logs:GetLogEvents",
              Resource: pulumi.interpolate`${logs.group.arn}:log-stream:*`,
            },
          ],
        }),
      },
      { parent: this },
    );
    const runner = new lambda.Function(
      family,
      {
        name: functionName,
        description: "Throat: runs the database migration task and fails unless it succeeds",
        ...runnerFunctionArgs(path.join(__dirname, "migrationRunner.ts")),
        role: role.arn,
        loggingConfig: { logFormat: "Text", logGroup: functionLogs.name },
      },
      { parent: this, dependsOn: [policy] },
    );

    const event: pulumi.Output<MigrationEvent> = pulumi
      .all([
        args.cluster.arn,
        taskDefinition.arn,
        args.network.subnetIds,
        args.network.securityGroupId,
        logs.group.name,
      ])
      .apply(([cluster, taskDefinitionArn, subnets, securityGroup, logGroup]) => ({
        cluster,
        taskDefinition: taskDefinitionArn,
        family,
        container: CONTAINER,
        subnets,
        securityGroups: [securityGroup],
        startedBy: migrationStartedBy(taskDefinitionArn),
        logGroup,
        failures: args.migration.failures,
      }));
    this.done = new lambda.Invocation(
      family,
      {
        functionName: runner.name,
        // The task definition ARN carries its revision: a new revision changes the input, which
        // replaces the Invocation, which runs the migration again. Nothing else does.
        input: event.apply((e) => JSON.stringify(e)),
      },
      { parent: this, dependsOn: [...args.dependsOn, logs.grant] },
    );
    this.functionName = runner.name;
    this.family = family;
    this.logGroupName = logs.group.name;
    this.registerOutputs({});
  }
}
