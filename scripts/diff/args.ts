// The plan diff's command-line options (`--diff <ref> | --base <plan.json> [--json | --markdown]
// [--warn-left 10%]`) and their checks, for plan/cli.ts.
import type { DiffOptions } from "./command";

export const DIFF_OPTIONS = {
  diff: { type: "string" },
  base: { type: "string" },
  markdown: { type: "boolean", default: false },
  "warn-left": { type: "string" },
} as const;

interface DiffValues {
  json?: boolean;
  diff?: string;
  base?: string;
  markdown?: boolean;
  "warn-left"?: string;
}

/** The diff asked for, undefined for a plain plan, or what is wrong with the options. */
export function diffRequest(values: DiffValues, stack: string, projectRoot: string): DiffOptions | undefined | string {
  const diffing = values.diff !== undefined || values.base !== undefined;
  if (!diffing)
    return values.markdown || values["warn-left"] !== undefined
      ? "--markdown and --warn-left go with --diff <git ref> or --base <plan.json>"
      : undefined;
  if (values.diff !== undefined && values.base !== undefined)
    return "give --diff <git ref> or --base <plan.json>, not both";
  if (values.json && values.markdown) return "give --json or --markdown, not both";
  const format = values.json ? "json" : values.markdown ? "markdown" : "text";
  return { projectRoot, stack, ref: values.diff, baseFile: values.base, format, warnLeft: values["warn-left"] };
}
