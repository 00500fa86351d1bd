// database-connection-budget on hand-made stacks: an RDS instance with ECS services, and Docker
// PostgreSQL with worker containers or PgBouncer.
import { connectionBudget } from "../../policy/budget";
import { postgresSettings } from "../../policy/budgetDocker";
import { messages, Registered, resource } from "./support";
import { T } from "../../policy/types";

const check = (rs: Registered[]) => messages(rs, [connectionBudget]);
const AWS_FIX =
  "Fix: lower the services' maximum tasks or connections per task (throat:workers.<kind>.replicas, processes, threads, poolSize), lower the deploy surge (throat:deploy.maxPercent), or raise max_connections (throat:database.maxConnections).";

describe("AWS: RDS and ECS services", () => {
  const parameters = (extra: Array<{ name: string; value: string }> = []) =>
    resource(T.parameterGroup, "throat-x-postgres16", {
      name: "throat-x-postgres16-abc",
      family: "postgres16",
      parameters: [{ name: "max_connections", value: "100", applyMethod: "pending-reboot" }, ...extra],
    });
  const instance = (pg: Registered | undefined) =>
    resource(
      T.rds,
      "throat-x-postgres",
      { identifier: "throat-x", ...(pg ? { parameterGroupName: "throat-x-postgres16-abc" } : {}) },
      { deps: pg ? { parameterGroupName: [pg] } : {} },
    );
  const task = (kind: string) =>
    resource(T.taskDefinition, `throat-x-${kind}`, {
      family: `throat-x-${kind}`,
      containerDefinitions: JSON.stringify([
        { name: kind, environment: [{ name: "WORKER_TYPE", value: kind }], secrets: [] },
      ]),
    });
  const service = (kind: string, tags: Record<string, string> | undefined, extra: Record<string, unknown> = {}) =>
    resource(
      T.service,
      `throat-x-${kind}`,
      { name: `throat-x-${kind}`, desiredCount: 1, deploymentMaximumPercent: 200, ...(tags ? { tags } : {}), ...extra },
      { deps: { taskDefinition: [task(kind)] } },
    );
  const tags = (perTask: number, maxTasks: number) => ({
    "throat:db-connections-per-task": String(perTask),
    "throat:max-tasks": String(maxTasks),
  });
  /** 4 x ceil(5 x 200%) + 15 x ceil(2 x 150%) + 1 = 40 + 45 + 1 = 86 of 100 - 5 reserved. */
  const stack = (
    gevent = service("gevent", tags(15, 2), { deploymentMaximumPercent: 150 }),
    pg: Registered | null = parameters(),
  ) => [
    ...(pg ? [pg] : []),
    instance(pg ?? undefined),
    task("sync"),
    task("gevent"),
    service("sync", tags(4, 5)),
    gevent,
    resource(T.service, "throat-x-static", { name: "throat-x-static", desiredCount: 2 }),
  ];

  test("a budget that fits passes; a service without connections (static files) is not counted", async () => {
    expect(await check(stack())).toEqual([]);
  });

  test("max tasks raised on a service", async () => {
    expect(await check(stack(service("gevent", tags(15, 3), { deploymentMaximumPercent: 150 })))).toEqual([
      [
        "Connection budget: at the peak of a deploy the stack can open 116 connections to RDS instance throat-x, which accepts 95 (max_connections 100 - 5 reserved): 21 too many.",
        "  throat-x-sync: 4 per task x 10 tasks (at most 5 running, deploymentMaximumPercent 200) = 40",
        "  throat-x-gevent: 15 per task x 5 tasks (at most 3 running, deploymentMaximumPercent 150) = 75",
        "  migrations: 1 at a time = 1",
        AWS_FIX,
      ].join("\n"),
    ]);
  });

  test("an autoscaler allowed more tasks than the tag says counts with its own maximum", async () => {
    const gevent = service("gevent", tags(15, 2), { deploymentMaximumPercent: 150 });
    const scaling = resource(
      T.scalingTarget,
      "throat-x-gevent",
      { minCapacity: 1, maxCapacity: 3, resourceId: "service/throat-x/throat-x-gevent" },
      { deps: { resourceId: [gevent] } },
    );
    const [message] = await check([...stack(gevent), scaling]);
    expect(message).toContain(
      "  throat-x-gevent: 15 per task x 5 tasks (at most 3 running, deploymentMaximumPercent 150) = 75",
    );
  });

  test("reserved slots the parameter group raises are not the app's", async () => {
    const [message] = await check(
      stack(undefined, parameters([{ name: "superuser_reserved_connections", value: "13" }])),
    );
    expect(message).toMatch(
      /^Connection budget: at the peak of a deploy the stack can open 86 connections to RDS instance throat-x, which accepts 85 \(max_connections 100 - 15 reserved\): 1 too many\.\n/,
    );
  });

  test("no max_connections to check against", async () => {
    expect(await check(stack(undefined, null))).toEqual([
      "RDS instance throat-x: no parameter group of this stack sets max_connections to a number, so it follows the instance class's memory (LEAST(DBInstanceClassMemory/9531392, 5000)), which this policy cannot compute. Give the instance a parameter group that sets max_connections (components/aws/database.ts does, from throat:database.maxConnections).",
    ]);
  });

  test("a Throat service that does not declare its connections, and one with a tag that is not a number", async () => {
    expect(await check(stack(service("gevent", undefined)).concat(service("socketio", tags(Number.NaN, 2))))).toEqual([
      "ECS service throat-x-gevent runs Throat (WORKER_TYPE gevent) but does not declare its database connections: tag it throat:db-connections-per-task and throat:max-tasks (components/aws/workers.ts sets both from the plan).",
      'ECS service throat-x-socketio: tags throat:db-connections-per-task and throat:max-tasks must both be whole numbers (got "NaN" and "2").',
    ]);
  });
});

