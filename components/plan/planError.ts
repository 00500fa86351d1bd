// The plan's refusal of a configuration: the config key to fix and what to write there. Its own
// module so the plan's checks (engineChange.ts, ...) can throw it without importing the plan's
// index, which imports them.
export class PlanError extends Error {
  constructor(
    readonly key: string,
    message: string,
  ) {
    super(message);
    this.name = "PlanError";
  }
}
