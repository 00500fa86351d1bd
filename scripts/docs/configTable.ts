// The configuration table of docs/configuration.md, generated from the zod schema the way terraform-docs generates a
// module's inputs: the keys and defaults from the schema itself (walked at run time, so a default
// is the value zod applies), the text from each key's doc comment in schema.ts (read with the
// TypeScript compiler API: zod keeps no comments at run time).
import * as ts from "typescript";
import type { z } from "zod";

export const TABLE_START = "<!-- config-table:start -->";
export const TABLE_END = "<!-- config-table:end -->";

export interface ConfigRow {
  /** Dotted path under `throat:`, e.g. `workers.sync.replicas`. */
  key: string;
  /** False for an object whose keys have their own rows. */
  leaf: boolean;
  /** The default zod applies, or undefined when the key has none (optional or required). */
  defaultValue: unknown;
  hasDefault: boolean;
  /** The key's doc comment, on one line ("" when it has none). */
  doc: string;
}

interface Def {
  type: string;
  innerType?: z.ZodType;
  in?: z.ZodType;
  shape?: Record<string, z.ZodType>;
  defaultValue?: unknown;
}
const defOf = (schema: z.ZodType): Def => (schema as unknown as { def: Def }).def;

/** The object schema under optional/default/prefault/pipe wrappers, if there is one. */
function objectShape(schema: z.ZodType): Record<string, z.ZodType> | undefined {
  const def = defOf(schema);
  if (def.type === "object") return (schema as unknown as { shape: Record<string, z.ZodType> }).shape;
  if (def.innerType) return objectShape(def.innerType);
  if (def.type === "pipe" && def.in) return objectShape(def.in);
  return undefined;
}

/** The value a `.default()` wrapper applies; a `.prefault({})` object has its leaves' instead. */
function defaultOf(schema: z.ZodType): { has: boolean; value?: unknown } {
  const def = defOf(schema);
  if (def.type === "default") return { has: true, value: def.defaultValue };
  if (def.type === "optional" || def.type === "nullable") return { has: false };
  if (def.innerType) return defaultOf(def.innerType);
  return { has: false };
}

/** Every key of the schema, objects before their keys, in declaration order. */
export function schemaKeys(schema: z.ZodType, prefix = ""): Array<{ key: string; leaf: boolean; schema: z.ZodType }> {
  const shape = objectShape(schema);
  if (!shape) return [];
  return Object.entries(shape).flatMap(([name, child]) => {
    const key = prefix ? `${prefix}.${name}` : name;
    const nested = objectShape(child);
    return nested
      ? [{ key, leaf: false, schema: child }, ...schemaKeys(child, key)]
      : [{ key, leaf: true, schema: child }];
  });
}

const docText = (raw: string) =>
  raw
    .replace(/^\/\*\*|\*\/$/g, "")
    .split("\n")
    .map((l) => l.replace(/^\s*\* ?/, "").trim())
    .filter(Boolean)
    .join(" ");

/**
 * The doc comment of every key of the object literal `schemaName` is built from in `source`
 * (schema.ts), by dotted path: property JSDoc, through nested `z.strictObject({...})` calls,
 * consts they name (`workersSchema`) and spreads (`...taskSize`).
 */
