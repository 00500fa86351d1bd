// `npm test`: the whole suite on three lanes at once, which keeps both cores busy:
// - checks: `npm run typecheck`, then `npm run lint` (tsc, eslint and prettier, all incremental,
//   their caches in node_modules/.cache/throat/);
// - unit: the unit project (pure plan and mock tests) on one jest worker;
// - e2e: the e2e project (real servers on loopback) on two jest workers: its files mostly wait
//   on servers, so two share a core (E2E_WORKERS=1: one at a time, to rule load out).
// Every lane runs to its end (stopping the e2e lane midway could leave its servers behind); the
// exit code is 1 if any of them failed, and the last line gives each lane's wall time. Extra
// arguments go to both jest runs.
import { spawn } from "node:child_process";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const jestArgs = process.argv.slice(2);
const E2E_WORKERS = process.env.E2E_WORKERS ?? "2";

const run = (command, args) =>
  new Promise((resolve) => {
    const child = spawn(command, args, { cwd: root, stdio: "inherit" });
    child.on("exit", (code, signal) => resolve(code ?? (signal ? 1 : 0)));
  });
const jest = (project, workers) =>
  run(join(root, "node_modules", ".bin", "jest"), ["--selectProjects", project, "--maxWorkers", workers, ...jestArgs]);

/** package.json's own check scripts, so each command is written once; the first failure ends the lane. */
async function checks() {
  for (const script of ["typecheck", "lint"]) {
    if ((await run("npm", ["run", "-s", script])) !== 0) {
      process.stderr.write(`\nnpm test: \`npm run ${script}\` failed.\n`);
      return 1;
    }
  }
  return 0;
}

// Each lane's wall time at the end, so the long pole shows.
const started = Date.now();
const timed = (name, lane) => lane.then((code) => ({ name, code, seconds: (Date.now() - started) / 1000 }));
const lanes = await Promise.all([
  timed("checks", checks()),
  timed("unit", jest("unit", "1")),
  timed("e2e", jest("e2e", E2E_WORKERS)),
]);
process.stderr.write(`npm test: ${lanes.map((l) => `${l.name} ${l.seconds.toFixed(1)} s`).join(", ")}\n`);
const codes = lanes.map((l) => l.code);
process.exit(codes.some((c) => c !== 0) ? 1 : 0);
