// The shared stack runs' directory is named by a digest of what a run reads
// (test/support/jestGlobalSetup.js): a change there names a new, empty directory, so no test
// ever reads a run its code did not make; a change elsewhere (the docs) keeps the runs.
import { cpSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";

// eslint-disable-next-line @typescript-eslint/no-require-imports
const { codeDigest } = require("../support/jestGlobalSetup.js") as { codeDigest: (root: string) => string };

let root: string;
beforeEach(() => {
  root = mkdtempSync(path.join(tmpdir(), "throat-digest-"));
  for (const dir of ["components/plan", "scripts/offline", "test/fixtures", "docs"])
    mkdirSync(path.join(root, dir), { recursive: true });
  writeFileSync(path.join(root, "components/plan/budget.ts"), "export const x = 1;\n");
  writeFileSync(path.join(root, "scripts/offline/rules.ts"), "export const y = 1;\n");
  writeFileSync(path.join(root, "test/fixtures/routes.txt"), "Rule Endpoint Methods Notes\n");
  writeFileSync(path.join(root, "Pulumi.test.yaml"), "config: {}\n");
  writeFileSync(path.join(root, "package-lock.json"), "{}\n");
  writeFileSync(path.join(root, "docs/logs.md"), "# Logs\n");
});
afterEach(() => rmSync(root, { recursive: true, force: true }));

test.each([
  ["editing a component", "components/plan/budget.ts"],
  ["editing a mock rule", "scripts/offline/rules.ts"],
  ["editing a fixture a stack's config names", "test/fixtures/routes.txt"],
  ["editing a stack file", "Pulumi.test.yaml"],
  ["other installed packages", "package-lock.json"],
  ["adding a stack file", "Pulumi.test-new.yaml"],
])("%s changes the digest", (_what, file) => {
  const before = codeDigest(root);
  writeFileSync(path.join(root, file), "changed\n");
  expect(codeDigest(root)).not.toBe(before);
});

test("the digest is the same for the same files, wherever the project is; the docs do not count", () => {
  const before = codeDigest(root);
  writeFileSync(path.join(root, "docs/logs.md"), "# Logs, edited\n");
  expect(codeDigest(root)).toBe(before);
  const copy = mkdtempSync(path.join(tmpdir(), "throat-digest-copy-"));
  cpSync(root, copy, { recursive: true });
  expect(codeDigest(copy)).toBe(before);
  rmSync(copy, { recursive: true, force: true });
});
