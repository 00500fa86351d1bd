// After the services update, a check per service that the deploy really happened: its PRIMARY
// deployment runs the task definition this deploy registered, with rolloutState COMPLETED.
// Why: the services use the circuit breaker with rollback and waitForSteadyState, and the
// provider's steady-state wait is satisfied by a rolled-back service (one deployment, running ==
// desired), so `pulumi up` would report success, record the new task definition, and show no
// diff next time (hashicorp/terraform-provider-aws#20858, open: "Add support for waiting until
// ECS service deployment is completed when using circuit breakers"; the ECS docs: a deployment's
// rolloutState is COMPLETED, FAILED or IN_PROGRESS).
//
// How, the same way as the migration (migration.ts): a small Lambda (rolloutCheckRunner.ts)
// called by aws.lambda.Invocation. The Invocation's input holds the task definition ARN with its
// revision, so every new revision creates a new Invocation (the check runs again); it depends on
// the service, so it runs after the service's update. A function error fails the Invocation's
// create, which `pulumi up` reports with the function's message, and a failed create is not
// written to the state: the next `pulumi up` runs the check again. On a rollback the function
// also starts a new deployment of the wanted task definition, so that next check has a fresh
// attempt to wait for (and reports again if it rolls back again).
import * as path from "node:path";
import * as pulumi from "@pulumi/pulumi";
import * as ecs from "@pulumi/aws/ecs";
import * as iam from "@pulumi/aws/iam";
import * as lambda from "@pulumi/aws/lambda";
import * as cloudwatch from "@pulumi/aws/cloudwatch";
import { runnerFunctionArgs } from "./lambdaArchive";
import type { RolloutEvent } from "./rolloutCheckRunner";
import type { AppTaskArgs } from "./workers";

/**
 * The rollout check named `name` (the stack: `<namePrefix>-rollout`); its function, role, policy
 * and log group are `<name>-check`, the function's name too.
 */
export interface RolloutCheckArgs {
  /**
   * The services it may describe and restart: those of `cluster` named `<servicePrefix>-...`
   * (the stack gives settings.namePrefix, which every service's name starts with).
   */
  servicePrefix: string;
  /** throat:aws.logRetentionDays: how long the function's log group keeps events. */
  logRetentionDays: number;
  /** The ECS cluster the services run in (an ecs.Cluster fits). */
  cluster: AppTaskArgs["cluster"];
  /** The roles the services' tasks run with (UpdateService passes them on). */
  passRoles: pulumi.Input<string>[];
}

export class RolloutCheck extends pulumi.ComponentResource {
  private readonly runner: lambda.Function;
  private readonly cluster: AppTaskArgs["cluster"];

  constructor(name: string, args: RolloutCheckArgs, opts?: pulumi.ComponentResourceOptions) {
    super("throat:aws:RolloutCheck", name, {}, opts);
    this.cluster = args.cluster;
    const functionName = `${name}-check`;
    const logs = new cloudwatch.LogGroup(
      functionName,
      { name: `/aws/lambda/${functionName}`, retentionInDays: args.logRetentionDays },
      { parent: this },
    );
    const role = new iam.Role(
      functionName,
      {
        description: "Throat rollout check (Lambda): reads the services' deployments, restarts a rolled-back one",
        assumeRolePolicy: JSON.stringify({
          Version: "2012-10-17",
          Statement: [{ Effect: "Allow", Principal: { Service: "lambda.amazonaws.com" }, Action: "sts:AssumeRole" }],
        }),
      },
      { parent: this },
    );
    const services = pulumi
      .output(args.cluster.name)
      .apply((cluster) => `arn:aws:ecs:*:*:service/${cluster}/${args.servicePrefix}-*`);
    const policy = new iam.RolePolicy(
      functionName,
      {
        role: role.id,
        policy: pulumi.jsonStringify({
          Version: "2012-10-17",
          Statement: [
            { Effect: "Allow", Action: ["ecs:DescribeServices", "ecs:UpdateService"], Resource: services },
            {
              Effect: "Allow",
              Action: "iam:PassRole",
              Resource: args.passRoles,
              Condition: { StringEquals: { "iam:PassedToService": "ecs-tasks.amazonaws.com" } },
            },
            {
              Effect: "Allow",
              Action: ["logs:CreateLogStream", "logs:PutLogEvents"],
              Resource: pulumi.interpolate`${logs.arn}:*`,
            },
          ],
        }),
      },
      { parent: this },
    );
    this.runner = new lambda.Function(
      functionName,
      {
        name: functionName,
        description: "Throat: fails unless a service runs the task definition the deploy asked for",
        ...runnerFunctionArgs(path.join(__dirname, "rolloutCheckRunner.ts")),
        role: role.arn,
        loggingConfig: { logFormat: "Text", logGroup: logs.name },
      },
      { parent: this, dependsOn: [policy] },
    );
    this.registerOutputs({});
  }

  /** The check of one service: created after the service's update, again for each new revision. */
  check(logical: string, service: ecs.Service, taskDefinition: ecs.TaskDefinition): lambda.Invocation {
    const event: pulumi.Output<RolloutEvent> = pulumi
      .all([this.cluster.arn, service.name, taskDefinition.arn])
      .apply(([cluster, name, arn]) => ({ check: "rollout" as const, cluster, service: name, taskDefinition: arn }));
    return new lambda.Invocation(
      logical,
      {
        functionName: this.runner.name,
        input: event.apply((e) => JSON.stringify(e)),
      },
      { parent: this, dependsOn: [service] },
    );
  }
}
