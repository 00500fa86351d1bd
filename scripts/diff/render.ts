// A plan diff as a reviewer reads it: plain text for a terminal, markdown for a pull-request
// comment (one comment per stack, found again by its marker line and edited in place).
import { diffWarnings, type BudgetSideDiff, type PlanDiff, type RouteMove, type ValueChange } from "./planDiff";

export interface PolicyVerdict {
  policies: number;
  violations: { policy: string; message: string; resource?: string }[];
}

export interface DiffReport {
  base: string;
  diff: PlanDiff;
  policy: PolicyVerdict;
}

/** The first line of the comment: how the workflow finds the comment to edit. */
export const commentMarker = (stack: string) => `<!-- throat-plan-diff stack=${stack} -->`;

const MAX_VALUE = 70;
const MAX_LINES = 12;

function show(v: unknown): string {
  if (v === undefined) return "(none)";
  if (v === null) return "null";
  const s = typeof v === "string" ? v : JSON.stringify(v);
  if (typeof v === "string" && s.includes("\n")) return `(${s.split("\n").length} lines)`;
  return s.length > MAX_VALUE ? `${s.slice(0, MAX_VALUE - 1)}…` : s;
}

/** One change in one line: `path: old -> new`, secrets and computed values by name only. */
export function describeChange(c: ValueChange): string {
  const path = c.path || "(value)";
  if (c.secret) return `${path}: changed (secret)`;
  if (c.computed) return `${path}: ${show(c.old)} -> (known after apply)`;
  if (typeof c.old === "string" && typeof c.new === "string" && !`${c.old}${c.new}`.includes("\n")) {
    // Long values that share a start: show them from a little before where they differ.
    let same = 0;
    while (same < c.old.length && c.old[same] === c.new[same]) same++;
    const from = Math.max(0, same - 20);
    if (from > 0) return `${path}: …${show(c.old.slice(from))} -> …${show(c.new.slice(from))}`;
  }
  return `${path}: ${show(c.old)} -> ${show(c.new)}`;
}

/** The lines a multi-line text gained and lost (order ignored), at most MAX_LINES. */
function lineChanges(c: ValueChange): string[] {
  if (
    c.secret ||
    c.computed ||
    typeof c.old !== "string" ||
    typeof c.new !== "string" ||
    !`${c.old}${c.new}`.includes("\n")
  )
    return [];
  const [a, b] = [c.old.split("\n"), c.new.split("\n")];
  const out = [
    ...a.filter((l) => !b.includes(l)).map((l) => `- ${l}`),
    ...b.filter((l) => !a.includes(l)).map((l) => `+ ${l}`),
  ];
  return out.length > MAX_LINES ? [...out.slice(0, MAX_LINES), `… ${out.length - MAX_LINES} more`] : out;
}

const arrow = (a: unknown, b: unknown) =>
  a === b ? String(a) : `${a === undefined ? "-" : String(a)} -> ${b === undefined ? "-" : String(b)}`;

function budgetRows(s: BudgetSideDiff): string[][] {
  const rows = s.lines.map((l) => [
    l.consumer,
    arrow(l.old?.processes, l.new?.processes),
    arrow(l.old?.connectionsPerProcess, l.new?.connectionsPerProcess),
    arrow(l.old?.connections, l.new?.connections),
  ]);
  rows.push(["peak", "", "", `${arrow(s.old?.peak, s.new?.peak)} of ${arrow(s.old?.limit, s.new?.limit)}`]);
  rows.push(["left", "", "", `${arrow(s.old?.free, s.new?.free)}${s.tight ? " (TIGHT)" : ""}`]);
  return rows;
}

const counts = (d: PlanDiff) => {
  const all = d.resources.flatMap((t) => t.changes);
  const n = (a: string) => all.filter((c) => c.action === a).length;
  return `${n("add")} to add, ${n("replace")} to replace, ${n("update")} to update, ${n("remove")} to remove`;
};

const sigil = { add: "+", remove: "-", replace: "+-", update: "~" } as const;

function policyLines(p: PolicyVerdict): string[] {
  if (!p.violations.length) return [`passes: ${p.policies} policies, no violation`];
  return [
    `FAILS: ${p.violations.length} violation(s)`,
    ...p.violations.map((v) => `${v.policy}: ${v.message}${v.resource ? ` (${v.resource})` : ""}`),
  ];
}

// ---- markdown --------------------------------------------------------------------------

