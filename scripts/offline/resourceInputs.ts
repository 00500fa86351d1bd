// What the plan document says about each registered resource, for a reviewer's diff: its tier
// (the ComponentResource it belongs to), its inputs with every secret replaced by a digest, and
// which other resources each input's value came from (what becomes "known after apply" when
// those resources are replaced).
import { createHash } from "node:crypto";
import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import * as path from "node:path";
import type { RecordedResource } from "./recorded";
import { isSecretValue, revealSecrets } from "./secrets";

/** The key of a redacted secret: `{ "[secret]": "<digest>" }`. */
export const SECRET_KEY = "[secret]";
/** How the Pulumi SDK serializes an unknown (computed) value for the engine. */
export const UNKNOWN_SENTINEL = "04da6b54-80e4-46f7-96ec-b56ff0331ba9";
/** What an unknown value becomes in the document. */
export const COMPUTED = "[computed]";

/**
 * A short digest that tells a changed secret from an unchanged one without showing it. Offline,
 * a secret's value is never plaintext: stack-file secrets are the CLI's ciphertext (or a fixed
 * placeholder) and generated ones are the mock runtime's values, so a digest reveals nothing.
 */
export function secretDigest(value: unknown): string {
  return createHash("sha256")
    .update(JSON.stringify(value) ?? "undefined")
    .digest("hex")
    .slice(0, 16);
}

/** The serialized inputs with secrets as digests and unknowns as COMPUTED. */
export function redactInputs(v: unknown): unknown {
  if (isSecretValue(v)) return { [SECRET_KEY]: secretDigest(revealSecrets(v)) };
  if (v === UNKNOWN_SENTINEL) return COMPUTED;
  if (Array.isArray(v)) return v.map(redactInputs);
  if (v && typeof v === "object") return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, redactInputs(x)]));
  return v;
}

export interface DocumentResource {
  type: string;
  name: string;
  /** The tier it belongs to: `<component type> (<name>)` of the stack's child it sits under. */
  tier: string;
  custom: boolean;
  inputs: Record<string, unknown>;
  /** Per input, the resources (`type::name`) its value came from. */
  inputSources: Record<string, string[]>;
}

export const resourceId = (r: { type: string; name: string }) => `${r.type}::${r.name}`;

const IMAGE = "docker:index/image:Image";

/**
 * The Docker provider's Check() hashes an Image's build context into a computed input,
 * `build.contextDigest`, and rebuilds when it changes (pulumi/pulumi-docker#446): a changed
 * file in the context is a new image even with the same inputs. The offline plan reproduces
 * that input from the files the program wrote (the app image's config files).
 */
export function contextDigest(dir: string): string | undefined {
  if (!existsSync(dir) || !statSync(dir).isDirectory()) return undefined;
  const hash = createHash("sha256");
  const walk = (rel: string) => {
    for (const e of readdirSync(path.join(dir, rel), { withFileTypes: true }).sort((a, b) =>
      a.name.localeCompare(b.name),
    )) {
      const child = path.join(rel, e.name);
      if (e.isDirectory()) walk(child);
      else if (e.isFile())
        hash
          .update(`${child}\0`)
          .update(readFileSync(path.join(dir, child)))
          .update("\0");
    }
  };
  walk("");
  return hash.digest("hex").slice(0, 16);
}

function withContextDigest(
  type: string,
  inputs: Record<string, unknown>,
  projectRoot: string,
): Record<string, unknown> {
  const build = inputs.build as { context?: unknown } | undefined;
  if (type !== IMAGE || typeof build?.context !== "string") return inputs;
  const digest = contextDigest(path.resolve(projectRoot, build.context));
  return digest ? { ...inputs, build: { ...build, contextDigest: digest } } : inputs;
}

/**
 * Absolute paths into the project become relative: a base planned in a temporary copy of the
 * tree and the working tree then name the same file alike.
 */
function relativePaths(v: unknown, projectRoot: string): unknown {
  if (typeof v === "string")
    return v === projectRoot ? "." : v.startsWith(`${projectRoot}${path.sep}`) ? v.slice(projectRoot.length + 1) : v;
  if (Array.isArray(v)) return v.map((x) => relativePaths(x, projectRoot));
  if (v && typeof v === "object")
    return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, relativePaths(x, projectRoot)]));
  return v;
}

/** `projectRoot`: what relative build contexts are relative to (the program's directory). */
export function documentResources(resources: RecordedResource[], projectRoot: string): DocumentResource[] {
  const byUrn = new Map(resources.map((r) => [r.urn, r]));
  // The tier: the component just below the stack's root component, e.g. `Database
  // (throat-prod-database)`; the root itself is the tier "stack".
  const tierOf = (r: RecordedResource): string => {
    let tier = r;
    for (let up = byUrn.get(tier.parent); up && byUrn.get(up.parent); up = byUrn.get(up.parent)) tier = up;
    if (!byUrn.get(tier.parent)) return "stack";
    return `${tier.type.split(":").pop()} (${tier.name})`;
  };
  return resources.map((r) => ({
    type: r.type,
    name: r.name,
    tier: tierOf(r),
    custom: r.custom,
    inputs: withContextDigest(
      r.type,
      relativePaths(redactInputs(r.rawInputs), projectRoot) as Record<string, unknown>,
      projectRoot,
    ),
    inputSources: Object.fromEntries(
      Object.entries(r.propertyDependencies)
        .map(
          ([k, urns]) =>
            [
              k,
              urns
                .map((u) => byUrn.get(u))
                .filter((x): x is RecordedResource => !!x && x.custom)
                .map(resourceId),
            ] as const,
        )
        .filter(([, ids]) => ids.length > 0),
    ),
  }));
}
