// Reads Pulumi.<stack>.yaml the way the Pulumi CLI hands config to a program: `project:key`
// to a string, objects as JSON. `secure:` values are ciphertext only the CLI can decrypt:
// offline they become a placeholder marked secret, never an error and never decrypted.
import { existsSync, readFileSync } from "node:fs";
import * as path from "node:path";
import { parse } from "yaml";

export const SECRET_PLACEHOLDER = "[secret: decrypted by the Pulumi CLI at deploy time]";

export interface StackConfig {
  config: Record<string, string>;
  secretKeys: string[];
  /** The file read, or undefined when the stack has none (a `test-<name>` stack needs none). */
  file?: string;
}

export function readStackConfig(projectRoot: string, stack: string): StackConfig {
  const file = path.join(projectRoot, `Pulumi.${stack}.yaml`);
  if (!existsSync(file)) return { config: {}, secretKeys: [] };
  const doc = parse(readFileSync(file, "utf8")) as { config?: Record<string, unknown> } | null;
  const config: Record<string, string> = {};
  const secretKeys: string[] = [];
  for (const [key, value] of Object.entries(doc?.config ?? {})) {
    if (value && typeof value === "object" && "secure" in value) {
      config[key] = SECRET_PLACEHOLDER;
      secretKeys.push(key);
    } else {
      config[key] = typeof value === "string" ? value : JSON.stringify(value);
    }
  }
  return { config, secretKeys, file };
}
