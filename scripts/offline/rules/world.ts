// What exists outside the program in a mock run, and changes between two `pulumi up`s: the
// stack's outputs from its last deploy (what a StackReference to itself reads), the images a
// Docker host holds under each tag, the registry's digest per tag, the final snapshots RDS
// already has. A test sets it to model the second deploy; a first deploy has none of it.
import type { DescribedService } from "../../../components/aws/rolloutCheckRunner";

export interface MockWorld {
  /** The stack's outputs after its last `pulumi up` (`pulumi stack output --json`). */
  previousOutputs?: Record<string, unknown>;
  /** Docker host: tag -> local image id (`docker build -t throat .` moves the tag to a new id). */
  localImages?: Record<string, string>;
  /** Registry: reference -> manifest digest (a push moves the tag). */
  registryDigests?: Record<string, string>;
  /**
   * ECS after the services' update: service name -> its DescribeServices entry (deployments with
   * taskDefinition, status, rolloutState; events). Absent: the rollout completed as asked.
   * "rolloutState: COMPLETED | FAILED | IN_PROGRESS" (ECS Deployment API reference); after a
   * circuit-breaker rollback the PRIMARY deployment is the earlier task definition.
   */
  ecsServices?: Record<string, DescribedService>;
}

let current: MockWorld = {};

export function setWorld(w: MockWorld): void {
  current = w;
}

export function world(): MockWorld {
  return current;
}

/** A StackReference reads the referenced stack's last outputs; none for a stack never deployed. */
export function stackReferenceState(w: MockWorld, inputs: Record<string, unknown>): Record<string, unknown> {
  return { name: inputs.name, outputs: w.previousOutputs ?? {}, secretOutputNames: [] };
}
