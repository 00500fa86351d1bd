// Runs the real program (index.ts) for the `test` stack under Pulumi's mocks, with one change:
// the migration container exits 1. Run as its own process (tsx): the failure must end the
// program the way it ends `pulumi up`, which the shared runStack cannot show (a registration
// that fails never releases the runtime's RPC keep-alive, so its wait never returns).
// On exit it prints every resource that reached the engine, one `type name` per line.
import * as path from "node:path";
import * as pulumi from "@pulumi/pulumi";
import { PROJECT_ROOT } from "../../components/load";
import { loadProgram } from "../../scripts/offline/mockRuntime";
import { checkResource, mockState } from "../../scripts/offline/providerRules";
import { readStackConfig } from "../../scripts/offline/stackFile";

const reached: string[] = [];
process.on("exit", () => process.stdout.write(`${reached.join("\n")}\n`));

async function main(): Promise<void> {
  const { config, secretKeys } = readStackConfig(PROJECT_ROOT, "test");
  pulumi.runtime.setAllConfig(config, secretKeys);
  await pulumi.runtime.setMocks(
    {
      newResource: (args) => {
        reached.push(`${args.type} ${args.name}`);
        checkResource(args.type, args.name, args.inputs);
        const failed = args.name.endsWith("-migrate") ? { exitCode: 1 } : {};
        return {
          id: `${args.name}-id`,
          state: { ...mockState(args.type, args.name, args.inputs), ...args.inputs, ...failed },
        };
      },
      call: () => ({}),
    },
    "throat",
    "test",
    false,
    "organization",
  );
  const program = await loadProgram(path.join(PROJECT_ROOT, "index.ts"));
  await program();
}

void main();
