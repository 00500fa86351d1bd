// jest's node environment, with one cost taken out: the Pulumi SDK reads `new Error().stack`
// for every resource it registers (Resource.callsites, the resource's source position) and for
// every promise it tracks (debuggablePromise). Under jest each read maps every frame through
// the test files' source maps (@jest/source-map), which took 40-60% of a mocked stack run.
// Those two stacks are only parsed for file:line:column, which the mock monitor ignores, so
// they get no frames at all (the SDK then sends no source position); every other stack, a
// failing test's included, is still mapped onto the TypeScript source. Plain CommonJS, like
// jest.config.js: jest loads it as is.
/* eslint-disable @typescript-eslint/no-require-imports */
const { TestEnvironment } = require("jest-environment-node");

/** The SDK functions whose `new Error().stack` is read for positions only (a leak report at most). */
const POSITION_ONLY = new Set(["callsites", "debuggablePromise"]);
const UNMAPPED = Symbol("throat:unmappedPulumiStacks");

class ThroatTestEnvironment extends TestEnvironment {
  async setup() {
    await super.setup();
    // jest installs its mapping formatter on the worker's Error before each file's environment.
    const mapped = Error.prepareStackTrace;
    if (typeof mapped !== "function" || mapped[UNMAPPED]) return;
    const formatter = (error, frames) =>
      POSITION_ONLY.has(frames[0]?.getFunctionName()) ? String(error) : mapped(error, frames);
    formatter[UNMAPPED] = true;
    Error.prepareStackTrace = formatter;
  }
}

module.exports = ThroatTestEnvironment;
