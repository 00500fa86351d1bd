// The spec files run through their directory's suite.test.ts (test/support/suite.ts): jest
// itself only runs *.test.ts, so a spec in a folder without one would never run, silently.
import { existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { PROJECT_ROOT } from "../../components/load";
import { SPEC_SUFFIX, specFiles } from "../support/suite";

const walk = (dir: string): string[] =>
  readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? walk(path.join(dir, e.name)) : [path.join(dir, e.name)],
  );

test("every spec lies next to a suite.test.ts that runs its folder's specs", () => {
  const specs = walk(path.join(PROJECT_ROOT, "test")).filter((f) => f.endsWith(SPEC_SUFFIX));
  expect(specs.length).toBeGreaterThan(50);
  const folders = [...new Set(specs.map((f) => path.dirname(f)))];
  for (const folder of folders) {
    const suite = path.join(folder, "suite.test.ts");
    expect({ folder: path.relative(PROJECT_ROOT, folder), hasSuite: existsSync(suite) }).toEqual({
      folder: path.relative(PROJECT_ROOT, folder),
      hasSuite: true,
    });
    expect(readFileSync(suite, "utf8")).toContain("runSpecs(__dirname)");
  }
});

test("THROAT_SPEC picks specs by name, comma-separated, with or without the suffix", () => {
  const dir = mkdtempSync(path.join(tmpdir(), "throat-specs-"));
  for (const f of ["b.spec.ts", "a.spec.ts", "c.spec.ts", "helper.ts", "suite.test.ts"])
    writeFileSync(path.join(dir, f), "");
  expect(specFiles(dir, "")).toEqual(["a.spec.ts", "b.spec.ts", "c.spec.ts"]);
  expect(specFiles(dir, "c, a.spec.ts")).toEqual(["a.spec.ts", "c.spec.ts"]);
  expect(specFiles(dir, "nothing")).toEqual([]);
});
