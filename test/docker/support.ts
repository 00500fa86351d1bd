// Shared by the Docker target's tests: reading containers' env, labels and uploads.
import { planFromConfig } from "../../components/load";
import { dockerNames } from "../../components/plan/names";
import type { ProgramRun, RecordedResource } from "../../scripts/offline/mockRuntime";
import { T } from "../../policy/types";

export { isSecretValue } from "../../scripts/offline/secrets";

export const CONTAINER = T.container;

/**
 * A stack's name prefix and Docker names as its settings derive them (stack config without
 * `throat:`), so tests never spell `throat-test-...` themselves.
 */
export function stackNames(stack: string, config: Record<string, unknown> = {}) {
  const raw = Object.fromEntries(
    Object.entries(config).map(([k, v]) => [`throat:${k}`, typeof v === "string" ? v : JSON.stringify(v)]),
  );
  const plan = planFromConfig(stack, raw, []);
  return { prefix: plan.settings.namePrefix, ...dockerNames(plan.settings, plan.workers) };
}
export const containers = (run: ProgramRun): RecordedResource[] => run.resources.filter((r) => r.type === CONTAINER);

/** A container's `KEY=value` list as a map. */
export function envOf(r: RecordedResource): Record<string, string> {
  const list = (r.inputs.envs as string[] | undefined) ?? [];
  return Object.fromEntries(list.map((e) => [e.slice(0, e.indexOf("=")), e.slice(e.indexOf("=") + 1)]));
}

export function labelOf(r: RecordedResource, label: string): string | undefined {
  return ((r.inputs.labels as { label: string; value: string }[] | undefined) ?? []).find((l) => l.label === label)
    ?.value;
}

export function uploadsOf(r: RecordedResource): Record<string, { content?: string; permissions?: string }> {
  return Object.fromEntries(
    ((r.inputs.uploads as { file: string; content?: string; permissions?: string }[] | undefined) ?? []).map((u) => [
      u.file,
      u,
    ]),
  );
}
