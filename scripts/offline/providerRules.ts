// What the real providers would answer or refuse, for the mock runtime: each target's
// provider has its own file under rules/.
import * as aws from "./rules/aws";
import * as awsState from "./rules/awsState";
import * as awsRefs from "./rules/awsRefs";
import * as docker from "./rules/docker";
import * as randomTls from "./rules/randomTls";
import { stackReferenceState, world } from "./rules/world";
export { setWorld } from "./rules/world";
export type { MockWorld } from "./rules/world";

/** Throws when a real provider would reject these inputs. */
export function checkResource(type: string, name: string, inputs: Record<string, unknown>): void {
  if (type.startsWith("aws:")) {
    aws.check(type, name, inputs);
    awsRefs.check(type, name, inputs);
  }
  if (type.startsWith("docker:")) docker.check(type, name, inputs);
}

/** Output properties a real provider would add (ids, ARNs, endpoints). */
export function mockState(type: string, name: string, inputs: Record<string, unknown>): Record<string, unknown> {
  if (type.startsWith("aws:")) return { ...awsState.state(type, name, inputs), ...awsRefs.state(type, name, inputs) };
  if (type.startsWith("docker:")) return docker.state(type, name, inputs);
  if (type.startsWith("random:") || type.startsWith("tls:")) return randomTls.state(type, name);
  if (type === "pulumi:pulumi:StackReference") return stackReferenceState(world(), inputs);
  return {};
}
