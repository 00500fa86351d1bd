// Two values compared leaf by leaf, as a reviewer reads a change: JSON inside strings (a task's
// container definitions) is compared key by key, lists of named things pair up by name, and a
// secret or a value known only after apply is said as such, never shown.
import { COMPUTED, SECRET_KEY } from "../offline/resourceInputs";
import type { ValueChange } from "./shapes";

const isObject = (v: unknown): v is Record<string, unknown> => !!v && typeof v === "object" && !Array.isArray(v);
const isSecretLeaf = (v: unknown) => isObject(v) && SECRET_KEY in v && Object.keys(v).length === 1;

function parseJson(v: unknown): unknown {
  if (typeof v !== "string" || !/^\s*[[{]/.test(v)) return undefined;
  try {
    return JSON.parse(v) as unknown;
  } catch {
    return undefined;
  }
}

export function sameValue(a: unknown, b: unknown): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

/** Leaf changes between two values; objects (and JSON in strings) are compared key by key. */
export function diffValues(a: unknown, b: unknown, path = "", out: ValueChange[] = []): ValueChange[] {
  if (sameValue(a, b)) return out;
  if (isSecretLeaf(a) || isSecretLeaf(b)) {
    out.push({ path, secret: true });
    return out;
  }
  if (b === COMPUTED) {
    out.push({ path, old: a, computed: true });
    return out;
  }
  const [ja, jb] = [parseJson(a), parseJson(b)];
  if (ja !== undefined && jb !== undefined) return diffValues(ja, jb, path, out);
  if (isObject(a) && isObject(b)) {
    for (const k of [...new Set([...Object.keys(a), ...Object.keys(b)])].sort())
      diffValues(a[k], b[k], path ? `${path}.${k}` : k, out);
    return out;
  }
  // Lists of named things (environment variables, parameters, containers) pair up by name.
  const names = (l: unknown[]) =>
    l.every((x) => isObject(x) && typeof x.name === "string") ? l.map((x) => (x as { name: string }).name) : undefined;
  const [na, nb] = Array.isArray(a) && Array.isArray(b) ? [names(a), names(b)] : [undefined, undefined];
  if (na && nb && new Set(na).size === na.length && new Set(nb).size === nb.length) {
    const [la, lb] = [a as Record<string, unknown>[], b as Record<string, unknown>[]];
    for (const n of [...new Set([...na, ...nb])])
      diffValues(la[na.indexOf(n)], lb[nb.indexOf(n)], `${path}[${n}]`, out);
    return out;
  }
  if (Array.isArray(a) && Array.isArray(b) && a.length === b.length && a.some((x) => isObject(x) || Array.isArray(x))) {
    a.forEach((x, i) => diffValues(x, b[i], `${path}[${i}]`, out));
    return out;
  }
  out.push({ path, old: a, new: b });
  return out;
}
