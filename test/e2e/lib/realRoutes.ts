// The route sweep on the REAL Throat: the stand-in answers with its worker kind, the real app
// cannot. So each request carries a marker of its own in the query string, and the kind that
// answered is the kind of the process whose log holds that marker: the plan's own gunicorn
// access log (components/plan/accessLog.ts, stdout, which the harness keeps per process). A row sent anywhere but its kind is a
// row `misrouted` names, whichever edge sent it there.
import {
  destinationOfRoute,
  samplePath,
  STATIC_PREFIX,
  type Route,
  type RouteTable,
} from "../../../components/plan/routes";
import type { Harness } from "../harness";
import { mapLimited } from "./concurrency";
import { httpRequest } from "../support";

/** Throat's route-kind guard (throat_prod.py, app/misc.py gevent_required): its words. */
export const GUARD_TEXT = "Load balancer misconfiguration";

/**
 * The rows Throat itself (b6d008a3, the tree CI has) answers 500 on any deployment, with the
 * error each raises: the sweep expects exactly these, so a new 5xx fails it and a fixed one
 * is noticed. The stand-in has none. Another Throat commit may need this list revised.
 */
export const THROAT_OWN_500S: Record<string, string> = {
  // The rule gives no `page`, the view requires it (every request to the rule fails).
  "/all/<sort>/more": "TypeError: all_more() missing 1 required positional argument: 'page'",
  "/home/<sort>/more": "TypeError: home_more() missing 1 required positional argument: 'page'",
  "/search/<term>/.rss": "TypeError: search_and_build_feed() missing 1 required positional argument: 'page'",
  // Reads ?pid= unchecked (a browser's script always sends it).
  "/api/v3/sub/rules": 'peewee.DataError: invalid input syntax for type integer: ""',
  // Only the KEYCLOAK provider sets keycloak_openid; the test plan's auth.provider is LOCAL.
  "/login/oidc": "AttributeError: 'AuthProvider' object has no attribute 'keycloak_openid'",
  // A random sub of a site that has none yet.
  "/random": "IndexError: list index out of range",
};

/** The paths of Flask's "Exception on <path> [<method>]" lines in a log. */
export function exceptionPaths(log: string): string[] {
  return [...log.matchAll(/^ERROR:app:Exception on (\S+) \[/gm)].map((m) => m[1]!);
}

export interface SweepResult {
  rule: string;
  endpoint: string;
  method: string;
  path: string;
  status: number;
  want: string;
  /** The kinds whose processes logged this request (exactly one when it was served once). */
  got: string[];
  guardInBody: boolean;
}

/**
 * Values Throat accepts where samplePath's generic ones make the view itself fail: post ids
 * are integers in the database even where the rule takes a string, sorts and post types are
 * words from short lists. Every other parameter takes samplePath's value.
 */
const PLAUSIBLE: Record<string, string> = { pid: "7", sort: "new", ptype: "text" };

export function plausiblePath(rule: string): string {
  return samplePath(rule.replace(/<(\w+)>/g, (param, name: string) => PLAUSIBLE[name] ?? param));
}

/** Every rule of the table but the one /static/ rule (nginx serves it from disk). */
export function sweptRows(table: RouteTable): Route[] {
  return table.routes.filter((r) => !r.rule.startsWith(STATIC_PREFIX));
}

/** GET where the rule takes it, else its first method; POSTs carry a small form. */
function requestOf(route: Route): { method: string; body?: string; headers?: Record<string, string> } {
  const method = route.methods.includes("GET") ? "GET" : (route.methods[0] ?? "GET");
  if (method === "GET" || method === "DELETE") return { method };
  // A search term: /do/search reads its form's `term` unchecked; other views ignore it.
  return { method, body: "term=e2e", headers: { "content-type": "application/x-www-form-urlencoded" } };
}

/**
 * Sends each row once to `baseUrl(row)` (the edge, or on purpose a wrong process) and reads
 * which kinds logged it. `tag` keeps two sweeps' markers apart.
 */
export async function sweep(
  h: Harness,
  table: RouteTable,
  rows: Route[],
  tag: string,
  baseUrl: (row: Route) => string,
): Promise<SweepResult[]> {
  const sent = await mapLimited(rows, 4, async (route, i) => {
    const { method, body, headers } = requestOf(route);
    // Fixed width, so no marker is the prefix of another.
    const marker = `e2e-${tag}-${String(i).padStart(4, "0")}`;
    const path = plausiblePath(route.rule);
    const res = await httpRequest(`${baseUrl(route)}${path}?${marker}`, { method, body, headers, timeoutMs: 60_000 });
    return { route, method, path, marker, status: res.status, guardInBody: res.text().includes(GUARD_TEXT) };
  });
  // gunicorn writes the access line after the response: wait until every marker is in a log.
  let logs = h.workers.map((w) => ({ kind: w.kind, text: h.log(w.name) }));
  for (let i = 0; i < 50 && !sent.every((s) => logs.some((l) => l.text.includes(s.marker))); i++) {
    await new Promise((r) => setTimeout(r, 100));
    logs = h.workers.map((w) => ({ kind: w.kind, text: h.log(w.name) }));
  }
  return sent.map((s) => ({
    rule: s.route.rule,
    endpoint: s.route.endpoint,
    method: s.method,
    path: s.path,
    status: s.status,
    want: destinationOfRoute(table, s.route.rule),
    got: logs.filter((l) => l.text.includes(`${s.marker} `)).map((l) => l.kind),
    guardInBody: s.guardInBody,
  }));
}

/** The kinds whose processes' access logs hold `marker`, once one does (up to 5 s). */
export async function servedBy(h: Harness, marker: string): Promise<string[]> {
  const kinds = () => h.workers.filter((w) => h.log(w.name).includes(`${marker} `)).map((w) => w.kind);
  for (let i = 0; i < 50 && kinds().length === 0; i++) await new Promise((r) => setTimeout(r, 100));
  return kinds();
}

/** Rows not served exactly once, by their own kind: what a misrouting edge leaves behind. */
export function misrouted(results: SweepResult[]): SweepResult[] {
  return results.filter((r) => r.got.length !== 1 || r.got[0] !== r.want);
}
