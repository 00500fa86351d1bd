// npm run bench: the numbers BENCHMARKS.md reports, measured on this machine.
//   - the offline plan (prod, test): wall time and peak memory against the floor of loading
//     the Pulumi SDK alone, as ratios taken in the same run (the machine is shared and noisy);
//   - the test suite's wall time (unit always; with BENCH_FULL_SUITE=1 the whole suite, with
//     and without the real Throat, interleaved);
//   - the edge, from the end-to-end harness: the static file over HTTPS through nginx from disk
//     vs from the sync worker; 5,000 idle websocket clients held 60 s on one socketio process,
//     their memory, and DB event bursts (scripts/bench/edge.ts, websockets.ts).
// BENCH_RUNS (default 5) sets the rounds; BENCH_SKIP_EDGE=1 skips the edge part.
import * as os from "node:os";
import * as path from "node:path";
import { PROJECT_ROOT } from "../components/load";
import { interleaved, measure, round, type Sample, summarize } from "./bench/measure";

async function main() {
  const rounds = Number(process.env.BENCH_RUNS ?? 5);
  const tsx = path.join(PROJECT_ROOT, "node_modules/.bin/tsx");
  const node = process.execPath;
  const results: Record<string, unknown> = { machine: { cores: os.cpus().length, node: process.version }, rounds };

  const plan = interleaved(
    {
      sdkFloor: [node, ["-e", 'require("@pulumi/pulumi")']],
      planTest: [tsx, ["scripts/plan.ts", "--stack", "test", "--json"]],
      planProd: [tsx, ["scripts/plan.ts", "--stack", "prod", "--json"]],
    },
    rounds,
    PROJECT_ROOT,
  );
  const ratio = (k: "planTest" | "planProd") => ({
    seconds: round(plan[k]!.seconds.median / plan.sdkFloor!.seconds.median),
    maxRss: round(plan[k]!.maxRssMiB.median / plan.sdkFloor!.maxRssMiB.median),
  });
  results.offlinePlan = { ...plan, ratioToSdkFloor: { test: ratio("planTest"), prod: ratio("planProd") } };
  print("offline plan", results.offlinePlan);

  const jest = path.join(PROJECT_ROOT, "node_modules/.bin/jest");
  results.unitSuite = summarize(
    Array.from({ length: Math.min(rounds, 3) }, () =>
      measure(jest, ["--selectProjects", "unit", "--silent"], { cwd: PROJECT_ROOT }),
    ),
  );
  print("unit test suite (jest, unit project)", results.unitSuite);
  if (process.env.BENCH_FULL_SUITE === "1") {
    // With and without the real Throat (THROAT_REAL_APP=0 skips its files), one after the other
    // in each round, so the machine's noise hits both alike; caches are warm after round one.
    const withApp: Sample[] = [];
    const withoutApp: Sample[] = [];
    for (let i = 0; i < Math.min(rounds, 3); i++) {
      withApp.push(measure("npm", ["test", "--silent"], { cwd: PROJECT_ROOT }));
      const env = { ...process.env, THROAT_REAL_APP: "0" };
      withoutApp.push(measure("npm", ["test", "--silent"], { cwd: PROJECT_ROOT, env }));
    }
    results.fullSuite = { realApp: summarize(withApp), withoutRealApp: summarize(withoutApp) };
    print("whole test suite (npm test), with and without the real Throat", results.fullSuite);
  }

  if (process.env.BENCH_SKIP_EDGE !== "1") {
    const edge = await import("./bench/edge");
    results.edge = await edge.benchEdge();
    print("edge", results.edge);
  }
  process.stdout.write(`\n${JSON.stringify(results)}\n`);
}

function print(title: string, value: unknown) {
  process.stdout.write(`\n== ${title} ==\n${JSON.stringify(value, null, 2)}\n`);
}

main().catch((e: Error) => {
  process.stderr.write(`bench failed: ${e.stack ?? e.message}\n`);
  process.exit(1);
});
