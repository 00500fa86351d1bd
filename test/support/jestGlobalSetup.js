// jest globalSetup: an empty directory for this run's shared stack runs
// (test/support/stackRunCache.ts reads THROAT_STACK_RUN_CACHE). Plain CommonJS, like
// jest.config.js: jest loads it before any project's transform.
/* eslint-disable @typescript-eslint/no-require-imports */
const { mkdtempSync } = require("node:fs");
const { tmpdir } = require("node:os");
const { join } = require("node:path");

module.exports = function globalSetup() {
  // THROAT_STACK_RUN_CACHE=0: every file runs its own stacks (to measure or to rule it out).
  if (process.env.THROAT_STACK_RUN_CACHE === "0") return;
  process.env.THROAT_STACK_RUN_CACHE = mkdtempSync(join(tmpdir(), "throat-stack-runs-"));
};
