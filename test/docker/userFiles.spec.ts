// User files on the test profile: one named volume per kind, mounted read-write where Throat
// writes (every worker and the migration), read-only into the edge under its static root; the
// storage URLs are the stack's own URL; destroy keeps the volumes only when asked to.
import { parse } from "yaml";
import type { Plan } from "../../components/plan";
import { dockerNames, EDGE_PATHS } from "../../components/plan/names";
import { LOCAL_FOLDERS } from "../../components/plan/storage";
import type { ProgramRun, RecordedResource } from "../../scripts/offline/mockRuntime";
import { VOLUME } from "../../scripts/offline/rules/docker";
import { named, ofType, runStack } from "../support/runStack";
import { plan as planOf } from "../support/settings";
import { containers, labelOf, uploadsOf } from "./support";

interface Mount {
  volumeName: string;
  containerPath: string;
  readOnly?: boolean;
}
const mounts = (c: RecordedResource) =>
  ((c.inputs.volumes as Mount[] | undefined) ?? []).map((m) => ({ ...m, readOnly: m.readOnly ?? false }));
const STACK = "test-files";

let run: ProgramRun;
let plan: Plan;
let names: ReturnType<typeof dockerNames>;
beforeAll(async () => {
  plan = planOf(STACK);
  names = dockerNames(plan.settings, plan.workers);
  run = await runStack(STACK);
});

const volumeNames = () =>
  ofType(run, VOLUME)
    .filter((v) => labelOf(v, "throat.files"))
    .map((v) => String(v.inputs.name))
    .sort();
const workers = () => containers(run).filter((c) => labelOf(c, "throat.tier") === "worker");

test("one named volume per kind of user file, stack-prefixed, replaced only delete-first under a fixed name", () => {
  expect(volumeNames()).toEqual([`throat-${STACK}-thumbnails`, `throat-${STACK}-uploads`]);
  for (const name of volumeNames())
    expect(named(run, name)).toMatchObject({ deleteBeforeReplace: true, inputs: { name } });
});

test("every worker container and the migration mount both volumes read-write at Throat's own folders", () => {
  const expected = [
    { volumeName: `throat-${STACK}-uploads`, containerPath: LOCAL_FOLDERS.uploads, readOnly: false },
    { volumeName: `throat-${STACK}-thumbnails`, containerPath: LOCAL_FOLDERS.thumbnails, readOnly: false },
  ];
  const writers = [...workers(), named(run, names.migration)];
  expect(writers.length).toBe(plan.workers.reduce((n, w) => n + w.replicas.max, 0) + 1);
  for (const c of writers) expect({ c: c.name, m: mounts(c) }).toEqual({ c: c.name, m: expected });
});

test("the edge mounts them read-only where its /static/ location serves from", () => {
  expect(mounts(named(run, names.edge))).toEqual([
    { volumeName: `throat-${STACK}-uploads`, containerPath: `${EDGE_PATHS.staticRoot}/stor`, readOnly: true },
    { volumeName: `throat-${STACK}-thumbnails`, containerPath: `${EDGE_PATHS.staticRoot}/thumbs`, readOnly: true },
  ]);
  const http = plan.edge.nginxFiles["throat/http.conf"]!;
  expect(http).toContain(
    `location ^~ /static/ {\n        alias ${EDGE_PATHS.staticRoot}/;\n        expires max;\n        access_log off;`,
  );
});

test("each container's config.yaml stores files in the mounted folders and links them on the stack's URL", () => {
  const url = String(run.outputs.url);
  for (const c of [...workers(), named(run, names.migration)]) {
    const file = Object.entries(uploadsOf(c)).find(([path]) => path.endsWith("/config.yaml"))![1];
    const storage = (parse(file.content!) as { storage: Record<string, { path?: string; url?: string }> }).storage;
    expect(storage).toMatchObject({
      provider: "LOCAL",
      server: false,
      uploads: { path: LOCAL_FOLDERS.uploads, url: `${url}/static/stor/` },
      thumbnails: { path: LOCAL_FOLDERS.thumbnails, url: `${url}/static/thumbs/` },
    });
  }
});

test("the edge is replaced only after the new workers: its upstream label is built from their ids", () => {
  // A changed worker set changes the label, which only the new containers' ids (known once
  // they are up and healthy: wait true) can give; so Pulumi creates them before the edge.
  const edge = named(run, names.edge);
  expect(edge.propertyDependencies.labels).toEqual(expect.arrayContaining(workers().map((w) => w.urn)));
  for (const w of workers()) expect(w.inputs.wait).toBe(true);
});

describe("pulumi destroy and the user files", () => {
  test("test stacks: removed with the stack unless asked (retainOnDelete false)", () => {
    for (const name of volumeNames()) expect(named(run, name).retainOnDelete).toBe(false);
  });

  test("throat:storage.retainOnDelete true keeps the volumes", async () => {
    const kept = await runStack(STACK, { storage: { retainOnDelete: true } });
    const volumes = ofType(kept, VOLUME).filter((v) => labelOf(v, "throat.files"));
    expect(volumes).toHaveLength(2);
    for (const v of volumes) expect(v.retainOnDelete).toBe(true);
    // The database volume is not this setting's business.
    expect(named(kept, names.postgresVolume).retainOnDelete).toBe(false);
  });
});
