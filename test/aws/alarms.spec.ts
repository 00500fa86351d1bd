// The prod alarms, read back from what the stack registers: each threshold is the plan's (the
// DatabaseConnections one from the connection budget), on the metric AWS publishes.
import type { ProgramRun, RecordedResource } from "../../scripts/offline/mockRuntime";
import { ofType } from "../support/runStack";
import { one, prodPlan, RUN_TIMEOUT, runProd, PREFIX } from "./support";
import { T } from "../../policy/types";

const ALARM = T.metricAlarm;
const plan = prodPlan();
let run: ProgramRun;
beforeAll(async () => {
  run = await runProd();
}, RUN_TIMEOUT);

const alarm = (r: ProgramRun, id: string): RecordedResource => one(r, ALARM, `${PREFIX}-${id}`);
const dims = (a: RecordedResource) => a.inputs.dimensions as Record<string, string>;

test("DatabaseConnections alarms at 90% of the budget's peak, on the stack's instance", () => {
  const a = alarm(run, "db-connections");
  expect(plan.budget.server.peak).toBe(394);
  expect(a.inputs).toMatchObject({
    namespace: "AWS/RDS",
    metricName: "DatabaseConnections",
    statistic: "Maximum",
    comparisonOperator: "GreaterThanOrEqualToThreshold",
    threshold: Math.floor(394 * 0.9),
  });
  expect(dims(a)).toEqual({ DBInstanceIdentifier: PREFIX });
});

test(
  "the connections threshold follows the budget and throat:alerts.databaseConnectionsPercent",
  async () => {
    const smaller = await runProd({
      workers: {
        sync: { replicas: 2, processes: 2 },
        gevent: { replicas: 1, poolSize: 10 },
        socketio: { replicas: 1, poolSize: 10 },
      },
      alerts: { databaseConnectionsPercent: 50 },
    });
    const p = prodPlan({
      workers: {
        sync: { replicas: 2, processes: 2 },
        gevent: { replicas: 1, poolSize: 10 },
        socketio: { replicas: 1, poolSize: 10 },
      },
    });
    expect(alarm(smaller, "db-connections").inputs.threshold).toBe(Math.floor(p.budget.server.peak * 0.5));
    expect(p.budget.server.peak).not.toBe(394);
  },
  RUN_TIMEOUT,
);

test("storage, CPU, Redis memory and migration errors use the documented defaults", () => {
  expect(alarm(run, "db-free-storage").inputs).toMatchObject({
    metricName: "FreeStorageSpace",
    comparisonOperator: "LessThanThreshold",
    threshold: 20 * 1024 ** 3 * 0.1,
  });
  expect(alarm(run, "db-cpu").inputs).toMatchObject({ metricName: "CPUUtilization", threshold: 80 });
  for (const i of [1, 2]) {
    const r = alarm(run, `redis-memory-${i}`);
    expect(r.inputs).toMatchObject({
      namespace: "AWS/ElastiCache",
      metricName: "DatabaseMemoryUsagePercentage",
      threshold: 80,
    });
    expect(dims(r)).toEqual({ CacheClusterId: `${PREFIX}-00${i}` });
  }
  expect(alarm(run, "migration-errors").inputs).toMatchObject({
    namespace: "AWS/Lambda",
    metricName: "Errors",
    threshold: 0,
    comparisonOperator: "GreaterThanThreshold",
  });
  expect(dims(alarm(run, "migration-errors"))).toEqual({ FunctionName: `${PREFIX}-migrate` });
});

test("ALB 5xx rate: ELB and target 5xx over requests, in percent", () => {
  const a = alarm(run, "http-5xx");
  const queries = a.inputs.metricQueries as Array<{
    id: string;
    expression?: string;
    metric?: { metricName: string; dimensions: Record<string, string> };
  }>;
  expect(queries.map((q) => q.metric?.metricName ?? q.expression)).toEqual([
    "HTTPCode_ELB_5XX_Count",
    "HTTPCode_Target_5XX_Count",
    "RequestCount",
    "100 * (FILL(elb5xx, 0) + FILL(target5xx, 0)) / requests",
  ]);
  const alb = ofType(run, T.alb)[0]!;
  expect(queries[0]!.metric!.dimensions.LoadBalancer).toMatch(new RegExp(`^app/${String(alb.inputs.name)}/`));
  expect(a.inputs.threshold).toBe(5);
});

