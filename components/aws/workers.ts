// One Fargate service per worker kind (plan.workers): the plan's launch environment (WORKER_TYPE,
// WORKER_COUNT, THREAD_COUNT, WORKER_CONNECTIONS, CONFIG_NAME) makes the image run the plan's
// gunicorn command; the plan's replicas, task size and surge size the service.
import * as pulumi from "@pulumi/pulumi";
import * as ecs from "@pulumi/aws/ecs";
import * as appautoscaling from "@pulumi/aws/appautoscaling";
import type { WorkerService as PlannedWorker } from "../plan/workers";
import { WORKER_DRAIN_SECONDS } from "../plan/drain";
import { ECS_TAGS } from "../../policy/contract";
import { logGroupWithGrant, TierLogArgs } from "./cluster";
import { fargateTaskDefinition } from "./containers";
import { minimumHealthyPercent } from "./deployment";

/** Average CPU the autoscaled services aim for: room for a burst while new tasks start (~1 min). */
export const CPU_TARGET = 60;
/** Grace after a task starts before failed ALB health checks count: gunicorn boot and imports. */
const HEALTH_CHECK_GRACE = 60;
/** Seconds between SIGTERM and SIGKILL: the drain time the ALB also waits (plan/drain.ts). */
const STOP_TIMEOUT: Record<PlannedWorker["kind"], number> = WORKER_DRAIN_SECONDS;

export interface TaskNetwork {
  subnetIds: pulumi.Input<string[]>;
  securityGroupId: pulumi.Input<string>;
}

/** What every task that runs the Throat image needs: the worker services and the migration. */
export interface AppTaskArgs {
  /** The ECS cluster the tasks run in (an ecs.Cluster fits). */
  cluster: { arn: pulumi.Output<string>; name: pulumi.Input<string> };
  /** The role ECS pulls the image, reads the secrets and writes the logs as (an iam.Role fits). */
  executionRole: { arn: pulumi.Input<string>; id: pulumi.Input<string> };
  /** The role the app itself runs as (AWS API calls: S3 for user files); none: no AWS rights. */
  taskRole?: { arn: pulumi.Input<string> };
  image: pulumi.Input<string>;
  /** The app's resolved environment (endpoints), without secrets. */
  appEnv: pulumi.Input<Record<string, string>>;
  /** Env var -> Secrets Manager ARN. */
  secrets: Record<string, pulumi.Input<string>>;
  network: TaskNetwork;
}

/**
 * One worker kind's service, named `name` (its task definition family and ECS service name too);
 * the stack names it `<namePrefix>-<kind>`.
 */
export interface WorkerServiceArgs extends AppTaskArgs {
  /** The plan's service for this kind: size, replicas, launch environment, port, budget tags. */
  worker: PlannedWorker;
  /** throat:deploy.maxPercent: the surge the connection budget counted. */
  deployMaxPercent: number;
  /** The tier's log group (names.ts logGroupName) and throat:aws.logRetentionDays. */
  logs: TierLogArgs;
  /** The ALB target group this kind's path rules forward to. */
  targetGroupArn: pulumi.Input<string>;
  region: pulumi.Input<string>;
  /** Started only after these: the listeners, the NAT routes, and the migration. */
  dependsOn: pulumi.Input<pulumi.Resource>[];
}

export class WorkerService extends pulumi.ComponentResource {
  readonly service: ecs.Service;
  readonly taskDefinition: ecs.TaskDefinition;

