// A prod-only setting on a test stack is a mistake to report, not to ignore: the program stops
// with an error naming the key before it registers a single resource.
import { ProgramFailure } from "../../scripts/offline/mockRuntime";
import { runStack } from "../support/runStack";
import { T } from "../../policy/types";

const failureOf = (p: Promise<unknown>) =>
  p.then(
    () => {
      throw new Error("the run did not fail");
    },
    (e: unknown) => e as ProgramFailure,
  );

test("edge.certificateArn on a test stack is refused, naming the key, and nothing is registered", async () => {
  const failure = await failureOf(
    runStack("test", { edge: { certificateArn: "arn:aws:acm:eu-west-1:123456789012:certificate/abc" } }),
  );
  expect(failure).toBeInstanceOf(ProgramFailure);
  expect(failure.message).toMatch(/throat:edge\.certificateArn is a prod-only setting/);
  expect(failure.resources).toEqual([]);
});

test("several prod-only keys are reported together", async () => {
  const failure = await failureOf(
    runStack("test-carol", { redis: { nodeType: "cache.t4g.micro" }, database: { multiAz: true } }),
  );
  expect(failure.message).toMatch(/throat:redis\.nodeType is a prod-only setting/);
  expect(failure.message).toMatch(/throat:database\.multiAz is a prod-only setting/);
  expect(failure.resources).toEqual([]);
});

test("after a refused run, the next run in the same process registers the stack normally", async () => {
  const run = await runStack("test");
  expect(run.resources.filter((r) => r.type === T.container)).toHaveLength(8);
});
