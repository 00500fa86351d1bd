// A test stack that brings its own secrets and its own Throat checkout: the stack config's
// secrets are used as given (and stay secrets), nothing random or self-signed is made, and the
// Throat image is built locally, never pushed.
import { PROJECT_ROOT } from "../../components/load";
import { EDGE_PATHS } from "../../components/plan/names";
import type { ProgramRun } from "../../scripts/offline/mockRuntime";
import { named, runStack } from "../support/runStack";
import { containers, envOf, isSecretValue, labelOf, stackNames, uploadsOf } from "./support";
import { T } from "../../policy/types";

const CERT = "-----BEGIN CERTIFICATE-----\noperator-cert\n-----END CERTIFICATE-----\n";
const KEY = "-----BEGIN PRIVATE KEY-----\noperator-key\n-----END PRIVATE KEY-----\n";
const SECRET_KEY = "operator-secret-key-0123456789";
let run: ProgramRun;
const own = stackNames("test-own");

beforeAll(async () => {
  run = await runStack(
    "test-own",
    {
      tlsCertificate: CERT,
      tlsKey: KEY,
      secretKey: SECRET_KEY,
      appSource: "test/fixtures/throat-checkout",
      siteName: "forum.test",
    },
    { fromFile: false, secretKeys: ["tlsKey", "secretKey"] },
  );
});

test("no self-signed certificate and no random secret key are made", () => {
  expect(run.resources.filter((r) => r.type.startsWith("tls:"))).toEqual([]);
  expect(run.resources.filter((r) => r.type === T.randomPassword).map((r) => r.name)).toEqual([
    `${own.postgres}-password`,
  ]);
});

test("the edge serves the operator's certificate, and the key only as a secret", () => {
  const edge = named(run, own.edge);
  expect(uploadsOf(edge)[EDGE_PATHS.tls.certificatePath]?.content).toBe(CERT);
  expect(uploadsOf(edge)[EDGE_PATHS.tls.keyPath]?.content).toBe(KEY);
  const key = (named(run, edge.name).rawInputs.uploads as { file: string; content: unknown }[]).find(
    (u) => u.file === EDGE_PATHS.tls.keyPath,
  )!;
  expect(isSecretValue(key.content)).toBe(true);
});

test("APP_SECRET_KEY is the configured secret, passed as a secret", () => {
  const workers = containers(run).filter((c) => labelOf(c, "throat.tier") === "worker");
  for (const w of workers) {
    expect(envOf(w).APP_SECRET_KEY).toBe(SECRET_KEY);
    const entry = (named(run, w.name).rawInputs.envs as unknown[]).find(
      (e) => isSecretValue(e) && String((e as { value: string }).value).startsWith("APP_SECRET_KEY="),
    );
    expect(entry).toBeDefined();
  }
  expect(JSON.stringify(run.outputs)).not.toContain(SECRET_KEY);
});

test("the Throat image is built from the checkout without a push, and the edge is built from it", () => {
  const throat = named(run, `${own.prefix}-throat-image`);
  expect(throat.type).toBe(T.image);
  expect(throat.inputs).toMatchObject({
    imageName: `${own.prefix}-throat:latest`,
    skipPush: true,
    build: { context: `${PROJECT_ROOT}/test/fixtures/throat-checkout` },
  });
  const edge = named(run, `${own.prefix}-edge-image`);
  expect(edge.inputs).toMatchObject({ build: { args: { THROAT_IMAGE: `${own.prefix}-throat:latest` } } });
  const workerImage = containers(run).find((c) => labelOf(c, "throat.tier") === "worker")!.inputs.image;
  expect((edge.inputs.build as { args: Record<string, string> }).args.THROAT_IMAGE_ID).toBe(workerImage);
});

test("the url names the configured site", () => {
  expect(run.outputs.url).toMatch(/^https:\/\/forum\.test:2\d{4}$/);
});

describe("deploy.maxPercent below 200", () => {
  let slow: ProgramRun;
  beforeAll(async () => {
    slow = await runStack("test-slow", { deploy: { maxPercent: 100 } }, { fromFile: false });
  });

  test("workers are replaced old-first: the budget counted no surge, and Docker cannot surge by less than all", () => {
    const workers = containers(slow).filter((c) => labelOf(c, "throat.tier") === "worker");
    expect(workers.length).toBeGreaterThan(0);
    for (const w of workers) expect(w.deleteBeforeReplace).toBe(true);
  });
});
