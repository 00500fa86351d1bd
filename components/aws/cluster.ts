// The ECS cluster every service and the migration share, and the task execution roles: the
// identity ECS uses to pull the image, read the secrets and write the logs before the app runs.
// Two roles, so each reads only what it needs: the app's (worker services and the migration)
// reads exactly the app's secrets; the static tier's reads none. The tasks themselves get no
// role at all: Throat calls no AWS API (local storage), so a task holds no AWS credentials.
// Each tier grants its role write access to its own log group (logGroupWithGrant below).
import * as pulumi from "@pulumi/pulumi";
import * as ecs from "@pulumi/aws/ecs";
import * as iam from "@pulumi/aws/iam";
import * as cloudwatch from "@pulumi/aws/cloudwatch";

export interface ClusterArgs {
  /**
   * settings.namePrefix: the ECS cluster and the `<namePrefix>-<tier>-execution` roles keep the
   * logical names they had before the component took narrow args (its `name` is
   * `<namePrefix>-cluster`; naming them from it would change their URNs).
   */
  namePrefix: string;
  /** throat:aws.containerInsights. */
  containerInsights: boolean;
  repositoryArn: pulumi.Input<string>;
  /** Every secret the app tasks read (DATABASE_PASSWORD, APP_SECRET_KEY): nothing more. */
  secretArns: pulumi.Input<string>[];
}

const ECS_TASKS_TRUST = JSON.stringify({
  Version: "2012-10-17",
  Statement: [{ Effect: "Allow", Principal: { Service: "ecs-tasks.amazonaws.com" }, Action: "sts:AssumeRole" }],
});

export class Cluster extends pulumi.ComponentResource {
  readonly cluster: ecs.Cluster;
  readonly appExecutionRole: iam.Role;
  readonly staticExecutionRole: iam.Role;

  constructor(name: string, args: ClusterArgs, opts?: pulumi.ComponentResourceOptions) {
    super("throat:aws:Cluster", name, {}, opts);
    const prefix = args.namePrefix;
    this.cluster = new ecs.Cluster(
      prefix,
      {
        name: prefix,
        settings: [{ name: "containerInsights", value: args.containerInsights ? "enabled" : "disabled" }],
      },
      { parent: this },
    );

    const pull = (repositoryArn: pulumi.Input<string>) => [
      // GetAuthorizationToken has no resource-level permissions: "*" is the only valid resource.
      { Effect: "Allow", Action: ["ecr:GetAuthorizationToken"], Resource: "*" },
      {
        Effect: "Allow",
        Action: ["ecr:BatchCheckLayerAvailability", "ecr:GetDownloadUrlForLayer", "ecr:BatchGetImage"],
        Resource: repositoryArn,
      },
    ];
    const role = (role: string, statements: pulumi.Input<unknown>[]) => {
      const r = new iam.Role(
        `${prefix}-${role}-execution`,
        { assumeRolePolicy: ECS_TASKS_TRUST, description: `Throat ${role} tasks: ECS task execution role` },
        { parent: this },
      );
      new iam.RolePolicy(
        `${prefix}-${role}-execution`,
        { role: r.id, policy: pulumi.jsonStringify({ Version: "2012-10-17", Statement: statements }) },
        { parent: this },
      );
      return r;
    };
    this.appExecutionRole = role("app", [
      ...pull(args.repositoryArn),
      { Effect: "Allow", Action: ["secretsmanager:GetSecretValue"], Resource: args.secretArns },
    ]);
    this.staticExecutionRole = role("static", pull(args.repositoryArn));
    this.registerOutputs({ clusterArn: this.cluster.arn });
  }
}

/** Where a tier logs: the CloudWatch group's name and how long it keeps events. */
export interface TierLogArgs {
  groupName: string;
  retentionDays: number;
}

/** A tier's log group `name` and the `<name>-logs` grant that lets its execution role write it. */
export function logGroupWithGrant(
  name: string,
  logs: TierLogArgs,
  executionRole: { id: pulumi.Input<string> },
  parent: pulumi.Resource,
) {
  const group = new cloudwatch.LogGroup(
    name,
    { name: logs.groupName, retentionInDays: logs.retentionDays },
    { parent },
  );
  const grant = new iam.RolePolicy(
    `${name}-logs`,
    {
      role: executionRole.id,
      policy: pulumi.jsonStringify({
        Version: "2012-10-17",
        Statement: [
          {
            Effect: "Allow",
            Action: ["logs:CreateLogStream", "logs:PutLogEvents"],
            Resource: pulumi.interpolate`${group.arn}:*`,
          },
        ],
      }),
    },
    { parent },
  );
  return { group, grant };
}
