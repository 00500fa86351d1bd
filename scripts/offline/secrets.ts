// How the Pulumi SDK serializes a secret for the engine: an object tagged with its special
// signature key. The mock runtime sees inputs in that form; these helpers read through it.
// The SDK declares both constants (runtime/rpc.d.ts), so an upgrade that changes them is followed.
import * as pulumi from "@pulumi/pulumi";

export const SIGNATURE_KEY = pulumi.runtime.specialSigKey;
export const SECRET_SIG = pulumi.runtime.specialSecretSig;

export function isSecretValue(v: unknown): boolean {
  return !!v && typeof v === "object" && (v as Record<string, unknown>)[SIGNATURE_KEY] === SECRET_SIG;
}

/** Whether a secret sits anywhere inside the value. */
export function containsSecret(v: unknown): boolean {
  if (isSecretValue(v)) return true;
  if (Array.isArray(v)) return v.some(containsSecret);
  if (v && typeof v === "object") return Object.values(v).some(containsSecret);
  return false;
}

/** The value with every secret wrapper replaced by what it wraps. */
export function revealSecrets(v: unknown): unknown {
  if (isSecretValue(v)) return revealSecrets((v as { value: unknown }).value);
  if (Array.isArray(v)) return v.map(revealSecrets);
  if (v && typeof v === "object") return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, revealSecrets(x)]));
  return v;
}
