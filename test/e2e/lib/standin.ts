// What the stand-in app answers (test/fixtures/standin-app/README.md), typed, and how to send
// a request a route-list rule accepts.
import { samplePath, type Route } from "../../../components/plan/routes";

export interface Typed {
  value: unknown;
  type: string;
}

/** GET /_standin/info */
export interface StandinInfo {
  worker_type: string;
  pid: number;
  gevent_patched: boolean;
  remote_addr: string;
  config: Record<string, Typed>;
  database: { class: string; max_connections: Typed; timeout: Typed; stale_timeout: Typed };
  /** Flask's MAX_CONTENT_LENGTH (Throat: app.max_content_length). */
  max_content_length: number;
  languages: string[];
  /** cache.type, flask-caching's backend class, whether cache.redis_url arrived. */
  cache: { type: string; backend: string; redis_url_set: boolean };
  /** The mail section without the password, and whether MAIL_PASSWORD arrived. */
  mail: Record<string, unknown> & { password_set: boolean };
}

/** Every route-list rule's answer. */
export interface RouteAnswer {
  rule: string;
  endpoint: string;
  worker_type: string;
  pid: number;
  remote_addr: string;
  body_bytes?: number;
}

/** Method, concrete path and body for a rule: GET when it accepts GET (no body), else its first method. */
export function requestFor(route: Route, query = ""): { method: string; path: string; body?: string } {
  const method = route.methods.includes("GET") ? "GET" : (route.methods[0] ?? "GET");
  const path = samplePath(route.rule) + query;
  return method === "GET" ? { method, path } : { method, path, body: "x=1" };
}

/** A rule of the list without parameters that accepts GET and needs (or not) gevent. */
export function plainGetRoute(routes: Route[], gevent: boolean): Route {
  const found = routes.find((r) => r.gevent === gevent && r.methods.includes("GET") && !r.rule.includes("<"));
  if (!found) throw new Error(`route list: no plain GET rule with gevent=${gevent}`);
  return found;
}

/** Shared, slow machine: generous limits everywhere, never a timing assertion. */
export const SLOW = 120_000;
