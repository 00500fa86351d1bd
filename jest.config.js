// Two projects: `unit` (pure plan + Pulumi mock tests, seconds) and `e2e` (real nginx,
// gunicorn, PostgreSQL and Redis on loopback). Type checking is `tsc --noEmit`, once,
// so jest only strips types (@swc/jest): a mocks test file runs in ~1 s instead of ~6 s.
const transform = { "^.+\\.ts$": ["@swc/jest", { jsc: { target: "es2022" } }] };
module.exports = {
  // The directory where mocked stack runs are shared between files and runs, named by a digest
  // of the code they depend on (test/support/jestGlobalSetup.js, runStack.ts).
  globalSetup: "<rootDir>/test/support/jestGlobalSetup.js",
  projects: [
    {
      displayName: "unit",
      testMatch: ["<rootDir>/test/**/*.test.ts"],
      testPathIgnorePatterns: ["/node_modules/", "\\.e2e\\.test\\.ts$"],
      transform,
      testEnvironment: "<rootDir>/test/support/jestEnvironment.js",
    },
    {
      displayName: "e2e",
      testMatch: ["<rootDir>/test/e2e/**/*.e2e.test.ts"],
      transform,
      testEnvironment: "<rootDir>/test/support/jestEnvironment.js",
      testTimeout: 180000,
    },
  ],
};
