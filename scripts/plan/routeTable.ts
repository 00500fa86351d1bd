// Every distinct rule of the route list with the worker kind that serves it and where the edge
// sends it: the nginx location (nginx edge) or the ALB listener rule (prod). What a reviewer's
// diff compares to say that a route moved between kinds, and what it now matches.
import type { Plan } from "../../components/plan";
import { albPatternMatches } from "../../components/plan/alb";
import type { AlbSpill } from "../../components/plan/alb";
import { ruleRegex } from "../../components/plan/nginx";
import {
  destinationOfRoute,
  hasParams,
  samplePath,
  SOCKETIO_PREFIX,
  STATIC_PREFIX,
} from "../../components/plan/routes";

export interface RouteEntry {
  rule: string;
  kind: string;
  /** The edge's match: `nginx: location = /login` or `ALB rule gevent-login-0 (priority 36700)`. */
  edge: string;
  /** prod: the rule's sync rows the ALB still sends to another kind, and why (plan.edge.spill). */
  spill?: string[];
}

function nginxLocation(kind: string, rule: string): string {
  if (kind === "gevent") return hasParams(rule) ? `~ ${ruleRegex(rule)}` : `= ${rule}`;
  if (kind === "static") return `^~ ${STATIC_PREFIX}`;
  if (kind === "socketio") return rule === SOCKETIO_PREFIX ? `= ${SOCKETIO_PREFIX}` : `^~ ${SOCKETIO_PREFIX}/`;
  return "/";
}

export function routeEntries(plan: Plan): RouteEntry[] {
  const rules = [...new Set(plan.routes.routes.map((r) => r.rule))].sort();
  return rules.map((rule) => {
    const kind = destinationOfRoute(plan.routes, rule);
    const albRules = plan.edge.albRules;
    if (!albRules) return { rule, kind, edge: `nginx: location ${nginxLocation(kind, rule)}` };
    const path = samplePath(rule);
    const alb = [...albRules]
      .sort((a, b) => a.priority - b.priority)
      .find((r) => r.pathPatterns.some((p) => albPatternMatches(p, path)));
    const spill = (plan.edge.spill ?? []).filter((s) => s.rule === rule).map(spillText);
    return {
      rule,
      kind,
      edge: alb ? `ALB rule ${alb.name} (priority ${alb.priority})` : "ALB default action",
      ...(spill.length ? { spill } : {}),
    };
  });
}

const spillText = (s: AlbSpill) => `${s.endpoint} -> ${s.servedBy} (ALB rule ${s.albRule}): ${s.why}`;

/**
 * The plan print's lines for the ALB's sync rules and the sync rows it still sends elsewhere
 * (a sync row on a gevent worker is harmless, docs/throat-contract.md; on socket.io or static
 * it would not be, and the plan refuses that instead).
 */
export function albSyncLines(plan: Plan): string[] {
  const sync = (plan.edge.albRules ?? []).filter((r) => r.target === "sync");
  const spill = plan.edge.spill ?? [];
  return [
    ...sync.map(
      (r) => `  ${r.pathPatterns.join(", ").padEnd(44)} -> sync     (ALB rule ${r.name}, priority ${r.priority})`,
    ),
    ...(spill.length ? [`  sync rows the ALB cannot keep on sync (${spill.length}):`] : []),
    ...spill.map((s) => `    ${s.rule} ${spillText(s)}`),
  ];
}
