// Builds Docker components alone under the project's mocks (scripts/offline/mockRuntime.ts, with
// the provider rules), the way a component test builds one awsx component: no stack program, no
// other tier. Slices come from the `test` stack's own plan, so the inputs are realistic.
import * as pulumi from "@pulumi/pulumi";
import { planFromConfig, PROJECT_ROOT } from "../../components/load";
import type { Plan } from "../../components/plan";
import { dockerNames } from "../../components/plan/names";
import { ProgramRun, RecordedResource, runProgram } from "../../scripts/offline/mockRuntime";
import { readStackConfig } from "../../scripts/offline/stackFile";

/** The `test` stack's plan, with `config` (keys without `throat:`) over Pulumi.test.yaml. */
export function testPlan(config: Record<string, unknown> = {}, secretKeys: string[] = []): Plan {
  const file = readStackConfig(PROJECT_ROOT, "test");
  const raw = { ...file.config };
  for (const [k, v] of Object.entries(config)) raw[`throat:${k}`] = typeof v === "string" ? v : JSON.stringify(v);
  return planFromConfig("test", raw, [...file.secretKeys, ...secretKeys]);
}

export const namesOf = (plan: Plan) => dockerNames(plan.settings, plan.workers);

/** Runs `build` as the whole program: what it registers is all the run holds. */
export async function buildAlone(
  build: () => void,
  opts: { config?: Record<string, string>; secretKeys?: string[] } = {},
): Promise<ProgramRun> {
  const config = opts.config ?? {};
  pulumi.runtime.setAllConfig(config, opts.secretKeys ?? []);
  return runProgram({
    stack: "component",
    config,
    secretKeys: opts.secretKeys,
    program: async () => {
      build();
      return {};
    },
  });
}

/** The custom resources registered under the component of type `type`, by logical name. */
export function childrenOf(run: ProgramRun, type: string): Record<string, RecordedResource> {
  const component = run.resources.find((r) => r.type === type);
  if (!component) throw new Error(`no ${type}; have: ${run.resources.map((r) => r.type).join(", ")}`);
  return Object.fromEntries(run.resources.filter((r) => r.parent === component.urn).map((r) => [r.name, r]));
}
