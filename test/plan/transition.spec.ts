// The budget of the rollout itself (components/plan/transition.ts): old tasks keep their old
// pools while new ones start. The example: Pulumi.prod.yaml with socketio 2 -> 3.
import { PROJECT_ROOT, planFromConfig } from "../../components/load";
import { previousFromOutputs, rolloutPeak } from "../../components/plan/transition";
import { readStackConfig } from "../../scripts/offline/stackFile";
import { stackOutputs } from "../../components/outputs";
import { errorOf } from "../support/settings";

const prodConfig = (over: Record<string, unknown> = {}) => {
  const { config, secretKeys } = readStackConfig(PROJECT_ROOT, "prod");
  for (const [k, v] of Object.entries(over)) config[`throat:${k}`] = JSON.stringify(v);
  return { config, secretKeys };
};
const prodPlan = (over: Record<string, unknown> = {}, previous?: Parameters<typeof planFromConfig>[3]) => {
  const { config, secretKeys } = prodConfig(over);
  return planFromConfig("prod", config, secretKeys, previous);
};
/** What the stack outputs after deploying `plan` (the next deploy reads them back). */
const outputsOf = (p: ReturnType<typeof prodPlan>) =>
  JSON.parse(JSON.stringify(stackOutputs(p, { url: undefined as never }))) as Record<string, unknown>;
const workers = (socketio: number, extra: Record<string, unknown> = {}) => ({
  workers: {
    sync: { replicas: { min: 2, max: 6 }, processes: 4, threads: 1, cpu: 1024, memory: 2048 },
    gevent: { replicas: { min: 1, max: 3 }, workerConnections: 40 },
    socketio: { replicas: socketio, workerConnections: 200 },
  },
  ...extra,
});

describe("transition budget", () => {
  const before = prodPlan();
  const previous = previousFromOutputs(outputsOf(before))!;

  it("reads what runs now from the stack's own outputs", () => {
    expect(previous.workers.socketio).toEqual({ max: 2, connectionsPerReplica: before.budget.poolSizes.socketio });
    expect(previous.workers.sync).toEqual({ max: 6, connectionsPerReplica: 4 });
    expect(previous.engineVersion).toBe("16");
    expect(previousFromOutputs({})).toBeUndefined();
  });

  it("socketio 2 -> 3 on Pulumi.prod.yaml: plans 390 at rest, reports the rollout's 392", () => {
    const after = prodPlan(workers(3), previous);
    expect(before.budget.poolSizes).toMatchObject({ gevent: 34, socketio: 34 });
    expect(after.budget.poolSizes).toMatchObject({ gevent: 28, socketio: 28 });
    expect(after.budget.server.peak).toBe(390);
    // gevent 3 x 34 old + 3 x 28 new, socketio 2 x 34 + 3 x 28, sync 6 x 4 + 6 x 4, + 6 fixed.
    expect(after.transition!.peak).toBe(392);
    expect(after.transition!.lines.find((l) => l.kind === "socketio")).toMatchObject({
      oldTasks: 2,
      oldConnections: 34,
      newTasks: 3,
      newConnections: 28,
      peak: 152,
    });
    expect(after.transition!.limit).toBe(395);
  });

  it("an unchanged plan's rollout is exactly its own budget", () => {
    expect(prodPlan({}, previous).transition!.peak).toBe(before.budget.server.peak);
  });

  it("refuses a change that fits at rest but not on the way, with the two-step fix", () => {
    // With a surge of 200% the worst mix never exceeds the larger of the two budgets; with 100%
    // a new task starts only as an old one stops, and the old pools stay large meanwhile:
    // socketio old 2 x 122 + new 1 x 81 = 325, where each plan counts 244 and 243.
    const tight = { deploy: { maxPercent: 100 } };
    const before2 = prodPlan(tight);
    const prev2 = previousFromOutputs(outputsOf(before2))!;
    const atRest = prodPlan(workers(3, tight));
    expect(atRest.budget.server.free).toBeGreaterThanOrEqual(0);
    const msg = errorOf(() => prodPlan(workers(3, tight), prev2));
    expect(msg).toMatch(/throat:database\.maxConnections: the change from what runs now cannot be made in one deploy/);
    expect(msg).toMatch(/hold up to 475 connections, 80 more than the 395 available/);
    expect(msg).toMatch(
      /Deploy it in two steps: first set throat:workers\.socketio\.poolSize: 81 with the replicas unchanged/,
    );
    // The first step fits: the pools shrink at the old replica counts.
    const pools = atRest.budget.poolSizes;
    const step1 = workers(2, tight) as { workers: Record<string, Record<string, unknown>> };
    step1.workers.gevent!.poolSize = pools.gevent;
    step1.workers.socketio!.poolSize = pools.socketio;
    const afterStep1 = prodPlan(step1, prev2);
    expect(afterStep1.transition!.free).toBeGreaterThanOrEqual(0);
    const step2 = workers(3, tight) as { workers: Record<string, Record<string, unknown>> };
    step2.workers.gevent!.poolSize = pools.gevent;
    step2.workers.socketio!.poolSize = pools.socketio;
    expect(prodPlan(step2, previousFromOutputs(outputsOf(afterStep1))).transition!.free).toBeGreaterThanOrEqual(0);
  });

  it("on RDS a raised max_connections does not hold during the rollout: checked against the old limit", () => {
    // Pulumi.prod.yaml runs at 394 of 395. Raising max_connections to 420 grows the auto pools
    // at once, while RDS keeps 400 until it reboots (static parameter).
    expect(previous.serverLimit).toBe(395);
    const raised = { database: { maxConnections: 420 } };
    expect(prodPlan(raised).budget.server.free).toBeGreaterThanOrEqual(0);
    const msg = errorOf(() => prodPlan(raised, previous));
    expect(msg).toMatch(/than the 395 available \(RDS keeps the old max_connections \(395 usable\) until it reboots\)/);
    expect(msg).toMatch(/first throat:database\.maxConnections alone \(pulumi up, then aws rds reboot-db-instance/);
    // Lowering it is safe: the lower new limit is the one checked.
    const lowered = prodPlan({ database: { maxConnections: 399 } }, previous);
    expect(lowered.transition!.limit).toBe(394);
  });

  it("rolloutPeak: ECS never runs more than maxPercent of the new count, nor more new tasks than desired", () => {
    expect(rolloutPeak({ tasks: 2, perTask: 34 }, { tasks: 3, perTask: 28 }, 200)).toBe(2 * 34 + 3 * 28);
    // maxPercent 100: a task must stop before its replacement starts.
    expect(rolloutPeak({ tasks: 3, perTask: 34 }, { tasks: 3, perTask: 28 }, 100)).toBe(3 * 34);
    expect(rolloutPeak({ tasks: 4, perTask: 10 }, { tasks: 2, perTask: 10 }, 150)).toBe(3 * 10);
  });
});
