// npm run throat -- --stack <name> <throat.py arguments>
// Runs a Throat CLI command (`admin add <user>`, `default add <sub>`, `recount ...`) against the
// deployed stack and exits with its exit code: prod, a one-off ECS task of the migration's task
// definition; test, a one-off container on the stack's Docker network. See scripts/admin/.
import { spawn } from "node:child_process";
import { AdminError, Exec, runAdmin, stackTarget } from "./admin/run";

const exec: Exec = {
  run: (cmd, args, opts = {}) =>
    new Promise((resolve) => {
      const child = spawn(cmd, args, {
        env: { ...process.env, ...(opts.env ?? {}) },
        stdio: [opts.input ? "pipe" : "ignore", opts.inherit ? "inherit" : "pipe", opts.inherit ? "inherit" : "pipe"],
      });
      const out: Buffer[] = [];
      let err = "";
      child.stdout?.on("data", (d: Buffer) => out.push(d));
      child.stderr?.on("data", (d: Buffer) => (err += d.toString("utf8")));
      child.on("error", (e: NodeJS.ErrnoException) =>
        resolve({ code: e.code === "ENOENT" ? 127 : 1, stdout: Buffer.alloc(0), stderr: e.message }),
      );
      child.on("close", (code) => resolve({ code: code ?? 1, stdout: Buffer.concat(out), stderr: err }));
      if (opts.input) child.stdin?.end(opts.input);
    }),
};

async function main(argv: string[]): Promise<number> {
  const i = argv.indexOf("--stack");
  const stack = i >= 0 ? argv[i + 1] : undefined;
  const args = i >= 0 ? [...argv.slice(0, i), ...argv.slice(i + 2)] : argv;
  if (!stack || args.length === 0) {
    process.stderr.write(
      "usage: npm run throat -- --stack <name> <throat.py arguments>\n  e.g. npm run throat -- --stack prod admin add alice\n",
    );
    return 2;
  }
  const target = await stackTarget(exec, stack);
  return runAdmin(
    exec,
    { out: (l) => process.stdout.write(`${l}\n`), err: (l) => process.stderr.write(`${l}\n`) },
    target,
    args,
  );
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (e: Error) => {
    process.stderr.write(
      e instanceof AdminError ? `npm run throat: ${e.message}\n` : `npm run throat failed: ${e.stack ?? e.message}\n`,
    );
    process.exit(1);
  },
);
