// Runs the policy pack's policies the way the policy engine would, without the engine: each
// resource policy on every resource, each stack policy once on all of them with parents and
// dependencies resolved to resources. Resources come from the mocked program (RecordedResource)
// or are made by hand (`resource`), in the shape the engine hands over.
import type {
  Policies,
  PolicyResource,
  PolicyResourceOptions,
  ResourceValidationArgs,
  StackValidationArgs,
} from "@pulumi/policy";
import { policies as allPolicies } from "../../policy/policies";
import type { RecordedResource } from "../../scripts/offline/mockRuntime";

/** What a policy needs of a registered resource. */
export type Registered = Pick<
  RecordedResource,
  | "type"
  | "name"
  | "urn"
  | "parent"
  | "dependencies"
  | "inputs"
  | "propertyDependencies"
  | "protect"
  | "deleteBeforeReplace"
  | "deleteBeforeReplaceDefined"
>;

export interface Violation {
  policy: string;
  message: string;
  urn?: string;
}

class NotApplicable extends Error {}

const urnOf = (type: string, name: string) => `urn:pulumi:test::throat::${type}::${name}`;

/** A hand-made resource; `deps` maps a property to the resources its value came from. */
export function resource(
  type: string,
  name: string,
  inputs: Record<string, unknown>,
  extra: { deps?: Record<string, Registered[]>; deleteBeforeReplace?: boolean } = {},
): Registered {
  const propertyDependencies = Object.fromEntries(
    Object.entries(extra.deps ?? {}).map(([k, rs]) => [k, rs.map((r) => r.urn)]),
  );
  return {
    type,
    name,
    urn: urnOf(type, name),
    parent: "",
    dependencies: [...new Set(Object.values(propertyDependencies).flat())],
    inputs,
    propertyDependencies,
    protect: false,
    deleteBeforeReplace: extra.deleteBeforeReplace ?? false,
    deleteBeforeReplaceDefined: extra.deleteBeforeReplace !== undefined,
  };
}

/** The engine passes deleteBeforeReplace only when the program set it (server.js getResourceOptions). */
function options(r: Registered): PolicyResourceOptions {
  return {
    protect: r.protect,
    ignoreChanges: [],
    aliases: [],
    customTimeouts: { createSeconds: 0, updateSeconds: 0, deleteSeconds: 0 },
    additionalSecretOutputs: [],
    ...(r.parent ? { parent: r.parent } : {}),
    ...(r.deleteBeforeReplaceDefined ? { deleteBeforeReplace: r.deleteBeforeReplace } : {}),
  };
}

const common = {
  stackTags: new Map<string, string>(),
  getConfig: <T extends object>() => ({}) as T,
  notApplicable: (reason?: string): never => {
    throw new NotApplicable(reason);
  },
};

export function resourceArgs(r: Registered, props: Record<string, unknown> = r.inputs): ResourceValidationArgs {
  return {
    ...common,
    type: r.type,
    props,
    urn: r.urn,
    name: r.name,
    opts: options(r),
    isType: () => false,
    asType: () => undefined,
  };
}

export function stackArgs(
  registered: Registered[],
  props: (r: Registered) => Record<string, unknown> = (r) => r.inputs,
): StackValidationArgs {
  const resources = new Map<string, PolicyResource>();
  for (const r of registered) {
    resources.set(r.urn, {
      type: r.type,
      props: props(r),
      urn: r.urn,
      name: r.name,
      opts: options(r),
      dependencies: [],
      propertyDependencies: {},
      isType: () => false,
      asType: () => undefined,
    });
  }
  const resolve = (urns: string[]) => urns.map((u) => resources.get(u)).filter((x): x is PolicyResource => !!x);
  for (const r of registered) {
    const p = resources.get(r.urn)!;
    p.parent = resources.get(r.parent);
    p.dependencies = resolve(r.dependencies);
    p.propertyDependencies = Object.fromEntries(
      Object.entries(r.propertyDependencies).map(([k, urns]) => [k, resolve(urns)]),
    );
  }
  return { ...common, resources: [...resources.values()] };
}

/** Every violation the policies report on these resources. */
export async function violations(registered: Registered[], policies: Policies = allPolicies): Promise<Violation[]> {
  const found: Violation[] = [];
  for (const policy of policies) {
    const report = (urn?: string) => (message: string, reported?: string) =>
      found.push({ policy: policy.name, message, urn: reported ?? urn });
    try {
      if ("validateStack" in policy) {
        await policy.validateStack(stackArgs(registered), report());
        continue;
      }
      const validations =
        policy.validateResource === undefined
          ? []
          : Array.isArray(policy.validateResource)
            ? policy.validateResource
            : [policy.validateResource];
      for (const r of registered) for (const validate of validations) await validate(resourceArgs(r), report(r.urn));
    } catch (e) {
      if (!(e instanceof NotApplicable)) throw e;
    }
  }
  return found;
}

/** Only the messages: what most assertions compare. */
export const messages = async (registered: Registered[], policies?: Policies): Promise<string[]> =>
  (await violations(registered, policies)).map((v) => v.message);
