// jest globalSetup: the directory where mocked stack runs are shared (test/support/stackRunCache.ts
// reads THROAT_STACK_RUN_CACHE). It is named by a digest of everything a run can depend on (the
// code that registers, the mock rules, the stack files, the installed packages), so a run is
// kept between jest runs exactly as long as that code is unchanged, like tsc's build info in
// node_modules/.cache/throat/: a changed file names a new, empty directory. The newest few
// digests are kept (a branch switched back and forth), older ones removed.
// Plain CommonJS, like jest.config.js: jest loads it before any project's transform.
/* eslint-disable @typescript-eslint/no-require-imports */
const { createHash } = require("node:crypto");
const { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, utimesSync } = require("node:fs");
const { join } = require("node:path");

const ROOT = join(__dirname, "..", "..");
const CACHE = join(ROOT, "node_modules", ".cache", "throat", "stack-runs");
const KEEP = 4;
/** What a mocked run reads: the program and its components, the mock runtime and rules, what they load. */
const INPUTS = [
  "components",
  "scripts",
  "policy",
  "throat",
  "nginx",
  "index.ts",
  "package.json",
  "package-lock.json",
  "tsconfig.json",
  "test/support",
  "test/fixtures",
  "test/e2e/lib/registered.ts",
];

/** The digest of a project's run inputs (`root`: the project). */
function codeDigest(root) {
  const hash = createHash("sha256").update(process.version);
  const add = (path) => {
    if (!existsSync(path)) return;
    if (statSync(path).isDirectory()) {
      for (const entry of readdirSync(path).sort()) add(join(path, entry));
      return;
    }
    hash.update(`\0${path.slice(root.length)}\0`).update(readFileSync(path));
  };
  for (const input of INPUTS) add(join(root, input));
  for (const file of readdirSync(root)
    .filter((f) => /^Pulumi\..*yaml$/.test(f))
    .sort())
    add(join(root, file));
  return hash.digest("hex").slice(0, 24);
}

function globalSetup() {
  // The e2e clusters' initdb template (test/e2e/support/postgres.ts): per PostgreSQL build, not per code.
  process.env.THROAT_POSTGRES_TEMPLATES ??= join(ROOT, "node_modules", ".cache", "throat", "postgres");
  // THROAT_STACK_RUN_CACHE=0: every file runs its own stacks (to measure or to rule it out).
  if (process.env.THROAT_STACK_RUN_CACHE === "0") return;
  const dir = join(CACHE, codeDigest(ROOT));
  mkdirSync(dir, { recursive: true });
  utimesSync(dir, new Date(), new Date()); // the newest used, for the pruning below
  const others = readdirSync(CACHE)
    .map((name) => ({ path: join(CACHE, name), mtime: statSync(join(CACHE, name)).mtimeMs }))
    .filter((d) => d.path !== dir)
    .sort((a, b) => b.mtime - a.mtime);
  for (const old of others.slice(KEEP - 1)) rmSync(old.path, { recursive: true, force: true });
  process.env.THROAT_STACK_RUN_CACHE = dir;
}

module.exports = globalSetup;
module.exports.codeDigest = codeDigest;