describe("Docker: PostgreSQL and worker containers", () => {
  const postgres = resource(T.container, "throat-t-postgres", {
    name: "throat-t-postgres",
    command: ["postgres", "-c", "max_connections=30", "-c", "superuser_reserved_connections=3"],
    labels: [{ label: "throat.tier", value: "database" }],
  });
  const worker = (i: number, deleteBeforeReplace: boolean, label: string | null = "4") =>
    resource(
      T.container,
      `throat-t-sync-${i}`,
      {
        envs: ["WORKER_TYPE=sync", "WORKER_COUNT=4"],
        labels: [
          { label: "throat.tier", value: "worker" },
          ...(label === null ? [] : [{ label: "throat.db-connections", value: label }]),
        ],
      },
      { deleteBeforeReplace },
    );
  const workers = (n: number, deleteBeforeReplace: boolean) =>
    Array.from({ length: n }, (_, i) => worker(i, deleteBeforeReplace));

  test("3 workers of 4 connections, each twice while replaced create-before-delete, plus migrations: 25 of 27 fits", async () => {
    expect(await check([postgres, ...workers(3, false)])).toEqual([]);
  });

  test("a fourth such worker does not", async () => {
    expect(await check([postgres, ...workers(4, false)])).toEqual([
      [
        "Connection budget: at the peak of a deploy the stack can open 33 connections to PostgreSQL container throat-t-postgres, which accepts 27 (max_connections 30 - 3 reserved): 6 too many.",
        ...[0, 1, 2, 3].map((i) => `  throat-t-sync-${i}: 4 x 2 (replaced create-before-delete) = 8`),
        "  migrations: 1 at a time = 1",
        "Fix: lower the worker replicas or connections per container (throat:workers.<kind>.replicas, processes, threads, poolSize), replace workers delete-first (throat:deploy.maxPercent below 200), or raise max_connections (throat:database.maxConnections).",
      ].join("\n"),
    ]);
  });

  test("replaced delete-first, each counts once: 4 workers fit", async () => {
    expect(await check([postgres, ...workers(4, true)])).toEqual([]);
  });

  test("a Throat container without the label", async () => {
    expect(await check([postgres, worker(0, false, null)])).toEqual([
      "Docker container throat-t-sync-0 runs Throat (WORKER_TYPE sync) but declares no throat.db-connections label: label it with the connections it opens at most (components/docker/workers.ts sets it from the plan).",
    ]);
  });

  describe("with PgBouncer, only its server side counts", () => {
    const ini = (pool: number) =>
      [
        "[databases]",
        "throat = host=throat-t-postgres port=5432 dbname=throat",
        "",
        "[pgbouncer]",
        `default_pool_size = ${pool}`,
        `max_db_connections = ${pool}`,
        "max_client_conn = 500",
        "",
      ].join("\n");
    const pgbouncer = (uploads: Array<{ file: string; content: string }>) =>
      resource(
        T.container,
        "throat-t-pgbouncer",
        { name: "throat-t-pgbouncer", uploads },
        { deleteBeforeReplace: true },
      );

    test("a pool of 25 and migrations fit 27, however many workers connect through it", async () => {
      expect(
        await check([
          postgres,
          pgbouncer([{ file: "/etc/pgbouncer/pgbouncer.ini", content: ini(25) }]),
          ...workers(10, false),
        ]),
      ).toEqual([]);
    });

    test("a pool of 30 does not", async () => {
      expect(await check([postgres, pgbouncer([{ file: "/etc/pgbouncer/pgbouncer.ini", content: ini(30) }])])).toEqual([
        [
          "Connection budget: at the peak of a deploy the stack can open 31 connections to PostgreSQL container throat-t-postgres, which accepts 27 (max_connections 30 - 3 reserved): 4 too many.",
          "  throat-t-pgbouncer: pool 30 (max_db_connections) x 1 (replaced delete-first) = 30",
          "  migrations: 1 at a time = 1",
          "Fix: lower PgBouncer's pool (throat:database.pgbouncer.poolSize) or raise max_connections (throat:database.maxConnections).",
        ].join("\n"),
      ]);
    });

    test("a PgBouncer whose ini cannot be seen", async () => {
      expect(await check([postgres, pgbouncer([])])).toEqual([
        "PgBouncer container throat-t-pgbouncer: no pgbouncer.ini among its uploads, so its server-side pool cannot be checked against PostgreSQL's limit. Upload the ini the stack renders (components/docker/pgbouncer.ts).",
      ]);
    });
  });

  test("postgres command lines: every way to set a run-time parameter", () => {
    const s = postgresSettings([
      "postgres",
      "-c",
      "max_connections=50",
      "-csuperuser_reserved_connections=4",
      "--shared-buffers=128MB",
      "-N",
      "60",
    ]);
    expect(Object.fromEntries(s)).toEqual({
      max_connections: "60",
      superuser_reserved_connections: "4",
      shared_buffers: "128MB",
    });
  });
});
