// Walks the settings schema: the keys an object accepts, and every leaf key of the whole tree
// (what the per-profile table in profiles.ts must cover).
import { z } from "zod";

// Unwraps default/prefault/optional/pipe wrappers down to an object schema's shape; with
// `unions`, also a union's object branch (replicas: `n` or `{min, max}`).
export function objectShape(schema: unknown, unions = false): Record<string, unknown> | undefined {
  let s: unknown = schema;
  for (let i = 0; i < 5 && s; i++) {
    if (s instanceof z.ZodObject) return s.shape;
    const def = (s as { _zod?: { def?: { innerType?: unknown; in?: unknown; options?: unknown[] } } })._zod?.def;
    if (unions && def?.options) return def.options.map((o) => objectShape(o)).find((shape) => shape);
    s = def?.innerType ?? def?.in;
  }
  return undefined;
}

/** Dotted paths of every non-object key under `schema` (`workers.sync.replicas`, `siteName`, ...). */
export function leafKeys(schema: unknown, prefix = ""): string[] {
  const shape = objectShape(schema);
  if (!shape) return [prefix];
  return Object.entries(shape).flatMap(([k, v]) => leafKeys(v, prefix ? `${prefix}.${k}` : k));
}
