// The plan print's config.yaml section (scripts/plan/configFiles.ts): YAML a reviewer reads, the
// first kind's file in full, the others as what they change from it, nothing lost on the way.
import { execFileSync } from "node:child_process";
import { parse } from "yaml";
import { configChanges, formatConfigFiles } from "../../scripts/plan/configFiles";
import { shellLine } from "../../scripts/plan/document";
import { plan } from "../support/settings";

/** The YAML under a `config file <path>:` heading, unindented, up to the next heading. */
function section(lines: string[], heading: string): string {
  const start = lines.findIndex((l) => l.startsWith(`config file ${heading}:`));
  const end = lines.findIndex((l, i) => i > start && l.startsWith("config file "));
  return lines
    .slice(start + 1, end < 0 ? undefined : end)
    .map((l) => l.replace(/^ {4}/, ""))
    .join("\n");
}

describe("the plan print's config files", () => {
  it("names the leaves that differ by dotted path with the other tree's value, and those it leaves out", () => {
    const base = { app: { debug: false, languages: ["en", "cs"] }, database: { max_connections: 1, timeout: 10 } };
    const other = { app: { debug: false, languages: ["en"] }, database: { max_connections: 34 }, cache: { type: "x" } };
    expect(configChanges(base, other)).toEqual({
      set: { "app.languages": ["en"], "database.max_connections": 34, cache: { type: "x" } },
      unset: ["database.timeout"],
    });
    expect(configChanges(base, structuredClone(base))).toEqual({ set: {}, unset: [] });
  });

  for (const profile of ["test", "prod"] as const) {
    it(`${profile}: the first file in full as YAML, the others as their differences, every value recoverable`, () => {
      const files = Object.values(plan(profile).app.configFiles);
      const lines = formatConfigFiles(files);
      const [first, ...rest] = files;
      // Each line fits a reviewer's screen, where the JSON print was one 450-character line.
      expect(Math.max(...lines.map((l) => l.length))).toBeLessThan(100);
      expect(parse(section(lines, first!.path))).toEqual(first!.values);
      expect(rest.length).toBeGreaterThan(0);
      for (const f of rest) {
        const heading = lines.find((l) => l.startsWith(`config file ${f.path}:`));
        expect(heading).toBe(`config file ${f.path}: ${first!.path}, except:`);
        // Applying the printed differences to the first file gives this one back.
        const rebuilt = structuredClone(first!.values) as Record<string, Record<string, unknown>>;
        for (const [dotted, value] of Object.entries(parse(section(lines, f.path)) as Record<string, unknown>)) {
          const [top, ...leaf] = dotted.split(".");
          rebuilt[top!]![leaf.join(".")] = value;
        }
        expect(rebuilt).toEqual(f.values);
        expect(section(lines, f.path)).toMatch(/^database\.max_connections: \d+$/m);
      }
    });
  }

  it("prints a key another kind leaves out as a comment, not as a null value", () => {
    const file = Object.values(plan("test").app.configFiles)[0]!;
    const values = structuredClone(file.values) as { database: Record<string, unknown> };
    delete values.database.timeout;
    const lines = formatConfigFiles([file, { ...file, path: "configs/other/config.yaml", values }]);
    expect(lines.slice(-2)).toEqual([
      `config file configs/other/config.yaml: ${file.path}, except:`,
      "    # not set: database.timeout",
    ]);
  });

  it("says a file equal to the first is the same, instead of printing it again", () => {
    const file = Object.values(plan("test").app.configFiles)[0]!;
    const copy = { ...file, path: "configs/copy/config.yaml" };
    expect(formatConfigFiles([file, copy]).at(-1)).toBe(
      `config file configs/copy/config.yaml: the same as ${file.path}`,
    );
  });
});

describe("the plan print's migration line", () => {
  for (const profile of ["test", "prod"] as const) {
    it(`${profile}: one line a shell reads back as the very argv the task runs`, () => {
      const { argv } = plan(profile).migration;
      const line = shellLine(argv);
      expect(line).not.toContain("\n");
      expect(line.length).toBeLessThan(250);
      const echoed = execFileSync("/bin/sh", ["-c", `printf '%s\\0' ${line}`], { encoding: "utf8" });
      expect(echoed.split("\0").slice(0, -1)).toEqual(argv);
    });
  }

  it("quotes a word holding a single quote so it survives", () => {
    const argv = ["/bin/sh", "-c", "echo 'it''s' \"$X\""];
    const echoed = execFileSync("/bin/sh", ["-c", `printf '%s\\0' ${shellLine(argv)}`], { encoding: "utf8" });
    expect(echoed.split("\0").slice(0, -1)).toEqual(argv);
  });
});
