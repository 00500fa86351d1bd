// Stack config -> Settings -> Plan, with the I/O the pure parts avoid (reading the route list)
// and every input error turned into one readable message that names its config key.
import { readFileSync, statSync } from "node:fs";
import * as path from "node:path";
import { buildPlan, Plan, PlanError } from "./plan";
import { BudgetError } from "./plan/budget";
import { parseSettings, Settings, SettingsError } from "./settings";
import type { PreviousDeployment } from "./plan/transition";
import { PROJECT_ROOT } from "./projectRoot";

// Re-exported for the scripts and tests that already take it from here.
export { PROJECT_ROOT };

export class StackConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "StackConfigError";
  }
}

/**
 * The stack's validated settings. `root`: the project the relative paths (throat:routeList,
 * throat:appSource) are resolved in; `npm run routes` tests pass a scratch copy.
 */
export function settingsFromConfig(
  stack: string,
  raw: Record<string, string>,
  secretKeys: readonly string[],
  root = PROJECT_ROOT,
): Settings {
  const isFile = (p: string) => statSync(path.resolve(root, p), { throwIfNoEntry: false })?.isFile() ?? false;
  return asStackConfigError(stack, () => parseSettings(stack, raw, secretKeys, { isFile }));
}

/** Builds the plan; any problem with the input becomes a StackConfigError listing them all. */
export function planFromConfig(
  stack: string,
  raw: Record<string, string>,
  secretKeys: readonly string[],
  previous?: PreviousDeployment,
): Plan {
  const settings = settingsFromConfig(stack, raw, secretKeys);
  return asStackConfigError(stack, () => {
    const routeListPath = path.resolve(PROJECT_ROOT, settings.routeList);
    let routeList: string;
    try {
      routeList = readFileSync(routeListPath, "utf8");
    } catch (e) {
      throw new PlanError(
        "throat:routeList",
        `throat:routeList: cannot read ${settings.routeList} (${(e as NodeJS.ErrnoException).code}); point it at the output of ./throat.py route list, relative to the project`,
      );
    }
    return buildPlan(settings, routeList, previous);
  });
}

/** Runs `f`; the input errors it throws (settings, plan, budget) become one StackConfigError. */
export function asStackConfigError<T>(stack: string, f: () => T): T {
  try {
    return f();
  } catch (e) {
    if (e instanceof SettingsError) throw new StackConfigError(e.message);
    if (e instanceof PlanError || e instanceof BudgetError)
      throw new StackConfigError(`Stack "${stack}": ${e.message}`);
    throw e;
  }
}
