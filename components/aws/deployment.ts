// How ECS replaces a service's tasks.

/**
 * minimumHealthyPercent for a rolling deploy with deploymentMaximumPercent = maxPercent.
 * ECS rounds maximumPercent down and minimumHealthyPercent up (ECS API, DeploymentConfiguration),
 * and makes progress only if it may start a task (floor(d x max / 100) > d) or stop one
 * (ceil(d x min / 100) < d). With a surge of at least one task at the service's smallest desired
 * count d (larger counts only surge more), every old task keeps serving until its replacement
 * is healthy: 100. Without one (maxPercent 100, or 150 on a single task), ECS must stop tasks
 * first: the largest percentage that still lets it stop one at the smallest count.
 */
export function minimumHealthyPercent(maxPercent: number, minReplicas: number): number {
  const d = minReplicas;
  if (Math.floor((d * maxPercent) / 100) > d) return 100;
  return Math.floor(((d - 1) * 100) / d);
}
