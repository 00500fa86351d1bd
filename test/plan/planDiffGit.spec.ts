// `npm run plan -- --diff <ref>` end to end, in a throwaway git repository holding a copy of
// the project: the base is planned at the ref by that ref's own code (its own process), the
// exit code says whether anything changed, and a ref that cannot be planned is a clear error.
// The working tree's side runs in this process (planCli with the copy as its project); the
// last test runs scripts/plan.ts itself, through a pipe.
import { cpSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { execFileSync, spawnSync } from "node:child_process";
import { PROJECT_ROOT } from "../../components/load";
import { commentMarker } from "../../scripts/diff/render";
import { planCli } from "../../scripts/plan/cli";
import { TSX_NODE, tsxArgs } from "../support/tsx";

jest.setTimeout(120_000);

const TREE = [
  "components",
  "scripts",
  "policy",
  "throat",
  "nginx",
  "index.ts",
  "Pulumi.yaml",
  "Pulumi.test.yaml",
  "package.json",
  "tsconfig.json",
  "test/policy/support.ts",
];
let repo: string;
const git = (...args: string[]) =>
  execFileSync(
    "git",
    ["-c", "user.name=test", "-c", "user.email=test@example.org", "-c", "commit.gpgsign=false", ...args],
    { cwd: repo, encoding: "utf8" },
  );
const plan = (...args: string[]) => planCli(["--stack", "test", ...args], repo);

beforeAll(() => {
  repo = mkdtempSync(path.join(tmpdir(), "throat-diff-repo-"));
  for (const entry of TREE) cpSync(path.join(PROJECT_ROOT, entry), path.join(repo, entry), { recursive: true });
  writeFileSync(path.join(repo, ".gitignore"), "node_modules\n.build/\n");
  symlinkSync(path.join(PROJECT_ROOT, "node_modules"), path.join(repo, "node_modules"), "dir");
  git("init", "-q", "-b", "main");
  git("add", "-A");
  git("commit", "-q", "-m", "base");
  // A commit whose plan.ts predates the JSON document.
  writeFileSync(path.join(repo, "scripts/plan.ts"), 'process.stdout.write("a text plan\\n");\n');
  git("commit", "-q", "-am", "an old plan.ts");
  git("tag", "old");
  git("reset", "-q", "--hard", "HEAD~1");
});

afterAll(() => rmSync(repo, { recursive: true, force: true }));

it("exits 0 when the working tree plans what the ref plans", async () => {
  const r = await plan("--diff", "HEAD");
  expect(r.stderr).toBe("");
  expect(r.code).toBe(0);
  expect(r.stdout).toMatch(/^Offline plan of stack "test" \(test\) against HEAD: no change/);
});

it("exits 2 with the markdown diff when a stack file changes", async () => {
  const file = path.join(repo, "Pulumi.test.yaml");
  writeFileSync(file, readFileSync(file, "utf8").replace(/sync:\n(\s+)replicas: 2/, "sync:\n$1replicas: 3"));
  const r = await plan("--diff", "HEAD", "--markdown");
  expect(r.stderr).toBe("");
  expect(r.code).toBe(2);
  expect(r.stdout.split("\n")[0]).toBe(commentMarker("test"));
  expect(r.stdout).toContain("`throat:workers.sync.replicas: 2 -> 3`");
  expect(r.stdout).toContain("| sync | `replicas.max: 2 -> 3` |");
  expect(r.stdout).toContain("- container throat-test-sync-2 started");
  expect(r.stdout).toContain("**Policy pack** on the new plan: passes");
  git("checkout", "-q", "--", "Pulumi.test.yaml");
});

it("exits 1 with a clear message for a ref that predates the plan document, or none at all", async () => {
  const old = await plan("--diff", "old");
  expect(old.code).toBe(1);
  expect(old.stderr).toMatch(
    /the plan at old \([0-9a-f]{12}\); does that commit predate `npm run plan -- --json`\?: not a plan document/,
  );
  const none = await plan("--diff", "no-such-ref");
  expect(none.code).toBe(1);
  expect(none.stderr).toMatch(/--diff no-such-ref: not a commit of the repository/);
  expect(`${old.stderr}${none.stderr}`).not.toMatch(/\n\s+at /);
});

it("a plan document larger than a pipe's buffer reaches the reader whole (a shell pipe, as CI reads it)", () => {
  const command = [TSX_NODE, ...tsxArgs("scripts/plan.ts", "--stack", "prod", "--json")].join(" ");
  const r = spawnSync("sh", ["-c", `${command} | cat`], {
    cwd: PROJECT_ROOT,
    encoding: "utf8",
    maxBuffer: 64 * 1024 * 1024,
  });
  expect(r.status).toBe(0);
  expect(r.stdout.length).toBeGreaterThan(64 * 1024);
  expect(JSON.parse(r.stdout).stack).toBe("prod");
});
