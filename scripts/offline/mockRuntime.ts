// Runs the real Pulumi program (index.ts) under the SDK's mock runtime: no Pulumi CLI, no
// cloud or Docker. Every resource the program registers is recorded with its inputs and the
// options the engine would see (parent, dependsOn, protect, ...), so the offline plan can list
// them and tests can assert on them. Provider limits that AWS or Docker would enforce at
// `pulumi up` are checked here by `checkResource`, so a plan they would reject fails first.
import * as pulumi from "@pulumi/pulumi";
import { mockMonitor, waitForRPCs } from "../../components/sdkInternals";
import { checkResource, mockState, MockWorld, setWorld } from "./providerRules";
import type { ProgramRun, RecordedResource } from "./recorded";
import { containsSecret, revealSecrets } from "./secrets";

export type { ProgramRun, RecordedResource } from "./recorded";

/** The program failed (a provider rule refused a resource, or the program threw). */
export class ProgramFailure extends Error {
  constructor(
    message: string,
    /** What was registered before the failure. */
    readonly resources: RecordedResource[],
  ) {
    super(message);
    this.name = "ProgramFailure";
  }
}

/**
 * Config keys are `project:key`; values are strings as the Pulumi CLI passes them (objects as
 * JSON). `program` is what index.ts exports.
 */
export async function runProgram(opts: {
  stack: string;
  config: Record<string, string>;
  secretKeys?: string[];
  program: () => Promise<Record<string, unknown>>;
  /** What exists outside the program: the last deploy's outputs, the host's images (rules/world.ts). */
  world?: MockWorld;
}): Promise<ProgramRun> {
  pulumi.runtime.setAllConfig(opts.config, opts.secretKeys ?? []);
  setWorld(opts.world ?? {});
  const resources: RecordedResource[] = [];
  // A refused registration surfaces inside Pulumi's machinery, where nothing awaits it: the
  // program's outputs would never resolve. The first refusal ends the run instead.
  let refuse: (e: Error) => void = () => {};
  const refused = new Promise<never>((_, reject) => (refuse = reject));
  refused.catch(() => {});
  const guard = <T>(f: () => T): T => {
    try {
      return f();
    } catch (e) {
      refuse(e as Error);
      throw e;
    }
  };
  await pulumi.runtime.setMocks(
    {
      newResource: (args) =>
        guard(() => {
          checkResource(args.type, args.name, args.inputs);
          const id = args.id || `${args.name}-id`;
          // Inputs the program left undefined (a StackReference's `outputs`) do not hide the state.
          const given = Object.fromEntries(Object.entries(args.inputs).filter(([, v]) => v !== undefined));
          return { id, state: { ...mockState(args.type, args.name, args.inputs), ...given } };
        }),
      call: (args) => guard(() => mockState(args.token, "", args.inputs)),
    },
    "throat",
    opts.stack,
    false,
    // What `pulumi login --local` calls every stack's organization.
    "organization",
  );
  recordRegistrations(resources);
  const run = async (): Promise<ProgramRun> => {
    const outputs = await opts.program();
    const resolved: Record<string, unknown> = {};
    const secretOutputs: string[] = [];
    for (const [k, v] of Object.entries(outputs)) {
      const out: pulumi.Output<unknown> = pulumi.output(v as pulumi.Input<unknown>);
      resolved[k] = await new Promise((resolve) => out.apply((x) => resolve(x)));
      if (await pulumi.isSecret(out)) secretOutputs.push(k);
    }
    await waitForRPCs();
    return { resources, outputs: resolved, secretOutputs };
  };
  // The SDK reads `new Error().stack` for every resource and tracked promise, for source
  // positions the mock monitor never uses; under tsx, Node maps each of those stacks through
  // the source maps (a sixth of an offline plan's time). Off for the run; a stack read after
  // it (a failure's) is still mapped, as V8 formats a stack when it is first read.
  const mapped = process.sourceMapsEnabled;
  if (mapped) process.setSourceMapsEnabled(false);
  // The same stacks are also captured frame by frame: three frames (V8's default is ten) keep
  // where a program bug was thrown and cut a fifth of a mocked run (test/aws on one jest
  // worker: 20.7 s -> 17.4 s).
  const limit = Error.stackTraceLimit;
  Error.stackTraceLimit = 3;
  try {
    return await Promise.race([run(), refused]);
  } catch (e) {
    throw new ProgramFailure((e as Error).message, resources);
  } finally {
    if (mapped) process.setSourceMapsEnabled(true);
    Error.stackTraceLimit = limit;
  }
}

/** Wraps the mock monitor so the registration request itself (options included) is recorded. */
function recordRegistrations(into: RecordedResource[]): void {
  const monitor = mockMonitor();
  const original = monitor.registerResource.bind(monitor);
  monitor.registerResource = async (req, cb) => {
    const raw = req.getObject()?.toJavaScript() ?? {};
    const propertyDependencies: Record<string, string[]> = {};
    req.getPropertydependenciesMap().forEach((deps, key) => (propertyDependencies[key] = deps.getUrnsList()));
    const secretInputs = Object.entries(raw)
      .filter(([, v]) => containsSecret(v))
      .map(([k]) => k);
    into.push({
      type: req.getType(),
      name: req.getName(),
      urn: monitor.newUrn(req.getParent(), req.getType(), req.getName()),
      parent: req.getParent(),
      dependencies: req.getDependenciesList(),
      inputs: revealSecrets(raw) as Record<string, unknown>,
      secretInputs,
      protect: req.getProtect?.() ?? false,
      retainOnDelete: req.getRetainondelete?.() ?? false,
      deleteBeforeReplace: req.getDeletebeforereplace(),
      deleteBeforeReplaceDefined: req.getDeletebeforereplacedefined(),
      propertyDependencies,
      rawInputs: raw,
      custom: req.getCustom(),
    });
    return original(req, cb);
  };
}

type Program = () => Promise<Record<string, unknown>>;

/** index.ts uses `export =`; a dynamic import sees that function itself or as `default`. */
export async function loadProgram(file: string): Promise<Program> {
  const mod = (await import(file)) as Program | { default: Program };
  return typeof mod === "function" ? mod : mod.default;
}
