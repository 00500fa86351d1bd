// One jest file per test directory (its suite.test.ts) runs that directory's specs, *.spec.ts,
// in one module registry. jest gives every test file a registry of its own, so each file used
// to load and compile the Pulumi SDK, the providers, zod and the plan again: about half of a
// mock-test file's time. Each spec is a describe block named by its file; it starts with no
// stack config, as a file of its own would (a spec that runs a stack sets its own).
//
// One spec:        THROAT_SPEC=alarms npx jest test/aws      (or `-t alarms.spec`)
import { readdirSync } from "node:fs";
import * as path from "node:path";
import * as pulumi from "@pulumi/pulumi";

export const SPEC_SUFFIX = ".spec.ts";

/** The specs of `dir`, sorted; THROAT_SPEC (comma-separated names; unset or empty: all) selects some. */
export function specFiles(dir: string, only = process.env.THROAT_SPEC): string[] {
  const all = readdirSync(dir)
    .filter((f) => f.endsWith(SPEC_SUFFIX))
    .sort();
  if (!only) return all;
  const wanted = only.split(",").map((s) => s.trim().replace(SPEC_SUFFIX, ""));
  return all.filter((f) => wanted.includes(f.slice(0, -SPEC_SUFFIX.length)));
}

export function runSpecs(dir: string): void {
  const specs = specFiles(dir);
  if (specs.length === 0) throw new Error(`no ${SPEC_SUFFIX} in ${dir} (THROAT_SPEC=${process.env.THROAT_SPEC})`);
  for (const spec of specs) {
    describe(spec, () => {
      beforeAll(() => pulumi.runtime.setAllConfig({}, []));
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      require(path.join(dir, spec));
    });
  }
}
