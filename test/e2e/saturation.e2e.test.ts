// The connection budget holds on real servers: with every process driven past what it serves
// at once (each request holding a database connection), no request fails, PostgreSQL never
// refuses a connection, and its connection count stays within what the plan counted.
import { SLOW } from "./lib/standin";
import { startHarness, type Harness } from "./harness";
import { failures, saturate, saturationLoad, saturationPlan, type SaturationResult } from "./lib/saturate";

const p = saturationPlan();
const load = saturationLoad(p);

describe("saturation within the plan's budget", () => {
  let h: Harness;
  let result: SaturationResult;
  beforeAll(async () => {
    h = await startHarness(p);
    result = await saturate(h, load);
  }, 4 * SLOW);
  afterAll(() => h?.stop(), SLOW);

  test("the plan is the tight one described: pools smaller than worker connections, with a wait", () => {
    expect(p.budget.poolSizes).toEqual({ sync: 1, gevent: 5, socketio: 5 });
    expect(p.workers.find((w) => w.kind === "gevent")?.workerConnections).toBe(20);
    expect(p.settings.pool.timeout).toBe(10);
    // Twice what the processes serve at once: 2 x 20 gevent, 2 x 4 sync, 2 x 20 on socketio.
    expect(load).toEqual({ hold: 0.5, gevent: 40, sync: 8, websocketClients: 10, socketioRequests: 30 });
  });

  test("no request fails and every socket.io client gets its pong", () => {
    expect(failures(result.outcomes.gevent)).toEqual([]);
    expect(failures(result.outcomes.sync)).toEqual([]);
    expect(failures(result.outcomes.socketio)).toEqual([]);
    expect(result.outcomes.gevent.length).toBe(load.gevent);
    expect(result.sockets).toEqual({ tried: load.websocketClients, ok: load.websocketClients, errors: [] });
  });

  test("PostgreSQL never refuses a connection", () => {
    expect(result.refusals).toEqual([]);
  });

  test("the connection peak stays within every process's pool, and within the budget", () => {
    // What the running processes may hold: each at its pool size (pools keep idle connections).
    const running = h.workers.reduce((n, w) => {
      const service = p.workers.find((s) => s.kind === w.kind)!;
      return n + service.processes * service.poolSize;
    }, 0);
    // The pools were really exhausted: both async pools full at once is the least we saw.
    expect(result.peak).toBeGreaterThanOrEqual(p.budget.poolSizes.gevent + p.budget.poolSizes.socketio);
    expect(result.peak).toBeLessThanOrEqual(running);
    const fixed = p.budget.server.lines
      .filter((l) => l.consumer === "migrations" || l.consumer === "operator headroom")
      .reduce((n, l) => n + l.connections, 0);
    expect(result.peak).toBeLessThanOrEqual(p.budget.server.peak - fixed);
    expect(result.peak).toBeLessThanOrEqual(p.budget.server.limit);
  });
});
