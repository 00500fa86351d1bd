// Writes the configuration table in docs/configuration.md from the schema (`npm run docs`);
// `--check` exits 1 when the page is out of date instead. The test in test/plan/configTable.spec.ts runs the same check.
import { readFileSync, writeFileSync } from "node:fs";
import * as path from "node:path";
import { settingsSchema } from "../components/settings/schema";
import { configRows, docComments, renderTable, replaceTable } from "./docs/configTable";

const root = path.join(__dirname, "..");
const pagePath = path.join(root, "docs/configuration.md");
const source = readFileSync(path.join(root, "components/settings/schema.ts"), "utf8");
const table = renderTable(configRows(settingsSchema, docComments(source, "settingsSchema")));
const page = readFileSync(pagePath, "utf8");
const updated = replaceTable(page, table);
if (process.argv.includes("--check")) {
  if (updated !== page) {
    console.error("docs/configuration.md's table is out of date: run `npm run docs`.");
    process.exit(1);
  }
} else if (updated !== page) {
  writeFileSync(pagePath, updated);
  console.log("docs/configuration.md: configuration table written.");
}
