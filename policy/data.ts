// Reading resource properties as the policy engine hands them over. During a preview, a value a
// provider computes (an id, an ARN, a JSON string built from them) is unknown, and @pulumi/policy's
// property proxy throws as soon as it is read. `read` turns one property into plain data in which
// every unknown value is an `Unknown` holding that error: a policy that can decide without it goes
// on; one that cannot throws it, so the engine reports "can't run policy during preview"
// (advisory) and the policy runs for real at `pulumi up`, when the inputs are known.
import * as policySdk from "@pulumi/policy";

// Exported by @pulumi/policy at run time (index.js), missing from its typings (proxy.d.ts is empty).
const { UnknownValueError } = policySdk as unknown as { UnknownValueError: abstract new (...args: never[]) => Error };

export class Unknown {
  constructor(readonly error: Error) {}
}

export type Data = string | number | boolean | null | undefined | Unknown | Data[] | { [key: string]: Data };

/** `source[key]` as plain data, unknown values replaced by `Unknown`. */
export function read(source: unknown, key: string): Data {
  return attempt(() => (source as Record<string, unknown>)[key]);
}

function attempt(get: () => unknown): Data {
  let value: unknown;
  try {
    value = get();
  } catch (e) {
    if (e instanceof UnknownValueError) return new Unknown(e);
    throw e;
  }
  return plain(value);
}

function plain(value: unknown): Data {
  if (Array.isArray(value))
    return Array.from({ length: value.length }, (_, i) => attempt(() => (value as unknown[])[i]));
  if (value && typeof value === "object")
    return Object.fromEntries(Object.keys(value).map((k) => [k, attempt(() => (value as Record<string, unknown>)[k])]));
  if (value === null || typeof value === "string" || typeof value === "number" || typeof value === "boolean")
    return value as string | number | boolean | null;
  return undefined;
}

export const isUnknown = (d: Data): d is Unknown => d instanceof Unknown;

export function text(d: Data): string | undefined {
  return typeof d === "string" ? d : undefined;
}

export function list(d: Data): Data[] {
  return Array.isArray(d) ? d : [];
}

export function record(d: Data): Record<string, Data> | undefined {
  return d && typeof d === "object" && !Array.isArray(d) && !isUnknown(d) ? d : undefined;
}

/** A whole number, given as a number or as the decimal string tags and labels carry. */
export function integer(d: Data): number | undefined {
  if (typeof d === "number" && Number.isInteger(d)) return d;
  if (typeof d === "string" && /^\s*\d+\s*$/.test(d)) return Number(d);
  return undefined;
}

/** The first unknown value inside `d`, if any. */
export function firstUnknown(d: Data): Unknown | undefined {
  if (isUnknown(d)) return d;
  if (Array.isArray(d)) return d.map(firstUnknown).find((u) => u);
  const r = record(d);
  return r
    ? Object.values(r)
        .map(firstUnknown)
        .find((u) => u)
    : undefined;
}

/** `d` itself; an unknown value ends the check (the engine reports it as not decidable at preview). */
export function known(d: Data): Exclude<Data, Unknown> {
  if (isUnknown(d)) throw d.error;
  return d;
}
