// What watches a deploy and the running stack, built alone from its narrow args (as
// tiersAlone.spec.ts builds the tiers): the rollout check and the alarms.
import * as pulumi from "@pulumi/pulumi";
import * as ecs from "@pulumi/aws/ecs";
import { Alarms, AlarmsArgs } from "../../components/aws/alarms";
import { fargateTaskDefinition } from "../../components/aws/containers";
import { RolloutCheck } from "../../components/aws/rolloutCheck";
import type { ProgramRun } from "../../scripts/offline/mockRuntime";
import { one, prodPlan, RUN_TIMEOUT, T } from "./support";
import { buildAlone, childrenOf, typesAndNames, statementsOf, arnIn } from "./builtAlone";

describe("RolloutCheck built alone", () => {
  const NAME = "blue-deploys";
  const CLUSTER = "arn:aws:ecs:eu-west-1:123456789012:cluster/blue-cluster";
  const ROLES = ["arn:aws:iam::123456789012:role/blue-app-exec", "arn:aws:iam::123456789012:role/blue-static-exec"];
  let run: ProgramRun;
  beforeAll(async () => {
    run = await buildAlone(() => {
      const check = new RolloutCheck(NAME, {
        servicePrefix: "blue",
        logRetentionDays: 7,
        cluster: { arn: pulumi.output(CLUSTER), name: "blue-cluster" },
        passRoles: ROLES,
      });
      const taskDefinition = fargateTaskDefinition(
        "blue-web",
        {
          cpu: 256,
          memory: 512,
          executionRoleArn: ROLES[0]!,
          container: {
            name: "web",
            image: "blue@sha256:" + "3".repeat(64),
            environment: {},
            secrets: {},
            logGroup: "/ecs/blue/web",
            region: "eu-west-1",
          },
        },
        {},
      );
      const service = new ecs.Service("blue-web", {
        name: "blue-web",
        cluster: CLUSTER,
        taskDefinition: taskDefinition.arn,
      });
      check.check("blue-web-rollout", service, taskDefinition);
    });
  }, RUN_TIMEOUT);

  test("its function, role, policy and log group are `<name>-check`", () => {
    const CHECK = `${NAME}-check`;
    expect(typesAndNames(childrenOf(run, "throat:aws:RolloutCheck", NAME))).toEqual(
      [T.logGroup, T.role, T.rolePolicy, T.lambda, T.invocation]
        .map((type) => `${type} ${type === T.invocation ? "blue-web-rollout" : CHECK}`)
        .sort(),
    );
    expect(one(run, T.lambda, CHECK).inputs.name).toBe(CHECK);
    expect(one(run, T.logGroup, CHECK).inputs).toEqual(
      expect.objectContaining({ name: `/aws/lambda/${CHECK}`, retentionInDays: 7 }),
    );
  });

  test("it may touch only the cluster's services named with the given prefix, and pass only the given roles", () => {
    const statements = statementsOf(one(run, T.rolePolicy, `${NAME}-check`));
    expect(statements).toEqual(
      expect.arrayContaining([
        expect.objectContaining({
          Action: ["ecs:DescribeServices", "ecs:UpdateService"],
          Resource: "arn:aws:ecs:*:*:service/blue-cluster/blue-*",
        }),
        expect.objectContaining({ Action: "iam:PassRole", Resource: ROLES }),
      ]),
    );
  });

  test("a check asks for the service's new revision, once the service has updated", () => {
    const invocation = one(run, T.invocation, "blue-web-rollout");
    expect(JSON.parse(String(invocation.inputs.input))).toEqual({
      check: "rollout",
      cluster: CLUSTER,
      service: "blue-web",
      taskDefinition: arnIn("ecs", "task-definition/blue-web:1"),
    });
    expect(invocation.dependencies).toContain(one(run, T.service, "blue-web").urn);
  });
});

