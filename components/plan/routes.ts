// The route table: `./throat.py route list` output -> which worker kind serves each path.
// Four classes: `/static/` (nginx, from disk), `/socket.io` (socketio workers), the rules the
// list marks `gevent` (gevent workers), everything else (sync workers).
import type { WorkerKind } from "../settings";

export interface Route {
  rule: string;
  endpoint: string;
  methods: string[];
  /** The route list's Notes column says `gevent`: a sync worker would fail it. */
  gevent: boolean;
}

export type Destination = WorkerKind | "static";

export interface RouteTable {
  routes: Route[];
  /** The distinct rules that must reach a gevent worker, sorted. */
  geventRules: string[];
}

export const SOCKETIO_PREFIX = "/socket.io";
export const STATIC_PREFIX = "/static/";

export class RouteListError extends Error {}

/**
 * Parses the fixed-width table. Column starts come from the header line, so a wider Rule
 * column in a future Throat still parses; a line that does not fit is an error naming it.
 */
export function parseRouteList(text: string, source = "route list"): RouteTable {
  const lines = text.split(/\r?\n/);
  const headerIndex = lines.findIndex((l) => /^Rule\s+Endpoint\s+Methods\s+Notes\s*$/.test(l));
  if (headerIndex < 0)
    throw new RouteListError(
      `${source}: no header line "Rule  Endpoint  Methods  Notes": is this the output of ./throat.py route list?`,
    );
  const header = lines[headerIndex]!;
  const cols = ["Endpoint", "Methods", "Notes"].map((c) => header.indexOf(c)) as [number, number, number];
  const routes: Route[] = [];
  lines.slice(headerIndex + 1).forEach((line, i) => {
    if (!line.trim() || /^-+$/.test(line.trim())) return;
    const rule = line.slice(0, cols[0]).trim();
    const endpoint = line.slice(cols[0], cols[1]).trim();
    const methods = line.slice(cols[1], cols[2]).trim();
    const notes = line.slice(cols[2]).trim();
    if (!rule.startsWith("/") || !endpoint || !methods) {
      throw new RouteListError(
        `${source}, line ${headerIndex + 2 + i}: cannot read "${line.trim()}" as rule / endpoint / methods`,
      );
    }
    routes.push({ rule, endpoint, methods: methods.split(/,\s*/), gevent: /\bgevent\b/.test(notes) });
  });
  if (!routes.length) throw new RouteListError(`${source}: the table has no routes`);
  for (const r of routes) {
    if (r.gevent && (destinationOfPath(r.rule) === "static" || isSocketio(r.rule))) {
      throw new RouteListError(
        `${source}: gevent route ${r.rule} lies under ${STATIC_PREFIX} or ${SOCKETIO_PREFIX}, which have their own destinations`,
      );
    }
  }
  const geventRules = [...new Set(routes.filter((r) => r.gevent).map((r) => r.rule))].sort();
  // A rule served by several endpoints must agree: if any needs gevent, it goes to gevent.
  return { routes, geventRules };
}

export function isSocketio(path: string): boolean {
  return path === SOCKETIO_PREFIX || path.startsWith(`${SOCKETIO_PREFIX}/`);
}

/** The paths that are not in the route list: what a destination is for them, by prefix alone. */
export function destinationOfPath(path: string): Destination | undefined {
  if (path.startsWith(STATIC_PREFIX)) return "static";
  if (isSocketio(path)) return "socketio";
  return undefined;
}

/** Where a rule of the route list must be served. */
export function destinationOfRoute(table: RouteTable, rule: string): Destination {
  return destinationOfPath(rule) ?? (table.geventRules.includes(rule) ? "gevent" : "sync");
}

/** Flask/werkzeug converters in a rule: `<name>`, `<int:page>`, `<path:p>`. */
export const PARAM = /<(?:(\w+)(?:\([^)]*\))?:)?(\w+)>/g;

export function hasParams(rule: string): boolean {
  return new RegExp(PARAM.source).test(rule);
}

/** A concrete path for a rule, with a sample value per parameter (for tests and checks). */
export function samplePath(rule: string): string {
  return rule.replace(new RegExp(PARAM.source, "g"), (_m, converter: string | undefined, name: string) => {
    if (converter === "int") return "7";
    if (converter === "float") return "1.5";
    if (converter === "path") return `${name}/deep`;
    return `sample-${name.replace(/_/g, "")}`;
  });
}
