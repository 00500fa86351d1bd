// The prod alarms (plan.alarms): an SNS topic, optionally an email subscription, one CloudWatch
// alarm per thing that goes wrong before users say so, and a dashboard that shows each alarm's
// graph. Thresholds come from the plan (the DatabaseConnections one from the connection
// budget); metric names and dimensions are the ones AWS publishes:
// - RDS (AWS/RDS, DBInstanceIdentifier): DatabaseConnections, FreeStorageSpace, CPUUtilization.
// - ALB (AWS/ApplicationELB, LoadBalancer [+ TargetGroup]): HTTPCode_ELB_5XX_Count,
//   HTTPCode_Target_5XX_Count, RequestCount, UnHealthyHostCount, HealthyHostCount.
// - ECS (AWS/ECS, ClusterName + ServiceName): CPUUtilization. RunningTaskCount and
//   DesiredTaskCount exist only in ECS/ContainerInsights (with Container Insights on).
// - ElastiCache (AWS/ElastiCache, CacheClusterId): DatabaseMemoryUsagePercentage.
// - Lambda (AWS/Lambda, FunctionName): Errors of the migration runner.
import * as pulumi from "@pulumi/pulumi";
import * as cloudwatch from "@pulumi/aws/cloudwatch";
import * as sns from "@pulumi/aws/sns";
import type { AlarmPlan, ServiceTier } from "../plan/alarms";
import type { Settings } from "../settings";

/**
 * The alarms named `name` (the stack: `<namePrefix>-alarms`): the SNS topic is `name` (its
 * physical name too), the email subscription `<name>-email`.
 */
export interface AlarmsArgs {
  /**
   * settings.namePrefix: each alarm's `<namePrefix>-<id>` logical and physical name, and the
   * dashboard's (`<namePrefix>-dashboard`, dashboard name `<namePrefix>`), as they were before the
   * component took narrow args (they cannot be derived from `name`).
   */
  namePrefix: string;
  /** plan.alarms: what to watch, with thresholds. */
  alarms: AlarmPlan;
  /** What the alarm descriptions explain the thresholds with (the plan's numbers, the settings). */
  context: {
    /** throat:alerts: the percentages the thresholds were computed from. */
    alerts: Pick<Settings["alerts"], "databaseConnectionsPercent" | "freeStoragePercent">;
    /** plan.budget.server.peak: the connections the budget counts at its peak. */
    budgetPeak: number;
    /** plan.budget.database.maxConnections. */
    maxConnections: number;
    /** throat:database.allocatedStorage (GiB). */
    allocatedStorage: number;
  };
  region: pulumi.Input<string>;
  /** RDS DBInstanceIdentifier. */
  databaseId: pulumi.Input<string>;
  /** ElastiCache replication group id: member clusters are `<id>-001`, `<id>-002`, ... */
  redisGroupId: pulumi.Input<string>;
  clusterName: pulumi.Input<string>;
  loadBalancerArnSuffix: pulumi.Input<string>;
  targetGroupArnSuffixes: Record<ServiceTier, pulumi.Input<string>>;
  serviceNames: Record<ServiceTier, pulumi.Input<string>>;
  migrationFunctionName: pulumi.Input<string>;
}

type Dimensions = Record<string, pulumi.Input<string>>;
interface MetricSpec {
  namespace: string;
  metricName: string;
  statistic: "Average" | "Maximum" | "Minimum" | "Sum";
  dimensions: Dimensions;
}

/** Five one-minute periods: long enough to ride out a deploy's blips, short enough to matter. */
const PERIOD = 60;
const EVALUATION_PERIODS = 5;

export class Alarms extends pulumi.ComponentResource {
  readonly topicArn: pulumi.Output<string>;
  readonly alarms: cloudwatch.MetricAlarm[] = [];

