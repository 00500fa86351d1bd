// Runs the real program (index.ts) for a stack under Pulumi's mocks and returns what it
// registered. Config: the stack's own Pulumi.<stack>.yaml (when `fromFile`), overridden by
// `config` (keys without the `throat:` prefix; objects are JSON-encoded like the CLI does).
import { PROJECT_ROOT } from "../../components/load";
import { loadProgram, ProgramRun, RecordedResource, runProgram } from "../../scripts/lib/mockRuntime";
import type { MockWorld } from "../../scripts/lib/providerRules";
import { readStackConfig } from "../../scripts/lib/stackFile";

export async function runStack(stack: string, config: Record<string, unknown> = {}, opts: { fromFile?: boolean; secretKeys?: string[]; world?: MockWorld } = {}): Promise<ProgramRun> {
  const base = opts.fromFile === false ? { config: {}, secretKeys: [] } : readStackConfig(PROJECT_ROOT, stack);
  const merged = { ...base.config };
  for (const [k, v] of Object.entries(config)) merged[k.includes(":") ? k : `throat:${k}`] = typeof v === "string" ? v : JSON.stringify(v);
  const program = await loadProgram(require.resolve("../../index"));
  return runProgram({ stack, config: merged, secretKeys: [...base.secretKeys, ...(opts.secretKeys ?? [])].map((k) => (k.includes(":") ? k : `throat:${k}`)), program, world: opts.world });
}

export const ofType = (run: ProgramRun, type: string): RecordedResource[] => run.resources.filter((r) => r.type === type);
export const named = (run: ProgramRun, name: string): RecordedResource => {
  const r = run.resources.find((x) => x.name === name);
  if (!r) throw new Error(`no resource named ${name}; have: ${run.resources.map((x) => x.name).join(", ")}`);
  return r;
};
