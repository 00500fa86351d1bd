// A change of PostgreSQL major version on a database that keeps its data. PostgreSQL's data
// directory is tied to the major version that wrote it: a newer server refuses it ("database
// files are incompatible with server") and exits, so on Docker the replaced container on the
// kept volume crash-loops. RDS upgrades in place (the AWS target allows the major upgrade) but
// never downgrades. Either way the plan refuses before a resource changes, with the way through.
import type { Settings } from "../settings";
import { PlanError } from "./planError";
import type { PreviousDeployment } from "./transition";

const KEY = "throat:database.engineVersion";

export function checkEngineChange(s: Settings, previous: PreviousDeployment): void {
  const before = previous.engineVersion;
  const after = s.database.engineVersion;
  if (!before || before === after) return;
  if (Number(after) < Number(before)) {
    throw new PlanError(
      KEY,
      `${KEY}: the data was written by PostgreSQL ${before}; ${after} is older and cannot read it (neither Docker nor RDS downgrades). Set it back to "${before}".`,
    );
  }
  if (s.profile === "test") {
    throw new PlanError(
      KEY,
      `${KEY}: ${before} -> ${after} on the kept volume: PostgreSQL ${after} refuses a data directory written by ${before} and the container would restart forever. Keep "${before}", or move the data: pg_dump from the running stack, pulumi destroy (the volume goes with the stack), set ${after}, pulumi up, then restore the dump with psql.`,
    );
  }
}
