// npm run plan -- --stack <name> [--json]
// npm run plan -- --stack <name> --diff <git ref> | --base <plan.json> [--json | --markdown] [--warn-left 10%]
// The offline preview: the real program under Pulumi's mock runtime, with the stack's own
// config file. No Pulumi CLI, no cloud or Docker credentials. (The work is in plan/cli.ts.)
import { planCli } from "./plan/cli";

// Exit once stdout is flushed: on a pipe, exiting at once cuts a large document at 64 KiB.
planCli(process.argv.slice(2)).then(
  (r) => {
    process.stderr.write(r.stderr);
    process.stdout.write(r.stdout, () => process.exit(r.code));
  },
  (e: Error) => {
    process.stderr.write(`plan failed: ${e.message}\n`);
    process.exit(1);
  },
);
