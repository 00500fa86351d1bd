// The plan diff on pairs of plan documents: what a reviewer is told a change does.
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { stackConfigDigest } from "../../scripts/diff/configDigest";
import { renderMarkdown, renderText, type DiffReport } from "../../scripts/diff/render";
import { planDocument } from "../../scripts/plan/document";
import { diffPlans, diffWarnings, parseWarnLeft, type DocResource, type PlanDoc } from "../../scripts/diff/planDiff";
import { SECRET_KEY, secretDigest } from "../../scripts/offline/resourceInputs";
import { plan, ROUTE_LIST } from "../support/settings";
import { T } from "../../policy/types";

const doc = (stack: string, config: Record<string, unknown> = {}, routeList?: string): PlanDoc =>
  planDocument(plan(stack, config, routeList));
const report = (a: PlanDoc, b: PlanDoc, warnLeft?: string): DiffReport => ({
  base: "main",
  diff: diffPlans(a, b, warnLeft ? { warnLeft: parseWarnLeft(warnLeft) } : {}),
  policy: { policies: 6, violations: [] },
});

describe("plan diff: the connection budget", () => {
  const base = doc("test", { workers: { sync: { replicas: 2 } } });

  it("shows each line old -> new and flags a plan left tighter than the threshold", () => {
    const next = doc("test", { workers: { sync: { replicas: 4 } } });
    const d = diffPlans(base, next, { warnLeft: parseWarnLeft("10%") });
    const server = d.budget.sides.find((s) => s.side === "PostgreSQL")!;
    const sync = server.lines.find((l) => l.consumer === "sync")!;
    expect([sync.old?.connections, sync.new?.connections]).toEqual([8, 16]);
    expect(server.new!.free).toBeLessThan(server.new!.limit * 0.1);
    expect(server.tight).toBe(true);
    expect(diffWarnings(d).join("\n")).toMatch(
      /PostgreSQL budget: \d+ of 97 connections left, under the 10% threshold/,
    );
    expect(renderText(report(base, next, "10%"))).toMatch(/sync\s+8 -> 16\s+1 8 -> 16/);
  });

  it("the threshold is a setting: a count of connections", () => {
    const next = doc("test", { workers: { sync: { replicas: 4 } } });
    const free = diffPlans(base, next).budget.sides[0]!.new!.free;
    expect(diffPlans(base, next, { warnLeft: { connections: free } }).budget.sides[0]!.tight).toBe(false);
    expect(diffPlans(base, next, { warnLeft: { connections: free + 1 } }).budget.sides[0]!.tight).toBe(true);
    expect(() => parseWarnLeft("ten")).toThrow(/--warn-left: "ten" is neither a percentage/);
  });

  it("counts old and new tasks together while the deploy runs, against RDS's old limit until a reboot", () => {
    // Raising max_connections grows the auto pools at once; RDS keeps the old limit until it
    // reboots, and the old tasks keep their old pools until the new ones are healthy.
    const prod = { workers: { gevent: { replicas: { min: 1, max: 3 } } }, database: { maxConnections: 200 } };
    const a = doc("prod", prod);
    const b = doc("prod", { ...prod, database: { maxConnections: 240 } });
    expect(b.budget.server.free).toBeGreaterThanOrEqual(0); // the new plan alone fits
    const t = diffPlans(a, b).budget.transition!;
    expect(t.limit).toBe(a.budget.server.limit);
    const gevent = t.lines.find((l) => l.consumer === "gevent")!;
    const [oldPool, newPool] = [a.workers[1]!.poolSize, b.workers[1]!.poolSize];
    expect(newPool).toBeGreaterThan(oldPool);
    expect(gevent.connections).toBe(3 * oldPool + 3 * newPool);
    expect(t.fits).toBe(false);
    expect(renderMarkdown(report(a, b))).toContain("**DOES NOT FIT**");
  });
});

