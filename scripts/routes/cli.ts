// `npm run routes -- --image <ref> | --checkout <dir> [--stack <name>] [--check]`, as a function
// (scripts/routes.ts calls it; tests call it in-process on scratch projects). Writes the file
// throat:routeList names from the release's own `throat.py route list`, only once the output
// parses and the stack can route it, then prints what changes in the routing. Exit codes: 0 done
// (or nothing to change), 2 `--check` found the file would change, 1 an error (nothing written).
import { readFileSync, renameSync, writeFileSync } from "node:fs";
import * as path from "node:path";
import { parseArgs } from "node:util";
import { asStackConfigError, PROJECT_ROOT, settingsFromConfig, StackConfigError } from "../../components/load";
import { buildPlan, type Plan } from "../../components/plan";
import { parseRouteList, RouteListError } from "../../components/plan/routes";
import type { Settings } from "../../components/settings";
import { readStackConfig, StackFileError } from "../offline/stackFile";
import { describeSource, listingConfig, listRoutes, ListingSource, RoutesError, shownCommand } from "./listing";
import { routingSummary } from "./summary";

export interface RoutesCliResult {
  code: number;
  stdout: string;
  stderr: string;
}

export const USAGE =
  "usage: npm run routes -- --image <ref> | --checkout <dir> [--stack <name>] [--check]\n" +
  "  --image <ref>     a Throat image: docker run --rm <ref> python3 throat.py route list\n" +
  "  --checkout <dir>  a Throat checkout: python3 throat.py route list in it\n" +
  "  --stack <name>    the stack whose throat:routeList is written (default: test)\n" +
  "  --check           write nothing; exit 2 if the file would change";

function sourceOf(values: { image?: string; checkout?: string }): ListingSource | string {
  if (values.image !== undefined && values.checkout !== undefined)
    return "give --image <ref> or --checkout <dir>, not both";
  if (values.image) return { flag: "--image", image: values.image };
  if (values.checkout) return { flag: "--checkout", dir: values.checkout };
  return "give --image <ref> (a Throat image) or --checkout <dir> (a Throat checkout)";
}

/** The file's plan today, or why there is none (no file yet, or not a route list: it is replaced). */
function currentPlan(settings: Settings, file: string): { plan?: Plan; note?: string } {
  let text: string;
  try {
    text = readFileSync(file, "utf8");
  } catch (e) {
    return {
      note: `${settings.routeList} could not be read (${(e as NodeJS.ErrnoException).code}): it is written anew`,
    };
  }
  try {
    parseRouteList(text, settings.routeList);
  } catch (e) {
    if (e instanceof RouteListError) return { note: `${e.message}: it is replaced` };
    throw e;
  }
  // A list that parses: config problems of the stack show here, before the release is run. A
  // list the stack cannot route (its own key named) is what the command is there to replace.
  try {
    return { plan: asStackConfigError(settings.stack, () => buildPlan(settings, text)) };
  } catch (e) {
    if (e instanceof StackConfigError && /^Stack "[^"]*": throat:routeList: /.test(e.message))
      return { note: `${e.message}: it is replaced` };
    throw e;
  }
}

export async function routesCli(
  args: string[],
  opts: { projectRoot?: string; env?: NodeJS.ProcessEnv } = {},
): Promise<RoutesCliResult> {
  const root = opts.projectRoot ?? PROJECT_ROOT;
  const fail = (message: string): RoutesCliResult => ({ code: 1, stdout: "", stderr: `npm run routes: ${message}\n` });
  let values;
  try {
    const options = {
      stack: { type: "string", default: "test" },
      image: { type: "string" },
      checkout: { type: "string" },
      check: { type: "boolean", default: false },
    } as const;
    ({ values } = parseArgs({ args, options, allowPositionals: false }));
  } catch (e) {
    return fail(`${(e as Error).message}\n${USAGE}`);
  }
  const source = sourceOf(values);
  if (typeof source === "string") return fail(`${source}\n${USAGE}`);
  const stack = values.stack!;
  let settings: Settings;
  let current: ReturnType<typeof currentPlan>;
  let config: string;
  try {
    const stackConfig = readStackConfig(root, stack);
    settings = settingsFromConfig(stack, stackConfig.config, stackConfig.secretKeys, root);
    current = currentPlan(settings, path.resolve(root, settings.routeList));
    config = listingConfig(settings);
  } catch (e) {
    if (e instanceof StackConfigError || e instanceof StackFileError) return fail(e.message);
    throw e;
  }
  const file = path.resolve(root, settings.routeList);
  const what = describeSource(source);
  const unchanged = `${settings.routeList} (throat:routeList of stack ${stack}) is not changed.`;
  let text: string;
  let next: Plan;
  try {
    text = listRoutes(source, config, opts.env ?? process.env);
    const table = parseRouteList(text, `the output of ${what}`);
    next = asStackConfigError(stack, () => buildPlan(settings, text));
    if (!text.endsWith("\n")) text += "\n";
    const out = [`${what}: ${table.routes.length} routes (\`${shownCommand(source)}\`)`];
    if (current.note) out.push(current.note);
    const summary = current.plan ? routingSummary(current.plan, next) : undefined;
    if (summary && !summary.rows.length) {
      out.push(`${settings.routeList} already lists these routes: nothing to change.`);
      return { code: 0, stdout: `${out.join("\n")}\n`, stderr: "" };
    }
    if (summary) out.push(...summary.lines);
    else out.push(`gevent rules: ${next.routes.geventRules.join(", ") || "(none)"}`);
    if (values.check) {
      out.push(`--check: ${settings.routeList} would change (nothing written); run without --check to write it.`);
      return { code: 2, stdout: `${out.join("\n")}\n`, stderr: "" };
    }
    // Written whole or not at all: a new file beside it, then renamed over it.
    writeFileSync(`${file}.new`, text);
    renameSync(`${file}.new`, file);
    out.push(
      `Wrote ${settings.routeList}. Review \`npm run plan -- --stack ${stack} --diff HEAD\`, commit it, then pulumi up.`,
    );
    return { code: 0, stdout: `${out.join("\n")}\n`, stderr: "" };
  } catch (e) {
    if (e instanceof RoutesError) return fail(`${e.message}\n${unchanged}`);
    if (e instanceof RouteListError) {
      const hint = /no header line/.test(e.message) ? "; is it a Throat release whose throat.py has `route list`?" : "";
      return fail(`${what}: its output cannot be throat:routeList: ${e.message}${hint}\n${unchanged}`);
    }
    if (e instanceof StackConfigError)
      return fail(`${what}: the stack cannot route this release's routes: ${e.message}\n${unchanged}`);
    throw e;
  }
}
