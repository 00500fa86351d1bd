// Runs the real program (index.ts) for a stack under Pulumi's mocks and returns what it
// registered. Config: the stack's own Pulumi.<stack>.yaml (when `fromFile`), overridden by
// `config` (keys without the `throat:` prefix; objects are JSON-encoded like the CLI does).
//
// A run of the same stack with the same config and secrets is shared between test files and
// jest runs while the code is unchanged (stackRunCache.ts): nine files assert on the default
// prod stack, three on the default test stack, and each used to run the program again. A run is
// plain data (what the mock monitor recorded), so each reader gets its own copy; failed runs,
// runs against a given MockWorld and `fresh` runs are never shared.
import * as pulumi from "@pulumi/pulumi";
import { PROJECT_ROOT } from "../../components/load";
import { loadProgram, ProgramRun, RecordedResource, runProgram } from "../../scripts/offline/mockRuntime";
import type { MockWorld } from "../../scripts/offline/providerRules";
import { readStackConfig } from "../../scripts/offline/stackFile";
import { cachedRun } from "./stackRunCache";

export async function runStack(
  stack: string,
  config: Record<string, unknown> = {},
  opts: { fromFile?: boolean; secretKeys?: string[]; world?: MockWorld; fresh?: boolean } = {},
): Promise<ProgramRun> {
  const base = opts.fromFile === false ? { config: {}, secretKeys: [] } : readStackConfig(PROJECT_ROOT, stack);
  const merged = { ...base.config };
  for (const [k, v] of Object.entries(config))
    merged[k.includes(":") ? k : `throat:${k}`] = typeof v === "string" ? v : JSON.stringify(v);
  const secretKeys = [...base.secretKeys, ...(opts.secretKeys ?? [])].map((k) => (k.includes(":") ? k : `throat:${k}`));
  // What a run leaves in the process, shared run or not: the stack's config (aws:region, ...),
  // which the mock provider's state() reads when a test recomputes an output.
  pulumi.runtime.setAllConfig(merged, secretKeys);
  const run = async () =>
    runProgram({
      stack,
      config: merged,
      secretKeys,
      program: await loadProgram(require.resolve("../../index")),
      world: opts.world,
    });
  // A run against a given world (what exists outside the program) is that test's own, and so is
  // a `fresh` one: a test that reads what the program writes to disk (the app image's context)
  // needs the program to have run, not a kept record of it.
  return opts.world || opts.fresh ? run() : cachedRun({ program: "index.ts", stack, config: merged, secretKeys }, run);
}
export const ofType = (run: ProgramRun, type: string): RecordedResource[] =>
  run.resources.filter((r) => r.type === type);
export const named = (run: ProgramRun, name: string): RecordedResource => {
  const r = run.resources.find((x) => x.name === name);
  if (!r) throw new Error(`no resource named ${name}; have: ${run.resources.map((x) => x.name).join(", ")}`);
  return r;
};
