// Writes README's configuration table from the schema (`npm run docs`); `--check` exits 1 when
// README is out of date instead. The test in test/plan/configTable.spec.ts runs the same check.
import { readFileSync, writeFileSync } from "node:fs";
import * as path from "node:path";
import { settingsSchema } from "../components/settings/schema";
import { configRows, docComments, renderTable, replaceTable } from "./docs/configTable";

const root = path.join(__dirname, "..");
const readmePath = path.join(root, "README.md");
const source = readFileSync(path.join(root, "components/settings/schema.ts"), "utf8");
const table = renderTable(configRows(settingsSchema, docComments(source, "settingsSchema")));
const readme = readFileSync(readmePath, "utf8");
const updated = replaceTable(readme, table);
if (process.argv.includes("--check")) {
  if (updated !== readme) {
    console.error("README.md's configuration table is out of date: run `npm run docs`.");
    process.exit(1);
  }
} else if (updated !== readme) {
  writeFileSync(readmePath, updated);
  console.log("README.md: configuration table written.");
}
