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
import type { Plan } from "../plan";
import type { ServiceTier } from "../plan/alarms";

export interface AlarmsArgs {
  plan: Plan;
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
    const { plan } = args;
    const a = plan.alarms;
    const prefix = plan.settings.namePrefix;
    const parent = { parent: this };
    const topic = new sns.Topic(`${prefix}-alarms`, { name: `${prefix}-alarms` }, parent);
    if (a.email) new sns.TopicSubscription(`${prefix}-alarms-email`, { topic: topic.arn, protocol: "email", endpoint: a.email }, parent);
    const actions = { alarmActions: [topic.arn], okActions: [topic.arn] };

    const simple = (id: string, description: string, metric: MetricSpec, comparison: string, threshold: number, extra: Partial<cloudwatch.MetricAlarmArgs> = {}) =>
      this.alarms.push(new cloudwatch.MetricAlarm(`${prefix}-${id}`, {
        name: `${prefix}-${id}`,
        alarmDescription: description,
        namespace: metric.namespace,
        metricName: metric.metricName,
        statistic: metric.statistic,
        dimensions: metric.dimensions,
        period: PERIOD,
        evaluationPeriods: EVALUATION_PERIODS,
        comparisonOperator: comparison,
        threshold,
        treatMissingData: "missing",
        ...actions,
        ...extra,
      }, parent));

    const db = { DBInstanceIdentifier: args.databaseId };
    simple("db-connections", `PostgreSQL connections above ${plan.settings.alerts.databaseConnectionsPercent}% of the budget's peak of ${plan.budget.server.peak} (max_connections ${plan.budget.database.maxConnections}): something holds more connections than the plan counted`,
      { namespace: "AWS/RDS", metricName: "DatabaseConnections", statistic: "Maximum", dimensions: db }, "GreaterThanOrEqualToThreshold", a.databaseConnections);
    simple("db-free-storage", `PostgreSQL free storage below ${plan.settings.alerts.freeStoragePercent}% of ${plan.settings.database.allocatedStorage} GiB: raise throat:database.allocatedStorage`,
      { namespace: "AWS/RDS", metricName: "FreeStorageSpace", statistic: "Minimum", dimensions: db }, "LessThanThreshold", a.freeStorageBytes);
    simple("db-cpu", `PostgreSQL CPU above ${a.cpuPercent}%: a larger throat:database.instanceClass, or a slow query`,
      { namespace: "AWS/RDS", metricName: "CPUUtilization", statistic: "Average", dimensions: db }, "GreaterThanThreshold", a.cpuPercent, { evaluationPeriods: 15 });

    // 5xx answers of the load balancer itself (no healthy target, timeouts) and of the targets.
    const alb = { LoadBalancer: args.loadBalancerArnSuffix };
    const sum = (id: string, metricName: string) => ({ id, returnData: false, metric: { namespace: "AWS/ApplicationELB", metricName, stat: "Sum", period: PERIOD, dimensions: alb } });
    this.alarms.push(new cloudwatch.MetricAlarm(`${prefix}-http-5xx`, {
      name: `${prefix}-http-5xx`,
      alarmDescription: `More than ${a.http5xxPercent}% of requests answered 5xx (by the ALB or by gunicorn)`,
      metricQueries: [
        sum("elb5xx", "HTTPCode_ELB_5XX_Count"),
        sum("target5xx", "HTTPCode_Target_5XX_Count"),
        sum("requests", "RequestCount"),
        { id: "rate", label: "5xx percent", returnData: true, expression: "100 * (FILL(elb5xx, 0) + FILL(target5xx, 0)) / requests" },
      ],
      evaluationPeriods: EVALUATION_PERIODS,
      comparisonOperator: "GreaterThanThreshold",
      threshold: a.http5xxPercent,
      // No requests at all is not an error rate.
      treatMissingData: "notBreaching",
      ...actions,
    }, parent));

    for (const { tier, minRunning } of a.services) {
      const tg = { TargetGroup: args.targetGroupArnSuffixes[tier], LoadBalancer: args.loadBalancerArnSuffix };
      simple(`${tier}-unhealthy`, `${tier}: the ALB sees unhealthy tasks`,
        { namespace: "AWS/ApplicationELB", metricName: "UnHealthyHostCount", statistic: "Maximum", dimensions: tg }, "GreaterThanThreshold", 0);
      const service = { ClusterName: args.clusterName, ServiceName: args.serviceNames[tier] };
      if (a.runningTasks === "containerInsights") {
        const count = (id: string, metricName: string) => ({ id, returnData: false, metric: { namespace: "ECS/ContainerInsights", metricName, stat: "Average", period: PERIOD, dimensions: service } });
        this.alarms.push(new cloudwatch.MetricAlarm(`${prefix}-${tier}-running`, {
          name: `${prefix}-${tier}-running`,
          alarmDescription: `${tier}: fewer tasks running than desired`,
          metricQueries: [count("desired", "DesiredTaskCount"), count("running", "RunningTaskCount"), { id: "missing", label: "desired - running", returnData: true, expression: "desired - running" }],
          evaluationPeriods: EVALUATION_PERIODS,
          comparisonOperator: "GreaterThanThreshold",
          threshold: 0,
          treatMissingData: "breaching",
          ...actions,
        }, parent));
      } else {
        // A service with no healthy task publishes no HealthyHostCount at all: missing breaches.
        simple(`${tier}-running`, `${tier}: fewer than ${minRunning} healthy tasks (its minimum)`,
          { namespace: "AWS/ApplicationELB", metricName: "HealthyHostCount", statistic: "Minimum", dimensions: tg }, "LessThanThreshold", minRunning, { treatMissingData: "breaching" });
      }
      simple(`${tier}-cpu`, `${tier}: CPU above ${a.cpuPercent}% (at its maximum replicas, raise them or the task size)`,
        { namespace: "AWS/ECS", metricName: "CPUUtilization", statistic: "Average", dimensions: service }, "GreaterThanThreshold", a.cpuPercent, { evaluationPeriods: 15 });
    }

    for (let i = 1; i <= a.redisNodes; i++) {
      const node = pulumi.interpolate`${args.redisGroupId}-${String(i).padStart(3, "0")}`;
      simple(`redis-memory-${i}`, `Redis node ${i}: memory above ${a.redisMemoryPercent}% (sessions and the socket.io queue are evicted or refused): a larger throat:redis.nodeType`,
        { namespace: "AWS/ElastiCache", metricName: "DatabaseMemoryUsagePercentage", statistic: "Maximum", dimensions: { CacheClusterId: node } }, "GreaterThanThreshold", a.redisMemoryPercent);
    }

    simple("migration-errors", "The migration runner failed: pulumi up stopped before the services (read /ecs/<prefix>/migrate)",
      { namespace: "AWS/Lambda", metricName: "Errors", statistic: "Sum", dimensions: { FunctionName: args.migrationFunctionName } }, "GreaterThanThreshold", 0,
      { period: 300, evaluationPeriods: 1, treatMissingData: "notBreaching" });

    new cloudwatch.Dashboard(`${prefix}-dashboard`, {
      dashboardName: prefix,
      dashboardBody: pulumi.all([pulumi.output(args.region), pulumi.all(this.alarms.map((x) => x.arn))]).apply(([region, arns]) => dashboardBody(region, arns)),
    }, parent);

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
      properties: { title: arn.split(":alarm:")[1] ?? arn, region, annotations: { alarms: [arn] }, view: "timeSeries", stacked: false },
    })),
  ];
  return JSON.stringify({ widgets });
}
