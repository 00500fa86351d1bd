// The stack file's settings as the plan document shows them: plain values as written, `secure:`
// values as a digest of their ciphertext, so a reviewer's diff can say "changed (secret)"
// without the value (the ciphertext is in the repository already; the digest adds nothing).
import { existsSync, readFileSync } from "node:fs";
import * as path from "node:path";
import { parse } from "yaml";
import { SECRET_KEY, secretDigest } from "../offline/resourceInputs";

export function stackConfigDigest(projectRoot: string, stack: string): Record<string, unknown> {
  const file = path.join(projectRoot, `Pulumi.${stack}.yaml`);
  if (!existsSync(file)) return {};
  const doc = parse(readFileSync(file, "utf8")) as { config?: Record<string, unknown> } | null;
  return Object.fromEntries(
    Object.entries(doc?.config ?? {}).map(([key, value]) => {
      const secure = value && typeof value === "object" && "secure" in value;
      return [key, secure ? { [SECRET_KEY]: secretDigest((value as { secure: unknown }).secure) } : value];
    }),
  );
}
