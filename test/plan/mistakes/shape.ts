// What a stack-file mistake is (the file, the stack, what its refusal must name) and the helpers
// the lists in this folder write them with.
import { stringify } from "yaml";

export interface Mistake {
  name: string;
  stack: string;
  /** The stack file: a YAML text, or a config map (merged over the profile's base). */
  file: string | Record<string, unknown>;
  /** What the message must contain: the key, the stack name or the file. */
  names: RegExp;
  /** Listed in docs/common-mistakes.md under this title. */
  readme?: string;
}

export const CERT_ARN = "arn:aws:acm:eu-west-1:123456789012:certificate/4f1c2a9e-0000-4000-8000-000000000001";
export const PROD_BASE: Record<string, unknown> = {
  "aws:region": "eu-west-1",
  "throat:siteName": "forum.example.org",
  "throat:image": "ghcr.io/example/throat:1.0.0",
  "throat:edge": { certificateArn: CERT_ARN },
};
export const SECURE = { secure: "v1:AAAAAAAAAAAAAAAAAAAAAAAA" };
export const asProd = { "throat:profile": "prod" };
export const prodSync = { sync: { replicas: { min: 2, max: 6 }, processes: 4, cpu: 1024, memory: 2048 } };

/** The file text of a mistake. */
export function fileText(m: Mistake): string {
  if (typeof m.file === "string") return m.file;
  const base = m.stack === "prod" || m.file["throat:profile"] === "prod" ? PROD_BASE : {};
  const config = Object.fromEntries(Object.entries({ ...base, ...m.file }).filter(([, v]) => v !== undefined));
  return stringify({ config });
}

/** A mistake in the lists' compact form: name, stack, file, what the refusal names, README title. */
export const m = (name: string, stack: string, file: Mistake["file"], names: RegExp, readme?: string): Mistake => ({
  name,
  stack,
  file,
  names,
  readme,
});