const cell = (s: string) => s.replace(/\|/g, "\\|").replace(/\n/g, " ");
const code = (s: string) => `\`${s.replace(/`/g, "'")}\``;
function table(head: string[], rows: string[][]): string[] {
  return [
    `| ${head.join(" | ")} |`,
    `| ${head.map(() => "---").join(" | ")} |`,
    ...rows.map((r) => `| ${r.map(cell).join(" | ")} |`),
  ];
}

export function renderMarkdown(r: DiffReport): string {
  const d = r.diff;
  const out: string[] = [
    commentMarker(d.stack),
    `### Offline plan: stack \`${d.stack}\` (${d.profile}) against ${code(r.base)}`,
    "",
  ];
  if (!d.changed) out.push("No change to the deployment.", "");
  const warnings = diffWarnings(d);
  if (r.policy.violations.length) warnings.push(`the policy pack fails (${r.policy.violations.length} violation(s))`);
  for (const w of warnings) out.push(`> **Warning:** ${w}`, ">");
  if (warnings.length) out[out.length - 1] = "";
  if (d.changed) {
    if (d.triggers.length) out.push("**What it sets off**", "", ...d.triggers.map((t) => `- ${t}`), "");
    if (d.config.length) out.push("**Stack config**", "", ...d.config.map((c) => `- ${code(describeChange(c))}`), "");
    const budgetChanged = d.budget.sides.some(
      (s) =>
        s.lines.some((l) => JSON.stringify(l.old) !== JSON.stringify(l.new)) ||
        JSON.stringify(s.old) !== JSON.stringify(s.new),
    );
    if (budgetChanged) {
      out.push("**Connection budget** (old -> new)", "");
      for (const s of d.budget.sides) out.push(...table([s.side, "procs", "pool", "conns"], budgetRows(s)), "");
    }
    const t = d.budget.transition;
    if (t) {
      out.push(
        `**During the rolling deploy** (old and new tasks together): ${t.peak} of ${t.limit} ${t.side} connections, ${t.fits ? "fits" : "**DOES NOT FIT**"} (limit: ${t.limitNote})`,
        "",
      );
      out.push(
        ...table(
          ["consumer", "tasks x connections", "conns"],
          t.lines.map((l) => [l.consumer, l.how, String(l.connections)]),
        ),
        "",
      );
    }
    if (d.workers.length) {
      out.push("**Workers**", "");
      const rows = d.workers.flatMap((w) => w.changes.map((c) => [w.kind, code(describeChange(c))]));
      out.push(...table(["kind", "change"], rows), "");
      for (const w of d.workers) if (w.triggers.length) out.push(`- ${w.kind}: ${w.triggers.join("; ")}`);
      const texts = d.workers
        .flatMap((w) => w.changes.map((c) => [w.kind, c, lineChanges(c)] as const))
        .filter(([, , l]) => l.length);
      for (const [kind, c, lines] of texts)
        out.push("", `<details><summary>${kind} ${c.path}</summary>`, "", "```diff", ...lines, "```", "</details>");
      out.push("");
    }
    if (d.migration.length)
      out.push("**Migration**", "", ...d.migration.map((c) => `- ${code(describeChange(c))}`), "");
    if (d.routes.length) {
      out.push("**Routes**", "");
      const side = (x?: { kind: string; edge: string }) => (x ? `${x.kind}${x.edge ? ` (${x.edge})` : ""}` : "(none)");
      out.push(
        ...table(
          ["rule", "old", "new"],
          d.routes.map((m) => [code(m.rule), side(m.old), side(m.new)]),
        ),
        "",
      );
    }
    const all = d.resources.flatMap((x) => x.changes);
    if (all.length) {
      out.push(`**Resources**: ${counts(d)}`, "");
      if (d.baseLacksInputs)
        out.push("_The base plan predates resource inputs: only added and removed resources are known._", "");
      for (const tier of d.resources) {
        out.push(`<details><summary>${tier.tier}: ${tier.changes.length}</summary>`, "");
        for (const c of tier.changes) {
          const why = c.action === "replace" ? ` (replaced: ${c.replaceBecause.join(", ")})` : "";
          out.push(`- ${sigil[c.action]} ${code(`${c.type.split(":").pop()} ${c.name}`)}${why}`);
          for (const ch of c.changes.slice(0, MAX_LINES)) {
            out.push(`  - ${code(describeChange(ch))}`);
            const lines = lineChanges(ch);
            if (lines.length) out.push("", "    ```diff", ...lines.map((l) => `    ${l}`), "    ```", "");
          }
          if (c.changes.length > MAX_LINES) out.push(`  - … ${c.changes.length - MAX_LINES} more`);
        }
        out.push("", "</details>", "");
      }
    }
  }
  out.push(`**Policy pack** on the new plan: ${policyLines(r.policy)[0]}`);
  for (const l of policyLines(r.policy).slice(1)) out.push(`- ${l}`);
  return out.join("\n");
}

