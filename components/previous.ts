// What runs now: the stack's own outputs from its last successful `pulumi up`, read through a
// StackReference to this same stack (org/project/stack). The outputs already carry the worker
// pools and replicas (outputs.ts), which is what the transition budget needs, and the engine
// version the data was written with. A stack that has never been deployed has no outputs: then
// there is no transition to check. The offline plan reads the same outputs from a file
// (`npm run plan -- --previous <file>`, the JSON of `pulumi stack output --json`).
import * as pulumi from "@pulumi/pulumi";
import { previousFromOutputs, PreviousDeployment } from "./plan/transition";

/** The stack outputs the transition reads. */
const READ = ["workers", "connectionBudget", "databaseEngineVersion"] as const;

export async function readPreviousDeployment(): Promise<PreviousDeployment | undefined> {
  const self = `${pulumi.getOrganization()}/${pulumi.getProject()}/${pulumi.getStack()}`;
  const ref = new pulumi.StackReference("throat-previous-deployment", { name: self });
  const outputs: Record<string, unknown> = {};
  try {
    for (const key of READ) {
      const details = await ref.getOutputDetails(key);
      const value: unknown = details.value ?? details.secretValue;
      if (value !== undefined) outputs[key] = value;
    }
  } catch (e) {
    // A backend that cannot answer costs the rollout check, not the deploy; say so.
    pulumi.log.warn(
      `could not read this stack's last outputs (${(e as Error).message}): the budget of the rollout from what runs now is not checked this time`,
    );
    return undefined;
  }
  return previousFromOutputs(outputs);
}
