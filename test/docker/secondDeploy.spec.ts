// The second `pulumi up` of a test stack: two mock runs, the last deploy and this one
// (scripts/offline/rules/lifecycle.ts), with what changed outside the program between them.
import { changedResources } from "../../scripts/offline/rules/lifecycle";
import { ProgramFailure } from "../../scripts/offline/mockRuntime";
import { runStack } from "../support/runStack";
import { containers } from "./support";

const RUN_TIMEOUT = 60_000;
const workerNames = (names: string[]) => names.filter((n) => /-(sync|gevent|socketio)/.test(n));

test(
  "`docker build -t throat .` then `pulumi up` replaces the workers: the image is followed by id, not tag",
  async () => {
    const first = await runStack("test", {}, { world: { localImages: { "throat:latest": "sha256:aaaa" } } });
    const rebuilt = await runStack("test", {}, { world: { localImages: { "throat:latest": "sha256:bbbb" } } });
    const same = await runStack("test", {}, { world: { localImages: { "throat:latest": "sha256:aaaa" } } });
    const changed = changedResources(first, rebuilt).map((r) => r.name);
    expect(workerNames(changed).length).toBeGreaterThanOrEqual(3);
    expect(changed.some((n) => n.includes("edge"))).toBe(true);
    // Nothing moves when the image did not.
    expect(changedResources(first, same)).toEqual([]);
    // And the database is not touched by an app rebuild.
    expect(changed.filter((n) => n.includes("postgres"))).toEqual([]);
    expect(containers(rebuilt).length).toBe(containers(first).length);
  },
  RUN_TIMEOUT,
);

test(
  "a registry reference follows the registry's digest for its tag",
  async () => {
    const ref = "ghcr.io/example/throat:main";
    const a = await runStack("test", { image: ref }, { world: { registryDigests: { [ref]: "sha256:1111" } } });
    const b = await runStack("test", { image: ref }, { world: { registryDigests: { [ref]: "sha256:2222" } } });
    expect(workerNames(changedResources(a, b).map((r) => r.name)).length).toBeGreaterThanOrEqual(3);
  },
  RUN_TIMEOUT,
);

test(
  "a PostgreSQL major-version change on the kept volume is refused before anything changes",
  async () => {
    const first = await runStack("test", { database: { engineVersion: "15" } });
    const err = await runStack(
      "test",
      { database: { engineVersion: "16" } },
      { world: { previousOutputs: first.outputs } },
    ).catch((e: ProgramFailure) => e);
    expect(err).toBeInstanceOf(ProgramFailure);
    const failure = err as ProgramFailure;
    expect(failure.message).toMatch(/throat:database\.engineVersion: 15 -> 16 on the kept volume/);
    expect(failure.message).toMatch(/pg_dump/);
    expect(failure.resources.filter((r) => r.custom)).toEqual([]);
    // The same version redeploys.
    await expect(
      runStack("test", { database: { engineVersion: "15" } }, { world: { previousOutputs: first.outputs } }),
    ).resolves.toBeDefined();
  },
  RUN_TIMEOUT,
);
