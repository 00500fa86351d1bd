// Plans the plan itself refuses to build, made by editing a built one: what an operator gets
// by following deploy.md's commands without its warnings. Used to show that the failure the
// guide warns about is real on this machine, so the checks that prevent it matter.
import { stringify } from "yaml";
import type { Plan } from "../../../components/plan";
import type { WorkerKind } from "../../../components/settings";

/**
 * The kind's command without `--worker-connections` (and the image's launch environment without
 * WORKER_CONNECTIONS, which is how the image drops the flag): gunicorn's 1000 default applies.
 */
export function withoutWorkerConnections(plan: Plan, kind: WorkerKind): Plan {
  return editWorker(plan, kind, (w) => {
    const i = w.argv.indexOf("--worker-connections");
    if (i < 0) throw new Error(`${kind} has no --worker-connections to remove`);
    const { WORKER_CONNECTIONS: _dropped, ...launchEnv } = w.launchEnv;
    return { ...w, argv: [...w.argv.slice(0, i), ...w.argv.slice(i + 2)], launchEnv, workerConnections: undefined };
  });
}

/** The kind's `database` section with `changes` applied; `undefined` removes a key. */
export function withDatabaseConfig(plan: Plan, kind: WorkerKind, changes: Record<string, unknown>): Plan {
  const file = plan.app.configFiles[kind];
  const database: Record<string, unknown> = { ...file.values.database };
  for (const [key, value] of Object.entries(changes)) {
    if (value === undefined) delete database[key];
    else database[key] = value;
  }
  const values = { ...file.values, database };
  const text = `# Misconfigured on purpose by an e2e test (${JSON.stringify(changes)}).\n${stringify(values)}`;
  return { ...plan, app: { ...plan.app, configFiles: { ...plan.app.configFiles, [kind]: { ...file, values, text } } } };
}

function editWorker(plan: Plan, kind: WorkerKind, edit: (w: Plan["workers"][number]) => Plan["workers"][number]): Plan {
  return { ...plan, workers: plan.workers.map((w) => (w.kind === kind ? edit(w) : w)) };
}
