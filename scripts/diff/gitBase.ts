// The base of a diff: the offline plan document of the same stack at a git ref. The ref's tree
// is exported (`git archive`, so the repository and its worktrees are never touched) into a
// temporary directory, given the working tree's node_modules, and asked for its own
// `scripts/plan.ts --json`: the base is what that commit's code and stack file plan, not what
// today's code makes of its stack file.
import { execFileSync, spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, rmSync, symlinkSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import type { PlanDoc } from "./planDiff";

export class BaseError extends Error {}

const git = (cwd: string, args: string[]) =>
  execFileSync("git", args, { cwd, encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] }).trim();

export function basePlanAtRef(projectRoot: string, ref: string, stack: string): PlanDoc {
  let commit: string;
  let prefix: string;
  try {
    commit = git(projectRoot, ["rev-parse", "--verify", "--quiet", `${ref}^{commit}`]);
    prefix = git(projectRoot, ["rev-parse", "--show-prefix"]);
  } catch {
    throw new BaseError(
      `--diff ${ref}: not a commit of the repository at this project (fetch it first, e.g. git fetch origin main)`,
    );
  }
  const dir = mkdtempSync(path.join(tmpdir(), "throat-plan-base-"));
  try {
    const tar = execFileSync("git", ["archive", "--format=tar", commit, ...(prefix ? [prefix] : [])], {
      cwd: projectRoot,
      maxBuffer: 512 * 1024 * 1024,
    });
    execFileSync("tar", ["-x", "-C", dir], { input: tar });
    const root = path.join(dir, prefix);
    if (!existsSync(path.join(root, "scripts/plan.ts")))
      throw new BaseError(`--diff ${ref}: that commit has no scripts/plan.ts to plan with`);
    symlinkSync(path.join(projectRoot, "node_modules"), path.join(root, "node_modules"), "dir");
    // tsx as a loader in this node (`--import tsx`, found in the node_modules linked above):
    // the tsx command would start a second node to do the same.
    const r = spawnSync(process.execPath, ["--import", "tsx", "scripts/plan.ts", "--stack", stack, "--json"], {
      cwd: root,
      encoding: "utf8",
      timeout: 180_000,
      maxBuffer: 256 * 1024 * 1024,
    });
    const tail = (s: string) => s.trim().split("\n").slice(-8).join("\n");
    if (r.status !== 0)
      throw new BaseError(
        `--diff ${ref}: the plan of stack "${stack}" at ${commit.slice(0, 12)} failed (${r.error?.message ?? `exit ${r.status}`}):\n${tail(r.stderr ?? "")}`,
      );
    return parseBaseDocument(
      r.stdout,
      `the plan at ${ref} (${commit.slice(0, 12)}); does that commit predate \`npm run plan -- --json\`?`,
    );
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** A plan document read back from JSON, checked for what the diff needs. */
export function parseBaseDocument(text: string, source: string): PlanDoc {
  let doc: Partial<PlanDoc>;
  try {
    doc = JSON.parse(text) as Partial<PlanDoc>;
  } catch {
    throw new BaseError(`${source}: not a plan document (no JSON)`);
  }
  const missing = (["stack", "profile", "workers", "budget", "routes", "resources"] as const).filter(
    (k) => doc?.[k] === undefined,
  );
  if (missing.length) throw new BaseError(`${source}: not a plan document (no ${missing.join(", ")})`);
  return doc as PlanDoc;
}
