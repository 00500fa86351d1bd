// Idle websocket clients on one socketio process behind nginx, through the e2e harness (the
// stand-in app's socketio worker with the plan's argv, the plan's nginx files), loopback only:
//   - ramp to the plan's clients (5,000) in steps, recording the worker's and nginx's memory;
//   - hold them idle for BENCH_WS_HOLD seconds (default 60): every client must answer the
//     server's pings (Engine.IO pings every 25 s) and none may drop;
//   - a burst of database-touching events at the plan's stated capacity (pool x timeout x
//     rate) must complete; twice that must fail only by the pool's timeout, and every client
//     must still be connected after both;
//   - then every client leaves at once: how long the worker stays busy with the disconnects
//     and how long a new client waits meanwhile (issue 14: 18,805 at once took 58 s).
// Standalone: `npx tsx scripts/bench/websockets.ts` prints JSON.
import { burstEvents, DB_EVENTS_PER_SECOND_PER_CONNECTION } from "../../components/plan/capacity";
import type { Harness } from "../../test/e2e/harness";
import {
  closeAll,
  dbBurst,
  massDisconnect,
  type MassDisconnect,
  type BurstResult,
  openClients,
  perThousand,
  type RampStep,
  stillConnected,
} from "../../test/e2e/lib/websocketLoad";

/** Seconds each event holds its connection: a short handler, within peewee's 0.1 s retry. */
const HOLD = 0.08;

export interface WebsocketBench {
  /** What the plan promises per socketio process (--worker-connections). */
  clientsPerProcess: number;
  poolSize: number;
  poolTimeout: number;
  tried: number;
  opened: number;
  openErrors: string[];
  /** Seconds to connect them all (ramped in steps). */
  connectSeconds: number;
  steps: RampStep[];
  baseline: RampStep;
  socketioMiBPer1000: number;
  nginxMiBPer1000: number;
  holdSeconds: number;
  /** Clients whose connection ended during the hold. */
  droppedInHold: number;
  /** Engine.IO pings the server sent during the hold (all answered by the client). */
  serverPings: number;
  /** Clients that got (and answered) fewer than one ping per ping interval of the hold. */
  clientsShortOfPings: number;
  burstCapacity: number;
  atCapacity: BurstResult;
  twiceCapacity: BurstResult;
  /** Events per second per connection in the saturated burst (done / pool / timeout). */
  measuredEventsPerSecondPerConnection: number;
  planEventsPerSecondPerConnection: number;
  afterBursts: { dropped: number; roundTrips: number };
  massDisconnect: MassDisconnect;
}

export async function benchWebsockets(h: Harness, options: { holdSeconds?: number } = {}): Promise<WebsocketBench> {
  const socketio = h.plan.workers.find((w) => w.kind === "socketio")!;
  const clientsPerProcess = socketio.workerConnections ?? 0;
  const holdSeconds = options.holdSeconds ?? Number(process.env.BENCH_WS_HOLD ?? 60);
  const held = await openClients(h, clientsPerProcess, { step: 500, concurrency: 50 });
  try {
    const pingsBefore = held.clients.map((c) => c.pingsAnswered());
    await new Promise((r) => setTimeout(r, holdSeconds * 1000));
    const droppedInHold = held.clients.filter((c) => c.closed()).length;
    const gotPings = held.clients.map((c, i) => c.pingsAnswered() - pingsBefore[i]!);
    const expectedPings = Math.floor(holdSeconds / 25);

    const capacity = burstEvents(socketio.poolSize, h.plan.settings.pool.timeout);
    const atCapacity = await dbBurst(held.clients, capacity, HOLD);
    const twiceCapacity = await dbBurst(held.clients, Math.min(2 * capacity, held.clients.length), HOLD);
    const afterBursts = await stillConnected(held.clients);
    const leaving = await massDisconnect(h, held.clients);
    return {
      clientsPerProcess,
      poolSize: socketio.poolSize,
      poolTimeout: h.plan.settings.pool.timeout,
      tried: held.tried,
      opened: held.clients.length,
      openErrors: held.openErrors,
      connectSeconds: Number(held.connectSeconds.toFixed(1)),
      steps: held.steps,
      baseline: held.baseline,
      socketioMiBPer1000: perThousand(held, "socketioMiB"),
      nginxMiBPer1000: perThousand(held, "nginxMiB"),
      holdSeconds,
      droppedInHold,
      serverPings: gotPings.reduce((a, b) => a + b, 0),
      clientsShortOfPings: gotPings.filter((n) => n < expectedPings).length,
      burstCapacity: capacity,
      atCapacity,
      twiceCapacity,
      measuredEventsPerSecondPerConnection: Number(
        (twiceCapacity.done / socketio.poolSize / h.plan.settings.pool.timeout).toFixed(2),
      ),
      planEventsPerSecondPerConnection: DB_EVENTS_PER_SECOND_PER_CONNECTION,
      afterBursts,
      massDisconnect: leaving,
    };
  } finally {
    await closeAll(held.clients);
  }
}

if (require.main === module) {
  void (async () => {
    const { benchPlan } = await import("./benchPlan");
    const { startHarness } = await import("../../test/e2e/harness");
    const h = await startHarness(benchPlan(), { label: "bench-ws" });
    try {
      process.stdout.write(`${JSON.stringify(await benchWebsockets(h), null, 2)}\n`);
    } finally {
      await h.stop();
    }
  })().catch((e: Error) => {
    process.stderr.write(`bench websockets failed: ${e.stack ?? e.message}\n`);
    process.exit(1);
  });
}