describe("Alarms built alone", () => {
  const NAME = "blue-watch";
  const planned = prodPlan().alarms;
  const args = (alarms: AlarmsArgs["alarms"]): AlarmsArgs => ({
    namePrefix: "blue",
    alarms,
    context: {
      alerts: { databaseConnectionsPercent: 81, freeStoragePercent: 13 },
      budgetPeak: 123,
      maxConnections: 456,
      allocatedStorage: 77,
    },
    region: "eu-west-1",
    databaseId: "blue-db",
    redisGroupId: "blue-cache",
    clusterName: "blue-cluster",
    loadBalancerArnSuffix: "app/blue/0123",
    targetGroupArnSuffixes: { sync: "tg/sync", gevent: "tg/gevent", socketio: "tg/socketio", static: "tg/static" },
    serviceNames: { sync: "blue-sync", gevent: "blue-gevent", socketio: "blue-socketio", static: "blue-static" },
    migrationFunctionName: "blue-migrate",
  });
  let healthy: ProgramRun;
  let insights: ProgramRun;
  beforeAll(async () => {
    healthy = await buildAlone(() => {
      new Alarms(NAME, args({ ...planned, email: "ops@blue.example", runningTasks: "healthyTargets", redisNodes: 2 }));
    });
    insights = await buildAlone(() => {
      new Alarms(NAME, args({ ...planned, email: undefined, runningTasks: "containerInsights" }));
    });
  }, RUN_TIMEOUT);
  const alarm = (run: ProgramRun, id: string) => one(run, T.metricAlarm, `blue-${id}`);

  test("the topic is the component's name; the email subscription `<name>-email`, only with an address", () => {
    expect(one(healthy, T.topic, NAME).inputs.name).toBe(NAME);
    expect(one(healthy, T.topicSubscription, `${NAME}-email`).inputs).toEqual(
      expect.objectContaining({ protocol: "email", endpoint: "ops@blue.example" }),
    );
    expect(insights.resources.filter((r) => r.type === T.topicSubscription)).toEqual([]);
    expect(alarm(healthy, "db-cpu").inputs.alarmActions).toEqual([arnIn("sns", NAME)]);
  });

  test("the database alarms: the plan's thresholds on the given instance, explained with the given numbers", () => {
    const connections = alarm(healthy, "db-connections").inputs;
    expect(connections).toEqual(
      expect.objectContaining({
        name: "blue-db-connections",
        threshold: planned.databaseConnections,
        dimensions: { DBInstanceIdentifier: "blue-db" },
      }),
    );
    expect(String(connections.alarmDescription)).toMatch(/at 81% of the budget's peak of 123 \(max_connections 456\)/);
    const storage = alarm(healthy, "db-free-storage").inputs;
    expect(storage.threshold).toBe(planned.freeStorageBytes);
    expect(String(storage.alarmDescription)).toContain("below 13% of 77 GiB");
  });

  test("each tier's alarms watch the given target group and service; running tasks by the plan's method", () => {
    for (const { tier, minRunning } of planned.services) {
      expect(alarm(healthy, `${tier}-unhealthy`).inputs.dimensions).toEqual({
        TargetGroup: `tg/${tier}`,
        LoadBalancer: "app/blue/0123",
      });
      expect(alarm(healthy, `${tier}-cpu`).inputs.dimensions).toEqual({
        ClusterName: "blue-cluster",
        ServiceName: `blue-${tier}`,
      });
      expect(alarm(healthy, `${tier}-running`).inputs).toEqual(
        expect.objectContaining({
          metricName: "HealthyHostCount",
          threshold: minRunning,
          treatMissingData: "breaching",
        }),
      );
      const queries = alarm(insights, `${tier}-running`).inputs.metricQueries as Array<{
        metric?: { metricName: string; dimensions: unknown };
      }>;
      expect(queries.flatMap((q) => (q.metric ? [q.metric.metricName] : [])).sort()).toEqual([
        "DesiredTaskCount",
        "RunningTaskCount",
      ]);
      for (const q of queries.filter((x) => x.metric))
        expect(q.metric!.dimensions).toEqual({ ClusterName: "blue-cluster", ServiceName: `blue-${tier}` });
    }
  });

  test("one memory alarm per Redis node of the given group; the dashboard named namePrefix graphs every alarm", () => {
    expect(alarm(healthy, "redis-memory-1").inputs.dimensions).toEqual({ CacheClusterId: "blue-cache-001" });
    expect(alarm(healthy, "redis-memory-2").inputs.dimensions).toEqual({ CacheClusterId: "blue-cache-002" });
    const dashboard = one(healthy, T.dashboard, "blue-dashboard");
    expect(dashboard.inputs.dashboardName).toBe("blue");
    const body = JSON.parse(String(dashboard.inputs.dashboardBody)) as {
      widgets: Array<{ properties: { alarms?: string[] } }>;
    };
    const arns = healthy.resources
      .filter((r) => r.type === T.metricAlarm)
      .map((r) => arnIn("cloudwatch", `alarm:${String(r.inputs.name)}`));
    expect([...body.widgets[0]!.properties.alarms!].sort()).toEqual(arns.sort());
  });
});
