// One WorkerService built alone under the project's mocks (no AwsStack, no plan of a whole
// stack): what it registers comes from its args - the worker slice of the plan, the deploy
// surge, the log group, the target group - and every child is named from its `name`.
import * as pulumi from "@pulumi/pulumi";
import * as cloudwatch from "@pulumi/aws/cloudwatch";
import type { WorkerService as PlannedWorker } from "../../components/plan/workers";
import { WORKER_DRAIN_SECONDS } from "../../components/plan/drain";
import { CPU_TARGET, WorkerService, WorkerServiceArgs } from "../../components/aws/workers";
import { ECS_TAGS } from "../../policy/contract";
import { ProgramRun, RecordedResource, runProgram } from "../../scripts/offline/mockRuntime";
import { ofType } from "../support/runStack";
import { containers, envOf, one, prodPlan, RUN_TIMEOUT, T } from "./support";

const plan = prodPlan();
const planned = (kind: PlannedWorker["kind"]): PlannedWorker => {
  const w = plan.workers.find((x) => x.kind === kind);
  if (!w) throw new Error(`the prod plan has no ${kind} workers`);
  return w;
};
// Not the stack's `<namePrefix>-<kind>`: a name the component can only have taken from `name`.
const NAME = "blue-web";
const TARGET_GROUP_ARN = "arn:aws:elasticloadbalancing:eu-west-1:123456789012:targetgroup/blue/0123456789abcdef";

/** Builds one WorkerService with `worker` (and what else a test changes) as its only program. */
async function buildAlone(worker: PlannedWorker, more: Partial<WorkerServiceArgs> = {}): Promise<ProgramRun> {
  return runProgram({
    stack: "component",
    config: { "aws:region": "eu-west-1" },
    program: async () => {
      // Something the service must wait for (the stack passes the migration and the listeners).
      const upstream = new cloudwatch.LogGroup("upstream", { name: "/test/upstream", retentionInDays: 1 });
      const service = new WorkerService(NAME, {
        worker,
        deployMaxPercent: 150,
        logs: { groupName: "/ecs/blue/web", retentionDays: 14 },
        cluster: { arn: pulumi.output("arn:aws:ecs:eu-west-1:123456789012:cluster/blue"), name: "blue" },
        executionRole: { arn: "arn:aws:iam::123456789012:role/blue-exec", id: "blue-exec" },
        taskRole: { arn: "arn:aws:iam::123456789012:role/blue-app" },
        image: "123456789012.dkr.ecr.eu-west-1.amazonaws.com/blue@sha256:" + "0".repeat(64),
        appEnv: { SITE_NAME: "blue.example" },
        secrets: { DATABASE_PASSWORD: "arn:aws:secretsmanager:eu-west-1:123456789012:secret:db" },
        network: { subnetIds: ["subnet-a", "subnet-b"], securityGroupId: "sg-workers" },
        targetGroupArn: TARGET_GROUP_ARN,
        region: "eu-west-1",
        dependsOn: [upstream],
        ...more,
      });
      return { serviceName: service.service.name };
    },
  });
}

const childrenOf = (run: ProgramRun): RecordedResource[] => {
  const component = one(run, "throat:aws:WorkerService", NAME);
  return run.resources.filter((r) => r.parent === component.urn);
};

