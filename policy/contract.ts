// What a target declares on its resources for the connection budget policy (budget.ts) to read.
// The targets import these names, so a renamed tag cannot silently fall out of the check.

/** ECS service tags (components/aws/workers.ts), both set from the plan. */
export const ECS_TAGS = {
  /** Connections one task opens at most: gunicorn processes x pool size (plan.workers). */
  connectionsPerTask: "throat:db-connections-per-task",
  /** The most tasks the service runs outside a deploy (the autoscaler's maximum). */
  maxTasks: "throat:max-tasks",
} as const;

/** Docker container label (components/docker/workers.ts): connections one container opens at most. */
export const DOCKER_CONNECTIONS_LABEL = "throat.db-connections";

/** Docker label naming a container's tier; the edge is the one container that publishes ports. */
export const DOCKER_TIER_LABEL = "throat.tier";
