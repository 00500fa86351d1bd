// Which paths two path patterns share: an ALB path pattern (`*` any run of characters, `/`
// included; `?` one character) or a Flask rule (`<name>` one or more characters other than `/`,
// `<path:p>` one or more of any). Both are regular languages over the path's characters, so
// "some path matches both" and "every path B matches, A matches" are exact answers from small
// automata, not guesses from sample paths (a sample cannot show that `/do/upload/*` also takes
// `/do/upload/<sub>/delete/<name>`). int, float and uuid converters are read as `<name>`: a
// superset, so an overlap found may be wider than Flask's, never narrower.
import { PARAM } from "./routes";

/** One character of a class, or (star) any run of them. */
interface Step {
  /** `undefined`: any character; `"/"`-free: `notSlash`; else exactly `char`. */
  char?: string;
  notSlash?: boolean;
  star: boolean;
}

/** A pattern as steps: what the automata run on. */
export type PathPattern = Step[];

const literal = (char: string): Step => ({ char, star: false });
const ANY_ONE: Step = { star: false };
const ANY_RUN: Step = { star: true };
const SEGMENT_ONE: Step = { notSlash: true, star: false };
const SEGMENT_RUN: Step = { notSlash: true, star: true };

/** Compiled patterns by source: the plan asks about the same few hundred again and again. */
const compiled = new Map<string, PathPattern>();
const memo = (key: string, make: () => PathPattern) => compiled.get(key) ?? compiled.set(key, make()).get(key)!;

export function albPathPattern(pattern: string): PathPattern {
  return memo(`alb ${pattern}`, () => albSteps(pattern));
}

export function flaskRulePattern(rule: string): PathPattern {
  return memo(`flask ${rule}`, () => flaskSteps(rule));
}

function albSteps(pattern: string): PathPattern {
  return [...pattern].map((c) => (c === "*" ? ANY_RUN : c === "?" ? ANY_ONE : literal(c)));
}

function flaskSteps(rule: string): PathPattern {
  const steps: Step[] = [];
  let last = 0;
  for (const m of rule.matchAll(new RegExp(PARAM.source, "g"))) {
    steps.push(...[...rule.slice(last, m.index)].map(literal));
    // One or more characters: one, then any run.
    steps.push(...(m[1] === "path" ? [ANY_ONE, ANY_RUN] : [SEGMENT_ONE, SEGMENT_RUN]));
    last = m.index + m[0].length;
  }
  steps.push(...[...rule.slice(last)].map(literal));
  return steps;
}

const accepts = (s: Step, c: string) => (s.char !== undefined ? s.char === c : !(s.notSlash && c === "/"));

/** Positions reachable without reading a character (skipping star steps). */
function closure(p: PathPattern, positions: Iterable<number>): Set<number> {
  const out = new Set<number>();
  for (let i of positions) {
    out.add(i);
    while (i < p.length && p[i]!.star) out.add(++i);
  }
  return out;
}

/** Positions after reading `c` from `from` (a star step stays put, any other moves on). */
function advance(p: PathPattern, from: Set<number>, c: string): Set<number> {
  const next: number[] = [];
  for (const i of from) {
    const s = p[i];
    if (s && accepts(s, c)) next.push(s.star ? i : i + 1);
  }
  return closure(p, next);
}

/**
 * Characters that stand for every character: each literal of either pattern, `/`, and one
 * character neither names (all the others behave alike in both patterns).
 */
function alphabet(a: PathPattern, b: PathPattern): string[] {
  const named = new Set(["/", ...[...a, ...b].flatMap((s) => (s.char !== undefined ? [s.char] : []))]);
  let other = 1;
  while (named.has(String.fromCharCode(other))) other++;
  return [...named, String.fromCharCode(other)];
}

/**
 * Walks both patterns together over every path (breadth first over position sets); `stop`
 * says, at each pair of position sets, whether the answer is found.
 */
function explore(a: PathPattern, b: PathPattern, stop: (sa: Set<number>, sb: Set<number>) => boolean): boolean {
  const chars = alphabet(a, b);
  const key = (sa: Set<number>, sb: Set<number>) => `${[...sa].sort().join(",")}|${[...sb].sort().join(",")}`;
  let frontier: Array<[Set<number>, Set<number>]> = [[closure(a, [0]), closure(b, [0])]];
  const seen = new Set(frontier.map(([sa, sb]) => key(sa, sb)));
  while (frontier.length) {
    const next: Array<[Set<number>, Set<number>]> = [];
    for (const [sa, sb] of frontier) {
      if (stop(sa, sb)) return true;
      for (const c of chars) {
        const pair: [Set<number>, Set<number>] = [advance(a, sa, c), advance(b, sb, c)];
        // B has no way on: no path that B matches continues here.
        if (!pair[1].size) continue;
        const k = key(...pair);
        if (!seen.has(k)) {
          seen.add(k);
          next.push(pair);
        }
      }
    }
    frontier = next;
  }
  return false;
}

/** The literal characters a pattern starts with (`fromEnd`: ends with), up to its first other step. */
const literalRuns = new WeakMap<PathPattern, [string, string]>();
function literalRun(p: PathPattern, fromEnd: boolean): string {
  const known = literalRuns.get(p) ?? literalRuns.set(p, [literalSteps(p, false), literalSteps(p, true)]).get(p)!;
  return known[fromEnd ? 1 : 0];
}

function literalSteps(p: PathPattern, fromEnd: boolean): string {
  const steps = fromEnd ? [...p].reverse() : p;
  const end = steps.findIndex((s) => s.char === undefined);
  return steps
    .slice(0, end < 0 ? steps.length : end)
    .map((s) => s.char)
    .join("");
}

/**
 * A quick no: two patterns whose literal starts (or ends) differ share no path. Most pairs of
 * routes part within their first segment; this spares the walk for them (the plan compares
 * every sync row with every rule).
 */
function partEarly(a: PathPattern, b: PathPattern): boolean {
  return [false, true].some((fromEnd) => {
    const [x, y] = [literalRun(a, fromEnd), literalRun(b, fromEnd)];
    const n = Math.min(x.length, y.length);
    return fromEnd ? x.slice(x.length - n) !== y.slice(y.length - n) : x.slice(0, n) !== y.slice(0, n);
  });
}

/** Some path matches both patterns. */
export function overlaps(a: PathPattern, b: PathPattern): boolean {
  if (partEarly(a, b)) return false;
  return explore(a, b, (sa, sb) => sa.has(a.length) && sb.has(b.length));
}

/** Every path that `b` matches, `a` matches too. */
export function covers(a: PathPattern, b: PathPattern): boolean {
  // Every pattern here matches some path: one that parts early from `a` is not covered by it.
  if (partEarly(a, b)) return false;
  return !explore(a, b, (sa, sb) => sb.has(b.length) && !sa.has(a.length));
}
