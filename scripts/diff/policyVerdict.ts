// The policy pack's verdict on a plan, from the offline run: every policy of policy/policies.ts
// on the registered resources, through the same runner the policy tests prove the policies
// with (test/policy/support.ts), so the verdict a reviewer reads is the one the tests check.
// No PolicyPack is constructed: that would start the policy engine's gRPC server.
import { policies } from "../../policy/policies";
import { violations } from "../../test/policy/support";
import type { PolicyVerdict } from "./render";
import type { RecordedResource } from "../offline/mockRuntime";

export async function policyVerdict(resources: RecordedResource[]): Promise<PolicyVerdict> {
  const found = await violations(resources, policies);
  const nameOf = new Map(resources.map((r) => [r.urn, `${r.type.split(":").pop()} ${r.name}`]));
  return {
    policies: policies.length,
    violations: found.map((v) => ({
      policy: v.policy,
      message: v.message,
      ...(v.urn ? { resource: nameOf.get(v.urn) ?? v.urn } : {}),
    })),
  };
}
