// The Docker side of the connection budget: PostgreSQL's limit from its container's command
// line, PgBouncer's server-side pool from the ini it is given, and what each worker container
// declares it may open (a label the Docker target sets from the plan).
import type { PolicyResource, ReportViolation } from "@pulumi/policy";
import { DOCKER_CONNECTIONS_LABEL, DOCKER_TIER_LABEL } from "./contract";
import { dockerEnv, dockerLabels, dockerName } from "./containers";
import { integer, known, list, read, record, text } from "./data";
import type { Limit, Line } from "./budgetLines";
import { T } from "./types";

/** PostgreSQL's defaults: max_connections 100, superuser_reserved_connections 3, reserved_connections 0 (16+). */
const POSTGRES_DEFAULTS = { max_connections: 100, superuser_reserved_connections: 3, reserved_connections: 0 };
/** PgBouncer's defaults: default_pool_size 20, reserve_pool_size 0, max_db_connections 0 (no cap). */
const PGBOUNCER_DEFAULTS = { default_pool_size: 20, reserve_pool_size: 0 };

const containers = (resources: PolicyResource[]) => resources.filter((r) => r.type === T.container);
const command = (r: PolicyResource) => list(known(read(r.props, "command"))).map((a) => String(text(a) ?? ""));

/** A container replaced create-before-delete runs twice during the replacement. */
const copies = (r: PolicyResource) => (r.opts.deleteBeforeReplace === false ? 2 : 1);
const copiesDetail = (r: PolicyResource) =>
  copies(r) === 2 ? "2 (replaced create-before-delete)" : "1 (replaced delete-first)";

export function postgresContainers(resources: PolicyResource[]): PolicyResource[] {
  return containers(resources).filter(
    (r) => command(r)[0] === "postgres" || dockerLabels(r.props).get(DOCKER_TIER_LABEL) === "database",
  );
}

export function postgresLimit(r: PolicyResource): Limit {
  const settings = postgresSettings(command(r));
  const get = (k: keyof typeof POSTGRES_DEFAULTS) => integer(settings.get(k)) ?? POSTGRES_DEFAULTS[k];
  return {
    database: r,
    what: `PostgreSQL container ${dockerName(r)}`,
    maxConnections: get("max_connections"),
    reserved: get("superuser_reserved_connections") + get("reserved_connections"),
  };
}

/** Run-time settings on a postgres command line: `-c name=value`, `-cname=value`, `--name=value`, `-N n`. */
export function postgresSettings(args: string[]): Map<string, string> {
  const settings = new Map<string, string>();
  for (let i = 0; i < args.length; i++) {
    const a = args[i] ?? "";
    let pair: string | undefined;
    if (a === "-c") pair = args[++i];
    else if (a.startsWith("-c")) pair = a.slice(2);
    else if (a.startsWith("--") && a.includes("=")) pair = a.slice(2);
    else if (a === "-N") pair = `max_connections=${args[++i] ?? ""}`;
    if (!pair?.includes("=")) continue;
    const eq = pair.indexOf("=");
    settings.set(pair.slice(0, eq).trim().replace(/-/g, "_"), pair.slice(eq + 1).trim());
  }
  return settings;
}

export const pgbouncerContainers = (resources: PolicyResource[]) =>
  containers(resources).filter((r) => dockerName(r).endsWith("-pgbouncer"));

/**
 * PgBouncer's server side: max_db_connections when it caps the database, else default_pool_size
 * plus reserve_pool_size (one pool: the stack has one database and one user).
 */
export function pgbouncerLine(r: PolicyResource, reportViolation: ReportViolation): Line | undefined {
  const uploads = list(known(read(r.props, "uploads"))).map((u) => record(u) ?? {});
  const ini = uploads.find((u) => text(u.file)?.endsWith("pgbouncer.ini"));
  const content = ini && text(known(ini.content));
  if (content === undefined) {
    reportViolation(
      `PgBouncer container ${dockerName(r)}: no pgbouncer.ini among its uploads, so its server-side pool cannot be checked against PostgreSQL's limit. Upload the ini the stack renders (components/docker/pgbouncer.ts).`,
      r.urn,
    );
    return undefined;
  }
  const settings = iniSection(content, "pgbouncer");
  const cap = integer(settings.get("max_db_connections"));
  const pool =
    cap && cap > 0
      ? cap
      : (integer(settings.get("default_pool_size")) ?? PGBOUNCER_DEFAULTS.default_pool_size) +
        (integer(settings.get("reserve_pool_size")) ?? PGBOUNCER_DEFAULTS.reserve_pool_size);
  const source = cap && cap > 0 ? "max_db_connections" : "default_pool_size + reserve_pool_size";
  return {
    consumer: dockerName(r),
    detail: `pool ${pool} (${source}) x ${copiesDetail(r)}`,
    connections: pool * copies(r),
  };
}

function iniSection(content: string, section: string): Map<string, string> {
  const values = new Map<string, string>();
  let current = "";
  for (const raw of content.split(/\r?\n/)) {
    const line = raw.trim();
    if (!line || line.startsWith(";") || line.startsWith("#")) continue;
    const header = /^\[(.+)\]$/.exec(line);
    if (header) current = (header[1] ?? "").trim().toLowerCase();
    else if (current === section && line.includes("="))
      values.set(line.slice(0, line.indexOf("=")).trim().toLowerCase(), line.slice(line.indexOf("=") + 1).trim());
  }
  return values;
}

/** One line per worker container that declares its connections; a Throat container that does not is a violation. */
export function dockerWorkerLines(resources: PolicyResource[], reportViolation: ReportViolation): Line[] {
  const lines: Line[] = [];
  for (const c of containers(resources)) {
    const declared = known(dockerLabels(c.props).get(DOCKER_CONNECTIONS_LABEL));
    if (declared === undefined) {
      const kind = dockerEnv(c.props).env.get("WORKER_TYPE");
      if (kind)
        reportViolation(
          `Docker container ${dockerName(c)} runs Throat (WORKER_TYPE ${kind}) but declares no ${DOCKER_CONNECTIONS_LABEL} label: label it with the connections it opens at most (components/docker/workers.ts sets it from the plan).`,
          c.urn,
        );
      continue;
    }
    const perContainer = integer(declared);
    if (perContainer === undefined) {
      reportViolation(
        `Docker container ${dockerName(c)}: label ${DOCKER_CONNECTIONS_LABEL} must be a whole number (got ${JSON.stringify(declared)}).`,
        c.urn,
      );
      continue;
    }
    lines.push({
      consumer: dockerName(c),
      detail: `${perContainer} x ${copiesDetail(c)}`,
      connections: perContainer * copies(c),
    });
  }
  return lines;
}
