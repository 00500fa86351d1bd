// The ALB's listener rules, from the route table. ALB facts (the ELB listener-rules docs and
// quotas page): at most 5 condition values per rule, priorities 1..50000, 100 rules per
// listener, path patterns case sensitive, at most 128 characters, `*` any run of characters
// (`/` included), `?` one character, matched against the path only.
import { fnv1a } from "../settings";
import type { Destination, RouteTable } from "./routes";
import { destinationOfPath, destinationOfRoute, PARAM, samplePath, SOCKETIO_PREFIX, STATIC_PREFIX } from "./routes";
import type { Route } from "./routes";
import { albPathPattern, covers, flaskRulePattern, overlaps } from "./pathOverlap";

export const ALB_MAX_VALUES_PER_RULE = 5;
/** "You can include up to five wildcard characters per rule" (ELB listener rule conditions). */
export const ALB_MAX_WILDCARDS_PER_RULE = 5;
export const ALB_MAX_PATTERN_LENGTH = 128;
export const ALB_MAX_PRIORITY = 50000;
export const ALB_MAX_RULES = 100;

/** sync too: a more specific sync rule ahead of a gevent rule whose `*` would take a sync row. */
export type AlbTarget = Destination;

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

/** Each pattern's regex, made once: the checks match every route's sample against every rule. */
const patternRegexes = new Map<string, RegExp>();

export function albPatternMatches(pattern: string, path: string): boolean {
  let regex = patternRegexes.get(pattern);
  if (!regex) {
    const source = pattern
      .replace(/[.+^${}()|[\]\\]/g, "\\$&")
      .replace(/\*/g, ".*")
      .replace(/\?/g, ".");
    regex = new RegExp(`^${source}$`);
    patternRegexes.set(pattern, regex);
  }
  return regex.test(path);
}

/** Where the ALB sends a path: the matching rule of lowest priority number, else the default (sync). */
export function albDestination(rules: AlbRule[], path: string): Destination {
  const hit = [...rules]
    .sort((a, b) => a.priority - b.priority)
    .find((r) => r.pathPatterns.some((p) => albPatternMatches(p, path)));
  return hit ? hit.target : "sync";
}

/** A sync row of the route list that the ALB still sends to another kind, and why. */
export interface AlbSpill {
  rule: string;
  endpoint: string;
  /** The kind that serves it, and by which rule. */
  servedBy: Destination;
  albRule: string;
  why: string;
}

export interface AlbPlan {
  rules: AlbRule[];
  spill: AlbSpill[];
}

/** The sync rules' priorities: after socket.io and static, before every gevent block. */
const SYNC_FIRST = 100;
const GEVENT_FIRST = 1000;

/**
 * Priorities: socket.io 10, static 20, then one block per first path segment of the gevent
 * rules (`/api/...`, `/login...`), placed by a hash of the segment: adding a route changes
 * only its own group's rules, never renumbers the others. Between them, from 100, the sync rules
 * that keep sync rows off a gevent rule's `*` (addSyncRules).
 */
