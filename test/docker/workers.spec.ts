// The Workers tier built alone: one container per planned replica, named by the plan's alias,
// each with its kind's launch environment, config file, healthcheck and labels, gated on what
// it is given to wait for, and replaced new-first only where the budget allows the surge.
import * as docker from "@pulumi/docker";
import type { Plan } from "../../components/plan";
import { THROAT_WORKDIR } from "../../components/plan/names";
import { Workers, WorkersArgs } from "../../components/docker/workers";
import { DOCKER_CONNECTIONS_LABEL } from "../../policy/contract";
import type { ProgramRun } from "../../scripts/offline/mockRuntime";
import { T } from "../../policy/types";
import { buildAlone, childrenOf, namesOf, testPlan } from "./component";
import { envOf, labelOf, uploadsOf } from "./support";

const SHARED_ENV = ["DATABASE_HOST=db.example", "REDIS_HOST=redis.example"];

function build(plan: Plan, extra: Partial<WorkersArgs> = {}): Promise<ProgramRun> {
  return buildAlone(() => {
    // The mock provider refuses a container on a network the program did not create.
    const network = new docker.Network("the-net", { name: "the-net" }).name;
    const gate = new docker.Network("migration-gate", { name: "migration-gate" });
    new Workers("workers", {
      workers: plan.workers,
      configFiles: plan.app.configFiles,
      alias: namesOf(plan).alias,
      stack: plan.settings.stack,
      maxPercent: plan.settings.deploy.maxPercent,
      image: "sha256:throat",
      network,
      env: SHARED_ENV,
      dependsOn: [gate],
      ...extra,
    });
  });
}

let plan: Plan;
let run: ProgramRun;
beforeAll(async () => {
  plan = testPlan();
  run = await build(plan);
});

test("one container per replica up to replicas.max, named by the plan's alias, and nothing else", () => {
  const expected = plan.workers.flatMap((w) =>
    Array.from({ length: w.replicas.max }, (_, i) => namesOf(plan).alias(w.kind, i)),
  );
  expect(expected.length).toBeGreaterThan(plan.workers.length);
  const children = childrenOf(run, "throat:docker:Workers");
  expect(Object.keys(children).sort()).toEqual([...expected].sort());
  for (const c of Object.values(children)) expect(c.type).toBe(T.container);
});

test("each replica: its kind's launch env before the shared env, its config file, its alias and port", () => {
  const children = childrenOf(run, "throat:docker:Workers");
  for (const w of plan.workers) {
    const alias = namesOf(plan).alias(w.kind, 0);
    const c = children[alias]!;
    const envs = c.inputs.envs as string[];
    const launch = Object.entries(w.launchEnv).map(([k, v]) => `${k}=${v}`);
    expect(envs).toEqual([...launch, ...SHARED_ENV]);
    expect(envOf(c)).toMatchObject(w.launchEnv);
    const config = plan.app.configFiles[w.kind];
    expect(uploadsOf(c)[`${THROAT_WORKDIR}/${config.path}`]?.content).toBe(config.text);
    expect(c.inputs.networksAdvanced).toEqual([{ name: "the-net", aliases: [alias] }]);
    expect(c.inputs.image).toBe("sha256:throat");
    const probe = (c.inputs.healthcheck as { tests: string[] }).tests.join(" ");
    expect(probe).toContain(`http://127.0.0.1:${w.port}/`);
    expect(c.inputs).toMatchObject({ wait: true, restart: "unless-stopped", destroyGraceSeconds: 30 });
  }
});

test("labels: the given stack, the kind and the connections the budget policy counts", () => {
  for (const w of plan.workers) {
    const c = childrenOf(run, "throat:docker:Workers")[namesOf(plan).alias(w.kind, 0)]!;
    expect(labelOf(c, "throat.stack")).toBe(plan.settings.stack);
    expect(labelOf(c, "throat.tier")).toBe("worker");
    expect(labelOf(c, "throat.worker")).toBe(w.kind);
    expect(labelOf(c, DOCKER_CONNECTIONS_LABEL)).toBe(String(w.connectionsPerReplica));
  }
});

test("a kind with a planned nofile gets it as soft and hard ulimit; others keep Docker's", () => {
  const children = childrenOf(run, "throat:docker:Workers");
  for (const w of plan.workers) {
    const c = children[namesOf(plan).alias(w.kind, 0)]!;
    if (w.nofile) expect(c.inputs.ulimits).toEqual([{ name: "nofile", soft: w.nofile, hard: w.nofile }]);
    else expect(c.inputs.ulimits).toBeUndefined();
  }
});

test("every replica waits for what it is given (the migration's gate)", () => {
  const gate = run.resources.find((r) => r.name === "migration-gate")!;
  for (const c of Object.values(childrenOf(run, "throat:docker:Workers"))) expect(c.dependencies).toContain(gate.urn);
});

test("maxPercent 200 replaces new-first (explicitly, over the provider's default); below it old-first", async () => {
  const surge = await build(plan, { maxPercent: 200 });
  for (const c of Object.values(childrenOf(surge, "throat:docker:Workers")))
    expect([c.deleteBeforeReplace, c.deleteBeforeReplaceDefined]).toEqual([false, true]);
  const noSurge = await build(plan, { maxPercent: 100 });
  for (const c of Object.values(childrenOf(noSurge, "throat:docker:Workers")))
    expect([c.deleteBeforeReplace, c.deleteBeforeReplaceDefined]).toEqual([true, true]);
});
