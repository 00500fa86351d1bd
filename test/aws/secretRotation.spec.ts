// A new secret value on the second `pulumi up` (`pulumi config set --secret throat:secretKey`):
// ECS injects a secret only when a task starts, so the value must change every task definition
// that reads it (a new revision), which runs the migration, rolls every service and checks the
// rollout, instead of leaving the running tasks on the old value (scripts/offline/rules/lifecycle.ts
// staleSecretTasks; the version ids: scripts/offline/rules/awsRefs.ts).
import type { ProgramRun } from "../../scripts/offline/mockRuntime";
import { ProviderRejection } from "../../scripts/offline/rules/aws";
import { check } from "../../scripts/offline/rules/awsRefs";
import { changedResources, staleSecretTasks } from "../../scripts/offline/rules/lifecycle";
import { ofType } from "../support/runStack";
import { containers, RUN_TIMEOUT, runProd, T, PREFIX } from "./support";

const OLD_KEY = "old-flask-secret-key-for-this-test-0001";
const NEW_KEY = "new-flask-secret-key-for-this-test-0002";
let before: ProgramRun;
let after: ProgramRun;
beforeAll(async () => {
  before = await runProd({ secretKey: OLD_KEY }, { secretKeys: ["secretKey"] });
  after = await runProd({ secretKey: NEW_KEY }, { secretKeys: ["secretKey"] });
}, RUN_TIMEOUT);

const APP_FAMILIES = ["sync", "gevent", "socketio", "migrate"].map((k) => `${PREFIX}-${k}`);
const valueFrom = (run: ProgramRun, family: string, env: string) =>
  containers(ofType(run, T.taskDefinition).find((td) => td.inputs.family === family)!)[0]!.secrets.find(
    (s) => s.name === env,
  )!.valueFrom;

test("a changed secret value changes every task definition that uses it, and only those", () => {
  expect(staleSecretTasks(before, after)).toEqual([]);
  const changed = changedResources(before, after)
    .filter((r) => r.type === T.taskDefinition)
    .map((r) => String(r.inputs.family))
    .sort();
  expect(changed).toEqual([...APP_FAMILIES].sort());
  for (const family of APP_FAMILIES) {
    const [was, is] = [valueFrom(before, family, "APP_SECRET_KEY"), valueFrom(after, family, "APP_SECRET_KEY")];
    // The same secret (its ARN), pinned to its new version: `<arn>:<json-key>:<version-stage>:<version-id>`.
    expect(is.split(":").slice(0, 7)).toEqual(was.split(":").slice(0, 7));
    expect(is).toMatch(/^arn:aws:secretsmanager:[a-z0-9-]+:\d{12}:secret:[^:]+-[a-z0-9]{6}:::[0-9a-f-]{36}$/);
    expect(is).not.toBe(was);
    // The database password did not change: its reference stays.
    expect(valueFrom(after, family, "DATABASE_PASSWORD")).toBe(valueFrom(before, family, "DATABASE_PASSWORD"));
  }
});

test("the new revision is what the migration, the services and their rollout checks are made of", () => {
  const byFamily = new Map(ofType(after, T.taskDefinition).map((td) => [String(td.inputs.family), td.urn]));
  const migration = ofType(after, T.invocation).find((i) => i.name === `${PREFIX}-migrate`)!;
  expect(migration.propertyDependencies.input).toContain(byFamily.get(`${PREFIX}-migrate`));
  for (const kind of ["sync", "gevent", "socketio"]) {
    const service = ofType(after, T.service).find((s) => s.name === `${PREFIX}-${kind}`)!;
    expect(service.propertyDependencies.taskDefinition).toContain(byFamily.get(`${PREFIX}-${kind}`));
    const checks = ofType(after, T.invocation).filter((i) =>
      (i.propertyDependencies.input ?? []).includes(byFamily.get(`${PREFIX}-${kind}`)!),
    );
    expect(checks.map((c) => c.name)).toEqual(expect.arrayContaining([expect.stringContaining(kind)]));
  }
});

test("the mock refuses a secret change the task definitions do not carry (a bare ARN valueFrom)", () => {
  // What the stack did before: valueFrom the bare ARN, so the task definitions stay as they were.
  const bare = {
    ...after,
    resources: after.resources.map((r) => {
      const old = before.resources.find((o) => o.urn === r.urn);
      return r.type === T.taskDefinition && old ? { ...r, inputs: old.inputs } : r;
    }),
  };
  const stale = staleSecretTasks(before, bare);
  expect(stale.map((p) => p.split(":")[0]).sort()).toEqual([...APP_FAMILIES].sort());
  expect(stale[0]).toMatch(/has a new value, but the task definition does not change.*only when a task starts/);
});

test("a pinned version needs Fargate 1.4.0 or later; a malformed valueFrom is refused", () => {
  const arn = "arn:aws:secretsmanager:eu-west-1:123456789012:secret:rotation-key-AbC123";
  const td = (v: string) => ({
    family: "rotation-test",
    containerDefinitions: JSON.stringify([{ name: "app", secrets: [{ name: "KEY", valueFrom: v }] }]),
  });
  expect(() =>
    check(T.taskDefinition, "rotation-test", td(`${arn}:::0f1e2d3c-aaaa-bbbb-cccc-123456789012`)),
  ).not.toThrow();
  const service = (platformVersion: string) => () =>
    check(T.service, "rotation-svc", {
      taskDefinition: "arn:aws:ecs:eu-west-1:123456789012:task-definition/rotation-test:1",
      platformVersion,
    });
  expect(service("1.3.0")).toThrow(/needs Fargate 1\.4\.0 or later/);
  expect(service("1.4.0")).not.toThrow();
  expect(service("LATEST")).not.toThrow();
  expect(() => check(T.taskDefinition, "rotation-bad", td(`${arn}::0f1e2d3c`))).toThrow(ProviderRejection);
});
