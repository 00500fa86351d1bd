// A newcomer can take in any file and any tool folder (issue 22): no source file over 450 lines
// (split by concern, not by count), no folder of scripts/ with more than 12 source files (a tool
// that outgrows that has become two tools).
import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
import * as path from "node:path";
import { PROJECT_ROOT } from "../../components/load";

const SOURCE = /\.(?:ts|mjs|js|py|sh)$/;
const MAX_LINES = 450;
const MAX_FILES_PER_SCRIPTS_FOLDER = 12;

/** Files over `max` lines, as "path: N lines". */
export function longFiles(files: Record<string, string>, max: number): string[] {
  return Object.entries(files)
    .map(([f, text]) => [f, text.split("\n").length - (text.endsWith("\n") ? 1 : 0)] as const)
    .filter(([, lines]) => lines > max)
    .map(([f, lines]) => `${f}: ${lines} lines`);
}

/** Folders under scripts/ holding more than `max` source files directly, as "folder: N files". */
export function crowdedFolders(paths: readonly string[], max: number): string[] {
  const counts = new Map<string, number>();
  for (const f of paths.filter((p) => p.startsWith("scripts/"))) {
    const dir = path.posix.dirname(f);
    counts.set(dir, (counts.get(dir) ?? 0) + 1);
  }
  return [...counts].filter(([, n]) => n > max).map(([dir, n]) => `${dir}: ${n} files`);
}

describe("file and folder sizes", () => {
  it("names a file one line over, and a scripts folder one file over; not one at the limit", () => {
    const line = "x\n";
    expect(longFiles({ "a.ts": line.repeat(3), "b.py": line.repeat(2), "c.sh": "x\nx" }, 2)).toEqual(["a.ts: 3 lines"]);
    const folder = (dir: string, n: number) => Array.from({ length: n }, (_, i) => `${dir}/f${i}.ts`);
    expect(
      crowdedFolders([...folder("scripts/diff", 3), ...folder("scripts/plan", 2), ...folder("test", 9)], 2),
    ).toEqual(["scripts/diff: 3 files"]);
  });

  it("holds for the repository's sources", () => {
    const tracked = execFileSync("git", ["ls-files", "--cached", "--others", "--exclude-standard"], {
      cwd: PROJECT_ROOT,
      encoding: "utf8",
    })
      .split("\n")
      .filter((f) => SOURCE.test(f));
    expect(tracked.length).toBeGreaterThan(100);
    const files = Object.fromEntries(tracked.map((f) => [f, readFileSync(path.join(PROJECT_ROOT, f), "utf8")]));
    expect(longFiles(files, MAX_LINES)).toEqual([]);
    expect(crowdedFolders(tracked, MAX_FILES_PER_SCRIPTS_FOLDER)).toEqual([]);
  });
});
