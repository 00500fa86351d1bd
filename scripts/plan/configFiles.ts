// Each kind's config.yaml as the plan print shows it: the first file as the YAML it is, the
// others as what they change from it (the kinds differ in a few pool numbers; a reviewer reads
// those, not three near-copies).
import { Document, isScalar, visit } from "yaml";
import type { AppConfig } from "../../components/plan/appConfig";

type ConfigFile = AppConfig["configFiles"][keyof AppConfig["configFiles"]];

export interface ConfigChanges {
  /** Leaf paths (`database.max_connections`) the other tree sets to another value (or adds). */
  set: Record<string, unknown>;
  /** Leaf paths the other tree leaves out (peewee's `timeout` when pool.timeout is 0). */
  unset: string[];
}

export function configChanges(base: unknown, other: unknown, prefix = ""): ConfigChanges {
  const isTree = (v: unknown): v is Record<string, unknown> => !!v && typeof v === "object" && !Array.isArray(v);
  if (!isTree(base) || !isTree(other)) {
    if (JSON.stringify(base) === JSON.stringify(other)) return { set: {}, unset: [] };
    return other === undefined ? { set: {}, unset: [prefix] } : { set: { [prefix]: other }, unset: [] };
  }
  const changes: ConfigChanges = { set: {}, unset: [] };
  for (const key of new Set([...Object.keys(base), ...Object.keys(other)])) {
    const below = configChanges(base[key], other[key], prefix ? `${prefix}.${key}` : key);
    Object.assign(changes.set, below.set);
    changes.unset.push(...below.unset);
  }
  return changes;
}

/** YAML with short lists of plain values on one line (`languages: [ en, cs ]`). */
function yamlText(value: unknown): string {
  const doc = new Document(value);
  visit(doc, {
    Seq(_, node) {
      if (node.items.every(isScalar)) node.flow = true;
    },
  });
  return doc.toString();
}

const indent = (text: string) =>
  text
    .trimEnd()
    .split("\n")
    .map((line) => `    ${line}`);

export function formatConfigFiles(files: readonly ConfigFile[]): string[] {
  const [first, ...rest] = files;
  if (!first) return [];
  const out = [`config file ${first.path}:`, ...indent(yamlText(first.values))];
  for (const f of rest) {
    const { set, unset } = configChanges(first.values, f.values);
    if (Object.keys(set).length === 0 && unset.length === 0) {
      out.push(`config file ${f.path}: the same as ${first.path}`);
      continue;
    }
    out.push(`config file ${f.path}: ${first.path}, except:`);
    if (Object.keys(set).length > 0) out.push(...indent(yamlText(set)));
    // A YAML comment: the section still parses as the values it sets.
    if (unset.length > 0) out.push(`    # not set: ${unset.join(", ")}`);
  }
  return out;
}
