// The static tier: nginx behind the ALB serving /static/ from the edge image (which copies the
// app's static files out of the Throat image at build time), so no static request reaches
// gunicorn. Its configuration is the plan's (plan.edge.nginxFiles); ECS has no file mounts, so
// the files travel as the NGINX_*_CONF variables the image's entrypoint writes to
// /etc/nginx/throat/ before it checks the configuration and starts nginx.
import * as pulumi from "@pulumi/pulumi";
import * as ecs from "@pulumi/aws/ecs";
import { EDGE_PATHS, STATIC_FALLBACK } from "../plan/names";
import { logGroupWithGrant, TierLogArgs } from "./cluster";
import { fargateTaskDefinition } from "./containers";
import { minimumHealthyPercent } from "./deployment";
import type { AppTaskArgs, TaskNetwork } from "./workers";

const STATIC_CPU = 256;
const STATIC_MEMORY = 512;

/** The variable nginx/entrypoint.sh reads for each file of plan.edge.nginxFiles. */
export const NGINX_FILE_ENV: Record<string, string> = {
  "throat/main.conf": "NGINX_MAIN_CONF",
  "throat/events.conf": "NGINX_EVENTS_CONF",
  "throat/http.conf": "NGINX_HTTP_CONF",
};

export function nginxEnvironment(files: Record<string, string>): Record<string, string> {
  return Object.fromEntries(
    Object.entries(files).map(([file, text]) => {
      const name = NGINX_FILE_ENV[file];
      if (!name)
        throw new Error(
          `plan.edge.nginxFiles has ${file}; the edge image's entrypoint reads only ${Object.keys(NGINX_FILE_ENV).join(", ")}`,
        );
      return [name, text];
    }),
  );
}

/** Fills STATIC_FALLBACK's host placeholder; a file that needs it and gets none is an error. */
export function fillHost(files: Record<string, string>, host: string | undefined): Record<string, string> {
  return Object.fromEntries(
    Object.entries(files).map(([file, text]) => {
      if (!text.includes(STATIC_FALLBACK.host)) return [file, text];
      if (!host) throw new Error(`static tier: ${file} needs the asset CDN's host, and none was given`);
      return [file, text.split(STATIC_FALLBACK.host).join(host)];
    }),
  );
}

/** The static tier named `name` (task family and ECS service too); the stack: `<namePrefix>-static`. */
export interface StaticTierArgs {
  /** plan.edge.nginxFiles: the nginx files the edge image's entrypoint writes. */
  nginxFiles: Record<string, string>;
  /** throat:aws.staticTasks (default 2: one per zone of a two-zone VPC; nginx needs little). */
  tasks: number;
  /** throat:deploy.maxPercent. */
  deployMaxPercent: number;
  /** The tier's log group (names.ts logGroupName) and throat:aws.logRetentionDays. */
  logs: TierLogArgs;
  cluster: AppTaskArgs["cluster"];
  executionRole: AppTaskArgs["executionRole"];
  image: pulumi.Input<string>;
  network: TaskNetwork;
  /** The ALB target group the /static/ rules forward to. */
  targetGroupArn: pulumi.Input<string>;
  region: pulumi.Input<string>;
  /** The asset CDN's host: the `{{filesHost}}` of the rendered files (plan/names.ts STATIC_FALLBACK). */
  filesHost?: pulumi.Input<string>;
  dependsOn: pulumi.Input<pulumi.Resource>[];
}

export class StaticTier extends pulumi.ComponentResource {
  readonly service: ecs.Service;
  readonly taskDefinition: ecs.TaskDefinition;

  constructor(name: string, args: StaticTierArgs, opts?: pulumi.ComponentResourceOptions) {
    super("throat:aws:StaticTier", name, {}, opts);
    const logs = logGroupWithGrant(name, args.logs, args.executionRole, this);
    const port = EDGE_PATHS.httpPort;
    const staticTasks = args.tasks;
    const taskDefinition = fargateTaskDefinition(
      name,
      {
        cpu: STATIC_CPU,
        memory: STATIC_MEMORY,
        executionRoleArn: args.executionRole.arn,
        // No container health check: the ALB checks NGINX_HEALTH_PATH (plan/drain.ts), and the
        // entrypoint refuses to start nginx on a configuration `nginx -t` rejects.
        container: {
          name: "nginx",
          image: args.image,
          environment: pulumi.output(args.filesHost).apply((host) => nginxEnvironment(fillHost(args.nginxFiles, host))),
          port,
          logGroup: logs.group.name,
          region: args.region,
        },
      },
      { parent: this },
    );
    this.taskDefinition = taskDefinition;
    this.service = new ecs.Service(
      name,
      {
        name,
        cluster: args.cluster.arn,
        taskDefinition: taskDefinition.arn,
        launchType: "FARGATE",
        desiredCount: staticTasks,
        deploymentMaximumPercent: args.deployMaxPercent,
        deploymentMinimumHealthyPercent: minimumHealthyPercent(args.deployMaxPercent, staticTasks),
        deploymentController: { type: "ECS" },
        deploymentCircuitBreaker: { enable: true, rollback: true },
        healthCheckGracePeriodSeconds: 30,
        networkConfiguration: {
          subnets: args.network.subnetIds,
          securityGroups: [args.network.securityGroupId],
          assignPublicIp: false,
        },
        loadBalancers: [{ targetGroupArn: args.targetGroupArn, containerName: "nginx", containerPort: port }],
        propagateTags: "SERVICE",
        waitForSteadyState: true,
      },
      { parent: this, dependsOn: [...args.dependsOn, logs.grant] },
    );
    this.registerOutputs({});
  }
}
