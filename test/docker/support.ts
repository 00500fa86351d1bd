// Shared by the Docker target's tests: reading containers' env, labels and uploads.
import type { ProgramRun, RecordedResource } from "../../scripts/lib/mockRuntime";

const SECRET_SIG = "1b47061264138c4ac30d75fd1eb44270";
const SIG_KEY = "4dabf18193072939515e22adb298388d";
export const isSecretValue = (v: unknown): boolean => !!v && typeof v === "object" && (v as Record<string, unknown>)[SIG_KEY] === SECRET_SIG;

export const CONTAINER = "docker:index/container:Container";
export const containers = (run: ProgramRun): RecordedResource[] => run.resources.filter((r) => r.type === CONTAINER);

/** A container's `KEY=value` list as a map. */
export function envOf(r: RecordedResource): Record<string, string> {
  const list = (r.inputs.envs as string[] | undefined) ?? [];
  return Object.fromEntries(list.map((e) => [e.slice(0, e.indexOf("=")), e.slice(e.indexOf("=") + 1)]));
}

export function labelOf(r: RecordedResource, label: string): string | undefined {
  return ((r.inputs.labels as { label: string; value: string }[] | undefined) ?? []).find((l) => l.label === label)?.value;
}

export function uploadsOf(r: RecordedResource): Record<string, { content?: string; permissions?: string }> {
  return Object.fromEntries(((r.inputs.uploads as { file: string; content?: string; permissions?: string }[] | undefined) ?? []).map((u) => [u.file, u]));
}
