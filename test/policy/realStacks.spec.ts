// The resources the real program registers, changed the way a mistake would change them: the
// policies find each mistake on the real shapes (names, propertyDependencies, JSON, labels).
import type { ProgramRun, RecordedResource } from "../../scripts/offline/mockRuntime";
import { prodPlan } from "../aws/support";
import { runStack } from "../support/runStack";
import { messages, resource } from "./support";
import { T } from "../../policy/types";

const RUN_TIMEOUT = 60_000;

/** `run`'s resources with the one of `type` and `name` given new inputs. */
function edited(
  run: ProgramRun,
  type: string,
  name: string,
  change: (inputs: Record<string, unknown>) => Record<string, unknown>,
): RecordedResource[] {
  const target = run.resources.find((r) => r.type === type && r.name === name);
  if (!target) throw new Error(`no ${type} ${name}`);
  return run.resources.map((r) => (r === target ? { ...r, inputs: change(structuredClone(r.inputs)) } : r));
}

describe("prod", () => {
  let run: ProgramRun;
  beforeAll(async () => {
    run = await runStack("prod");
  }, RUN_TIMEOUT);

  test("max tasks raised on the gevent service: the budget no longer fits", async () => {
    const plan = prodPlan();
    const rs = edited(run, T.service, "throat-prod-gevent", (i) => ({
      ...i,
      tags: { ...(i.tags as object), "throat:max-tasks": "4" },
    }));
    const lines = plan.workers.map((w) => {
      const max = w.kind === "gevent" ? 4 : w.replicas.max;
      const perTask = w.processes * w.poolSize;
      return {
        text: `  throat-prod-${w.kind}: ${perTask} per task x ${max * 2} tasks (at most ${max} running, deploymentMaximumPercent 200) = ${perTask * max * 2}`,
        connections: perTask * max * 2,
      };
    });
    const peak = lines.reduce((n, l) => n + l.connections, 1);
    const available = plan.budget.database.maxConnections - 5;
    expect(peak).toBeGreaterThan(available);
    expect(await messages(rs)).toEqual([
      [
        `Connection budget: at the peak of a deploy the stack can open ${peak} connections to RDS instance throat-prod, which accepts ${available} (max_connections ${plan.budget.database.maxConnections} - 5 reserved): ${peak - available} too many.`,
        ...lines.map((l) => l.text),
        "  migrations: 1 at a time = 1",
        "Fix: lower the services' maximum tasks or connections per task (throat:workers.<kind>.replicas, processes, threads, poolSize), lower the deploy surge (throat:deploy.maxPercent), or raise max_connections (throat:database.maxConnections).",
      ].join("\n"),
    ]);
  });

  test("HTTPS from the internet straight to the workers' security group", async () => {
    const workersSg = run.resources.find((r) => r.type === T.sg && r.name === "throat-prod-workers")!;
    const rule = resource(
      T.ingress,
      "throat-prod-workers-https-in",
      { securityGroupId: `${workersSg.name}-id`, ipProtocol: "tcp", fromPort: 443, toPort: 443, cidrIpv4: "0.0.0.0/0" },
      { deps: { securityGroupId: [workersSg] } },
    );
    expect(await messages([...run.resources, rule])).toEqual([
      "Ingress rule throat-prod-workers-https-in opens TCP 443 to 0.0.0.0/0 on security group throat-prod-workers, which no load balancer uses: only the load balancer's security group may accept traffic from the internet. Send the traffic through the ALB and allow it from the ALB's security group.",
    ]);
  });

  test("the database password moved into the sync task's plain environment", async () => {
    const rs = edited(run, T.taskDefinition, "throat-prod-sync", (i) => {
      const [c] = JSON.parse(String(i.containerDefinitions)) as Array<{
        environment: Array<{ name: string; value: string }>;
        secrets: Array<{ name: string }>;
      }>;
      c!.secrets = c!.secrets.filter((s) => s.name !== "DATABASE_PASSWORD");
      c!.environment.push({ name: "DATABASE_PASSWORD", value: "hunter2" });
      return { ...i, containerDefinitions: JSON.stringify([c]) };
    });
    expect(await messages(rs)).toEqual([
      "Task definition throat-prod-sync, container sync: DATABASE_PASSWORD is in the plain environment, where anyone allowed to describe the task definition reads it. Pass it through the container's secrets (valueFrom: a Secrets Manager ARN) instead.",
    ]);
  });

  test("the gevent task without WORKER_CONNECTIONS", async () => {
    const rs = edited(run, T.taskDefinition, "throat-prod-gevent", (i) => {
      const defs = JSON.parse(String(i.containerDefinitions)) as Array<{ environment: Array<{ name: string }> }>;
      for (const d of defs) d.environment = d.environment.filter((e) => e.name !== "WORKER_CONNECTIONS");
      return { ...i, containerDefinitions: JSON.stringify(defs) };
    });
    expect(await messages(rs)).toEqual([
      "Task definition throat-prod-gevent, container gevent runs a gevent worker without WORKER_CONNECTIONS, so gunicorn accepts its default of 1000 concurrent requests, far more than the database pool serves. Set WORKER_CONNECTIONS to at most the pool size (throat:workers.gevent.workerConnections).",
    ]);
  });

  test("the database made public, unencrypted and unprotected", async () => {
    const rs = edited(run, T.rds, "throat-prod-postgres", (i) => ({
      ...i,
      publiclyAccessible: true,
      storageEncrypted: false,
      deletionProtection: false,
    }));
    expect(await messages(rs)).toEqual([
      "RDS instance throat-prod is publicly accessible: set publiclyAccessible: false. It belongs in the private subnets, reachable only from the app's security groups.",
      "RDS instance throat-prod does not encrypt its storage: set storageEncrypted: true (chosen at creation only: an existing instance is migrated by restoring an encrypted snapshot copy).",
      "RDS instance throat-prod has no deletion protection: set deletionProtection: true, so AWS refuses to delete the database.",
    ]);
  });
});

describe("test (Docker)", () => {
  let run: ProgramRun;
  beforeAll(async () => {
    run = await runStack("test");
  }, RUN_TIMEOUT);

  test("Redis published on the host", async () => {
    const rs = edited(run, T.container, "throat-test-redis", (i) => ({
      ...i,
      ports: [{ internal: 6379, external: 6379 }],
    }));
    expect(await messages(rs)).toEqual([
      "Docker container throat-test-redis publishes ports 6379:6379 on the host: only the edge container (label throat.tier=edge) publishes ports; every other container is reached over the stack's network. Remove its ports.",
    ]);
  });

  test("PostgreSQL's max_connections lowered below what the workers declare", async () => {
    const rs = edited(run, T.container, "throat-test-postgres", (i) => ({
      ...i,
      command: (i.command as string[]).map((a) => (a.startsWith("max_connections=") ? "max_connections=40" : a)),
    }));
    const [message, ...more] = await messages(rs);
    expect(more).toEqual([]);
    expect(message).toMatch(
      /^Connection budget: at the peak of a deploy the stack can open \d+ connections to PostgreSQL container throat-test-postgres, which accepts 37 \(max_connections 40 - 3 reserved\): \d+ too many\.\n/,
    );
    expect(message).toContain("  throat-test-sync-0: 2 x 2 (replaced create-before-delete) = 4");
  });
});
