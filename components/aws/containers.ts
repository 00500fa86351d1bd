// ECS container definitions, shared by the worker services, the migration task and the static
// tier. Plain environment and secrets are kept apart by construction: `environment` takes only
// non-secret values (endpoints, the image's launch variables), `secrets` takes only Secrets
// Manager ARNs, and a name in both is refused.
import * as pulumi from "@pulumi/pulumi";
import * as ecs from "@pulumi/aws/ecs";
import type { Plan } from "../plan";
import { Endpoints, resolveEnv } from "../plan/appConfig";
import type { SecretRefs } from "./secrets";

export interface ContainerSpec {
  name: string;
  image: pulumi.Input<string>;
  environment: pulumi.Input<Record<string, string>>;
  /** Environment variable -> Secrets Manager valueFrom (the secret's ARN, pinned to a version). */
  secrets?: Record<string, pulumi.Input<string>>;
  port?: number;
  entryPoint?: string[];
  command?: string[];
  logGroup: pulumi.Input<string>;
  region: pulumi.Input<string>;
  healthCheck?: { command: string[]; interval: number; timeout: number; retries: number; startPeriod: number };
  /** Seconds between SIGTERM and SIGKILL (Fargate: at most 120). */
  stopTimeout?: number;
  /** nofile soft = hard; Fargate's default is 65535 / 65535 (ECS API Reference, Ulimit). */
  nofile?: number;
}

/** The JSON string a task definition's `containerDefinitions` takes. */
export function containerDefinitions(spec: ContainerSpec): pulumi.Output<string> {
  const secretEntries = Object.entries(spec.secrets ?? {});
  return pulumi
    .all([
      pulumi.output(spec.environment),
      pulumi.all(secretEntries.map(([n, arn]) => pulumi.output(arn).apply((a) => [n, a] as const))),
      spec.image,
      spec.logGroup,
      spec.region,
    ])
    .apply(([environment, secrets, image, logGroup, region]) => {
      const clash = secrets.map(([n]) => n).filter((n) => n in environment);
      if (clash.length)
        throw new Error(`container ${spec.name}: ${clash.join(", ")} would be both plain environment and a secret`);
      const definition = {
        name: spec.name,
        image,
        essential: true,
        ...(spec.entryPoint ? { entryPoint: spec.entryPoint } : {}),
        ...(spec.command ? { command: spec.command } : {}),
        ...(spec.port ? { portMappings: [{ containerPort: spec.port, hostPort: spec.port, protocol: "tcp" }] } : {}),
        environment: Object.entries(environment)
          .sort(([a], [b]) => a.localeCompare(b))
          .map(([name, value]) => ({ name, value })),
        secrets: secrets.map(([name, valueFrom]) => ({ name, valueFrom })).sort((a, b) => a.name.localeCompare(b.name)),
        logConfiguration: {
          logDriver: "awslogs",
          options: { "awslogs-group": logGroup, "awslogs-region": region, "awslogs-stream-prefix": spec.name },
        },
        ...(spec.healthCheck ? { healthCheck: spec.healthCheck } : {}),
        ...(spec.stopTimeout ? { stopTimeout: spec.stopTimeout } : {}),
        ...(spec.nofile ? { ulimits: [{ name: "nofile", softLimit: spec.nofile, hardLimit: spec.nofile }] } : {}),
      };
      return JSON.stringify([definition]);
    });
}

/** What differs between the stack's Fargate tasks (workers, the migration, the static tier). */
export interface FargateTaskArgs {
  cpu: number;
  memory: number;
  executionRoleArn: pulumi.Input<string>;
  taskRoleArn?: pulumi.Input<string>;
  container: ContainerSpec;
}

/** Every task of the stack: Fargate, awsvpc, Linux on x86 (the Throat image's platform), one container. */
export function fargateTaskDefinition(
  name: string,
  args: FargateTaskArgs,
  opts: pulumi.CustomResourceOptions,
): ecs.TaskDefinition {
  return new ecs.TaskDefinition(
    name,
    {
      family: name,
      requiresCompatibilities: ["FARGATE"],
      networkMode: "awsvpc",
      cpu: String(args.cpu),
      memory: String(args.memory),
      runtimePlatform: { operatingSystemFamily: "LINUX", cpuArchitecture: "X86_64" },
      executionRoleArn: args.executionRoleArn,
      ...("taskRoleArn" in args ? { taskRoleArn: args.taskRoleArn } : {}),
      containerDefinitions: containerDefinitions(args.container),
    },
    opts,
  );
}

/** The app's environment with the deploy-time endpoints filled in (plan.app.env). */
export function appEnvironment(
  plan: Plan,
  endpoints: {
    databaseHost: pulumi.Input<string>;
    databasePort: pulumi.Input<number>;
    redisHost: pulumi.Input<string>;
    redisPort: pulumi.Input<number>;
  },
  /** The user-file bucket and its CDN host (plan/storage.ts placeholders). */
  storage?: { bucket: pulumi.Input<string>; filesHost: pulumi.Input<string> },
): pulumi.Output<Record<string, string>> {
  return pulumi
    .all([
      endpoints.databaseHost,
      endpoints.databasePort,
      endpoints.redisHost,
      endpoints.redisPort,
      storage?.bucket,
      storage?.filesHost,
    ])
    .apply(([databaseHost, databasePort, redisHost, redisPort, bucket, filesHost]) => {
      const resolved: Endpoints = {
        databaseHost,
        databasePort: String(databasePort),
        redisHost,
        redisPort: String(redisPort),
        bucket,
        filesHost,
      };
      return resolveEnv(plan.app.env, resolved);
    });
}

/** The app's secrets as ECS wants them: plan.app.secretEnv (env var -> secret name) resolved to valueFrom. */
export function appSecrets(plan: Plan, refs: SecretRefs): Record<string, pulumi.Output<string>> {
  return Object.fromEntries(
    Object.entries(plan.app.secretEnv).map(([envName, secret]) => {
      const ref = refs[secret];
      if (!ref) throw new Error(`${envName}: the plan needs the secret ${secret}, which the stack did not store`);
      return [envName, ref.valueFrom];
    }),
  );
}