  constructor(name: string, args: AlarmsArgs, opts?: pulumi.ComponentResourceOptions) {
    super("throat:aws:Alarms", name, {}, opts);
    const a = args.alarms;
    const { alerts, budgetPeak, maxConnections, allocatedStorage } = args.context;
    const prefix = args.namePrefix;
    const parent = { parent: this };
    const topic = new sns.Topic(name, { name }, parent);
    if (a.email)
      new sns.TopicSubscription(`${name}-email`, { topic: topic.arn, protocol: "email", endpoint: a.email }, parent);
    const actions = { alarmActions: [topic.arn], okActions: [topic.arn] };

    // One alarm on one metric. `when` is the comparison (">=", ">", "<") with the threshold.
    const ops = {
      ">=": "GreaterThanOrEqualToThreshold",
      ">": "GreaterThanThreshold",
      "<": "LessThanThreshold",
    } as const;
    const simple = (
      id: string,
      description: string,
      metric: MetricSpec,
      when: keyof typeof ops,
      threshold: number,
      extra: Partial<cloudwatch.MetricAlarmArgs> = {},
    ) =>
      this.alarms.push(
        new cloudwatch.MetricAlarm(
          `${prefix}-${id}`,
          {
            name: `${prefix}-${id}`,
            alarmDescription: description,
            namespace: metric.namespace,
            metricName: metric.metricName,
            statistic: metric.statistic,
            dimensions: metric.dimensions,
            period: PERIOD,
            evaluationPeriods: EVALUATION_PERIODS,
            comparisonOperator: ops[when],
            threshold,
            treatMissingData: "missing",
            ...actions,
            ...extra,
          },
          parent,
        ),
      );
    // An alarm on a metric-math expression over `metrics` (ids -> metric), which must return one series.
    const math = (
      id: string,
      description: string,
      metrics: Record<string, MetricSpec>,
      expression: string,
      threshold: number,
      treatMissingData: string,
    ) =>
      this.alarms.push(
        new cloudwatch.MetricAlarm(
          `${prefix}-${id}`,
          {
            name: `${prefix}-${id}`,
            alarmDescription: description,
            metricQueries: [
              ...Object.entries(metrics).map(([queryId, m]) => ({
                id: queryId,
                returnData: false,
                metric: {
                  namespace: m.namespace,
                  metricName: m.metricName,
                  stat: m.statistic,
                  period: PERIOD,
                  dimensions: m.dimensions,
                },
              })),
              { id: "result", label: description, returnData: true, expression },
            ],
            evaluationPeriods: EVALUATION_PERIODS,
            comparisonOperator: ops[">"],
            threshold,
            treatMissingData,
            ...actions,
          },
          parent,
        ),
      );
    const metric = (
      namespace: string,
      metricName: string,
      statistic: MetricSpec["statistic"],
      dimensions: Dimensions,
    ): MetricSpec => ({ namespace, metricName, statistic, dimensions });

    const db = { DBInstanceIdentifier: args.databaseId };
    simple(
      "db-connections",
      `PostgreSQL connections at ${alerts.databaseConnectionsPercent}% of the budget's peak of ${budgetPeak}` +
        ` (max_connections ${maxConnections}): something holds more connections than the plan counted`,
      metric("AWS/RDS", "DatabaseConnections", "Maximum", db),
      ">=",
      a.databaseConnections,
    );
    simple(
      "db-free-storage",
      `PostgreSQL free storage below ${alerts.freeStoragePercent}% of ${allocatedStorage} GiB:` +
        ` raise throat:database.allocatedStorage`,
      metric("AWS/RDS", "FreeStorageSpace", "Minimum", db),
      "<",
      a.freeStorageBytes,
    );
    simple(
      "db-cpu",
      `PostgreSQL CPU above ${a.cpuPercent}%: a larger throat:database.instanceClass, or a slow query`,
      metric("AWS/RDS", "CPUUtilization", "Average", db),
      ">",
      a.cpuPercent,
      { evaluationPeriods: 15 },
    );

    // 5xx answers of the load balancer itself (no healthy target, timeouts) and of the targets.
    // No requests at all is not an error rate: missing data does not breach.
    const alb = { LoadBalancer: args.loadBalancerArnSuffix };
    math(
      "http-5xx",
      `More than ${a.http5xxPercent}% of requests answered 5xx (by the ALB or by gunicorn)`,
      {
        elb5xx: metric("AWS/ApplicationELB", "HTTPCode_ELB_5XX_Count", "Sum", alb),
        target5xx: metric("AWS/ApplicationELB", "HTTPCode_Target_5XX_Count", "Sum", alb),
        requests: metric("AWS/ApplicationELB", "RequestCount", "Sum", alb),
      },
      "100 * (FILL(elb5xx, 0) + FILL(target5xx, 0)) / requests",
      a.http5xxPercent,
      "notBreaching",
    );

    for (const { tier, minRunning } of a.services) {
      const tg = { TargetGroup: args.targetGroupArnSuffixes[tier], LoadBalancer: args.loadBalancerArnSuffix };
      simple(
        `${tier}-unhealthy`,
        `${tier}: the ALB sees unhealthy tasks`,
        metric("AWS/ApplicationELB", "UnHealthyHostCount", "Maximum", tg),
        ">",
        0,
      );
      const service = { ClusterName: args.clusterName, ServiceName: args.serviceNames[tier] };
      if (a.runningTasks === "containerInsights") {
        math(
          `${tier}-running`,
          `${tier}: fewer tasks running than desired`,
          {
            desired: metric("ECS/ContainerInsights", "DesiredTaskCount", "Average", service),
            running: metric("ECS/ContainerInsights", "RunningTaskCount", "Average", service),
          },
          "desired - running",
          0,
          "breaching",
        );
      } else {
        // A service with no healthy task publishes no HealthyHostCount at all: missing breaches.
        simple(
          `${tier}-running`,
          `${tier}: fewer than ${minRunning} healthy tasks (its minimum)`,
          metric("AWS/ApplicationELB", "HealthyHostCount", "Minimum", tg),
          "<",
          minRunning,
          { treatMissingData: "breaching" },
        );
      }
      simple(
        `${tier}-cpu`,
        `${tier}: CPU above ${a.cpuPercent}% (at its maximum replicas, raise them or the task size)`,
        metric("AWS/ECS", "CPUUtilization", "Average", service),
        ">",
        a.cpuPercent,
        { evaluationPeriods: 15 },
      );
    }

    for (let i = 1; i <= a.redisNodes; i++) {
      const node = pulumi.interpolate`${args.redisGroupId}-${String(i).padStart(3, "0")}`;
      simple(
        `redis-memory-${i}`,
        `Redis node ${i}: memory above ${a.redisMemoryPercent}% (sessions and the socket.io queue are evicted or refused): a larger throat:redis.nodeType`,
        metric("AWS/ElastiCache", "DatabaseMemoryUsagePercentage", "Maximum", { CacheClusterId: node }),
        ">",
        a.redisMemoryPercent,
      );
    }

    simple(
      "migration-errors",
      "The migration runner failed: pulumi up stopped before the services (read /ecs/<prefix>/migrate)",
      metric("AWS/Lambda", "Errors", "Sum", { FunctionName: args.migrationFunctionName }),
      ">",
      0,
      { period: 300, evaluationPeriods: 1, treatMissingData: "notBreaching" },
    );

    new cloudwatch.Dashboard(
      `${prefix}-dashboard`,
      {
        dashboardName: prefix,
        dashboardBody: pulumi
          .all([pulumi.output(args.region), pulumi.all(this.alarms.map((x) => x.arn))])
          .apply(([region, arns]) => dashboardBody(region, arns)),
      },
      parent,
    );

    this.topicArn = topic.arn;
    this.registerOutputs({ topicArn: this.topicArn });
  }
}

/**
 * The dashboard: the state of every alarm on top, then one graph per alarm. A metric widget
 * with `annotations.alarms` graphs that alarm's metric with its threshold (CloudWatch
 * dashboard body structure: "alarms ... The array can have one element").
 */
export function dashboardBody(region: string, alarmArns: string[]): string {
  const width = 8;
  const height = 6;
  const widgets = [
    { type: "alarm", x: 0, y: 0, width: 24, height: 4, properties: { title: "Throat alarms", alarms: alarmArns } },
    ...alarmArns.map((arn, i) => ({
      type: "metric",
      x: (i % 3) * width,
      y: 4 + Math.floor(i / 3) * height,
      width,
      height,
      properties: {
        title: arn.split(":alarm:")[1] ?? arn,
        region,
        annotations: { alarms: [arn] },
        view: "timeSeries",
        stacked: false,
      },
    })),
  ];
  return JSON.stringify({ widgets });
}
