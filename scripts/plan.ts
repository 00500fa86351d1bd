// npm run plan -- --stack <name> [--json]
// The offline preview: the real program under Pulumi's mock runtime, with the stack's own
// config file. No Pulumi CLI, no cloud or Docker credentials.
import * as path from "node:path";
import { parseArgs } from "node:util";
import { planFromConfig, PROJECT_ROOT, StackConfigError } from "../components/load";
import { loadProgram, runProgram } from "./lib/mockRuntime";
import { planDocument, planText } from "./lib/planDocument";
import { readStackConfig } from "./lib/stackFile";

async function main(): Promise<number> {
  const { values } = parseArgs({ options: { stack: { type: "string", default: "test" }, json: { type: "boolean", default: false } } });
  const stack = values.stack!;
  const { config, secretKeys } = readStackConfig(PROJECT_ROOT, stack);
  let plan;
  try {
    plan = planFromConfig(stack, config, secretKeys);
  } catch (e) {
    if (e instanceof StackConfigError) {
      process.stderr.write(`${e.message}\n`);
      return 1;
    }
    throw e;
  }
  const program = await loadProgram(path.join(PROJECT_ROOT, "index.ts"));
  const run = await runProgram({ stack, config, secretKeys, program });
  process.stdout.write(values.json ? `${JSON.stringify(planDocument(plan, run), null, 2)}\n` : `${planText(plan, run)}\n`);
  return 0;
}

main().then(
  (code) => process.exit(code),
  (e: Error) => {
    process.stderr.write(`plan failed: ${e.message}\n`);
    process.exit(1);
  },
);
