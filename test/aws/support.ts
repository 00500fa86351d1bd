// Helpers for the AWS target's tests: read what runStack recorded the way a reviewer would.
import { readFileSync } from "node:fs";
import * as path from "node:path";
import { PROJECT_ROOT, planFromConfig } from "../../components/load";
import type { Plan } from "../../components/plan";
import type { ProgramRun, RecordedResource } from "../../scripts/offline/mockRuntime";
import { readStackConfig } from "../../scripts/offline/stackFile";
import { ofType, runStack } from "../support/runStack";
import type { MockWorld } from "../../scripts/offline/providerRules";

/** A full prod run takes ~3 s: give beforeAll room. */
export const RUN_TIMEOUT = 60_000;

/** The type-token table lives with the policies (policy/types.ts): one spelling for both. */
export { T } from "../../policy/types";

/** The plan the prod stack file makes, with the same overrides runStack applies. */
export function prodPlan(overrides: Record<string, unknown> = {}): Plan {
  const { config, secretKeys } = readStackConfig(PROJECT_ROOT, "prod");
  for (const [k, v] of Object.entries(overrides)) config[`throat:${k}`] = typeof v === "string" ? v : JSON.stringify(v);
  return planFromConfig("prod", config, secretKeys);
}

export function runProd(
  config: Record<string, unknown> = {},
  opts: { secretKeys?: string[]; world?: MockWorld; fresh?: boolean } = {},
): Promise<ProgramRun> {
  return runStack("prod", config, opts);
}

export function one(run: ProgramRun, type: string, name: string): RecordedResource {
  const found = ofType(run, type).filter((r) => r.name === name);
  if (found.length !== 1)
    throw new Error(
      `expected one ${type} named ${name}, found ${found.length}: ${ofType(run, type)
        .map((r) => r.name)
        .join(", ")}`,
    );
  return found[0]!;
}

export const byUrn = (run: ProgramRun, urn: string): RecordedResource | undefined =>
  run.resources.find((r) => r.urn === urn);

/** The resources this one depends on, of a type. */
export const dependenciesOfType = (run: ProgramRun, r: RecordedResource, type: string): RecordedResource[] =>
  r.dependencies.map((u) => byUrn(run, u)).filter((d): d is RecordedResource => d?.type === type);

export interface ContainerDefinition {
  name: string;
  image?: string;
  entryPoint?: string[];
  command?: string[];
  portMappings?: Array<{ containerPort: number }>;
  environment: Array<{ name: string; value: string }>;
  secrets: Array<{ name: string; valueFrom: string }>;
  healthCheck?: { command: string[] };
  logConfiguration: { logDriver: string; options: Record<string, string> };
}

export function containers(taskDefinition: RecordedResource): ContainerDefinition[] {
  return JSON.parse(String(taskDefinition.inputs.containerDefinitions)) as ContainerDefinition[];
}

export const envOf = (c: ContainerDefinition): Record<string, string> =>
  Object.fromEntries(c.environment.map((e) => [e.name, e.value]));

export function routeListText(plan: Plan): string {
  return readFileSync(path.resolve(PROJECT_ROOT, plan.settings.routeList), "utf8");
}

/** The prod stack's settings.namePrefix: the tests derive every name they look up from it. */
export const PREFIX = prodPlan().settings.namePrefix;
