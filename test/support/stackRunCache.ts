// Shares mocked program runs between test files and between jest runs. jest's globalSetup
// (test/support/jestGlobalSetup.js) names, in THROAT_STACK_RUN_CACHE, a directory keyed by a
// digest of the code a run depends on; the first file to need a run writes it there, later
// files (in any worker, either lane, the next `npm test`) read it. A change to that code names
// a new directory, so a run never outlives the code it ran.
// Without the variable, or with THROAT_STACK_RUN_CACHE=0, every call runs the program.
import { createHash } from "node:crypto";
import { mkdirSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import type { ProgramRun } from "../../scripts/offline/mockRuntime";

/** Set by test/support/jestGlobalSetup.js. */
export const CACHE_ENV = "THROAT_STACK_RUN_CACHE";

/** JSON with every object's keys sorted: one text per key, whatever order it was built in. */
function canonical(value: unknown): string {
  return JSON.stringify(value, (_k, v: unknown) =>
    v && typeof v === "object" && !Array.isArray(v)
      ? Object.fromEntries(Object.entries(v).sort(([a], [b]) => a.localeCompare(b)))
      : v,
  );
}

/** `key`: everything the run depends on besides the code (plain data: the stack, its config, a plan). */
export async function cachedRun(key: unknown, run: () => Promise<ProgramRun>): Promise<ProgramRun> {
  const dir = process.env[CACHE_ENV];
  if (!dir || dir === "0") return run();
  const file = join(dir, `${createHash("sha256").update(canonical(key)).digest("hex")}.json`);
  try {
    return JSON.parse(readFileSync(file, "utf8")) as ProgramRun;
  } catch {
    // Not there yet: run it (a failure propagates and is not cached).
  }
  const result = await run();
  const text = JSON.stringify(result);
  // The same copy every reader gets: what the first file asserts on is what JSON keeps.
  try {
    mkdirSync(dir, { recursive: true });
    const tmp = `${file}.${process.pid}.tmp`;
    writeFileSync(tmp, text);
    renameSync(tmp, file);
  } catch {
    // Another checkout's globalSetup pruned the directory: this run is simply not shared.
  }
  return JSON.parse(text) as ProgramRun;
}
