// The GitHub workflows cannot run here; what can be checked is that they are valid, refer
// only to things that exist, deploy stacks whose names select the right profile, and carry
// no secret of their own.
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { createRequire } from "node:module";
import * as path from "node:path";
import { parse } from "yaml";
import { PROJECT_ROOT } from "../components/load";
import { parseSettings } from "../components/settings";
import { commentMarker } from "../scripts/diff/render";

const dir = path.join(PROJECT_ROOT, ".github/workflows");
const files = readdirSync(dir).filter((f) => /\.ya?ml$/.test(f));
const pkg = JSON.parse(readFileSync(path.join(PROJECT_ROOT, "package.json"), "utf8")) as {
  scripts: Record<string, string>;
};

interface Step {
  uses?: string;
  run?: string;
  if?: string;
  with?: Record<string, unknown>;
  env?: Record<string, string>;
}
interface Job {
  steps: Step[];
  if?: string;
  "runs-on": unknown;
  needs?: string | string[];
  permissions?: Record<string, string>;
}
interface Workflow {
  name: string;
  on: unknown;
  permissions?: Record<string, string>;
  concurrency?: { group: string; "cancel-in-progress"?: boolean };
  env?: Record<string, string>;
  jobs: Record<string, Job>;
}

const workflows = Object.fromEntries(files.map((f) => [f, parse(readFileSync(path.join(dir, f), "utf8")) as Workflow]));
const steps = (w: Workflow) => Object.values(w.jobs).flatMap((j) => j.steps);
const pulumiSteps = (w: Workflow) => steps(w).filter((s) => s.uses?.startsWith("pulumi/actions@"));
/** Replaces GitHub expressions by a sample value, as a run would (a PR number). */
const expand = (text: string, w: Workflow) =>
  text.replace(/\$\{\{\s*env\.(\w+)\s*\}\}/g, (_m, k: string) => w.env?.[k] ?? "").replace(/\$\{\{[^}]*\}\}/g, "123");

