// Images: one ECR repository; the app image (Throat + the plan's config files) and the edge image
// built from nginx/ on top of the Throat image, pushed with ECR credentials; tasks use digests.
import { readFileSync } from "node:fs";
import * as path from "node:path";
import { PROJECT_ROOT } from "../../components/load";
import type { ProgramRun } from "../../scripts/offline/mockRuntime";
import { ofType } from "../support/runStack";
import { containers, dependenciesOfType, one, prodPlan, RUN_TIMEOUT, runProd, T, PREFIX } from "./support";

const plan = prodPlan();
let fromRef: ProgramRun;
let fromSource: ProgramRun;
beforeAll(async () => {
  // Its own run: the first test reads the context the program writes to disk.
  fromRef = await runProd({}, { fresh: true });
  fromSource = await runProd({ image: undefined, appSource: "test/fixtures/throat-checkout" });
}, RUN_TIMEOUT);

type Build = { context: string; dockerfile: string; platform: string; args: Record<string, string> };
const build = (run: ProgramRun, name: string) => one(run, T.image, name).inputs.build as Build;

test("the app image: Throat plus the plan's config files, from a generated context on disk", () => {
  const app = build(fromRef, `${PREFIX}-app`);
  expect(app).toMatchObject({
    context: ".build/prod/app-image",
    dockerfile: ".build/prod/app-image/Dockerfile",
    platform: "linux/amd64",
    args: { THROAT_IMAGE: "ghcr.io/example/throat:1.0.0" },
  });
  for (const f of Object.values(plan.app.configFiles))
    expect(readFileSync(path.join(PROJECT_ROOT, app.context, f.path), "utf8")).toBe(f.text);
});

test("the edge image: nginx/ on the same Throat image", () => {
  expect(build(fromRef, `${PREFIX}-edge`)).toMatchObject({
    context: "nginx",
    dockerfile: "nginx/Dockerfile",
    args: { THROAT_IMAGE: "ghcr.io/example/throat:1.0.0" },
  });
});

test("pushed to the stack's ECR repository with ECR's credentials, kept secret", () => {
  const repo = ofType(fromRef, T.ecr)[0]!;
  expect(repo.inputs.name).toBe(PREFIX);
  for (const image of ofType(fromRef, T.image)) {
    expect(String(image.inputs.imageName)).toMatch(
      new RegExp(String.raw`^\d{12}\.dkr\.ecr\.[a-z0-9-]+\.amazonaws\.com\/${PREFIX}:(app|edge)$`),
    );
    expect(image.inputs.registry).toMatchObject({ username: "AWS", server: expect.stringContaining(`/${PREFIX}`) });
    expect(image.secretInputs).toContain("registry");
  }
});

test("built from throat:appSource, the Throat image is pushed too and both builds start from its digest", () => {
  expect(
    ofType(fromSource, T.image)
      .map((i) => i.name)
      .sort(),
  ).toEqual([`${PREFIX}-app`, `${PREFIX}-edge`, `${PREFIX}-throat`]);
  expect(build(fromSource, `${PREFIX}-throat`)).toMatchObject({
    context: "test/fixtures/throat-checkout",
    dockerfile: "test/fixtures/throat-checkout/Dockerfile",
  });
  for (const name of [`${PREFIX}-app`, `${PREFIX}-edge`]) {
    expect(dependenciesOfType(fromSource, one(fromSource, T.image, name), T.image).map((i) => i.name)).toEqual([
      `${PREFIX}-throat`,
    ]);
    expect(build(fromSource, name).args.THROAT_IMAGE).not.toBe("");
  }
});

test("tasks run images by the reference the build reports (a digest), never a moving tag", () => {
  for (const td of ofType(fromRef, T.taskDefinition)) {
    const image = containers(td)[0]!.image;
    expect(image).toBeDefined();
    expect(image).not.toMatch(/:(app|edge|latest)$/);
  }
});