test("per service: unhealthy targets, running < desired (Container Insights), CPU", () => {
  for (const tier of ["sync", "gevent", "socketio", "static"]) {
    expect(dims(alarm(run, `${tier}-unhealthy`))).toMatchObject({
      TargetGroup: expect.stringMatching(new RegExp(`^targetgroup/${PREFIX}-${tier}`)),
    });
    const running = alarm(run, `${tier}-running`);
    const q = running.inputs.metricQueries as Array<{
      expression?: string;
      metric?: { namespace: string; metricName: string; dimensions: Record<string, string> };
    }>;
    expect(q.map((x) => x.metric?.metricName ?? x.expression)).toEqual([
      "DesiredTaskCount",
      "RunningTaskCount",
      "desired - running",
    ]);
    expect(q[0]!.metric).toMatchObject({
      namespace: "ECS/ContainerInsights",
      dimensions: { ClusterName: PREFIX, ServiceName: `${PREFIX}-${tier}` },
    });
    expect(alarm(run, `${tier}-cpu`).inputs).toMatchObject({
      namespace: "AWS/ECS",
      metricName: "CPUUtilization",
      threshold: 80,
    });
  }
});

test(
  "without Container Insights, running tasks are the target group's healthy hosts, below each service's minimum",
  async () => {
    const off = await runProd({ aws: { containerInsights: false, staticTasks: 3 } });
    expect(one(off, T.cluster, PREFIX).inputs.settings).toEqual([{ name: "containerInsights", value: "disabled" }]);
    const minimum: Record<string, number> = { sync: 2, gevent: 1, socketio: 2, static: 3 };
    for (const [tier, min] of Object.entries(minimum)) {
      expect(alarm(off, `${tier}-running`).inputs).toMatchObject({
        namespace: "AWS/ApplicationELB",
        metricName: "HealthyHostCount",
        comparisonOperator: "LessThanThreshold",
        threshold: min,
        treatMissingData: "breaching",
      });
    }
  },
  RUN_TIMEOUT,
);

test(
  "every alarm notifies the SNS topic; throat:alerts.email subscribes an address; the dashboard shows every alarm",
  async () => {
    const topic = one(run, T.topic, `${PREFIX}-alarms`);
    const alarms = ofType(run, ALARM);
    expect(alarms.length).toBe(3 + 1 + 4 * 3 + 2 + 1);
    for (const a of alarms) {
      expect(a.inputs.alarmActions).toEqual([`arn:aws:sns:eu-west-1:123456789012:${String(topic.inputs.name)}`]);
      expect(a.inputs.okActions).toEqual(a.inputs.alarmActions);
    }
    expect(ofType(run, T.topicSubscription)).toHaveLength(0);
    const body = JSON.parse(String(one(run, T.dashboard, `${PREFIX}-dashboard`).inputs.dashboardBody)) as {
      widgets: Array<{ type: string; properties: { alarms?: string[]; annotations?: { alarms: string[] } } }>;
    };
    const arns = alarms.map((a) => `arn:aws:cloudwatch:eu-west-1:123456789012:alarm:${String(a.inputs.name)}`);
    // Registration order is the engine's; the dashboard keeps the program's order. Same set, once each.
    expect([...body.widgets[0]!.properties.alarms!].sort()).toEqual([...arns].sort());
    expect(
      body.widgets
        .slice(1)
        .map((w) => w.properties.annotations!.alarms[0])
        .sort(),
    ).toEqual([...arns].sort());

    const mailed = await runProd({ alerts: { email: "ops@example.org" } });
    expect(one(mailed, T.topicSubscription, `${PREFIX}-alarms-email`).inputs).toMatchObject({
      protocol: "email",
      endpoint: "ops@example.org",
    });
  },
  RUN_TIMEOUT,
);
