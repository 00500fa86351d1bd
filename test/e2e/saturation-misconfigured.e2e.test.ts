// deploy.md's warning, reproduced: the saturation load of saturation.e2e.test.ts against the
// same plan with gevent's `--worker-connections` removed (gunicorn's default: 1000 at once).
// Two ways an operator gets there, both failing the way the guide says:
// - the pool keeps its size but has no wait timeout (Throat's default): requests beyond the
//   pool fail at once, "Exceeded maximum connections";
// - the pool is sized like the worker (1000), larger than the database: PostgreSQL refuses.
// The plan refuses to build either (budget.ts); this shows the refusal guards a real failure.
import { startHarness, type Harness } from "./harness";
import { withDatabaseConfig, withoutWorkerConnections } from "./lib/misconfigure";
import { failures, saturate, saturationLoad, saturationPlan, type SaturationResult } from "./lib/saturate";
import { SLOW } from "./lib/standin";

const GUNICORN_DEFAULT_WORKER_CONNECTIONS = 1000;

function run(label: string, makePlan: () => ReturnType<typeof saturationPlan>) {
  const state: { h?: Harness; result?: SaturationResult } = {};
  beforeAll(async () => {
    const plan = makePlan();
    expect(plan.workers.find((w) => w.kind === "gevent")!.argv).not.toContain("--worker-connections");
    state.h = await startHarness(plan, { label });
    state.result = await saturate(state.h, saturationLoad(saturationPlan()));
  }, 4 * SLOW);
  afterAll(() => state.h?.stop(), SLOW);
  return state as { h: Harness; result: SaturationResult };
}

describe("without --worker-connections and without a pool timeout", () => {
  const s = run("no-wc-no-timeout", () =>
    withDatabaseConfig(withoutWorkerConnections(saturationPlan(), "gevent"), "gevent", { timeout: undefined }),
  );

  test("gevent requests beyond the pool fail at once: Exceeded maximum connections", () => {
    const failed = failures(s.result.outcomes.gevent);
    expect(failed.length).toBeGreaterThan(0);
    expect(s.h.log("gevent-0")).toContain("Exceeded maximum connections");
  });

  test("the processes that kept the plan's settings still serve everything", () => {
    expect(failures(s.result.outcomes.sync)).toEqual([]);
    expect(failures(s.result.outcomes.socketio)).toEqual([]);
    expect(s.result.sockets.errors).toEqual([]);
  });
});

describe("without --worker-connections, the pool sized like gunicorn's default", () => {
  const s = run("no-wc-big-pool", () =>
    withDatabaseConfig(withoutWorkerConnections(saturationPlan(), "gevent"), "gevent", {
      max_connections: GUNICORN_DEFAULT_WORKER_CONNECTIONS,
    }),
  );

  test("PostgreSQL refuses connections and requests fail", () => {
    expect(s.result.refusals.length).toBeGreaterThan(0);
    const failed = [
      ...failures(s.result.outcomes.gevent),
      ...failures(s.result.outcomes.sync),
      ...failures(s.result.outcomes.socketio),
    ];
    expect(failed.length).toBeGreaterThan(0);
    expect(s.h.log("gevent-0")).toMatch(/too many clients|remaining connection slots/);
  });

  test("the app alone held more connections than the plan's whole budget", () => {
    expect(s.result.peak).toBeGreaterThan(saturationPlan().budget.server.peak);
  });
});
