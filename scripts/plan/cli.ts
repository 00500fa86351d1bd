// The offline plan's command line, as a function: `npm run plan` (scripts/plan.ts) calls it, and
// tests call it in-process with many stack files. Bad input (the stack file, the config) ends
// with the message alone and exit code 1, before the program registers anything.
import { readFileSync } from "node:fs";
import * as path from "node:path";
import { parseArgs } from "node:util";
import { planFromConfig, PROJECT_ROOT, StackConfigError } from "../../components/load";
import { previousFromOutputs } from "../../components/plan/transition";
import { DIFF_OPTIONS, diffRequest } from "../diff/args";
import { DiffArgumentError } from "../diff/budget";
import { BaseError } from "../diff/gitBase";
import { readStackConfig, StackFileError } from "../offline/stackFile";

export interface PlanCliResult {
  code: number;
  stdout: string;
  stderr: string;
  /** Resources the program registered (0 when the input was refused). */
  registered: number;
}

/**
 * `args`: what follows `npm run plan --`. `stackDir`: the project whose Pulumi.<stack>.yaml is
 * read and whose git repository --diff reads the ref from (the program is always this one's).
 */
export async function planCli(args: string[], stackDir = PROJECT_ROOT): Promise<PlanCliResult> {
  const out = { stdout: "", stderr: "" };
  const refuse = (message: string): PlanCliResult => ({ code: 1, ...out, stderr: `${message}\n`, registered: 0 });
  // A base that cannot be had, a bad diff argument: the message alone, like bad config.
  const refuseDiff = (e: unknown): PlanCliResult => {
    if (e instanceof BaseError || e instanceof DiffArgumentError) return refuse(e.message);
    throw e;
  };
  let values;
  try {
    const options = {
      stack: { type: "string", default: "test" },
      json: { type: "boolean", default: false },
      previous: { type: "string" },
      ...DIFF_OPTIONS,
    } as const;
    ({ values } = parseArgs({ args, options }));
  } catch (e) {
    return refuse(
      `${(e as Error).message}\nusage: npm run plan -- --stack <name> [--json] [--previous <outputs.json>] [--diff <git ref> | --base <plan.json>] [--markdown] [--warn-left 10%]`,
    );
  }
  // --previous: what runs now, the JSON `pulumi stack output --json` prints (the rollout budget).
  let previousOutputs: Record<string, unknown> | undefined;
  try {
    previousOutputs = values.previous
      ? (JSON.parse(readFileSync(values.previous, "utf8")) as Record<string, unknown>)
      : undefined;
  } catch (e) {
    return refuse(
      `--previous ${values.previous}: ${(e as Error).message}; give the file \`pulumi stack output --json > out.json\` wrote`,
    );
  }
  const stack = values.stack!;
  const diff = diffRequest(values, stack, stackDir);
  if (typeof diff === "string") return refuse(diff);
  // The base first: a ref that cannot be planned fails before the current plan is paid for.
  let base;
  try {
    base = diff ? (await import("../diff/command")).loadBase(diff) : undefined;
  } catch (e) {
    return refuseDiff(e);
  }
  let plan;
  let stackConfig;
  try {
    stackConfig = readStackConfig(stackDir, stack);
    plan = planFromConfig(stack, stackConfig.config, stackConfig.secretKeys, previousFromOutputs(previousOutputs));
  } catch (e) {
    if (e instanceof StackConfigError || e instanceof StackFileError) return refuse(e.message);
    throw e;
  }
  // Loaded only now: a refusal never pays for the Pulumi SDK.
  const { loadProgram, runProgram } = await import("../offline/mockRuntime");
  const { planDocument, planText } = await import("./document");
  const program = await loadProgram(path.join(PROJECT_ROOT, "index.ts"));
  const run = await runProgram({
    stack,
    config: stackConfig.config,
    secretKeys: stackConfig.secretKeys,
    program,
    world: { previousOutputs },
  });
  const { stackConfigDigest } = await import("../diff/configDigest");
  const document = () => planDocument(plan, run, stackConfigDigest(stackDir, stack));
  if (diff && base) {
    const { runDiff } = await import("../diff/command");
    let result;
    try {
      result = await runDiff(diff, base, document(), run.resources);
    } catch (e) {
      return refuseDiff(e);
    }
    return { code: result.code, stdout: result.output, stderr: "", registered: run.resources.length };
  }
  const text = values.json ? JSON.stringify(document(), null, 2) : planText(plan, run);
  return { code: 0, stdout: `${text}\n`, stderr: "", registered: run.resources.length };
}
