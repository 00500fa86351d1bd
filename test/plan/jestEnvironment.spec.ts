// test/support/jestEnvironment.js: the Pulumi SDK's position-only stacks skip jest's source-map
// formatter (the cost it removes); every other stack is still mapped onto this TypeScript file.
import { readFileSync } from "node:fs";

/** Type-only lines: the transpiled file's line numbers differ from this file's below them. */
interface Spacer {
  a: string;
  b: string;
  c: string;
  d: string;
}
export type Spacers = Spacer[];

/** The 1-based line of this file that holds `marker`. */
const lineOf = (marker: string): number =>
  readFileSync(__filename, "utf8")
    .split("\n")
    .findIndex((l) => l.includes(marker) && !l.includes("lineOf(")) + 1;

function callsites(): string {
  return new Error("position only").stack ?? "";
}
function ordinary(): string {
  return new Error("a failing test's error").stack ?? ""; // marker: ordinary
}

test("a stack read by a function named like the SDK's position reader has no frames to map", () => {
  expect(callsites()).toBe("Error: position only");
});

test("any other stack is mapped onto the TypeScript source line", () => {
  const line = lineOf("marker: ordinary");
  expect(ordinary().split("\n")[1]).toContain(`jestEnvironment.spec.ts:${line}:`);
});

test("the SDK still reads its positions through the functions the environment names", () => {
  // If an SDK upgrade renames them, mocked stack runs fall back to the slow, mapped stacks.
  const { Resource } = jest.requireActual<typeof import("@pulumi/pulumi/resource")>("@pulumi/pulumi/resource");
  const debuggable = jest.requireActual<Record<string, unknown>>("@pulumi/pulumi/runtime/debuggable");
  expect(typeof (Resource as unknown as Record<string, unknown>).callsites).toBe("function");
  expect(String((Resource as unknown as Record<string, () => unknown>).callsites)).toContain("new Error().stack");
  expect(typeof debuggable.debuggablePromise).toBe("function");
  expect(String(debuggable.debuggablePromise)).toContain("new Error().stack");
});
