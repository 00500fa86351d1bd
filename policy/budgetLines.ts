// The connection budget's arithmetic and its report, shared by the AWS and Docker sides.
import type { PolicyResource } from "@pulumi/policy";

/** A database server's limit, as its resource declares it. */
export interface Limit {
  database: PolicyResource;
  /** "RDS instance throat-prod", "PostgreSQL container throat-test-postgres". */
  what: string;
  maxConnections: number;
  /** Slots only superusers may take: the app cannot use them. */
  reserved: number;
}

/** One consumer at its peak. */
export interface Line {
  consumer: string;
  /** How `connections` was reached, for the report. */
  detail: string;
  connections: number;
}

/** deploy.md: each migration holds a connection while it runs; one runs at a time. */
export const MIGRATIONS: Line = { consumer: "migrations", detail: "1 at a time", connections: 1 };

/** The violation message when `lines` do not fit `limit`, else undefined. */
export function overBudget(limit: Limit, lines: Line[], fix: string): string | undefined {
  const peak = lines.reduce((n, l) => n + l.connections, 0);
  const available = limit.maxConnections - limit.reserved;
  if (peak <= available) return undefined;
  return [
    `Connection budget: at the peak of a deploy the stack can open ${peak} connections to ${limit.what}, which accepts ${available} (max_connections ${limit.maxConnections} - ${limit.reserved} reserved): ${peak - available} too many.`,
    ...lines.map((l) => `  ${l.consumer}: ${l.detail} = ${l.connections}`),
    `Fix: ${fix}`,
  ].join("\n");
}