export function planAlbRules(routes: RouteTable): AlbPlan {
  const rules: AlbRule[] = [
    { name: "socketio", priority: 10, pathPatterns: [SOCKETIO_PREFIX, `${SOCKETIO_PREFIX}/*`], target: "socketio" },
    { name: "static", priority: 20, pathPatterns: [`${STATIC_PREFIX}*`], target: "static" },
  ];
  const groups = new Map<string, string[]>();
  for (const rule of routes.geventRules) {
    const key = groupKey(rule);
    groups.set(key, [...(groups.get(key) ?? []), rulePattern(rule)]);
  }
  const taken = new Set(rules.map((r) => r.priority));
  for (const key of [...groups.keys()].sort()) {
    const patterns = dropSubsumed(groups.get(key)!);
    const chunks = packPatterns(patterns);
    if (chunks.length > 10)
      throw new Error(`ALB: the gevent routes under /${key} need ${chunks.length} rules; at most 10 per path segment`);
    let base = GEVENT_FIRST + (fnv1a(key) % 4000) * 10;
    while (chunks.some((_, i) => taken.has(base + i))) base = base + 10 > 41000 ? GEVENT_FIRST : base + 10;
    chunks.forEach((chunk, i) => {
      taken.add(base + i);
      rules.push({ name: `gevent-${key}-${i}`, priority: base + i, pathPatterns: chunk, target: "gevent" });
    });
  }
  const spill = addSyncRules(rules, routes);
  const problems = checkAlbRules(rules, routes, spill);
  if (problems.length) throw new Error(`ALB rules:\n  - ${problems.join("\n  - ")}`);
  return { rules, spill };
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

/** The rows no rule of the list marks `gevent`, outside /static/ and /socket.io. */
const syncRows = (routes: RouteTable) => routes.routes.filter((r) => !r.gevent && !destinationOfPath(r.rule));

/** The first rule by priority that takes some path of `rule`. */
function firstTaker(rules: AlbRule[], rule: string): AlbRule | undefined {
  const paths = flaskRulePattern(rule);
  return [...rules]
    .sort((a, b) => a.priority - b.priority)
    .find((r) => r.pathPatterns.some((p) => overlaps(albPathPattern(p), paths)));
}

/** Why a sync rule for `row` cannot be had, or undefined. */
function syncRuleProblem(row: Route, routes: RouteTable, taker: AlbRule): string | undefined {
  if (taker.priority < SYNC_FIRST)
    return `rule ${taker.name} (priority ${taker.priority}) takes it, and the sync rules come after it`;
  const sameRule = routes.routes.find((g) => g.gevent && g.rule === row.rule);
  if (sameRule)
    return `the same path is gevent row ${sameRule.endpoint} (${sameRule.methods.join(", ")}): a path pattern cannot tell them apart`;
  const pattern = rulePattern(row.rule);
  if (wildcards([pattern]) > ALB_MAX_WILDCARDS_PER_RULE)
    return `its pattern ${pattern} has ${wildcards([pattern])} wildcards; ALB allows ${ALB_MAX_WILDCARDS_PER_RULE} per rule`;
  if (pattern.length > ALB_MAX_PATTERN_LENGTH)
    return `its pattern ${pattern} is longer than ALB's ${ALB_MAX_PATTERN_LENGTH} characters`;
  const clash = routes.geventRules.find((g) => overlaps(albPathPattern(pattern), flaskRulePattern(g)));
  if (clash) return `its pattern ${pattern} would also take gevent route ${clash}`;
  return undefined;
}

/**
 * For each sync row that a gevent rule's pattern takes some of, a sync rule of its own
 * pattern ahead of it (`/do/upload/*\/delete/*` before `/do/upload/*`), where
 * that pattern takes no gevent route. Grouped and placed like the gevent rules, from
 * SYNC_FIRST; a group that does not fit ALB's rule quota is left out. Adds to `rules`;
 * returns the rows still served elsewhere.
 */
function addSyncRules(rules: AlbRule[], routes: RouteTable): AlbSpill[] {
  const spill: AlbSpill[] = [];
  const groups = new Map<string, { rows: Route[]; patterns: string[]; taker: AlbRule[] }>();
  for (const row of syncRows(routes)) {
    const taker = firstTaker(rules, row.rule);
    if (!taker) continue;
    const why = syncRuleProblem(row, routes, taker);
    const served = { rule: row.rule, endpoint: row.endpoint, servedBy: taker.target, albRule: taker.name };
    if (why) {
      spill.push({ ...served, why });
      continue;
    }
    const key = groupKey(row.rule);
    const group = groups.get(key) ?? { rows: [], patterns: [], taker: [] };
    groups.set(key, {
      rows: [...group.rows, row],
      patterns: [...group.patterns, rulePattern(row.rule)],
      taker: [...group.taker, taker],
    });
  }
  const taken = new Set(rules.map((r) => r.priority));
  for (const key of [...groups.keys()].sort()) {
    const group = groups.get(key)!;
    const chunks = packPatterns(dropSubsumed(group.patterns));
    let base = SYNC_FIRST + (fnv1a(`sync-${key}`) % ((GEVENT_FIRST - SYNC_FIRST) / 10)) * 10;
    for (let tries = 0; chunks.some((_, i) => taken.has(base + i)) && tries < 100; tries++)
      base = base + 10 >= GEVENT_FIRST ? SYNC_FIRST : base + 10;
    const why =
      rules.length + chunks.length + 1 > ALB_MAX_RULES
        ? `no room for its sync rule: ALB allows ${ALB_MAX_RULES} rules per listener, the default included`
        : chunks.length > 10
          ? `its group /${key} needs ${chunks.length} sync rules; at most 10 per path segment`
          : chunks.some((_, i) => taken.has(base + i))
            ? `no free block of priorities for /${key} in ${SYNC_FIRST}..${GEVENT_FIRST - 1}`
            : undefined;
    if (why) {
      group.rows.forEach((row, i) =>
        spill.push({
          rule: row.rule,
          endpoint: row.endpoint,
          servedBy: group.taker[i]!.target,
          albRule: group.taker[i]!.name,
          why,
        }),
      );
      continue;
    }
    chunks.forEach((chunk, i) => {
      taken.add(base + i);
      rules.push({ name: `sync-${key}-${i}`, priority: base + i, pathPatterns: chunk, target: "sync" });
    });
  }
  return spill;
}

/** The rule group of a route: its first path segment (`/api/...` -> api). */
const groupKey = (rule: string) => rule.split("/")[1]!.replace(/[^A-Za-z0-9-]/g, "") || "root";

/** ALB's limits, and every rule of the route list routed where it must go (`spill`: the sync rows known not to). */
export function checkAlbRules(rules: AlbRule[], routes: RouteTable, spill: AlbSpill[] = []): string[] {
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
  const listed = (route: Route) => spill.some((s) => s.rule === route.rule && s.endpoint === route.endpoint);
  for (const route of routes.routes) {
    const want = destinationOfRoute(routes, route.rule);
    const got = albDestination(rules, samplePath(route.rule));
    if (got !== want && !(want === "sync" && listed(route)))
      problems.push(`${route.rule} (${route.endpoint}) reaches ${got}, must reach ${want}`);
  }
  // Every path of a gevent route, not just its sample: a sync rule must take none of them.
  for (const rule of routes.geventRules) {
    const taker = firstTaker(rules, rule);
    if (taker?.target === "sync") problems.push(`rule ${taker.name} (sync) takes paths of gevent route ${rule}`);
  }
  // Every path of a sync row reaches sync, unless the plan lists it as served elsewhere.
  for (const row of syncRows(routes).filter((r) => destinationOfRoute(routes, r.rule) === "sync" && !listed(r))) {
    const paths = flaskRulePattern(row.rule);
    const first = [...rules]
      .sort((a, b) => a.priority - b.priority)
      .find((r) =>
        r.pathPatterns.some((p) =>
          r.target === "sync" ? covers(albPathPattern(p), paths) : overlaps(albPathPattern(p), paths),
        ),
      );
    if (first && first.target !== "sync")
      problems.push(
        `${row.rule} (${row.endpoint}): some of its paths reach ${first.target} (rule ${first.name}), must reach sync`,
      );
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
