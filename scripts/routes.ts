// npm run routes -- --image <ref> | --checkout <dir> [--stack <name>] [--check]
// Regenerates the stack's throat:routeList from a Throat release and shows what it changes in
// the routing (the work is in routes/cli.ts).
import { routesCli } from "./routes/cli";

routesCli(process.argv.slice(2)).then(
  (r) => {
    process.stderr.write(r.stderr);
    process.stdout.write(r.stdout, () => process.exit(r.code));
  },
  (e: Error) => {
    process.stderr.write(`npm run routes failed: ${e.stack ?? e.message}\n`);
    process.exit(1);
  },
);
