// Names of AWS resources, all from settings.namePrefix (`throat-<stack>`), so two stacks in one
// account never collide. Logical names carry the prefix too: the offline plan lists them, and an
// auto-named resource's physical name is its logical name plus 8 characters.
import { fnv1a } from "../settings";
import type { WorkerKind } from "../settings";
import { AUTONAME_SUFFIX, ELB_NAME_MAX } from "./limits";

export type TierKind = WorkerKind | "static";

/**
 * Target groups are auto-named (a replacement is created before the old one is deleted, which a
 * fixed name forbids), so the logical name must leave room for the 8-character suffix within
 * ELB's 32. A prefix too long for that is shortened and made unique again with a hash.
 */
export function targetGroupName(prefix: string, kind: TierKind): string {
  const max = ELB_NAME_MAX - AUTONAME_SUFFIX;
  const plain = `${prefix}-${kind}`;
  if (plain.length <= max) return plain;
  const hash = (fnv1a(prefix) % 0x10000).toString(16).padStart(4, "0");
  return `${prefix.slice(0, max - kind.length - hash.length - 2).replace(/-+$/, "")}-${hash}-${kind}`;
}

/** The load balancer keeps a fixed name (it appears in the console and in DNS); 32 characters at most. */
export function loadBalancerName(prefix: string): string {
  if (prefix.length <= ELB_NAME_MAX) return prefix;
  const hash = (fnv1a(prefix) % 0x10000).toString(16).padStart(4, "0");
  return `${prefix.slice(0, ELB_NAME_MAX - 5).replace(/-+$/, "")}-${hash}`;
}

/** CloudWatch log group of a tier. */
export function logGroupName(prefix: string, tier: TierKind | "migrate"): string {
  return `/ecs/${prefix}/${tier}`;
}
