// What a mock run of the program records: each registered resource as the engine would see it,
// and the run as a whole. Types only, in their own module so the provider rules and the plan
// document can name them without importing the runtime that records them (which imports the
// rules).
export interface RecordedResource {
  type: string;
  name: string;
  urn: string;
  parent: string;
  /** URNs this resource depends on (dependsOn and inputs that are other resources' outputs). */
  dependencies: string[];
  inputs: Record<string, unknown>;
  /** Input keys the program passed as Pulumi secrets. */
  secretInputs: string[];
  protect: boolean;
  /** `pulumi destroy` (or a removal from the program) leaves the real resource in place. */
  retainOnDelete: boolean;
  deleteBeforeReplace: boolean;
  /** The program set deleteBeforeReplace itself (true or false), overriding the provider's default. */
  deleteBeforeReplaceDefined: boolean;
  /** Per input property, the URNs its value came from (what a delete-before-replace cascades along). */
  propertyDependencies: Record<string, string[]>;
  /** Inputs as serialized for the engine: secrets still wrapped, so per-element secrecy shows. */
  rawInputs: Record<string, unknown>;
  custom: boolean;
}

export interface ProgramRun {
  resources: RecordedResource[];
  outputs: Record<string, unknown>;
  /** Stack outputs whose values are Pulumi secrets. */
  secretOutputs: string[];
}
