// The AWS side of the connection budget: RDS's limit from its parameter group, and what each ECS
// service declares it may open (tags the AWS target sets from the plan).
import type { PolicyResource, ReportViolation } from "@pulumi/policy";
import { ECS_TAGS } from "./contract";
import { ecsContainers, envOfEcs } from "./containers";
import { integer, known, list, read, record, text } from "./data";
import type { Limit, Line } from "./budgetLines";
import { T } from "./types";

/** ECS runs this share of the desired count during a rolling deploy unless told otherwise. */
const ECS_DEFAULT_MAX_PERCENT = 200;
/** RDS reserves superuser_reserved_connections (3) and rds.rds_superuser_reserved_connections (2). */
const RDS_RESERVED_DEFAULTS: Record<string, number> = {
  superuser_reserved_connections: 3,
  "rds.rds_superuser_reserved_connections": 2,
  reserved_connections: 0,
};

export function rdsLimit(
  instance: PolicyResource,
  resources: PolicyResource[],
  reportViolation: ReportViolation,
): Limit | undefined {
  const id = text(read(instance.props, "identifier")) ?? instance.name;
  // The group the instance's parameterGroupName came from (its name is unknown at preview when
  // auto-named), else one of the stack's groups with that literal name.
  let groups = (instance.propertyDependencies.parameterGroupName ?? []).filter((r) => r.type === T.parameterGroup);
  if (!groups.length) {
    const name = text(read(instance.props, "parameterGroupName"));
    groups = resources.filter(
      (r) => r.type === T.parameterGroup && name !== undefined && text(read(r.props, "name")) === name,
    );
  }
  const params = new Map<string, number | undefined>();
  for (const p of groups.flatMap((g) => list(known(read(g.props, "parameters"))))) {
    const entry = record(p) ?? {};
    const key = text(entry.name);
    if (key) params.set(key, integer(known(entry.value)));
  }
  const max = params.get("max_connections");
  if (max === undefined) {
    reportViolation(
      `RDS instance ${id}: no parameter group of this stack sets max_connections to a number, so it follows the instance class's memory (LEAST(DBInstanceClassMemory/9531392, 5000)), which this policy cannot compute. Give the instance a parameter group that sets max_connections (components/aws/database.ts does, from throat:database.maxConnections).`,
      instance.urn,
    );
    return undefined;
  }
  const reserved = Object.entries(RDS_RESERVED_DEFAULTS).reduce((n, [k, d]) => n + (params.get(k) ?? d), 0);
  return { database: instance, what: `RDS instance ${id}`, maxConnections: max, reserved };
}

/** One line per ECS service that declares its connections; a Throat service that does not is a violation. */
export function ecsLines(resources: PolicyResource[], reportViolation: ReportViolation): Line[] {
  const lines: Line[] = [];
  for (const service of resources.filter((r) => r.type === T.service)) {
    const name = text(read(service.props, "name")) ?? service.name;
    const tags = record(known(read(service.props, "tags"))) ?? {};
    const perTaskTag = known(tags[ECS_TAGS.connectionsPerTask]);
    if (perTaskTag === undefined) {
      const kind = throatWorkerType(service);
      if (kind)
        reportViolation(
          `ECS service ${name} runs Throat (WORKER_TYPE ${kind}) but does not declare its database connections: tag it ${ECS_TAGS.connectionsPerTask} and ${ECS_TAGS.maxTasks} (components/aws/workers.ts sets both from the plan).`,
          service.urn,
        );
      continue;
    }
    const perTask = integer(perTaskTag);
    const tagged = integer(known(tags[ECS_TAGS.maxTasks]));
    if (perTask === undefined || tagged === undefined) {
      reportViolation(
        `ECS service ${name}: tags ${ECS_TAGS.connectionsPerTask} and ${ECS_TAGS.maxTasks} must both be whole numbers (got ${JSON.stringify(perTaskTag)} and ${JSON.stringify(tags[ECS_TAGS.maxTasks] ?? null)}).`,
        service.urn,
      );
      continue;
    }
    // The tag is a declaration; what can actually run is also bounded by the service itself and
    // its autoscaler, so the largest of the three counts.
    const scaling = resources.filter(
      (r) => r.type === T.scalingTarget && (r.propertyDependencies.resourceId ?? []).some((d) => d.urn === service.urn),
    );
    const maxTasks = Math.max(
      tagged,
      integer(known(read(service.props, "desiredCount"))) ?? 0,
      ...scaling.map((t) => integer(known(read(t.props, "maxCapacity"))) ?? 0),
    );
    const percent = integer(known(read(service.props, "deploymentMaximumPercent"))) ?? ECS_DEFAULT_MAX_PERCENT;
    const tasks = Math.ceil((maxTasks * percent) / 100);
    lines.push({
      consumer: name,
      detail: `${perTask} per task x ${tasks} tasks (at most ${maxTasks} running, deploymentMaximumPercent ${percent})`,
      connections: perTask * tasks,
    });
  }
  return lines;
}

/** The WORKER_TYPE a service's task definition runs, when it can be seen. */
function throatWorkerType(service: PolicyResource): string | undefined {
  for (const td of service.propertyDependencies.taskDefinition ?? []) {
    const parsed = ecsContainers(td.props);
    if (!("ok" in parsed)) continue;
    const kind = parsed.ok.map((c) => envOfEcs(c).get("WORKER_TYPE")).find((k) => k !== undefined);
    if (kind) return kind;
  }
  return undefined;
}
