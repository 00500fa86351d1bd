// The ALB's listener rules, from the route table. ALB facts (the ELB listener-rules docs and
// quotas page): at most 5 condition values per rule, priorities 1..50000, 100 rules per
// listener, path patterns case sensitive, at most 128 characters, `*` any run of characters
// (`/` included), `?` one character, matched against the path only.
import { fnv1a } from "../settings";
import type { Destination, RouteTable } from "./routes";
import { destinationOfRoute, PARAM, samplePath, SOCKETIO_PREFIX, STATIC_PREFIX } from "./routes";

export const ALB_MAX_VALUES_PER_RULE = 5;
/** "You can include up to five wildcard characters per rule" (ELB listener rule conditions). */
export const ALB_MAX_WILDCARDS_PER_RULE = 5;
export const ALB_MAX_PATTERN_LENGTH = 128;
export const ALB_MAX_PRIORITY = 50000;
export const ALB_MAX_RULES = 100;

export type AlbTarget = Exclude<Destination, "sync">;

export interface AlbRule {
  /** Logical name: stable while the group's routes stay. */
  name: string;
  priority: number;
  pathPatterns: string[];
  target: AlbTarget;
}

/** A rule's ALB pattern: each parameter becomes `*` (broader than the rule: harmless for gevent). */
export function rulePattern(rule: string): string {
  return rule.replace(new RegExp(PARAM.source, "g"), "*");
}

export function albPatternMatches(pattern: string, path: string): boolean {
  const regex = pattern
    .replace(/[.+^${}()|[\]\\]/g, "\\$&")
    .replace(/\*/g, ".*")
    .replace(/\?/g, ".");
  return new RegExp(`^${regex}$`).test(path);
}

/** Where the ALB sends a path: the matching rule of lowest priority number, else the default (sync). */
export function albDestination(rules: AlbRule[], path: string): Destination {
  const hit = [...rules]
    .sort((a, b) => a.priority - b.priority)
    .find((r) => r.pathPatterns.some((p) => albPatternMatches(p, path)));
  return hit ? hit.target : "sync";
}

/**
 * Priorities: socket.io 10, static 20, then one block per first path segment of the gevent
 * rules (`/api/...`, `/login...`), placed by a hash of the segment: adding a route changes
 * only its own group's rules, never renumbers the others.
 */
export function planAlbRules(routes: RouteTable): AlbRule[] {
  const rules: AlbRule[] = [
    { name: "socketio", priority: 10, pathPatterns: [SOCKETIO_PREFIX, `${SOCKETIO_PREFIX}/*`], target: "socketio" },
    { name: "static", priority: 20, pathPatterns: [`${STATIC_PREFIX}*`], target: "static" },
  ];
  const groups = new Map<string, string[]>();
  for (const rule of routes.geventRules) {
    const key = rule.split("/")[1]!.replace(/[^A-Za-z0-9-]/g, "") || "root";
    groups.set(key, [...(groups.get(key) ?? []), rulePattern(rule)]);
  }
  const taken = new Set(rules.map((r) => r.priority));
  for (const key of [...groups.keys()].sort()) {
    const patterns = dropSubsumed(groups.get(key)!);
    const chunks = packPatterns(patterns);
    if (chunks.length > 10)
      throw new Error(`ALB: the gevent routes under /${key} need ${chunks.length} rules; at most 10 per path segment`);
    let base = 1000 + (fnv1a(key) % 4000) * 10;
    while (chunks.some((_, i) => taken.has(base + i))) base = base + 10 > 41000 ? 1000 : base + 10;
    chunks.forEach((chunk, i) => {
      taken.add(base + i);
      rules.push({ name: `gevent-${key}-${i}`, priority: base + i, pathPatterns: chunk, target: "gevent" });
    });
  }
  const problems = checkAlbRules(rules, routes);
  if (problems.length) throw new Error(`ALB rules:\n  - ${problems.join("\n  - ")}`);
  return rules;
}

/** Fills rules in order: a new rule when the next pattern would pass 5 values or 5 wildcards. */
function packPatterns(patterns: string[]): string[][] {
  const chunks: string[][] = [];
  let current: string[] = [];
  for (const p of patterns) {
    if (current.length === ALB_MAX_VALUES_PER_RULE || wildcards([...current, p]) > ALB_MAX_WILDCARDS_PER_RULE) {
      chunks.push(current);
      current = [];
    }
    current.push(p);
  }
  if (current.length) chunks.push(current);
  return chunks;
}

const wildcards = (patterns: string[]) => patterns.join("").replace(/[^*?]/g, "").length;

/** Patterns made redundant by a broader one in the same list (`/submit/*` covers `/submit/*\/*`). */
function dropSubsumed(patterns: string[]): string[] {
  const unique = [...new Set(patterns)].sort();
  return unique.filter((q) => !unique.some((p) => p !== q && albPatternMatches(p, q)));
}

/** ALB's limits, and every rule of the route list routed where it must go. */
export function checkAlbRules(rules: AlbRule[], routes: RouteTable): string[] {
  const problems: string[] = [];
  const priorities = new Set<number>();
  if (rules.length + 1 > ALB_MAX_RULES)
    problems.push(`${rules.length} rules plus the default exceed ALB's ${ALB_MAX_RULES}`);
  for (const r of rules) {
    if (r.pathPatterns.length > ALB_MAX_VALUES_PER_RULE)
      problems.push(`rule ${r.name}: ${r.pathPatterns.length} path patterns, ALB allows ${ALB_MAX_VALUES_PER_RULE}`);
    if (wildcards(r.pathPatterns) > ALB_MAX_WILDCARDS_PER_RULE)
      problems.push(
        `rule ${r.name}: ${wildcards(r.pathPatterns)} wildcards, ALB allows ${ALB_MAX_WILDCARDS_PER_RULE} per rule`,
      );
    if (r.priority < 1 || r.priority > ALB_MAX_PRIORITY)
      problems.push(`rule ${r.name}: priority ${r.priority} outside 1..${ALB_MAX_PRIORITY}`);
    if (priorities.has(r.priority)) problems.push(`rule ${r.name}: priority ${r.priority} used twice`);
    priorities.add(r.priority);
    for (const p of r.pathPatterns)
      if (p.length > ALB_MAX_PATTERN_LENGTH)
        problems.push(`rule ${r.name}: pattern ${p} longer than ${ALB_MAX_PATTERN_LENGTH}`);
  }
  for (const route of routes.routes) {
    const want = destinationOfRoute(routes, route.rule);
    const got = albDestination(rules, samplePath(route.rule));
    // A sync route on a gevent worker is harmless (docs/throat-contract.md, Routing); anything else is a misroute.
    if (got !== want && !(want === "sync" && got === "gevent"))
      problems.push(`${route.rule} (${route.endpoint}) reaches ${got}, must reach ${want}`);
  }
  for (const [path, want] of [
    [SOCKETIO_PREFIX, "socketio"],
    [`${SOCKETIO_PREFIX}/`, "socketio"],
    [`${STATIC_PREFIX}css/x.css`, "static"],
  ] as const) {
    if (albDestination(rules, path) !== want) problems.push(`${path} must reach ${want}`);
  }
  return problems;
}
