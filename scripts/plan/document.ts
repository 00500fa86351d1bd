// The offline plan as one document: what a reviewer reads (text) and what the end-to-end
// harness consumes (JSON). Secret values never appear: they are named, not shown.
import { PROJECT_ROOT } from "../../components/load";
import type { Plan } from "../../components/plan";
import { formatBudget } from "../../components/plan/budget";
import { formatSocketioCapacity } from "../../components/plan/capacity";
import { albPatternMatches } from "../../components/plan/alb";
import { samplePath } from "../../components/plan/routes";
import type { ProgramRun } from "../offline/mockRuntime";
import { documentResources } from "../offline/resourceInputs";
import { formatConfigFiles } from "./configFiles";
import { albSyncLines, routeEntries } from "./routeTable";

export const REDACTED = "[secret]";

/** `config`: the stack file's settings, secrets as digests (diff/configDigest.ts). */
export function planDocument(plan: Plan, run?: ProgramRun, config: Record<string, unknown> = {}) {
  const s = plan.settings;
  return {
    stack: s.stack,
    profile: s.profile,
    config,
    deploy: s.deploy,
    workers: plan.workers.map((w) => ({
      kind: w.kind,
      replicas: w.replicas,
      port: w.port,
      processes: w.processes,
      threads: w.threads,
      workerConnections: w.workerConnections ?? null,
      poolSize: w.poolSize,
      command: w.argv.join(" "),
      argv: w.argv,
      env: {
        ...w.launchEnv,
        ...plan.app.env,
        ...Object.fromEntries(Object.keys(plan.app.secretEnv).map((k) => [k, REDACTED])),
      },
      secretEnv: plan.app.secretEnv,
      configFile: plan.app.configFiles[w.kind],
    })),
    migration: plan.migration,
    database: {
      maxConnections: plan.budget.database.maxConnections,
      reservedConnections: plan.budget.database.reservedConnections,
      pgbouncer: s.database.pgbouncer.enabled ? s.database.pgbouncer : null,
    },
    budget: plan.budget,
    transition: plan.transition ?? null,
    capacity: { ...plan.budget.capacity, socketio: plan.capacity },
    warnings: plan.warnings,
    routes: {
      gevent: plan.routes.geventRules,
      socketio: ["/socket.io", "/socket.io/*"],
      static: ["/static/*"],
      default: "sync",
      count: plan.routes.routes.length,
      table: routeEntries(plan),
    },
    proxies: plan.proxies,
    edge: plan.edge,
    resources: run ? documentResources(run.resources, PROJECT_ROOT) : [],
    outputs: run?.outputs ?? {},
  };
}

export function planText(plan: Plan, run?: ProgramRun): string {
  const s = plan.settings;
  const out: string[] = [];
  const h = (t: string) => out.push("", `== ${t} ==`);
  out.push(
    `Throat stack "${s.stack}": profile ${s.profile} (${s.profile === "prod" ? "AWS" : "Docker"}), edge ${s.edge.kind}, site ${s.siteName}`,
  );

  h("Worker services");
  const pad = (v: unknown, n: number) => String(v).padEnd(n);
  out.push(
    `${pad("kind", 9)}${pad("replicas", 16)}${pad("procs", 6)}${pad("threads", 8)}${pad("conns", 6)}${pad("pool", 5)}command`,
  );
  for (const w of plan.workers) {
    out.push(
      `${pad(w.kind, 9)}${pad(`${w.replicas.min}-${w.replicas.max} (peak ${w.replicas.peak})`, 16)}${pad(w.processes, 6)}${pad(w.threads, 8)}${pad(w.workerConnections ?? "-", 6)}${pad(w.poolSize, 5)}${w.argv.join(" ")}`,
    );
  }
  out.push(
    `migrations: ${shellLine(plan.migration.argv)} (CONFIG_NAME=${plan.migration.configName}), before any new worker serves`,
  );

  h("Connection budget");
  out.push(formatBudget(plan.budget));
  if (plan.transition) {
    const t = plan.transition;
    out.push(`Rollout from what runs now: up to ${t.peak} of ${t.limit} (${t.free} free)`);
    for (const l of t.lines)
      out.push(
        `  ${l.kind.padEnd(9)} old ${l.oldTasks} x ${l.oldConnections}, new ${l.newTasks} x ${l.newConnections}: up to ${l.peak}`,
      );
  }
  const c = plan.budget.capacity;
  out.push(
    `capacity at max replicas: ${c.concurrentRequests.sync} sync, ${c.concurrentRequests.gevent} gevent concurrent requests; ${c.websocketClients} socket.io clients`,
  );
  out.push(...formatSocketioCapacity(plan.capacity));
  for (const warning of plan.warnings) out.push(`warning: ${warning}`);

  h("Routes");
  out.push(`${plan.routes.routes.length} routes in ${s.routeList}; ${plan.routes.geventRules.length} need gevent:`);
  for (const rule of plan.routes.geventRules) {
    const alb = plan.edge.albRules?.find(
      (r) => r.target === "gevent" && r.pathPatterns.some((p) => albPatternMatches(p, samplePath(rule))),
    );
    out.push(`  ${rule.padEnd(44)} -> gevent${alb ? `   (ALB rule ${alb.name}, priority ${alb.priority})` : ""}`);
  }
  out.push(...albSyncLines(plan));
  out.push(
    `  ${"/socket.io, /socket.io/*".padEnd(44)} -> socketio`,
    `  ${"/static/*".padEnd(44)} -> static files (nginx)`,
    `  ${"everything else".padEnd(44)} -> sync`,
  );

  h("Proxies");
  out.push(`${plan.proxies.hops.join(" -> ")} -> app: SITE_TRUSTED_PROXY_COUNT = ${plan.proxies.trustedProxyCount}`);

  h("Application configuration");
  out.push(
    `environment: ${Object.entries(plan.app.env)
      .map(([k, v]) => `${k}=${v}`)
      .join(" ")}`,
  );
  out.push(
    `secrets (env, by reference): ${Object.entries(plan.app.secretEnv)
      .map(([k, v]) => `${k}<-${v}`)
      .join(" ")}`,
  );
  out.push(...formatConfigFiles(Object.values(plan.app.configFiles)));

  if (run) {
    h(`Resources (${run.resources.length})`);
    const byType = new Map<string, string[]>();
    for (const r of run.resources) byType.set(r.type, [...(byType.get(r.type) ?? []), r.name]);
    for (const [type, names] of [...byType].sort())
      out.push(`${String(names.length).padStart(3)} ${type}: ${names.join(", ")}`);
    h("Outputs");
    for (const [k, v] of Object.entries(run.outputs))
      out.push(`${k}: ${run.secretOutputs.includes(k) ? REDACTED : JSON.stringify(v)}`);
  }
  return out.join("\n");
}

/** argv as a line a reader could paste into a shell: words with spaces or quotes in single quotes. */
export function shellLine(argv: readonly string[]): string {
  return argv.map((a) => (/^[\w@%+=:,./-]+$/.test(a) ? a : `'${a.replace(/'/g, `'"'"'`)}'`)).join(" ");
}
