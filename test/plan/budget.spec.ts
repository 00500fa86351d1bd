import { buildPlan } from "../../components/plan";
import { BudgetError, peakReplicas } from "../../components/plan/budget";
import { errorOf, plan, ROUTE_LIST, settings } from "../support/settings";

// A small, hand-checkable deployment: 1 sync replica (2 procs x 1 thread), gevent and
// socketio 1 replica each with fixed pools, no surge, 1 migration, 5 headroom.
const small = (over: Record<string, unknown> = {}) => ({
  workers: {
    sync: { replicas: 1, processes: 2, threads: 1 },
    gevent: { replicas: 1, workerConnections: 10, poolSize: 10 },
    socketio: { replicas: 1, workerConnections: 10, poolSize: 10 },
  },
  deploy: { maxPercent: 100 },
  ...over,
});
// 2 + 10 + 10 + 1 + 5 = 28 connections; test profile reserves 3.

describe("connection budget", () => {
  it("fits exactly at the limit", () => {
    const b = plan("test", small({ database: { maxConnections: 31 } })).budget;
    expect(b.server.peak).toBe(28);
    expect(b.server.limit).toBe(28);
    expect(b.server.free).toBe(0);
  });

  it("refuses one connection over, naming the key and showing the table", () => {
    const msg = errorOf(() => plan("test", small({ database: { maxConnections: 30 } })));
    expect(msg).toMatch(
      /throat:database\.maxConnections: the deploy peak needs 28 connections, 1 more than the 27 available \(max_connections 30 - 3 reserved\)/,
    );
    expect(msg).toMatch(/sync \(2 proc x 1 thread\)\s+2 x\s+1 =\s+2/);
    expect(msg).toMatch(/operator headroom\s+1 x\s+5 =\s+5/);
    // The fix names the number that fits, and every other key that can fix it.
    expect(msg).toMatch(
      /Fix: raise throat:database\.maxConnections to 31, or lower throat:workers\.<kind>\.replicas \(max\), processes, threads or poolSize, or lower throat:deploy\.maxPercent \(now 100/,
    );
    expect(msg).toMatch(/or enable throat:database\.pgbouncer/);
    expect(msg).not.toMatch(/-\d+ connections|leaves -/);
  });

  it("counts RDS's extra reserved connections on prod", () => {
    expect(() => plan("prod", small({ database: { maxConnections: 33 } }))).not.toThrow();
    expect(errorOf(() => plan("prod", small({ database: { maxConnections: 32 } })))).toMatch(/32 - 5 reserved/);
  });

  it("counts every service at its autoscaling maximum, not its minimum", () => {
    const b = plan(
      "test",
      small({
        workers: { ...small().workers, sync: { replicas: { min: 1, max: 4 }, processes: 2 } },
        database: { maxConnections: 100 },
      }),
    ).budget;
    expect(b.server.lines.find((l) => l.consumer.startsWith("sync"))).toMatchObject({ processes: 8, connections: 8 });
  });

  it("counts the rolling deploy surge: new tasks start before old ones stop", () => {
    const b = plan("test", small({ deploy: { maxPercent: 200 }, database: { maxConnections: 100 } })).budget;
    expect(b.peakReplicas).toEqual({ sync: 2, gevent: 2, socketio: 2 });
    expect(b.server.peak).toBe(2 * 2 + 2 * 10 + 2 * 10 + 1 + 5);
    expect(peakReplicas(3, 150)).toBe(5); // ceil(4.5): ECS rounds the surge up
  });

  it("counts one connection per thread for threaded sync workers", () => {
    const b = plan(
      "test",
      small({
        workers: { ...small().workers, sync: { replicas: 2, processes: 3, threads: 4 } },
        database: { maxConnections: 100 },
      }),
    ).budget;
    expect(b.server.lines.find((l) => l.consumer.startsWith("sync"))).toMatchObject({
      processes: 6,
      connectionsPerProcess: 4,
      connections: 24,
    });
    expect(b.poolSizes.sync).toBe(4);
  });

  it("counts migrations and operator headroom", () => {
    const b = plan("test", small({ database: { maxConnections: 100, headroom: 10, migrationConnections: 2 } })).budget;
    expect(b.server.peak).toBe(2 + 10 + 10 + 2 + 10);
  });
});

describe("auto pool sizes", () => {
  it("use the connections left fully without exceeding them", () => {
    const s = settings("test", {
      workers: { gevent: { replicas: 2, workerConnections: 100 }, socketio: { replicas: 1, workerConnections: 100 } },
      database: { maxConnections: 100 },
    });
    const b = buildPlan(s, ROUTE_LIST).budget;
    expect(b.server.free).toBeGreaterThanOrEqual(0);
    // 6 async processes at the peak share one level: one more each would not fit.
    const asyncProcesses = 2 * 2 + 1 * 2;
    expect(b.server.free).toBeLessThan(asyncProcesses);
    expect(b.poolSizes.gevent).toBe(b.poolSizes.socketio);
  });

  it("never exceed the requests a process serves at once", () => {
    const b = plan("test", {
      workers: { gevent: { workerConnections: 5 }, socketio: { workerConnections: 8 } },
      database: { maxConnections: 1000 },
    }).budget;
    expect(b.poolSizes).toMatchObject({ gevent: 5, socketio: 8 });
  });

  it("share what explicit pools leave", () => {
    const b = plan(
      "test",
      small({
        workers: { ...small().workers, socketio: { replicas: 1, workerConnections: 50, poolSize: "auto" } },
        database: { maxConnections: 40 },
      }),
    ).budget;
    // 37 available - 2 sync - 10 gevent - 1 - 5 = 19 for one socketio process.
    expect(b.poolSizes.socketio).toBe(19);
    expect(b.server.free).toBe(0);
  });

  it("refuse when not even one connection per process fits", () => {
    const msg = errorOf(() =>
      plan("test", { workers: { sync: { replicas: 10, processes: 4 } }, database: { maxConnections: 90 } }),
    );
    expect(msg).toMatch(
      /throat:database\.maxConnections: the gevent and socketio workers' auto pools need at least 4 connections \(one per process at the deploy peak\), 3 more than the 1 that max_connections 90 leaves/,
    );
    expect(msg).toMatch(/Fix: raise throat:database\.maxConnections to 93, or lower throat:workers\.<kind>\.replicas/);
    expect(msg).not.toMatch(/leaves -\d/);
  });
});

describe("worker connections against the pool (deploy.md)", () => {
  it("refuses more worker connections than pooled connections when requests cannot wait", () => {
    const msg = errorOf(() =>
      plan(
        "test",
        small({
          pool: { timeout: 0 },
          workers: { ...small().workers, gevent: { replicas: 1, workerConnections: 40, poolSize: 10 } },
          database: { maxConnections: 100 },
        }),
      ),
    );
    expect(msg).toMatch(
      /throat:workers\.gevent\.workerConnections: 40 concurrent requests per process, but the pool holds 10 connections and throat:pool\.timeout is 0/,
    );
  });

  it("allows it when requests wait for a pooled connection (pool.timeout > 0)", () => {
    expect(() =>
      plan(
        "test",
        small({
          pool: { timeout: 10 },
          workers: { ...small().workers, gevent: { replicas: 1, workerConnections: 40, poolSize: 10 } },
          database: { maxConnections: 100 },
        }),
      ),
    ).not.toThrow();
  });

  it("raises a BudgetError that carries the key", () => {
    const tooFew = () => plan("test", small({ database: { maxConnections: 20 } }));
    expect(tooFew).toThrow(BudgetError);
    expect(tooFew).toThrow(expect.objectContaining({ key: "throat:database.maxConnections" }));
  });
});

describe("with PgBouncer the check holds on both sides", () => {
  const pgb = (pgbouncer: Record<string, unknown>, maxConnections = 40) =>
    small({ database: { maxConnections, pgbouncer: { enabled: true, ...pgbouncer } } });

  it("PostgreSQL sees PgBouncer's pool, migrations and headroom", () => {
    const b = plan("test", pgb({ poolSize: 20 })).budget;
    expect(b.server.lines.map((l) => l.connections)).toEqual([20, 1, 5]);
    expect(b.server.peak).toBe(26);
    expect(b.pgbouncer).toMatchObject({ peak: 22, limit: 22, maxClientConnections: 22 });
  });

  it("refuses a PgBouncer pool larger than PostgreSQL allows", () => {
    expect(errorOf(() => plan("test", pgb({ poolSize: 40 })))).toMatch(
      /throat:database\.maxConnections: the deploy peak needs 46 connections/,
    );
  });

  it("refuses more app connections than PgBouncer accepts", () => {
    expect(errorOf(() => plan("test", pgb({ poolSize: 20, maxClientConnections: 21 })))).toMatch(
      /throat:database\.pgbouncer\.maxClientConnections: the app's deploy peak needs 22 client connections, 1 more than PgBouncer's 21.*Fix: raise throat:database\.pgbouncer\.maxClientConnections to 22/s,
    );
  });

  it("lets the app's pools exceed PostgreSQL's limit, which is what PgBouncer is for", () => {
    const b = plan("test", { database: { maxConnections: 40, pgbouncer: { enabled: true, poolSize: 20 } } }).budget;
    expect(b.pgbouncer!.peak).toBeGreaterThan(b.server.limit);
    expect(b.server.free).toBeGreaterThanOrEqual(0);
  });
});

describe("capacity", () => {
  it("reports concurrent requests per service and websocket clients at max replicas", () => {
    const b = plan("test", {
      workers: {
        sync: { replicas: { min: 1, max: 3 }, processes: 4, threads: 2 },
        gevent: { replicas: 2, workerConnections: 30 },
        socketio: { replicas: 2, workerConnections: 150 },
      },
      database: { maxConnections: 500 },
    }).budget;
    expect(b.capacity).toEqual({ concurrentRequests: { sync: 24, gevent: 60, socketio: 300 }, websocketClients: 300 });
  });
});