// ---- text ------------------------------------------------------------------------------

export function renderText(r: DiffReport): string {
  const d = r.diff;
  const out: string[] = [
    `Offline plan of stack "${d.stack}" (${d.profile}) against ${r.base}: ${d.changed ? "changed" : "no change"}`,
  ];
  const h = (t: string) => out.push("", `== ${t} ==`);
  const warnings = diffWarnings(d);
  if (r.policy.violations.length) warnings.push(`the policy pack fails (${r.policy.violations.length} violation(s))`);
  for (const w of warnings) out.push(`WARNING: ${w}`);
  const section = (title: string, lines: string[]) => {
    if (!lines.length) return;
    h(title);
    out.push(...lines);
  };
  section(
    "What it sets off",
    d.triggers.map((t) => `  ${t}`),
  );
  section(
    "Stack config",
    d.config.map((c) => `  ${describeChange(c)}`),
  );
  const pad = (cols: string[]) =>
    `  ${cols[0]!.padEnd(22)} ${cols[1]!.padStart(9)} ${cols[2]!.padStart(9)} ${cols[3]!}`;
  const budgetChanged = d.budget.sides.some((s) =>
    s.lines.some((l) => JSON.stringify(l.old) !== JSON.stringify(l.new)),
  );
  if (budgetChanged) {
    h("Connection budget (old -> new)");
    for (const s of d.budget.sides)
      out.push(`${s.side}`, pad(["consumer", "procs", "pool", "conns"]), ...budgetRows(s).map(pad));
  }
  const t = d.budget.transition;
  if (t) {
    out.push(
      `rolling deploy (old and new tasks together): ${t.peak} of ${t.limit} ${t.side} connections: ${t.fits ? "fits" : "DOES NOT FIT"} (limit: ${t.limitNote})`,
    );
    for (const l of t.lines) out.push(`  ${l.consumer.padEnd(22)} ${l.how.padEnd(24)} ${l.connections}`);
  }
  if (d.workers.length) {
    h("Workers");
    for (const w of d.workers) {
      out.push(
        `  ${w.kind}${w.action === "change" ? "" : ` (${w.action})`}:`,
        ...w.changes.map((c) => `    ${describeChange(c)}`),
      );
      for (const c of w.changes) out.push(...lineChanges(c).map((l) => `      ${l}`));
      for (const tr of w.triggers) out.push(`    -> ${tr}`);
    }
  }
  section(
    "Migration",
    d.migration.map((c) => `  ${describeChange(c)}`),
  );
  if (d.routes.length) {
    h("Routes");
    for (const m of d.routes) out.push(`  ${routeMoveText(m)}`);
  }
  if (d.resources.length) {
    h(`Resources: ${counts(d)}`);
    if (d.baseLacksInputs)
      out.push("  (the base plan predates resource inputs: only added and removed resources are known)");
    for (const tier of d.resources) {
      out.push(`  ${tier.tier}`);
      for (const c of tier.changes) {
        out.push(
          `    ${sigil[c.action].padEnd(2)} ${c.type} ${c.name}${c.action === "replace" ? ` (replaced: ${c.replaceBecause.join(", ")})` : ""}`,
        );
        for (const ch of c.changes.slice(0, MAX_LINES))
          out.push(`         ${describeChange(ch)}`, ...lineChanges(ch).map((l) => `           ${l}`));
        if (c.changes.length > MAX_LINES) out.push(`         … ${c.changes.length - MAX_LINES} more`);
      }
    }
  }
  h("Policy pack (new plan)");
  out.push(...policyLines(r.policy).map((l) => `  ${l}`));
  return out.join("\n");
}

/** One route that moves: `/login  sync (nginx: location /) -> gevent (nginx: location = /login)`. */
export function routeMoveText(m: RouteMove): string {
  const side = (x?: { kind: string; edge: string }) => (x ? `${x.kind}${x.edge ? ` (${x.edge})` : ""}` : "(none)");
  return `${m.rule.padEnd(40)} ${side(m.old)} -> ${side(m.new)}`;
}
