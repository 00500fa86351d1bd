// jest globalTeardown: removes this run's shared stack runs (test/support/stackRunCache.ts).
// Plain CommonJS, like jest.config.js.
/* eslint-disable @typescript-eslint/no-require-imports */
const { rmSync } = require("node:fs");

module.exports = function globalTeardown() {
  const dir = process.env.THROAT_STACK_RUN_CACHE;
  if (dir && dir !== "0") rmSync(dir, { recursive: true, force: true });
};
