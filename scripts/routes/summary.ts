// What a regenerated route list changes, in the terms of the three places that read it: the
// deploy-time route check (rows), the plan diff (rules that move between worker kinds or edge
// matches, scripts/diff/), and the edge rules themselves (nginx locations, ALB listener rules).
import type { Plan } from "../../components/plan";
import type { AlbRule } from "../../components/plan/alb";
import { routeDrift } from "../../components/plan/routeCheck";
import { diffRoutes } from "../diff/planDiff";
import { routeMoveText } from "../diff/render";
import { routeEntries } from "../plan/routeTable";

export interface RoutingSummary {
  /** The rows the deploy-time check would report: the file must change when there is any. */
  rows: string[];
  /** Everything printed. */
  lines: string[];
}

/** The `location <match>` lines of the edge's nginx files, in file order. */
function nginxLocations(plan: Plan): string[] {
  return Object.values(plan.edge.nginxFiles).flatMap((text) =>
    [...text.matchAll(/^\s*(location\s+.*?)\s*\{/gm)].map((m) => m[1]!),
  );
}

const albText = (r: AlbRule) => `${r.name} (priority ${r.priority}): ${r.pathPatterns.join(", ")} -> ${r.target}`;

function albChanges(before: AlbRule[], after: AlbRule[]): string[] {
  const [a, b] = [new Map(before.map((r) => [r.name, r])), new Map(after.map((r) => [r.name, r]))];
  const out: string[] = [];
  for (const name of [...new Set([...a.keys(), ...b.keys()])].sort()) {
    const [x, y] = [a.get(name), b.get(name)];
    if (!x) out.push(`+ ${albText(y!)}`);
    else if (!y) out.push(`- ${albText(x)}`);
    else if (albText(x) !== albText(y)) out.push(`~ ${albText(x)}`, `  now ${albText(y)}`);
  }
  return out;
}

/** The plan's routes as the plan diff reads them from a plan document. */
const routesDoc = (plan: Plan) => ({ routes: { gevent: plan.routes.geventRules, table: routeEntries(plan) } });

export function routingSummary(before: Plan, after: Plan): RoutingSummary {
  const rows = routeDrift(before.routes, after.routes);
  const moves = diffRoutes(routesDoc(before), routesDoc(after));
  const [la, lb] = [nginxLocations(before), nginxLocations(after)];
  const nginx = [
    ...la.filter((l) => !lb.includes(l)).map((l) => `- ${l}`),
    ...lb.filter((l) => !la.includes(l)).map((l) => `+ ${l}`),
  ];
  const alb = albChanges(before.edge.albRules ?? [], after.edge.albRules ?? []);
  const lines: string[] = [];
  const section = (title: string, body: string[]) => {
    if (body.length) lines.push(title, ...body.map((l) => `  ${l}`));
  };
  section(`Rows (${rows.length}; what the deploy-time route check compares):`, rows);
  section(`Rules that move (${moves.length}; as npm run plan -- --diff shows them):`, moves.map(routeMoveText));
  section("nginx locations:", nginx);
  section("ALB rules:", alb);
  if (!moves.length && !nginx.length && !alb.length)
    lines.push(
      rows.length
        ? "No routing change: every path reaches the same worker kind by the same edge rule."
        : "No routing change.",
    );
  return { rows, lines };
}
