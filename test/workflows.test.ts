// The GitHub workflows cannot run here; what can be checked is that they are valid, refer
// only to things that exist, deploy stacks whose names select the right profile, and carry
// no secret of their own.
import { existsSync, readdirSync, readFileSync } from "node:fs";
import * as path from "node:path";
import { parse } from "yaml";
import { PROJECT_ROOT } from "../components/load";
import { parseSettings } from "../components/settings";

const dir = path.join(PROJECT_ROOT, ".github/workflows");
const files = readdirSync(dir).filter((f) => /\.ya?ml$/.test(f));
const pkg = JSON.parse(readFileSync(path.join(PROJECT_ROOT, "package.json"), "utf8")) as { scripts: Record<string, string> };

interface Step { uses?: string; run?: string; with?: Record<string, unknown>; env?: Record<string, string> }
interface Job { steps: Step[]; if?: string; "runs-on": unknown; needs?: string | string[] }
interface Workflow { on: unknown; permissions?: Record<string, string>; concurrency?: { group: string; "cancel-in-progress"?: boolean }; env?: Record<string, string>; jobs: Record<string, Job> }

const workflows = Object.fromEntries(files.map((f) => [f, parse(readFileSync(path.join(dir, f), "utf8")) as Workflow]));
const steps = (w: Workflow) => Object.values(w.jobs).flatMap((j) => j.steps);
const pulumiSteps = (w: Workflow) => steps(w).filter((s) => s.uses?.startsWith("pulumi/actions@"));
/** Replaces GitHub expressions by a sample value, as a run would (a PR number). */
const expand = (text: string, w: Workflow) => text.replace(/\$\{\{\s*env\.(\w+)\s*\}\}/g, (_m, k: string) => w.env?.[k] ?? "").replace(/\$\{\{[^}]*\}\}/g, "123");

describe("GitHub workflows", () => {
  it("exist for pull requests, deploys and test servers", () => {
    expect(files.sort()).toEqual(["deploy.yml", "pull-request.yml", "test-server.yml"]);
  });

  it.each(files)("%s refers only to npm scripts, files and policy packs that exist", (file) => {
    const w = workflows[file]!;
    for (const s of steps(w)) {
      for (const m of (s.run ?? "").matchAll(/npm run (?:--silent )?([\w:-]+)/g)) expect(Object.keys(pkg.scripts)).toContain(m[1]);
      for (const m of (s.run ?? "").matchAll(/bash (\S+\.sh)/g)) expect(existsSync(path.join(PROJECT_ROOT, m[1]!))).toBe(true);
      const pack = s.with?.policyPacks;
      if (pack) expect(existsSync(path.join(PROJECT_ROOT, String(pack), "PulumiPolicy.yaml"))).toBe(true);
    }
  });

  it.each(files)("%s deploys stacks whose names select a profile", (file) => {
    const w = workflows[file]!;
    for (const s of pulumiSteps(w)) {
      const stack = expand(String(s.with?.["stack-name"]), w);
      const config: Record<string, string> = stack === "prod" ? { "throat:siteName": "x", "throat:image": "registry.example.org/throat:1", "throat:edge": JSON.stringify({ certificateArn: "arn:aws:acm:eu-west-1:123456789012:certificate/0000-test" }) } : {};
      expect(() => parseSettings(stack, config)).not.toThrow();
    }
  });

  it.each(files)("%s carries no secret of its own", (file) => {
    const text = readFileSync(path.join(dir, file), "utf8");
    expect(text).not.toMatch(/AKIA[0-9A-Z]{16}|pul-[0-9a-f]{40}|-----BEGIN/);
    for (const s of steps(workflows[file]!)) {
      for (const v of Object.values(s.env ?? {})) expect(v).toMatch(/^\$\{\{ secrets\.\w+ \}\}$/);
    }
  });

  it("the pull request job tests, then previews prod with a comment that is edited, not repeated", () => {
    const w = workflows["pull-request.yml"]!;
    expect(w.permissions).toMatchObject({ "pull-requests": "write" });
    expect(w.jobs.preview!.needs).toBe("test");
    expect(steps(w).some((s) => s.run === "npm test")).toBe(true);
    const preview = pulumiSteps(w)[0]!;
    expect(preview.with).toMatchObject({ command: "preview", "stack-name": "prod", "comment-on-pr": true, "edit-pr-comment": true });
    expect(steps(w).some((s) => s.run?.includes("GITHUB_STEP_SUMMARY") && s.run.includes("npm run --silent plan -- --stack prod"))).toBe(true);
  });

  it("deploys never overlap", () => {
    const w = workflows["deploy.yml"]!;
    expect(w.concurrency).toEqual({ group: "deploy-prod", "cancel-in-progress": false });
    expect(pulumiSteps(w).map((s) => s.with)).toEqual([expect.objectContaining({ command: "up", "stack-name": "prod" })]);
    expect(w.jobs.up!.needs).toBe("test");
  });

  it("test servers come up per pull request and are destroyed and removed when it closes", () => {
    const w = workflows["test-server.yml"]!;
    expect(expand(w.env!.STACK!, w)).toBe("test-pr-123");
    const [up, down] = [pulumiSteps(w).find((s) => s.with?.command === "up"), pulumiSteps(w).find((s) => s.with?.command === "destroy")];
    expect(up?.with).toMatchObject({ upsert: true });
    expect(down?.with).toMatchObject({ remove: true });
    expect(w.jobs.down!.if).toContain("closed");
  });
});
