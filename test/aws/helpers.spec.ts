// The AWS target's pure helpers: names, deploy percentages, the app image's build context.
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync, existsSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { renderAppImageContext, writeContext } from "../../components/aws/appImageContext";
import { minimumHealthyPercent } from "../../components/aws/deployment";
import { describeFargatePair, fargateMemoryFor, isFargatePair, postgresFamily } from "../../components/aws/limits";
import { loadBalancerName, targetGroupName } from "../../components/aws/names";
import { nginxEnvironment } from "../../components/aws/staticTier";
import { ALB_IDLE_TIMEOUT } from "../../components/aws/alb";
import { ASYNC_KEEPALIVE } from "../../components/plan/workers";
import { prodPlan } from "./support";
import { PROJECT_ROOT } from "../../components/projectRoot";

test("target group names leave room for auto-naming; long prefixes are shortened, still unique", () => {
  expect(targetGroupName("throat-prod", "socketio")).toBe("throat-prod-socketio");
  const a = targetGroupName("throat-production-eu-west", "socketio");
  const b = targetGroupName("throat-production-eu-east", "socketio");
  for (const n of [a, b]) {
    expect(n.length).toBeLessThanOrEqual(24);
    expect(n.endsWith("-socketio")).toBe(true);
  }
  expect(a).not.toBe(b);
  expect(loadBalancerName("throat-prod")).toBe("throat-prod");
  expect(loadBalancerName(`throat-${"x".repeat(40)}`).length).toBeLessThanOrEqual(32);
});

test.each([
  // maxPercent, smallest desired count, minimumHealthyPercent
  [200, 1, 100],
  [200, 2, 100],
  [150, 2, 100], // floor(2 x 1.5) = 3: one new task fits
  [150, 1, 0], // floor(1.5) = 1: no surge; the single task must stop first
  [100, 1, 0],
  [100, 2, 50],
  [100, 4, 75],
])("maxPercent %d with %d task(s): minimumHealthyPercent %d lets ECS make progress", (max, d, min) => {
  expect(minimumHealthyPercent(max, d)).toBe(min);
  // ECS starts a task if floor(d x max / 100) > d, or stops one if ceil(d x min / 100) < d.
  expect(Math.floor((d * max) / 100) > d || Math.ceil((d * min) / 100) < d).toBe(true);
});

test("Fargate sizes and the parameter group family", () => {
  expect(fargateMemoryFor(256)).toEqual([512, 1024, 2048]);
  expect(fargateMemoryFor(1024)).toEqual([2048, 3072, 4096, 5120, 6144, 7168, 8192]);
  expect(isFargatePair(512, 1024)).toBe(true);
  expect(describeFargatePair(512, 1024)).toBeUndefined();
  expect(postgresFamily("16")).toBe("postgres16");
  expect(postgresFamily("15.7")).toBe("postgres15");
});

test("the ALB gives up on idle connections before gunicorn's async keep-alive", () => {
  expect(ALB_IDLE_TIMEOUT).toBeLessThan(ASYNC_KEEPALIVE);
});

test("the static tier's env carries every nginx file of the plan; an unknown file is refused", () => {
  const files = prodPlan().edge.nginxFiles;
  expect(Object.keys(nginxEnvironment(files)).sort()).toEqual([
    "NGINX_EVENTS_CONF",
    "NGINX_HTTP_CONF",
    "NGINX_MAIN_CONF",
  ]);
  expect(() => nginxEnvironment({ ...files, "throat/extra.conf": "" })).toThrow(/throat\/extra\.conf/);
});

describe("the app image's build context", () => {
  const plan = prodPlan();
  const files = renderAppImageContext(plan);

  test("a Dockerfile FROM the Throat image plus every config file and stack script at its plan path", () => {
    expect(files.Dockerfile).toMatch(/^FROM \$\{THROAT_IMAGE\}$/m);
    for (const f of Object.values(plan.app.configFiles)) expect(files[f.path]).toBe(f.text);
    expect(Object.keys(files).sort()).toEqual([
      "Dockerfile",
      "configs/prod-gevent/config.yaml",
      "configs/prod-socketio/config.yaml",
      "configs/prod-sync/config.yaml",
      "stack/check_routes.py",
      "stack/expected-routes.tsv",
      "stack/publish_static.py",
    ]);
    // The route check compares against the plan's own table.
    expect(files["stack/expected-routes.tsv"]).toBe(plan.migration.generatedFiles["stack/expected-routes.tsv"]);
    expect(files.Dockerfile).toContain(
      "COPY --chown=app:app stack/expected-routes.tsv /throat/stack/expected-routes.tsv",
    );
    expect(files.Dockerfile).toContain("COPY --chown=app:app stack/check_routes.py /throat/stack/check_routes.py");
    // The migration's command names the publisher where the image has it.
    expect(files.Dockerfile).toContain("COPY --chown=app:app stack/publish_static.py /throat/stack/publish_static.py");
    expect(plan.migration.argv[2]).toContain("python3 stack/publish_static.py ");
    expect(files["stack/publish_static.py"]).toBe(
      readFileSync(path.join(PROJECT_ROOT, "throat/stack/publish_static.py"), "utf8"),
    );
  });

  test("written once, strays removed, every file at one fixed time (reproducible image digests)", () => {
    const dir = mkdtempSync(path.join(tmpdir(), "throat-ctx-"));
    try {
      writeFileSync(path.join(dir, "stale.txt"), "old");
      writeContext(dir, files);
      expect(existsSync(path.join(dir, "stale.txt"))).toBe(false);
      for (const [rel, text] of Object.entries(files)) {
        expect(readFileSync(path.join(dir, rel), "utf8")).toBe(text);
        expect(statSync(path.join(dir, rel)).mtime.toISOString()).toBe("2000-01-01T00:00:00.000Z");
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