describe("plan diff: workers", () => {
  it("a replica change scales without renewing tasks: no old-and-new overlap", () => {
    const a = doc("test", { workers: { sync: { replicas: 2 } } });
    const b = doc("test", { workers: { sync: { replicas: 3 } } });
    const d = diffPlans(a, b);
    const sync = d.workers.find((w) => w.kind === "sync")!;
    expect(sync.changes).toEqual(
      expect.arrayContaining([
        { path: "replicas.max", old: 2, new: 3 },
        { path: "replicas.min", old: 2, new: 3 },
      ]),
    );
    expect(sync.rolls).toBe(false);
    expect(d.budget.transition!.lines.find((l) => l.consumer === "sync")).toMatchObject({
      how: "3 x 2",
      connections: 6,
    });
  });

  it("a process count changes the gunicorn command line and rolls the kind", () => {
    const d = diffPlans(doc("test"), doc("test", { workers: { sync: { processes: 3 } } }));
    const sync = d.workers.find((w) => w.kind === "sync")!;
    expect(sync.rolls).toBe(true);
    const command = sync.changes.find((c) => c.path === "command")!;
    expect([command.old, command.new]).toEqual([
      expect.stringMatching(/^gunicorn -w 2 /),
      expect.stringMatching(/^gunicorn -w 3 /),
    ]);
    expect(sync.changes).toContainEqual({ path: "env.WORKER_COUNT", old: "2", new: "3" });
  });
});

describe("plan diff: routes", () => {
  // The route list with /activity marked gevent in its Notes column (a fixed-width table).
  const moved = ROUTE_LIST.split("\n")
    .map((l) =>
      /^\/activity\s/.test(l) ? l.replace(/GET(\s*)$/, (_m, sp: string) => `GET${sp.slice(0, 9)}gevent`) : l,
    )
    .join("\n");

  it("a route that moves to gevent, with the nginx location it becomes", () => {
    const d = diffPlans(doc("test"), doc("test", {}, moved));
    expect(d.routes).toEqual([
      {
        rule: "/activity",
        old: { kind: "sync", edge: "nginx: location /" },
        new: { kind: "gevent", edge: "nginx: location = /activity" },
      },
    ]);
    expect(renderMarkdown(report(doc("test"), doc("test", {}, moved)))).toContain(
      "| `/activity` | sync (nginx: location /) | gevent (nginx: location = /activity) |",
    );
  });

  it("on prod, the ALB rule it now matches", () => {
    const [m] = diffPlans(doc("prod"), doc("prod", {}, moved)).routes;
    expect(m).toMatchObject({
      rule: "/activity",
      old: { kind: "sync", edge: "ALB default action" },
      new: { kind: "gevent", edge: expect.stringMatching(/^ALB rule gevent-activity-0 \(priority \d+\)$/) },
    });
  });
});