  constructor(name: string, args: WorkerServiceArgs, opts?: pulumi.ComponentResourceOptions) {
    super("throat:aws:WorkerService", name, {}, opts);
    const w = args.worker;
    const logs = logGroupWithGrant(name, args.logs, args.executionRole, this);

    this.taskDefinition = fargateTaskDefinition(
      name,
      {
        cpu: w.cpu,
        memory: w.memory,
        executionRoleArn: args.executionRole.arn,
        taskRoleArn: args.taskRole?.arn,
        container: {
          name: w.kind,
          image: args.image,
          environment: pulumi.output(args.appEnv).apply((env) => ({ ...env, ...w.launchEnv })),
          secrets: args.secrets,
          port: w.port,
          logGroup: logs.group.name,
          region: args.region,
          // Is gunicorn accepting connections? The ALB's health check asks whether the app
          // answers; this one keeps a task whose gunicorn died from counting as running.
          healthCheck: {
            command: [
              "CMD-SHELL",
              `python3 -c "import socket; socket.create_connection(('127.0.0.1', ${w.port}), 3)" || exit 1`,
            ],
            interval: 30,
            timeout: 5,
            retries: 3,
            startPeriod: HEALTH_CHECK_GRACE,
          },
          stopTimeout: STOP_TIMEOUT[w.kind],
          nofile: w.nofile,
        },
      },
      { parent: this },
    );

    // socket.io runs a fixed count (components/settings/index.ts refuses a range on prod):
    // scaling in would cut its websockets.
    const autoscaled = w.kind !== "socketio" && w.replicas.max > w.replicas.min;
    this.service = new ecs.Service(
      name,
      {
        name,
        cluster: args.cluster.arn,
        taskDefinition: this.taskDefinition.arn,
        launchType: "FARGATE",
        desiredCount: w.replicas.min,
        // The surge the connection budget counted: at most maxPercent of the tasks run during a deploy.
        deploymentMaximumPercent: args.deployMaxPercent,
        deploymentMinimumHealthyPercent: minimumHealthyPercent(args.deployMaxPercent, w.replicas.min),
        deploymentController: { type: "ECS" },
        // Tasks that never become healthy stop the deploy and bring back the last working one.
        deploymentCircuitBreaker: { enable: true, rollback: true },
        healthCheckGracePeriodSeconds: HEALTH_CHECK_GRACE,
        networkConfiguration: {
          subnets: args.network.subnetIds,
          securityGroups: [args.network.securityGroupId],
          assignPublicIp: false,
        },
        loadBalancers: [{ targetGroupArn: args.targetGroupArn, containerName: w.kind, containerPort: w.port }],
        propagateTags: "SERVICE",
        // What the connection budget policy (policy/budget.ts) counts for this service: it reads
        // the resources, not the plan, so the plan's numbers travel on the service itself.
        tags: {
          [ECS_TAGS.connectionsPerTask]: String(w.connectionsPerReplica),
          [ECS_TAGS.maxTasks]: String(w.replicas.max),
        },
        // `pulumi up` returns when the new tasks are healthy, and fails if the deploy does.
        waitForSteadyState: true,
      },
      {
        parent: this,
        dependsOn: [...args.dependsOn, logs.grant],
        // The autoscaler owns the running count between min and max; a deploy must not reset it.
        ignoreChanges: autoscaled ? ["desiredCount"] : [],
      },
    );

    if (autoscaled) {
      const target = new appautoscaling.Target(
        name,
        {
          serviceNamespace: "ecs",
          scalableDimension: "ecs:service:DesiredCount",
          resourceId: pulumi.interpolate`service/${args.cluster.name}/${this.service.name}`,
          minCapacity: w.replicas.min,
          maxCapacity: w.replicas.max,
        },
        { parent: this },
      );
      new appautoscaling.Policy(
        `${name}-cpu`,
        {
          policyType: "TargetTrackingScaling",
          serviceNamespace: target.serviceNamespace,
          scalableDimension: target.scalableDimension,
          resourceId: target.resourceId,
          targetTrackingScalingPolicyConfiguration: {
            predefinedMetricSpecification: { predefinedMetricType: "ECSServiceAverageCPUUtilization" },
            targetValue: CPU_TARGET,
            scaleOutCooldown: 60,
            scaleInCooldown: 300,
          },
        },
        { parent: this },
      );
    }
    this.registerOutputs({ serviceName: this.service.name });
  }
}
