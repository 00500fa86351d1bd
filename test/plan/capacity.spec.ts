// The socketio tier is sized by the clients it holds, not by its pool: --worker-connections,
// open files, nginx's connections, memory and the event burst all follow from
// throat:workers.socketio.clients (plan/capacity.ts).
import { ALB_IDLE_TIMEOUT } from "../../components/aws/alb";
import {
  burstEvents,
  clientsFitting,
  DB_EVENTS_PER_SECOND_PER_CONNECTION,
  nginxWorkerConnections,
  SOCKETIO_PING_INTERVAL,
  socketioMemoryNeeded,
} from "../../components/plan/capacity";
import { settingsSchema } from "../../components/settings/schema";
import { errorOf, plan, settings } from "../support/settings";

const socketio = (p: ReturnType<typeof plan>) => p.workers.find((w) => w.kind === "socketio")!;
const flag = (argv: string[], name: string) => argv[argv.indexOf(name) + 1];

describe("throat:workers.socketio.clients", () => {
  it("defaults to 5000 and becomes the socketio process's --worker-connections, not its pool", () => {
    const p = plan("test-cap", {});
    const w = socketio(p);
    expect(flag(w.argv, "--worker-connections")).toBe("5000");
    expect(w.launchEnv.WORKER_CONNECTIONS).toBe("5000");
    // The pool still comes from the budget: far below the clients.
    expect(w.poolSize).toBe(p.budget.poolSizes.socketio);
    expect(w.poolSize).toBeLessThan(100);
  });

  it("sets --worker-connections, the capacity and the plan's total clients", () => {
    const p = plan("test-cap", { workers: { socketio: { replicas: 2, clients: 3000 } } });
    expect(flag(socketio(p).argv, "--worker-connections")).toBe("3000");
    expect(p.budget.capacity.websocketClients).toBe(6000);
    expect(p.capacity).toMatchObject({ clientsPerProcess: 3000, processes: 2, totalClients: 6000 });
  });

  it("accepts the former name workerConnections as the same number", () => {
    expect(
      flag(
        socketio(plan("test-cap", { workers: { socketio: { workerConnections: 120 } } })).argv,
        "--worker-connections",
      ),
    ).toBe("120");
    expect(
      settings("test-cap", { workers: { socketio: { workerConnections: 300, clients: 300 } } }).workers.socketio
        .clients,
    ).toBe(300);
  });

  it("refuses both names with different numbers, naming the key", () => {
    const message = errorOf(() =>
      settings("test-cap", { workers: { socketio: { workerConnections: 100, clients: 5000 } } }),
    );
    expect(message).toMatch(
      /throat:workers\.socketio\.workerConnections: the former name of throat:workers\.socketio\.clients \(5000\); keep one of the two; got 100/,
    );
  });

  it("is a key of the schema, with gevent keeping its own workerConnections", () => {
    expect(settingsSchema.parse({}).workers.socketio.clients).toBe(5000);
    expect(settingsSchema.parse({}).workers.gevent.workerConnections).toBe(40);
  });
});

describe("open files and nginx connections follow the clients", () => {
  it("nofile of the socketio containers covers one socket per client plus the pool, never below Fargate's 65535", () => {
    expect(socketio(plan("test-cap", {})).nofile).toBe(65535);
    const big = plan("test-cap", { workers: { socketio: { clients: 80000 } } });
    expect(socketio(big).nofile).toBeGreaterThanOrEqual(80000 + socketio(big).poolSize);
  });

  it("nginx worker_connections leaves 1/16 free with every client connected twice (client + upstream)", () => {
    for (const clients of [100, 5000, 20000]) {
      const p = plan("test-cap", { workers: { socketio: { replicas: 2, clients } } });
      const wc = nginxWorkerConnections(p.budget);
      const c = p.budget.capacity;
      const busy = 2 * (c.websocketClients + c.concurrentRequests.sync + c.concurrentRequests.gevent);
      expect(busy).toBeGreaterThanOrEqual(2 * 2 * clients);
      expect(wc - busy).toBeGreaterThanOrEqual(wc / 16);
      expect(p.edge.nginxFiles["throat/events.conf"]).toBe(`worker_connections ${wc};\n`);
      expect(p.edge.nginxFiles["throat/main.conf"]).toBe(`worker_rlimit_nofile ${2 * wc};\n`);
      expect(p.edge.nofile).toBe(2 * wc);
    }
  });
});

describe("memory per client", () => {
  it("refuses on prod a socketio task memory too small for its clients, naming both keys and the fix", () => {
    const message = errorOf(() =>
      plan("prod", { workers: { socketio: { replicas: 2, clients: 20000, cpu: 512, memory: 1024 } } }),
    );
    expect(message).toMatch(
      /throat:workers\.socketio\.memory: 1024 MiB is too small for 20000 clients per process \(throat:workers\.socketio\.clients\)/,
    );
    expect(message).toContain(`lower clients to ${clientsFitting(1024)} or less`);
  });

  it("passes on prod with a task size that fits, and the default 5000 fits the default 1024 MiB", () => {
    expect(socketioMemoryNeeded(5000)).toBeLessThanOrEqual(1024);
    expect(
      plan("prod", { workers: { socketio: { replicas: 2, clients: 20000, cpu: 1024, memory: 2048 } } }).capacity
        .memoryNeededMiB,
    ).toBeLessThanOrEqual(2048);
  });

  it("warns on test (Docker sets no memory limit) instead of refusing", () => {
    const p = plan("test-cap", { workers: { socketio: { clients: 20000 } } });
    expect(p.warnings).toEqual([
      expect.stringMatching(/^throat:workers\.socketio\.clients: 20000 clients per process need about 1538 MiB/),
    ]);
    expect(plan("test-cap", {}).warnings).toEqual([]);
  });

  it("clientsFitting is the inverse of socketioMemoryNeeded", () => {
    for (const memory of [512, 1024, 4096]) {
      const n = clientsFitting(memory);
      expect(socketioMemoryNeeded(n)).toBeLessThanOrEqual(memory);
      expect(socketioMemoryNeeded(n + 100)).toBeGreaterThan(memory);
    }
  });
});

describe("the burst of database-touching events a process absorbs", () => {
  it("is pool x pool.timeout x the measured events per second per connection", () => {
    expect(DB_EVENTS_PER_SECOND_PER_CONNECTION).toBe(6.5);
    expect(burstEvents(10, 10)).toBe(650);
    const p = plan("test-cap", { workers: { socketio: { poolSize: 10 } }, pool: { timeout: 4 } });
    expect(p.capacity).toMatchObject({ poolSize: 10, poolTimeout: 4, burstEvents: 260 });
  });

  it("is just the pool when pool.timeout is 0 (an event finding no connection fails at once)", () => {
    expect(burstEvents(10, 0)).toBe(10);
  });
});

describe("idle timeouts vs socket.io's ping interval", () => {
  it("the ALB and nginx keep an idle websocket longer than Engine.IO's 25 s ping interval", () => {
    expect(SOCKETIO_PING_INTERVAL).toBe(25);
    expect(ALB_IDLE_TIMEOUT).toBeGreaterThan(SOCKETIO_PING_INTERVAL);
    expect(errorOf(() => settings("test-cap", { edge: { websocketTimeout: SOCKETIO_PING_INTERVAL } }))).toMatch(
      /throat:edge\.websocketTimeout/,
    );
  });
});