describe("plan diff: resources", () => {
  const secret = (v: string) => ({ [SECRET_KEY]: secretDigest(v) });
  const withResources = (d: PlanDoc, resources: DocResource[]): PlanDoc => ({ ...d, resources });
  const td = (image: string): DocResource => ({
    type: T.taskDefinition,
    name: "throat-prod-sync",
    tier: "WorkerService (throat-prod-sync)",
    custom: true,
    inputs: { containerDefinitions: JSON.stringify([{ name: "sync", image }]), family: "throat-prod-sync" },
    inputSources: {},
  });
  const service: DocResource = {
    type: T.service,
    name: "throat-prod-sync",
    tier: "WorkerService (throat-prod-sync)",
    custom: true,
    inputs: { taskDefinition: "arn:td:1", desiredCount: 2 },
    inputSources: { taskDefinition: ["aws:ecs/taskDefinition:TaskDefinition::throat-prod-sync"] },
  };
  const version = (v: string): DocResource => ({
    type: T.secretVersion,
    name: "throat-prod-secret-key",
    tier: "AppSecrets (throat-prod-secrets)",
    custom: true,
    inputs: { secretId: "id", secretString: secret(v) },
    inputSources: {},
  });
  const base = doc("prod");

  it("a secret change is shown as changed (secret), never its value", () => {
    const r = report(withResources(base, [version("old-key")]), withResources(base, [version("new-key")]));
    const [tier] = r.diff.resources;
    expect(tier!.changes[0]).toMatchObject({ action: "update", changes: [{ path: "secretString", secret: true }] });
    for (const text of [renderText(r), renderMarkdown(r)]) {
      expect(text).toContain("secretString: changed (secret)");
      expect(text).not.toContain(secretDigest("old-key"));
      expect(text).not.toContain(secretDigest("new-key"));
    }
  });

  it("a secure: value changed in the stack file is a changed (secret) setting", () => {
    const file = (cipher: string) => {
      const dir = mkdtempSync(path.join(tmpdir(), "throat-diff-"));
      writeFileSync(path.join(dir, "Pulumi.test-secure.yaml"), `config:\n  throat:secretKey:\n    secure: ${cipher}\n`);
      return stackConfigDigest(dir, "test-secure");
    };
    const [a, b] = [
      { ...base, config: file("v1:AAAA") },
      { ...base, config: file("v1:BBBB") },
    ];
    const r = report(a, b);
    expect(r.diff.config).toEqual([{ path: "throat:secretKey", secret: true }]);
    expect(renderText(r)).toContain("throat:secretKey: changed (secret)");
    expect(renderText(r)).not.toMatch(/AAAA|BBBB/);
  });

  it("a forced replacement makes what depends on it computed: the service rolls", () => {
    const d = diffPlans(
      withResources(base, [td("app@sha256:1"), service]),
      withResources(base, [td("app@sha256:2"), service]),
    );
    const changes = d.resources.flatMap((t) => t.changes);
    expect(changes.find((c) => c.type.endsWith("TaskDefinition"))).toMatchObject({
      action: "replace",
      replaceBecause: ["containerDefinitions"],
      changes: [{ path: "containerDefinitions[sync].image", old: "app@sha256:1", new: "app@sha256:2" }],
    });
    expect(changes.find((c) => c.type.endsWith("Service"))).toMatchObject({
      action: "update",
      changes: [{ path: "taskDefinition", old: "arn:td:1", computed: true }],
    });
    expect(d.triggers).toEqual(["rolling deploy of ECS service throat-prod-sync (new task definition revision)"]);
    expect(renderText({ base: "main", diff: d, policy: { policies: 6, violations: [] } })).toContain(
      "taskDefinition: arn:td:1 -> (known after apply)",
    );
  });

  it("replacements follow the provider schema: a new storage encryption replaces the database, a new class does not", () => {
    const db = (inputs: Record<string, unknown>): DocResource => ({
      type: T.rds,
      name: "throat-prod-postgres",
      tier: "Database (throat-prod-database)",
      custom: true,
      inputs: { instanceClass: "db.t4g.large", storageEncrypted: true, ...inputs },
      inputSources: {},
    });
    const resized = diffPlans(
      withResources(base, [db({})]),
      withResources(base, [db({ instanceClass: "db.r6g.large" })]),
    );
    expect(resized.resources[0]!.changes[0]).toMatchObject({ action: "update", replaceBecause: [] });
    expect(resized.triggers).toEqual(["RDS instance throat-prod-postgres modified in place (instanceClass)"]);
    const reencrypted = diffPlans(
      withResources(base, [db({})]),
      withResources(base, [db({ storageEncrypted: false })]),
    );
    expect(reencrypted.resources[0]!.changes[0]).toMatchObject({
      action: "replace",
      replaceBecause: ["storageEncrypted"],
    });
    expect(diffWarnings(reencrypted)).toContain(
      "replacement of Instance throat-prod-postgres (storageEncrypted forces it): ITS DATA IS NOT CARRIED OVER",
    );
  });

  it("added and removed resources, grouped by tier", () => {
    const d = diffPlans(withResources(base, [version("k")]), withResources(base, [td("x")]));
    expect(d.resources.map((t) => [t.tier, t.changes.map((c) => c.action)])).toEqual([
      ["AppSecrets (throat-prod-secrets)", ["remove"]],
      ["WorkerService (throat-prod-sync)", ["add"]],
    ]);
  });
});

describe("plan diff: no change", () => {
  it("is unchanged against itself, and says so", () => {
    const d = diffPlans(doc("prod"), doc("prod"));
    expect(d.changed).toBe(false);
    expect(renderMarkdown({ base: "main", diff: d, policy: { policies: 6, violations: [] } })).toContain(
      "No change to the deployment.",
    );
  });

  it("the policy pack's verdict is part of the comment", () => {
    const r = {
      base: "main",
      diff: diffPlans(doc("test"), doc("test")),
      policy: {
        policies: 6,
        violations: [{ policy: "connection-budget", message: "too many", resource: "Service x" }],
      },
    };
    expect(renderMarkdown(r)).toMatch(
      /> \*\*Warning:\*\* the policy pack fails \(1 violation\(s\)\)[\s\S]*\*\*Policy pack\*\* on the new plan: FAILS: 1 violation\(s\)\n- connection-budget: too many \(Service x\)/,
    );
  });
});
