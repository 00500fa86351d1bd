// Shares mocked program runs between the test files of one jest run. jest's globalSetup
// (test/support/jestGlobalSetup.js) makes an empty directory per run and names it in
// THROAT_STACK_RUN_CACHE; the first file to need a run writes it there, later files (in any
// worker) read it. A new jest run starts empty, so a run never outlives the code it ran.
// Without the variable, or with THROAT_STACK_RUN_CACHE=0, every call runs the program.
import { createHash } from "node:crypto";
import { readFileSync, renameSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import type { ProgramRun } from "../../scripts/offline/mockRuntime";

/** Set by test/support/jestGlobalSetup.js. */
export const CACHE_ENV = "THROAT_STACK_RUN_CACHE";

export interface RunKey {
  stack: string;
  config: Record<string, string>;
  secretKeys: string[];
}

export async function cachedRun(key: RunKey, run: () => Promise<ProgramRun>): Promise<ProgramRun> {
  const dir = process.env[CACHE_ENV];
  if (!dir || dir === "0") return run();
  const sorted = {
    stack: key.stack,
    config: Object.fromEntries(Object.entries(key.config).sort(([a], [b]) => a.localeCompare(b))),
    secretKeys: [...key.secretKeys].sort(),
  };
  const file = join(dir, `${createHash("sha256").update(JSON.stringify(sorted)).digest("hex")}.json`);
  try {
    return JSON.parse(readFileSync(file, "utf8")) as ProgramRun;
  } catch {
    // Not there yet: run it (a failure propagates and is not cached).
  }
  const result = await run();
  const text = JSON.stringify(result);
  // The same copy every reader gets: what the first file asserts on is what JSON keeps.
  const tmp = `${file}.${process.pid}.tmp`;
  writeFileSync(tmp, text);
  renameSync(tmp, file);
  return JSON.parse(text) as ProgramRun;
}
