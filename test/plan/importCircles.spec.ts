// No import circle among the project's source files, type-only imports included (issue 22): a
// reader can take the modules bottom-up (settings, plan, targets, tools) and a module is never
// half-initialised when another one reads it at load time.
import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
import * as path from "node:path";
import * as ts from "typescript";
import { PROJECT_ROOT } from "../../components/load";

const SOURCE = /\.(?:ts|mjs|js)$/;
const RESOLVE_SUFFIXES = ["", ".ts", ".mjs", ".js", "/index.ts", "/index.js"];

/**
 * The project files `file` imports: static, type-only, `export ... from`, `import()` and
 * `require()`, as TypeScript's own scanner sees them; packages are left out.
 */
function importsOf(file: string, text: string, known: ReadonlySet<string>): string[] {
  const { importedFiles } = ts.preProcessFile(text, true, true);
  const out: string[] = [];
  for (const { fileName } of importedFiles) {
    if (!fileName.startsWith(".")) continue;
    const base = path.posix.normalize(path.posix.join(path.posix.dirname(file), fileName));
    const target = RESOLVE_SUFFIXES.map((s) => base + s).find((f) => known.has(f));
    if (target) out.push(target);
  }
  return out;
}

/** Each import circle in `files` (path -> text), as its files in import order, smallest first. */
export function importCircles(files: Record<string, string>): string[][] {
  const known = new Set(Object.keys(files));
  const edges = new Map(Object.entries(files).map(([f, text]) => [f, importsOf(f, text, known)]));
  // Tarjan's strongly connected components: every component with more than one file, or a file
  // importing itself, is a circle.
  let counter = 0;
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const circles: string[][] = [];
  const visit = (v: string) => {
    index.set(v, counter);
    low.set(v, counter++);
    stack.push(v);
    onStack.add(v);
    for (const w of edges.get(v)!) {
      if (!index.has(w)) {
        visit(w);
        low.set(v, Math.min(low.get(v)!, low.get(w)!));
      } else if (onStack.has(w)) low.set(v, Math.min(low.get(v)!, index.get(w)!));
    }
    if (low.get(v) !== index.get(v)) return;
    const component: string[] = [];
    let w: string;
    do {
      w = stack.pop()!;
      onStack.delete(w);
      component.push(w);
    } while (w !== v);
    if (component.length > 1 || edges.get(v)!.includes(v)) circles.push(component.sort());
  };
  for (const f of [...known].sort()) if (!index.has(f)) visit(f);
  return circles.sort((a, b) => a.length - b.length || a[0]!.localeCompare(b[0]!));
}

describe("import circles", () => {
  it("finds a circle made by a type-only import, and one through export-from and import()", () => {
    const files = {
      "a/index.ts": 'import { check } from "./check";\nexport class PlanError extends Error {}\n',
      "a/check.ts": 'import type { PlanError } from ".";\nexport const check = (e: PlanError) => e;\n',
      "b/one.ts": 'export * from "./two";\n',
      "b/two.ts": 'export const load = () => import("./one");\n',
      "c/alone.ts": 'import { check } from "../a/check";\nimport * as ts from "typescript";\n',
    };
    expect(importCircles(files)).toEqual([
      ["a/check.ts", "a/index.ts"],
      ["b/one.ts", "b/two.ts"],
    ]);
  });

  it("finds none among the repository's sources", () => {
    const tracked = execFileSync("git", ["ls-files", "--cached", "--others", "--exclude-standard"], {
      cwd: PROJECT_ROOT,
      encoding: "utf8",
    })
      .split("\n")
      .filter((f) => SOURCE.test(f) && !f.startsWith("test/fixtures/"));
    expect(tracked.length).toBeGreaterThan(100);
    const files = Object.fromEntries(tracked.map((f) => [f, readFileSync(path.join(PROJECT_ROOT, f), "utf8")]));
    expect(importCircles(files)).toEqual([]);
  });
});
