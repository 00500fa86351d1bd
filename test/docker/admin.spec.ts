// The test profile's `admin` output: what npm run throat needs to find a running sync worker and
// join the stack's network. The labels it filters on are the ones the workers carry.
import { ofType, runStack } from "../support/runStack";
import { T } from "../../policy/types";
import { stackNames } from "./support";

test("the admin output names the stack's network and the sync workers' labels", async () => {
  const run = await runStack("test-me");
  expect(run.outputs.admin).toEqual({
    profile: "test",
    network: stackNames("test-me").network,
    workerLabels: { "throat.stack": "test-me", "throat.worker": "sync" },
    workdir: "/throat",
  });
  const workers = ofType(run, T.container).filter((c) =>
    (c.inputs.labels as Array<{ label: string; value: string }>).some(
      (l) => l.label === "throat.worker" && l.value === "sync",
    ),
  );
  expect(workers.length).toBe(2);
  for (const w of workers) {
    const labels = Object.fromEntries(
      (w.inputs.labels as Array<{ label: string; value: string }>).map((l) => [l.label, l.value]),
    );
    expect(labels).toMatchObject({ "throat.stack": "test-me", "throat.worker": "sync" });
    expect((w.inputs.networksAdvanced as Array<{ name: string }>)[0]!.name).toBe(stackNames("test-me").network);
  }
  expect(run.secretOutputs).toEqual([]);
}, 60_000);
