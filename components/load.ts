// Stack config -> Settings -> Plan, with the I/O the pure parts avoid (reading the route list)
// and every input error turned into one readable message that names its config key.
import { readFileSync, statSync } from "node:fs";
import * as path from "node:path";
import { buildPlan, Plan, PlanError } from "./plan";
import { BudgetError } from "./plan/budget";
import { parseSettings, SettingsError } from "./settings";
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

/** Builds the plan; any problem with the input becomes a StackConfigError listing them all. */
export function planFromConfig(
  stack: string,
  raw: Record<string, string>,
  secretKeys: readonly string[],
  previous?: PreviousDeployment,
): Plan {
  try {
    const isFile = (p: string) => statSync(path.resolve(PROJECT_ROOT, p), { throwIfNoEntry: false })?.isFile() ?? false;
    const settings = parseSettings(stack, raw, secretKeys, { isFile });
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
  } catch (e) {
    if (e instanceof SettingsError) throw new StackConfigError(e.message);
    if (e instanceof PlanError || e instanceof BudgetError)
      throw new StackConfigError(`Stack "${stack}": ${e.message}`);
    throw e;
  }
}
