// One nginx and one socketio process with the plan's argv and nginx files hold far more idle
// websocket clients than their pool has connections (throat:workers.socketio.clients), and a
// burst of database-touching events up to the plan's stated capacity completes; twice that
// fails only by the pool's timeout, and every client stays connected. The bench runs the same
// at 5,000 clients for 60 s (scripts/bench/websockets.ts); this is the wiring, small and short.
import { burstEvents, DB_EVENTS_PER_SECOND_PER_CONNECTION } from "../../components/plan/capacity";
import { plan } from "../support/settings";
import { startHarness, type Harness } from "./harness";
import { closeAll, dbBurst, type HeldClients, openClients, stillConnected } from "./lib/websocketLoad";

const CLIENTS = 500;
// A small pool: the burst is then bound by the connections, not by this shared machine's CPU.
const POOL = 2;
const POOL_TIMEOUT = 5;
/**
 * Seconds each event holds its connection (a query that sleeps): well within peewee's 0.1 s
 * retry tick, so a waiting event's pace is the pool's, as with Throat's short handlers.
 */
const HOLD = 0.08;

const p = plan("test-websockets", {
  workers: { sync: { replicas: 1 }, socketio: { replicas: 1, clients: CLIENTS, poolSize: POOL } },
  pool: { timeout: POOL_TIMEOUT },
});
const capacity = burstEvents(POOL, POOL_TIMEOUT);

describe(`${CLIENTS} idle websocket clients on one socketio process with a pool of ${POOL}`, () => {
  let h: Harness;
  let held: HeldClients;
  beforeAll(async () => {
    h = await startHarness(p, { label: "websockets", replicas: { sync: 1, gevent: 1, socketio: 1 } });
    held = await openClients(h, CLIENTS, { step: 250, concurrency: 50 });
  }, 180_000);
  afterAll(async () => {
    await closeAll(held?.clients ?? []);
    await h?.stop();
  });

  test("the plan sizes the process and nginx for the clients, not the pool", () => {
    const socketio = p.workers.find((w) => w.kind === "socketio")!;
    expect(socketio.poolSize).toBe(POOL);
    expect(socketio.argv.join(" ")).toContain(`--worker-connections ${CLIENTS}`);
    const workerConnections = Number(/worker_connections (\d+);/.exec(h.nginxFiles["throat/events.conf"] ?? "")?.[1]);
    expect(workerConnections).toBeGreaterThanOrEqual(Math.ceil((2 * CLIENTS * 16) / 15));
    expect(h.nginxFiles["throat/main.conf"]).toBe(`worker_rlimit_nofile ${2 * workerConnections};\n`);
  });

  test("every client connects, stays connected through an idle hold and still round-trips", async () => {
    expect(held.openErrors).toEqual([]);
    expect(held.clients).toHaveLength(CLIENTS);
    await new Promise((r) => setTimeout(r, 2_000));
    expect(await stillConnected(held.clients)).toEqual({ dropped: 0, roundTrips: CLIENTS });
  }, 120_000);

  test(`a burst of the plan's capacity (pool ${POOL} x ${POOL_TIMEOUT} s x ${DB_EVENTS_PER_SECOND_PER_CONNECTION}/s = ${capacity} events) completes`, async () => {
    const burst = await dbBurst(held.clients, capacity, HOLD);
    expect(burst).toMatchObject({ events: capacity, done: capacity, failed: 0, errors: [] });
  }, 120_000);

  test("twice the capacity fails only by the pool's timeout, and no client is dropped", async () => {
    const burst = await dbBurst(held.clients, 2 * capacity, HOLD);
    expect(burst.failed).toBeGreaterThan(0);
    // Each connection completes at most one event per HOLD: the rest must have timed out.
    expect(burst.failed).toBeGreaterThanOrEqual(2 * capacity - Math.ceil((POOL / HOLD) * POOL_TIMEOUT) - POOL);
    expect(burst.done).toBeGreaterThanOrEqual(capacity / 2);
    for (const error of burst.errors)
      expect(error).toMatch(/^MaxConnectionsExceeded: Max connections exceeded, timed out/);
    expect(await stillConnected(held.clients)).toEqual({ dropped: 0, roundTrips: CLIENTS });
  }, 120_000);
});
