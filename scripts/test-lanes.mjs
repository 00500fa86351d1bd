// `npm test`: the whole suite on two lanes at once, which keeps both cores busy.
// - checks and unit: tsc, then eslint and prettier (all three incremental, their caches in
//   node_modules/.cache/throat/), then the unit project (pure plan and mock tests) on one jest
//   worker;
// - e2e: the e2e project (real servers on loopback) on two jest workers: its files mostly wait
//   on servers, so two share a core (E2E_WORKERS=1: one at a time, to rule load out).
// A failed check skips the unit tests (the e2e lane runs to its end: stopping it midway could
// leave its servers behind); the exit code is 1 if anything failed. Extra arguments go to both
// jest runs.
import { spawn } from "node:child_process";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const bin = (name) => join(root, "node_modules", ".bin", name);
const jestArgs = process.argv.slice(2);
const E2E_WORKERS = process.env.E2E_WORKERS ?? "2";

const run = (command, args) =>
  new Promise((resolve) => {
    const child = spawn(command, args, { cwd: root, stdio: "inherit" });
    child.on("exit", (code, signal) => resolve(code ?? (signal ? 1 : 0)));
  });
const jest = (project, workers) =>
  run(bin("jest"), ["--selectProjects", project, "--maxWorkers", workers, ...jestArgs]);

/** package.json's own check scripts, so each command is written once. */
const CHECKS = ["typecheck", "lint"];

async function checksThenUnit() {
  for (const script of CHECKS) {
    if ((await run("npm", ["run", "-s", script])) !== 0) {
      process.stderr.write(`\nnpm test: \`npm run ${script}\` failed; the unit tests did not run.\n`);
      return 1;
    }
  }
  return jest("unit", "1");
}

const codes = await Promise.all([checksThenUnit(), jest("e2e", E2E_WORKERS)]);
process.exit(codes.some((c) => c !== 0) ? 1 : 0);
