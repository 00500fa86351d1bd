// Runs the real program (index.ts) for prod under the mock runtime, with ECS answering that the
// circuit breaker rolled the sync service back. Its own process (tsx), like
// test/docker/failedMigration.program.ts: a failed registration ends the program the way it
// ends `pulumi up`, which an in-process run cannot show. Prints the failure on stderr, exits 1.
import * as path from "node:path";
import { PROJECT_ROOT } from "../../components/load";
import { loadProgram, runProgram } from "../../scripts/offline/mockRuntime";
import type { MockWorld } from "../../scripts/offline/rules/world";
import { readStackConfig } from "../../scripts/offline/stackFile";

const fail = (e: unknown) => {
  process.stderr.write(`${(e as Error).message}\n`);
  process.exit(1);
};
process.on("unhandledRejection", fail);

async function main(): Promise<void> {
  const { config, secretKeys } = readStackConfig(PROJECT_ROOT, "prod");
  const ecsServices = JSON.parse(process.argv[2] ?? "{}") as MockWorld["ecsServices"];
  const program = await loadProgram(path.join(PROJECT_ROOT, "index.ts"));
  await runProgram({ stack: "prod", config, secretKeys, program, world: { ecsServices } });
  process.stdout.write("up succeeded\n");
  process.exit(0);
}

main().catch(fail);
