// The stack's own files the migration's command runs, for both targets: prod bakes them into the
// app image context (components/aws/appImageContext.ts), test uploads them into the migration
// container (components/docker/migration.ts). The plan names them; reading them is I/O, so it
// happens here.
import { readFileSync } from "node:fs";
import * as path from "node:path";
import type { Plan } from "./plan";
import { PROJECT_ROOT } from "./projectRoot";

/** Path relative to /throat -> content: the repository's throat/<path> files and the plan's generated ones. */
export function migrationFiles(m: Pick<Plan["migration"], "imageFiles" | "generatedFiles">): Record<string, string> {
  const files: Record<string, string> = {};
  for (const f of m.imageFiles) files[f] = readFileSync(path.join(PROJECT_ROOT, "throat", f), "utf8");
  return { ...files, ...m.generatedFiles };
}
