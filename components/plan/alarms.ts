// What the prod alarms watch and at which thresholds: pure, from the settings and the
// connection budget. Only this stack knows the database's planned peak (plan/budget.ts), so the
// DatabaseConnections threshold is derived here, never typed in by hand.
import type { Settings, WorkerKind } from "../settings";
import type { ConnectionBudget } from "./budget";

export type ServiceTier = WorkerKind | "static";

export interface AlarmPlan {
  /** Subscribed to the alarm topic when set. */
  email?: string;
  /** RDS DatabaseConnections (Maximum) above this: the budget's peak x databaseConnectionsPercent. */
  databaseConnections: number;
  /** RDS FreeStorageSpace (Minimum, bytes) below this. */
  freeStorageBytes: number;
  /** RDS CPUUtilization and each ECS service's CPUUtilization (Average) above this. */
  cpuPercent: number;
  /** ALB HTTPCode_ELB_5XX_Count + HTTPCode_Target_5XX_Count over RequestCount, percent. */
  http5xxPercent: number;
  /** ElastiCache DatabaseMemoryUsagePercentage (Maximum) above this, per cache node. */
  redisMemoryPercent: number;
  /** Below `minRunning` tasks is an alarm (per ECS service). */
  services: Array<{ tier: ServiceTier; minRunning: number }>;
  /**
   * How running tasks are counted. ECS publishes RunningTaskCount / DesiredTaskCount only in the
   * ECS/ContainerInsights namespace; without Container Insights the target group's
   * HealthyHostCount (AWS/ApplicationELB) counts the tasks that serve.
   */
  runningTasks: "containerInsights" | "healthyTargets";
  /** ElastiCache member clusters: `<replication group>-001`, `-002`, ... */
  redisNodes: number;
}

const GIB = 1024 ** 3;

export function planAlarms(s: Settings, budget: ConnectionBudget): AlarmPlan {
  const a = s.alerts;
  // The server side's peak: with PgBouncer that is PgBouncer's pool + migrations + headroom.
  const peak = budget.server.peak;
  return {
    ...(a.email ? { email: a.email } : {}),
    databaseConnections: Math.max(1, Math.floor((peak * a.databaseConnectionsPercent) / 100)),
    freeStorageBytes: Math.floor((s.database.allocatedStorage * GIB * a.freeStoragePercent) / 100),
    cpuPercent: a.cpuPercent,
    http5xxPercent: a.http5xxPercent,
    redisMemoryPercent: a.redisMemoryPercent,
    services: [
      ...(["sync", "gevent", "socketio"] as const).map((tier) => ({ tier, minRunning: s.workers[tier].replicas.min })),
      { tier: "static" as const, minRunning: s.aws.staticTasks },
    ],
    runningTasks: s.aws.containerInsights ? "containerInsights" : "healthyTargets",
    redisNodes: s.redis.nodes,
  };
}