describe("a fixed-count worker service (socketio) built alone", () => {
  const w = planned("socketio");
  let run: ProgramRun;
  beforeAll(async () => {
    run = await buildAlone(w);
  }, RUN_TIMEOUT);

  test("every child is named from the component's name", () => {
    const names = childrenOf(run).map((r) => `${r.type} ${r.name}`);
    expect(names.sort()).toEqual(
      [
        `${T.logGroup} ${NAME}`,
        `${T.rolePolicy} ${NAME}-logs`,
        `${T.service} ${NAME}`,
        `${T.taskDefinition} ${NAME}`,
      ].sort(),
    );
    expect(one(run, T.taskDefinition, NAME).inputs.family).toBe(NAME);
    expect(one(run, T.service, NAME).inputs.name).toBe(NAME);
    expect(run.outputs.serviceName).toBe(NAME);
  });

  test("the log group is the one it was given, with the given retention", () => {
    const group = one(run, T.logGroup, NAME);
    expect(group.inputs).toEqual(expect.objectContaining({ name: "/ecs/blue/web", retentionInDays: 14 }));
    expect(one(run, T.rolePolicy, `${NAME}-logs`).inputs.role).toBe("blue-exec");
  });

  test("the service takes the surge, target group, network and the worker's count and budget tags", () => {
    const service = one(run, T.service, NAME);
    expect(service.inputs).toEqual(
      expect.objectContaining({
        desiredCount: w.replicas.min,
        deploymentMaximumPercent: 150,
        loadBalancers: [{ targetGroupArn: TARGET_GROUP_ARN, containerName: w.kind, containerPort: w.port }],
        networkConfiguration: expect.objectContaining({
          subnets: ["subnet-a", "subnet-b"],
          securityGroups: ["sg-workers"],
          assignPublicIp: false,
        }),
        tags: {
          [ECS_TAGS.connectionsPerTask]: String(w.connectionsPerReplica),
          [ECS_TAGS.maxTasks]: String(w.replicas.max),
        },
      }),
    );
    // Started after what it was told to wait for, and after its log grant.
    const upstream = one(run, T.logGroup, "upstream");
    const grant = one(run, T.rolePolicy, `${NAME}-logs`);
    expect(service.dependencies).toEqual(expect.arrayContaining([upstream.urn, grant.urn]));
    expect(ofType(run, T.scalingTarget)).toEqual([]);
  });

  test("the task runs the worker's size, launch environment over the app's, drain time and roles", () => {
    const task = one(run, T.taskDefinition, NAME);
    expect(task.inputs).toEqual(
      expect.objectContaining({
        cpu: String(w.cpu),
        memory: String(w.memory),
        executionRoleArn: "arn:aws:iam::123456789012:role/blue-exec",
        taskRoleArn: "arn:aws:iam::123456789012:role/blue-app",
      }),
    );
    const [c, ...more] = containers(task);
    expect(more).toEqual([]);
    expect(c!.name).toBe(w.kind);
    expect(envOf(c!)).toEqual({ SITE_NAME: "blue.example", ...w.launchEnv });
    expect(c!.secrets).toEqual([
      { name: "DATABASE_PASSWORD", valueFrom: "arn:aws:secretsmanager:eu-west-1:123456789012:secret:db" },
    ]);
    expect(c!.logConfiguration.options).toEqual(expect.objectContaining({ "awslogs-region": "eu-west-1" }));
    expect((c as unknown as { stopTimeout: number }).stopTimeout).toBe(WORKER_DRAIN_SECONDS[w.kind]);
  });
});

describe("a worker service with a replica range (sync) built alone", () => {
  const w: PlannedWorker = { ...planned("sync"), replicas: { min: 2, max: 5, peak: 5 } };
  let run: ProgramRun;
  beforeAll(async () => {
    run = await buildAlone(w);
  }, RUN_TIMEOUT);

  test("is autoscaled between the worker's min and max on CPU, named from the component's name", () => {
    const target = one(run, T.scalingTarget, NAME);
    expect(target.inputs).toEqual(expect.objectContaining({ minCapacity: 2, maxCapacity: 5 }));
    expect(target.inputs.resourceId).toBe(`service/blue/${NAME}`);
    const policy = one(run, T.scalingPolicy, `${NAME}-cpu`);
    expect(policy.inputs.targetTrackingScalingPolicyConfiguration).toEqual(
      expect.objectContaining({ targetValue: CPU_TARGET }),
    );
    expect(one(run, T.service, NAME).inputs.desiredCount).toBe(2);
  });
});
