// Two test stacks on one Docker host: everything Docker names globally (containers, networks,
// volumes, images, published ports) must differ, or the second `pulumi up` fails or, worse,
// shares the first stack's database. Runs both programs one after the other in this file:
// each runStack call installs fresh mocks.
import type { ProgramRun } from "../../scripts/offline/mockRuntime";
import { physicalName } from "../../scripts/offline/rules/docker";
import { runStack } from "../support/runStack";
import { containers, stackNames } from "./support";
import { T } from "../../policy/types";

const globalNames = (run: ProgramRun) =>
  run.resources
    .filter((r) => ([T.container, T.network, T.volume] as string[]).includes(r.type))
    .map((r) => `${r.type.split(":").pop()} ${physicalName(r.type, r.name, r.inputs)}`);
const imageNames = (run: ProgramRun) =>
  run.resources.filter((r) => r.type === T.image).map((r) => String(r.inputs.imageName));
const ports = (run: ProgramRun) =>
  containers(run).flatMap((c) => ((c.inputs.ports as { external: number }[] | undefined) ?? []).map((p) => p.external));
const networksUsed = (run: ProgramRun) =>
  new Set(containers(run).flatMap((c) => (c.inputs.networksAdvanced as { name: string }[]).map((n) => n.name)));

let alice: ProgramRun;
let bob: ProgramRun;
beforeAll(async () => {
  alice = await runStack("test-alice");
  bob = await runStack("test-bob");
});

test("both stacks register the same shape", () => {
  expect(alice.resources.map((r) => r.type).sort()).toEqual(bob.resources.map((r) => r.type).sort());
  expect(containers(alice)).toHaveLength(8);
});

test("containers, networks, volumes and built images have disjoint names", () => {
  const a = [...globalNames(alice), ...imageNames(alice)];
  const b = [...globalNames(bob), ...imageNames(bob)];
  expect(a.filter((n) => b.includes(n))).toEqual([]);
  expect(a.some((n) => n.startsWith(`Volume ${stackNames("test-alice").prefix}-`))).toBe(true);
});

test("each stack's containers join only its own network", () => {
  expect([...networksUsed(alice)]).toEqual([stackNames("test-alice").network]);
  expect([...networksUsed(bob)]).toEqual([stackNames("test-bob").network]);
});

test("published ports differ", () => {
  expect(ports(alice)).toHaveLength(2);
  expect(ports(alice).filter((p) => ports(bob).includes(p))).toEqual([]);
  expect(alice.outputs.url).not.toBe(bob.outputs.url);
});