describe("GitHub workflows", () => {
  it("exist for pull requests, deploys and test servers", () => {
    expect(files.sort()).toEqual(["deploy.yml", "plan-diff-comment.yml", "pull-request.yml", "test-server.yml"]);
  });

  it.each(files)("%s refers only to npm scripts, files and policy packs that exist", (file) => {
    const w = workflows[file]!;
    for (const s of steps(w)) {
      for (const m of (s.run ?? "").matchAll(/npm run (?:--silent )?([\w:-]+)/g))
        expect(Object.keys(pkg.scripts)).toContain(m[1]);
      for (const m of (s.run ?? "").matchAll(/bash (\S+\.sh)/g))
        expect(existsSync(path.join(PROJECT_ROOT, m[1]!))).toBe(true);
      const pack = s.with?.policyPacks;
      if (pack) expect(existsSync(path.join(PROJECT_ROOT, String(pack), "PulumiPolicy.yaml"))).toBe(true);
    }
  });

  it.each(files)("%s deploys stacks whose names select a profile", (file) => {
    const w = workflows[file]!;
    for (const s of pulumiSteps(w)) {
      const stack = expand(String(s.with?.["stack-name"]), w);
      const config: Record<string, string> =
        stack === "prod"
          ? {
              "throat:siteName": "x",
              "throat:image": "registry.example.org/throat:1",
              "throat:edge": JSON.stringify({
                certificateArn: "arn:aws:acm:eu-west-1:123456789012:certificate/0000-test",
              }),
            }
          : {};
      expect(() => parseSettings(stack, config)).not.toThrow();
    }
  });

  it.each(files)("%s carries no secret of its own", (file) => {
    const text = readFileSync(path.join(dir, file), "utf8");
    expect(text).not.toMatch(/AKIA[0-9A-Z]{16}|pul-[0-9a-f]{40}|-----BEGIN/);
    for (const s of steps(workflows[file]!)) {
      // A step's environment holds secrets or the run's own context, never a literal value.
      for (const v of Object.values(s.env ?? {})) expect(v).toMatch(/^\$\{\{ (secrets\.\w+|github\.[\w.]+) \}\}$/);
    }
  });

  it("the pull request job tests, then previews prod with a comment that is edited, not repeated, for its own branches", () => {
    const w = workflows["pull-request.yml"]!;
    expect(w.jobs.preview!.needs).toBe("test");
    expect(steps(w).some((s) => s.run === "npm test")).toBe(true);
    const preview = pulumiSteps(w)[0]!;
    expect(preview.with).toMatchObject({
      command: "preview",
      "stack-name": "prod",
      "comment-on-pr": true,
      "edit-pr-comment": true,
    });
    // Credentials and a Pulumi token: never given to pull requests from forks.
    expect(w.jobs.preview!.if).toBe("github.event.pull_request.head.repo.full_name == github.repository");
    expect(w.jobs.preview!.permissions).toMatchObject({ "id-token": "write", "pull-requests": "write" });
  });

  it("every pull request, forks included, gets the offline plan diff: in the summary, as an artifact, as one comment", () => {
    const w = workflows["pull-request.yml"]!;
    // `pull_request`, never `pull_request_target`: a fork's code never runs with a writable token.
    expect(Object.keys(w.on as object)).toEqual(["pull_request"]);
    for (const f of files) expect(JSON.stringify(workflows[f]!.on)).not.toContain("pull_request_target");
    expect(w.permissions).toEqual({ contents: "read", "pull-requests": "write" });
    const job = w.jobs["plan-diff"]!;
    expect(job.if).toBeUndefined();
    expect(job.needs).toBeUndefined(); // not held back by a failing test
    const diff = job.steps.find((s) => s.run?.includes("--diff"))!;
    expect(diff.run).toContain(
      'npm run --silent plan -- --stack prod --diff "$BASE_SHA" --markdown > plan-diff/comment.md',
    );
    expect(diff.env).toMatchObject({ BASE_SHA: "${{ github.event.pull_request.base.sha }}" });
    // Exit 2 means "changed", not failed; exit 1 fails the job.
    expect(diff.run).toMatch(/\[ "\$status" -ne 0 \] && \[ "\$status" -ne 2 \]; then exit "\$status"/);
    expect(diff.run).toContain('cat plan-diff/comment.md >> "$GITHUB_STEP_SUMMARY"');
    expect(job.steps[0]).toMatchObject({ uses: "actions/checkout@v4", with: { "fetch-depth": 0 } });
    expect(
      steps(w).some(
        (s) => s.run?.includes("GITHUB_STEP_SUMMARY") && s.run.includes("npm run --silent plan -- --stack prod\n"),
      ),
    ).toBe(true);
    expect(job.steps.find((s) => s.uses === "actions/upload-artifact@v4")?.with).toMatchObject({
      name: "plan-diff",
      path: "plan-diff/",
    });
    const comment = job.steps.find((s) => s.uses === "actions/github-script@v7")!;
    expect(comment.if).toBe("github.event.pull_request.head.repo.full_name == github.repository");
    expect(comment.with?.script).toContain('require("./.github/scripts/plan-diff-comment.js")');
  });

  it("a fork's diff is commented by a workflow_run follow-up that never checks out the fork's code", () => {
    const w = workflows["plan-diff-comment.yml"]!;
    expect(w.on).toEqual({ workflow_run: { workflows: [workflows["pull-request.yml"]!.name], types: ["completed"] } });
    expect(w.permissions).toEqual({ contents: "read", actions: "read", "pull-requests": "write" });
    const job = w.jobs.comment!;
    expect(job.if).toContain("github.event.workflow_run.head_repository.full_name != github.repository");
    for (const s of job.steps.filter((x) => x.uses?.startsWith("actions/checkout@"))) {
      // The default branch only: no ref, no repository of the head.
      expect(s.with?.ref).toBeUndefined();
      expect(s.with?.repository).toBeUndefined();
    }
    expect(JSON.stringify(job)).not.toMatch(/head_sha\s*\}\}"?,?\s*"?(ref|repository)|head_branch|npm (ci|run|test)/);
    expect(job.steps.find((s) => s.uses === "actions/download-artifact@v4")?.with).toEqual({
      name: "plan-diff",
      path: "plan-diff",
      "run-id": "${{ github.event.workflow_run.id }}",
      "github-token": "${{ github.token }}",
    });
    const script = String(job.steps.find((s) => s.uses === "actions/github-script@v7")!.with!.script);
    expect(script).toMatch(/\/\^\[0-9\]\+\$\/\.test\(number\)/);
    expect(script).toContain("pr.head.sha !== process.env.HEAD_SHA");
  });

  it("the comment script edits the bot's plan-diff comment, or creates one, and keeps within GitHub's limit", async () => {
    interface Comment {
      id: number;
      user: { type: string };
      body: string;
    }
    const script = createRequire(__filename)("../.github/scripts/plan-diff-comment.js") as {
      postPlanDiff(a: {
        github: unknown;
        owner: string;
        repo: string;
        issueNumber: number;
        markdown: string;
      }): Promise<string>;
      MARKER: string;
      MAX_BODY: number;
    };
    expect(commentMarker("prod").startsWith(script.MARKER)).toBe(true);
    const comments: Comment[] = [
      { id: 1, user: { type: "User" }, body: `${commentMarker("prod")}\nquoted by a person` },
    ];
    const calls: string[] = [];
    const github = {
      paginate: async (_f: unknown, args: { issue_number: number }) => (args.issue_number === 7 ? comments : []),
      rest: {
        issues: {
          listComments: () => undefined,
          createComment: async (a: { body: string }) => (
            calls.push("create"),
            comments.push({ id: 2, user: { type: "Bot" }, body: a.body })
          ),
          updateComment: async (a: { comment_id: number; body: string }) => (
            calls.push(`update ${a.comment_id}`),
            (comments.find((c) => c.id === a.comment_id)!.body = a.body)
          ),
        },
      },
    };
    const post = (markdown: string) => script.postPlanDiff({ github, owner: "o", repo: "r", issueNumber: 7, markdown });
    expect(await post(`${commentMarker("prod")}\nfirst`)).toBe("created");
    expect(await post(`${commentMarker("prod")}\nsecond`)).toBe("updated");
    expect(calls).toEqual(["create", "update 2"]);
    expect(comments.map((c) => c.body.split("\n")[1])).toEqual(["quoted by a person", "second"]);
    await post(`${commentMarker("prod")}\n${"x".repeat(100_000)}`);
    expect(comments[1]!.body.length).toBeLessThanOrEqual(65536);
    expect(comments[1]!.body).toMatch(/cut to fit a comment/);
  });

  it("deploys never overlap", () => {
    const w = workflows["deploy.yml"]!;
    expect(w.concurrency).toEqual({ group: "deploy-prod", "cancel-in-progress": false });
    expect(pulumiSteps(w).map((s) => s.with)).toEqual([
      expect.objectContaining({ command: "up", "stack-name": "prod" }),
    ]);
    expect(w.jobs.up!.needs).toBe("test");
  });

  it("test servers come up per pull request and are destroyed and removed when it closes", () => {
    const w = workflows["test-server.yml"]!;
    expect(expand(w.env!.STACK!, w)).toBe("test-pr-123");
    const [up, down] = [
      pulumiSteps(w).find((s) => s.with?.command === "up"),
      pulumiSteps(w).find((s) => s.with?.command === "destroy"),
    ];
    expect(up?.with).toMatchObject({ upsert: true });
    expect(down?.with).toMatchObject({ remove: true });
    expect(w.jobs.down!.if).toContain("closed");
  });

  it("test servers never run a fork's code on the self-hosted runner", () => {
    const w = workflows["test-server.yml"]!;
    const sameRepo = "github.event.pull_request.head.repo.full_name == github.repository";
    for (const [name, job] of Object.entries(w.jobs)) {
      // Every pull_request path of the condition requires a branch of this repository.
      const paths = String(job.if)
        .split("||")
        .filter((p) => p.includes("pull_request") || p.includes("action"));
      expect({ name, paths: paths.map((p) => p.includes(sameRepo)) }).toEqual({ name, paths: paths.map(() => true) });
    }
  });
});
