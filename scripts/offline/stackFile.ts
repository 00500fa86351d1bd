// Reads Pulumi.<stack>.yaml the way the Pulumi CLI hands config to a program: `project:key`
// to a string, objects as JSON. `secure:` values are ciphertext only the CLI can decrypt:
// offline they become a placeholder marked secret, never an error and never decrypted.
import { existsSync, readFileSync } from "node:fs";
import * as path from "node:path";
import { parse } from "yaml";
import { SECRET_PLACEHOLDER } from "../../components/settings/checks";
import { closestWord } from "../../components/settings/words";

export { SECRET_PLACEHOLDER };

/**
 * The top-level keys of a stack settings file (Pulumi's "Stack settings file" reference:
 * config, environment, secretsprovider, encryptedkey, encryptionsalt).
 */
const STACK_FILE_KEYS = ["config", "environment", "secretsprovider", "encryptedkey", "encryptionsalt"];

/** The stack file itself is malformed: the plan reports it and stops, like a config problem. */
export class StackFileError extends Error {
  constructor(file: string, problems: string[]) {
    super(`${path.basename(file)} has ${problems.length} problem(s):\n${problems.map((p) => `  - ${p}`).join("\n")}`);
    this.name = "StackFileError";
  }
}

export interface StackConfig {
  config: Record<string, string>;
  secretKeys: string[];
  /** The file read, or undefined when the stack has none (a `test-<name>` stack needs none). */
  file?: string;
}

export function readStackConfig(projectRoot: string, stack: string): StackConfig {
  const file = path.join(projectRoot, `Pulumi.${stack}.yaml`);
  if (!existsSync(file)) return { config: {}, secretKeys: [] };
  const doc = readDocument(file);
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

/** Parses the file and refuses one that would configure nothing: no `config:`, keys beside it. */
function readDocument(file: string): { config?: Record<string, unknown> } {
  let doc: unknown;
  try {
    doc = parse(readFileSync(file, "utf8"));
  } catch (e) {
    throw new StackFileError(file, [`it is not valid YAML: ${(e as Error).message.split("\n")[0]}`]);
  }
  if (doc === null || doc === undefined) return {};
  if (typeof doc !== "object" || Array.isArray(doc))
    throw new StackFileError(file, ["it must be a mapping with a config: key"]);
  const problems: string[] = [];
  const top = Object.keys(doc);
  for (const key of top.filter((k) => !STACK_FILE_KEYS.includes(k))) {
    const near = closestWord(key, STACK_FILE_KEYS);
    const hint = key.includes(":") || !near ? " (a config key? indent it under config:)" : ` (did you mean "${near}"?)`;
    problems.push(
      `top-level key "${key}" is not a stack file setting${hint}; a stack file has ${STACK_FILE_KEYS.join(", ")}`,
    );
  }
  const config = (doc as { config?: unknown }).config;
  if (!("config" in doc) && top.length)
    problems.push(`it has no config: key, so it configures nothing; put the stack's settings under config:`);
  else if (config !== undefined && config !== null && (typeof config !== "object" || Array.isArray(config))) {
    problems.push(
      `config: must be a mapping of keys such as throat:siteName, got ${Array.isArray(config) ? "a list" : JSON.stringify(config)}`,
    );
  }
  if (problems.length) throw new StackFileError(file, problems);
  return doc as { config?: Record<string, unknown> };
}
