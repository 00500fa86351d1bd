// The real program, under the mocks, for each profile: the policy pack finds nothing to refuse.
// (Each violation the policies can report is shown on hand-made resources in the other files.)
import type { ProgramRun } from "../../scripts/offline/mockRuntime";
import { runStack } from "../support/runStack";
import { violations } from "./support";

const RUN_TIMEOUT = 60_000;

const cases: Array<[string, string, Record<string, unknown>, { fromFile?: boolean }]> = [
  ["prod (AWS)", "prod", {}, {}],
  ["test (Docker)", "test", {}, {}],
  [
    "test-pool (Docker with PgBouncer)",
    "test-pool",
    { database: { maxConnections: 100, pgbouncer: { enabled: true, poolSize: 25 } } },
    { fromFile: false },
  ],
  [
    "test-slow (Docker, workers replaced delete-first)",
    "test-slow",
    { deploy: { maxPercent: 100 } },
    { fromFile: false },
  ],
];

describe.each(cases)("%s", (_label, stack, config, opts) => {
  let run: ProgramRun;
  beforeAll(async () => {
    run = await runStack(stack, config, opts);
  }, RUN_TIMEOUT);

  test("every policy passes", async () => {
    expect(await violations(run.resources)).toEqual([]);
  });
});