export function docComments(source: string, schemaName: string): Map<string, string> {
  const file = ts.createSourceFile("schema.ts", source, ts.ScriptTarget.Latest, true);
  const consts = new Map<string, ts.Expression>();
  file.forEachChild(function visit(node) {
    if (ts.isVariableDeclaration(node) && ts.isIdentifier(node.name) && node.initializer)
      consts.set(node.name.text, node.initializer);
    node.forEachChild(visit);
  });
  // The object literal a schema expression is made from: the first object argument of the
  // innermost call of a chain such as z.strictObject({...}).prefault({}).
  const objectOf = (expr: ts.Expression | undefined): ts.ObjectLiteralExpression | undefined => {
    if (!expr) return undefined;
    if (ts.isObjectLiteralExpression(expr)) return expr;
    if (ts.isIdentifier(expr)) return objectOf(consts.get(expr.text));
    if (ts.isCallExpression(expr)) {
      const callee = expr.expression;
      const inner = ts.isPropertyAccessExpression(callee) ? callee.expression : undefined;
      const fromChain = inner && !(ts.isIdentifier(inner) && inner.text === "z") ? objectOf(inner) : undefined;
      if (fromChain) return fromChain;
      const name = ts.isPropertyAccessExpression(callee) ? callee.name.text : "";
      if (name === "strictObject" || name === "object") return objectOf(expr.arguments[0]);
    }
    return undefined;
  };
  const docs = new Map<string, string>();
  const walk = (obj: ts.ObjectLiteralExpression, prefix: string) => {
    for (const prop of obj.properties) {
      if (ts.isSpreadAssignment(prop)) {
        const spread = objectOf(prop.expression);
        if (spread) walk(spread, prefix);
        continue;
      }
      if (!prop.name || !(ts.isIdentifier(prop.name) || ts.isStringLiteral(prop.name))) continue;
      const key = prefix ? `${prefix}.${prop.name.text}` : prop.name.text;
      // The last /** */ between the previous property and this one (same line or lines above).
      const comment = source
        .slice(prop.getFullStart(), prop.getStart())
        .match(/\/\*\*[\s\S]*?\*\//g)
        ?.pop();
      if (comment) docs.set(key, docText(comment));
      const value = ts.isPropertyAssignment(prop) ? prop.initializer : undefined;
      const nested = objectOf(value);
      if (nested) walk(nested, key);
    }
  };
  const root = objectOf(consts.get(schemaName));
  if (root) walk(root, "");
  return docs;
}

/** The rows of the table: every leaf key, and every object key that has a doc comment. */
export function configRows(schema: z.ZodType, docs: Map<string, string>): ConfigRow[] {
  return schemaKeys(schema)
    .filter((k) => k.leaf || docs.has(k.key))
    .map((k) => {
      const d = k.leaf ? defaultOf(k.schema) : { has: false };
      return { key: k.key, leaf: k.leaf, defaultValue: d.value, hasDefault: d.has, doc: docs.get(k.key) ?? "" };
    });
}

const cell = (text: string) => text.replace(/\|/g, "\\|");

/** A default as a reader would type it in `pulumi config set`: JSON, or "none" (an object: its keys'). */
export function renderDefault(row: ConfigRow): string {
  if (!row.leaf) return "";
  if (!row.hasDefault) return "none";
  return `\`${JSON.stringify(row.defaultValue)}\``;
}

/** The Markdown table, markers included. */
export function renderTable(rows: ConfigRow[]): string {
  return [
    TABLE_START,
    "<!-- Generated from components/settings/schema.ts by `npm run docs`: edit the schema, not this table. -->",
    "",
    "| key | default | meaning |",
    "| --- | --- | --- |",
    ...rows.map((r) => `| \`${r.key}\` | ${cell(renderDefault(r))} | ${cell(r.doc)} |`),
    "",
    TABLE_END,
  ].join("\n");
}

/** `page` with the text between the markers replaced by `table`; an error without markers. */
export function replaceTable(page: string, table: string): string {
  const start = page.indexOf(TABLE_START);
  const end = page.indexOf(TABLE_END);
  if (start < 0 || end < start) throw new Error(`the page has no ${TABLE_START} ... ${TABLE_END} section`);
  return page.slice(0, start) + table + page.slice(end + TABLE_END.length);
}

/** A `Pulumi.yaml` config entry: what `pulumi config` shows for a key. */
export interface DeclaredKey {
  description?: string;
  default?: unknown;
}

// `name (value ...)` or `name (..., default value ...)` in a description: the default it states.
const STATED_DEFAULT = /\b(\w+) \((?:[^()]*?\bdefault )?(-?\d+|true|false)\b[^()]*\)/g;

/**
 * Where `Pulumi.yaml` disagrees with the schema: a key only one of them has, a `default:` that
 * is not the schema's, or a description that states a default (`headroom (5)`, `staleTimeout
 * (s, default 300)`) other than the schema's for that key. Defaults that depend on the profile
 * (no schema default) are the description's to explain and are not compared.
 */
export function pulumiYamlDrift(declared: Record<string, DeclaredKey>, rows: ConfigRow[]): string[] {
  const problems: string[] = [];
  const top = new Set(rows.map((r) => r.key.split(".")[0]!));
  for (const key of top) if (!(key in declared)) problems.push(`Pulumi.yaml does not declare throat:${key}`);
  for (const [key, entry] of Object.entries(declared)) {
    if (!top.has(key)) problems.push(`Pulumi.yaml declares throat:${key}, which the schema does not have`);
    const row = rows.find((r) => r.key === key);
    if (entry.default !== undefined && (!row?.hasDefault || row.defaultValue !== entry.default))
      problems.push(
        `Pulumi.yaml's default for throat:${key} is ${JSON.stringify(entry.default)}, not ${renderDefault(row!)}`,
      );
    for (const m of String(entry.description ?? "").matchAll(STATED_DEFAULT)) {
      const child = rows.find((r) => r.key === `${key}.${m[1]}` && r.hasDefault);
      if (child && String(child.defaultValue) !== m[2])
        problems.push(
          `Pulumi.yaml's description of throat:${key} gives ${m[1]} ${m[2]}; the schema's default is ${renderDefault(child)}`,
        );
    }
  }
  return problems;
}
