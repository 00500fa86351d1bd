// `npm run plan -- --stack <name> --diff <ref> | --base <plan.json> [--json | --markdown]
// [--warn-left 10%]`: the working tree's plan against a base, and the exit code a pipeline
// reads (0 nothing changed, 2 something did, 1 an error), as `terraform plan -detailed-exitcode`.
// A bad base or argument throws (BaseError, DiffArgumentError): planCli prints it alone, exit 1.
import { readFileSync } from "node:fs";
import { renderMarkdown, renderText, type DiffReport } from "./render";
import { BaseError, basePlanAtRef, parseBaseDocument } from "./gitBase";
import type { RecordedResource } from "../offline/mockRuntime";
import { DEFAULT_WARN_LEFT, diffPlans, parseWarnLeft, type PlanDoc } from "./planDiff";
import { policyVerdict } from "./policyVerdict";

export interface DiffOptions {
  projectRoot: string;
  stack: string;
  ref?: string;
  baseFile?: string;
  format: "text" | "json" | "markdown";
  warnLeft?: string;
}

/** The base document: read from --base, or planned at --diff's ref (before the current plan: a bad base fails fast). */
export function loadBase(opts: DiffOptions): PlanDoc {
  if (opts.warnLeft !== undefined) parseWarnLeft(opts.warnLeft);
  if (opts.baseFile === undefined) return basePlanAtRef(opts.projectRoot, opts.ref!, opts.stack);
  let text: string;
  try {
    text = readFileSync(opts.baseFile, "utf8");
  } catch (e) {
    throw new BaseError(`--base ${opts.baseFile}: cannot read it (${(e as NodeJS.ErrnoException).code})`);
  }
  return parseBaseDocument(text, `--base ${opts.baseFile}`);
}

export async function runDiff(
  opts: DiffOptions,
  base: PlanDoc,
  current: PlanDoc,
  resources: RecordedResource[],
): Promise<{ output: string; code: number }> {
  const warnLeft = opts.warnLeft === undefined ? DEFAULT_WARN_LEFT : parseWarnLeft(opts.warnLeft);
  if (base.stack !== current.stack) throw new BaseError(`the base plans stack "${base.stack}", not "${current.stack}"`);
  const report: DiffReport = {
    base: opts.ref ?? opts.baseFile!,
    diff: diffPlans(base, current, { warnLeft }),
    policy: await policyVerdict(resources),
  };
  const output =
    opts.format === "json"
      ? JSON.stringify(report, null, 2)
      : opts.format === "markdown"
        ? renderMarkdown(report)
        : renderText(report);
  return { output: `${output}\n`, code: report.diff.changed ? 2 : 0 };
}
