// docs/configuration.md's table and Pulumi.yaml's declarations against the schema: the keys and
// defaults have one home (components/settings/schema.ts), and these fail when a copy drifts.
import { readFileSync } from "node:fs";
import * as path from "node:path";
import { parse } from "yaml";
import { z } from "zod";
import { PROJECT_ROOT } from "../../components/load";
import { settingsSchema } from "../../components/settings/schema";
import {
  configRows,
  docComments,
  pulumiYamlDrift,
  renderTable,
  replaceTable,
  TABLE_END,
  TABLE_START,
} from "../../scripts/docs/configTable";

const read = (file: string) => readFileSync(path.join(PROJECT_ROOT, file), "utf8");
const rows = configRows(settingsSchema, docComments(read("components/settings/schema.ts"), "settingsSchema"));
const declared = parse(read("Pulumi.yaml")).config;

describe("the configuration table", () => {
  it("in docs/configuration.md is the one the schema generates (run `npm run docs` after changing the schema)", () => {
    const page = read("docs/configuration.md");
    expect(page).toContain(TABLE_START);
    expect(replaceTable(page, renderTable(rows))).toBe(page);
  });

  it("has every key of the schema with its default and a doc comment", () => {
    const byKey = new Map(rows.map((r) => [r.key, r]));
    expect(byKey.get("uploadMaxSize")).toMatchObject({ hasDefault: true, defaultValue: 16 * 1024 * 1024 });
    expect(byKey.get("workers.sync.replicas")).toMatchObject({ defaultValue: { min: 2, max: 2 } });
    // Through a spread (...taskSize) and a const (workersSchema), and inside an optional object.
    expect(byKey.get("workers.gevent.cpu")?.doc).toMatch(/^Fargate CPU units/);
    expect(byKey.get("mail.port")).toMatchObject({ hasDefault: true, defaultValue: 587 });
    expect(byKey.get("siteName")).toMatchObject({ hasDefault: false });
    expect(rows.filter((r) => r.leaf && r.doc === "").map((r) => r.key)).toEqual([]);
  });

  it("reads doc comments through consts and spreads, and defaults from the schema itself", () => {
    const source = [
      "const size = {",
      "  /** CPU units. */",
      "  cpu: z.number().default(512),",
      "};",
      "const inner = z.strictObject({ ...size, /** On or off. */ on: z.boolean().default(true) });",
      "export const s = z.strictObject({",
      "  /** The inner part. */",
      "  inner: inner.prefault({}),",
      "});",
    ].join("\n");
    const schema = z.strictObject({
      inner: z.strictObject({ cpu: z.number().default(256), on: z.boolean().default(true) }).prefault({}),
    });
    const table = renderTable(configRows(schema, docComments(source, "s")));
    expect(table).toContain("| `inner` |  | The inner part. |");
    // The default is what zod applies (256), not what a comment or another source says.
    expect(table).toContain("| `inner.cpu` | `256` | CPU units. |");
    expect(table).toContain("| `inner.on` | `true` | On or off. |");
  });

  it("refuses a page without the markers", () => {
    expect(() => replaceTable("# no table", renderTable(rows))).toThrow(TABLE_START);
    expect(renderTable(rows).endsWith(TABLE_END)).toBe(true);
  });
});

describe("Pulumi.yaml", () => {
  it("declares the schema's keys with the schema's defaults, in `default:` and in descriptions", () => {
    expect(pulumiYamlDrift(declared, rows)).toEqual([]);
  });

  it("is reported when a key, a default or a stated default drifts", () => {
    const drifted = {
      ...declared,
      uploadMaxSize: { ...declared.uploadMaxSize, default: 1024 },
      pool: { description: "peewee pool: staleTimeout (s, default 301), timeout (10)." },
      typo: { description: "not a key" },
    };
    delete (drifted as Record<string, unknown>).dns;
    expect(pulumiYamlDrift(drifted, rows).sort()).toEqual([
      "Pulumi.yaml declares throat:typo, which the schema does not have",
      "Pulumi.yaml does not declare throat:dns",
      "Pulumi.yaml's default for throat:uploadMaxSize is 1024, not `16777216`",
      "Pulumi.yaml's description of throat:pool gives staleTimeout 301; the schema's default is `300`",
    ]);
  });
});
