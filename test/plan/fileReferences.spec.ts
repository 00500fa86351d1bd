// No comment or document names a file this repository does not have: a reader who follows a
// reference must find it (issue 15: comments cited a contract page and a validate module that
// were not in the tree, and Pulumi.yaml a test file that was never written).
import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
import * as path from "node:path";
import { PROJECT_ROOT } from "../../components/load";
import { deadReferences, referencesIn } from "../../scripts/docs/fileReferences";

const TRACKED = [
  "README.md",
  "components/plan/names.ts",
  "components/plan/workers.ts",
  "scripts/offline/providerRules.ts",
  "test/plan/alb.spec.ts",
];

describe("dead file references", () => {
  it("names the file and line of a comment that cites a missing module", () => {
    const files = {
      "components/aws/network.ts": "const a = 1;\n// Refused before this runs (validate.ts).\nexport const b = a;\n",
      "README.md": "Intro\n\nSee [the contract](CONTRACT.md) and `plan/workers.ts`.\n",
      "Pulumi.yaml": "# test/plan/pulumiYaml.test.ts keeps the two lists equal.\n",
    };
    expect(deadReferences(files, TRACKED)).toEqual([
      "components/aws/network.ts:2: validate.ts",
      "README.md:3: CONTRACT.md",
      "Pulumi.yaml:1: test/plan/pulumiYaml.test.ts",
    ]);
  });

  it("resolves paths written from the reader's folder and ../ paths from the file", () => {
    const files = {
      "components/aws/alb.ts": "// ASYNC_KEEPALIVE (plan/workers.ts) and names.ts\n",
      "scripts/offline/rules/aws.ts": "// see ../providerRules.ts, not ../rules.ts\n",
    };
    expect(deadReferences(files, TRACKED)).toEqual(["scripts/offline/rules/aws.ts:1: ../rules.ts"]);
  });

  it("follows a document's links from its own folder, to a heading that exists", () => {
    const tracked = [...TRACKED, "docs/alarms.md", "docs/logs.md"];
    const files = {
      "README.md": "# Throat stack\n\n## Reviewing a change\n\nSee [alarms](docs/alarms.md#thresholds).\n",
      "docs/alarms.md": "# Alarms\n\n## Thresholds\n\n[Back](../README.md#reviewing-a-change), [logs](logs.md).\n",
      "docs/logs.md":
        "# Logs\n\n[the review](README.md) [gone](../README.md#reviewing) [web](https://example.org/x.md)\n",
    };
    expect(deadReferences(files, tracked)).toEqual([
      "docs/logs.md:3: README.md",
      "docs/logs.md:3: ../README.md#reviewing",
    ]);
  });

  it("leaves other projects' files, commands, URLs and code strings alone", () => {
    const text = [
      "// deploy.md says so; flask_caching/__init__.py too; run `./throat.py route list`",
      "// https://github.com/pulumi/pulumi-awsx/blob/master/awsx/ecs/fargateService.ts",
      "// configs/$CONFIG_NAME/config.yaml and configs/<stack>-<kind>/config.yaml",
      'const file = "test/plan/missing.test.ts";',
    ].join("\n");
    expect(referencesIn("components/x.ts", text).map((r) => r.path)).not.toContain("test/plan/missing.test.ts");
    expect(deadReferences({ "components/x.ts": text }, TRACKED)).toEqual([]);
  });

  it("finds none in the repository's sources, configuration and documents", () => {
    const tracked = execFileSync("git", ["ls-files", "--cached", "--others", "--exclude-standard"], {
      cwd: PROJECT_ROOT,
      encoding: "utf8",
    })
      .split("\n")
      .filter(Boolean);
    // Test fixtures are stand-ins for other projects (Throat's checkout, its app): their
    // comments name that project's files.
    const scanned = tracked.filter((f) => /\.(?:ts|mjs|js|ya?ml|md)$/.test(f) && !f.startsWith("test/fixtures/"));
    expect(scanned.length).toBeGreaterThan(100);
    const files = Object.fromEntries(scanned.map((f) => [f, readFileSync(path.join(PROJECT_ROOT, f), "utf8")]));
    expect(deadReferences(files, tracked)).toEqual([]);
  });
});
