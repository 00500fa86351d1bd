// The containers a resource runs, as the policies need them: ECS container definitions (a JSON
// string in the task definition) and Docker containers (a `KEY=value` env list, labels).
import type { PolicyResource } from "@pulumi/policy";
import { Data, isUnknown, list, read, record, text, Unknown } from "./data";

export interface EcsContainer {
  name: string;
  /** Plain environment, in order. */
  environment: Array<{ name: string; value: string }>;
  /** Names passed through `secrets` (valueFrom: Secrets Manager or SSM). */
  secretNames: string[];
  /** entryPoint and command joined: enough to recognise what it runs. */
  commandLine: string;
}

export type Parsed<T> = { ok: T } | { unknown: Unknown } | { invalid: string };

/** The container definitions of an aws:ecs/taskDefinition:TaskDefinition's props. */
export function ecsContainers(props: unknown): Parsed<EcsContainer[]> {
  const raw = read(props, "containerDefinitions");
  if (isUnknown(raw)) return { unknown: raw };
  const json = text(raw);
  if (json === undefined) return { invalid: "containerDefinitions is not a JSON string" };
  let parsed: unknown;
  try {
    parsed = JSON.parse(json);
  } catch (e) {
    return { invalid: `containerDefinitions is not valid JSON (${(e as Error).message})` };
  }
  if (!Array.isArray(parsed)) return { invalid: "containerDefinitions is not a JSON array" };
  return { ok: parsed.map((c: unknown, i) => ecsContainer(c, i)) };
}

function ecsContainer(c: unknown, index: number): EcsContainer {
  const def = (c && typeof c === "object" ? c : {}) as Record<string, unknown>;
  const strings = (v: unknown) => (Array.isArray(v) ? v.map(String) : []);
  const entries = (v: unknown) =>
    Array.isArray(v) ? v.filter((e): e is Record<string, unknown> => !!e && typeof e === "object") : [];
  return {
    name: typeof def.name === "string" ? def.name : `#${index}`,
    environment: entries(def.environment).map((e) => ({ name: String(e.name), value: String(e.value ?? "") })),
    secretNames: entries(def.secrets).map((e) => String(e.name)),
    commandLine: [...strings(def.entryPoint), ...strings(def.command)].join(" "),
  };
}

export const envOfEcs = (c: EcsContainer): Map<string, string> => new Map(c.environment.map((e) => [e.name, e.value]));

/**
 * A Docker container's environment. Entries unknown at preview (secrets built from generated
 * passwords) are left out and returned in `unknown`, so the caller can tell "absent" from "unseen".
 */
export function dockerEnv(props: unknown): { env: Map<string, string>; unknown?: Unknown } {
  const env = new Map<string, string>();
  const raw = read(props, "envs");
  if (isUnknown(raw)) return { env, unknown: raw };
  let unknown: Unknown | undefined;
  for (const entry of list(raw)) {
    if (isUnknown(entry)) {
      unknown ??= entry;
      continue;
    }
    const s = text(entry);
    if (s === undefined) continue;
    const eq = s.indexOf("=");
    env.set(eq < 0 ? s : s.slice(0, eq), eq < 0 ? "" : s.slice(eq + 1));
  }
  return { env, unknown };
}

/** A Docker container's labels (`[{ label, value }]`), values as given (possibly unknown). */
export function dockerLabels(props: unknown): Map<string, Data> {
  const labels = new Map<string, Data>();
  for (const entry of list(read(props, "labels"))) {
    const l = record(entry);
    const name = l && text(l.label);
    if (l && name !== undefined) labels.set(name, l.value);
  }
  return labels;
}

/** A container's physical name when the program gave one, else its logical name. */
export function dockerName(r: Pick<PolicyResource, "props" | "name">): string {
  return text(read(r.props, "name")) ?? r.name;
}

/** Throat's migration command (`python3 throat.py migration apply`), however it is wrapped. */
export const runsMigration = (commandLine: string): boolean => /\bthroat\.py\s+migration\b/.test(commandLine);
