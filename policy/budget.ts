// The stack's database connection budget fits (deploy.md, "Database connections"), computed from
// what the resources themselves declare, not from the plan: a hand edit, a second program or a
// plan bug that registers more than the plan counted is caught here.
//
// Limit: RDS, max_connections from the instance's parameter group minus the reserved slots
// (superuser_reserved_connections 3 + rds.rds_superuser_reserved_connections 2 unless the group
// sets them); Docker, the postgres container's `-c max_connections=N` minus
// `-c superuser_reserved_connections=R` (PostgreSQL's defaults 100 and 3 otherwise).
// Peak: per ECS service, its tags throat:db-connections-per-task x max tasks (the largest of
// throat:max-tasks, desiredCount and its autoscaling target's maxCapacity) x the deploy surge
// (deploymentMaximumPercent, rounded up); per Docker worker container, its throat.db-connections
// label, twice if it is replaced create-before-delete (deleteBeforeReplace false), once
// otherwise; plus 1 for migrations. With PgBouncer (a Docker container named *-pgbouncer) only
// the server side is checked: its pool (from its uploaded pgbouncer.ini) plus migrations.
//
// What it cannot see:
// - what a process really opens: the pool size is in a config.yaml baked into the image; the
//   policy trusts the tag or label the target sets from that same plan number;
// - the operator headroom the plan keeps (psql sessions, monitoring): not a resource fact;
// - clients outside the stack (another stack or a person on the same database);
// - RDS's default max_connections (it depends on the instance class's memory): a missing
//   parameter is a violation, not a guess; nor whether a changed max_connections (a static
//   parameter) has been applied yet by a reboot;
// - tasks started outside Pulumi (a manual update-service) and ECS's own rounding (it rounds the
//   surge down: counting up is the safe side);
// - Docker's provider default when deleteBeforeReplace is not set (counted as delete-first, what
//   pulumi-docker does for containers); PgBouncer pools beyond one database and user;
// - a database outside the stack (nothing to check against);
// - an undeclared Throat service is found by its task definition's WORKER_TYPE, often unknown at
//   preview: then that finding waits for the check after `pulumi up`;
// - at preview, values still unknown: the check then reports itself as not run (advisory) and
//   runs for real at `pulumi up`.
import type { StackValidationPolicy } from "@pulumi/policy";
import { ecsLines, rdsLimit } from "./budgetAws";
import {
  dockerWorkerLines,
  pgbouncerContainers,
  pgbouncerLine,
  postgresContainers,
  postgresLimit,
} from "./budgetDocker";
import { Limit, Line, MIGRATIONS, overBudget } from "./budgetLines";
import { T } from "./types";

const FIX = {
  aws: "lower the services' maximum tasks or connections per task (throat:workers.<kind>.replicas, processes, threads, poolSize), lower the deploy surge (throat:deploy.maxPercent), or raise max_connections (throat:database.maxConnections).",
  docker:
    "lower the worker replicas or connections per container (throat:workers.<kind>.replicas, processes, threads, poolSize), replace workers delete-first (throat:deploy.maxPercent below 200), or raise max_connections (throat:database.maxConnections).",
  pgbouncer:
    "lower PgBouncer's pool (throat:database.pgbouncer.poolSize) or raise max_connections (throat:database.maxConnections).",
};

export const connectionBudget: StackValidationPolicy = {
  name: "database-connection-budget",
  description:
    "The connections the worker services can open at the peak of a deploy, plus migrations, fit the database's max_connections minus its reserved slots.",
  enforcementLevel: "mandatory",
  validateStack: (args, reportViolation) => {
    const { resources } = args;
    const check = (limit: Limit | undefined, lines: Line[], fix: string) => {
      const message = limit && overBudget(limit, lines, fix);
      if (limit && message) reportViolation(message, limit.database.urn);
    };

    const instances = resources.filter((r) => r.type === T.rds);
    if (instances.length) {
      const lines = [...ecsLines(resources, reportViolation), MIGRATIONS];
      for (const instance of instances) check(rdsLimit(instance, resources, reportViolation), lines, FIX.aws);
    }

    const servers = postgresContainers(resources);
    if (servers.length) {
      const bouncers = pgbouncerContainers(resources);
      const lines = bouncers.length
        ? bouncers.map((b) => pgbouncerLine(b, reportViolation)).filter((l): l is Line => !!l)
        : dockerWorkerLines(resources, reportViolation);
      for (const server of servers)
        check(postgresLimit(server), [...lines, MIGRATIONS], bouncers.length ? FIX.pgbouncer : FIX.docker);
    }
  },
};
