// Many idle socket.io websocket clients on one socketio process behind nginx, and bursts of
// database-touching events among them: shared by the e2e test (small) and the bench (5,000).
// Bounded: a fixed number of clients opened in steps, a fixed hold, fixed bursts.
import { readFileSync } from "node:fs";
import type { Harness } from "../harness";
import { processTree } from "../support";
import { mapLimited } from "./concurrency";
import { connectWebSocketIo, type SocketIoClient } from "./socketio";

export interface RampStep {
  clients: number;
  /** Resident memory (MiB) of the socketio worker process and of all nginx processes. */
  socketioMiB: number;
  nginxMiB: number;
}

export interface HeldClients {
  clients: SocketIoClient[];
  tried: number;
  openErrors: string[];
  steps: RampStep[];
  /** Seconds from the first connection attempt to the last client connected. */
  connectSeconds: number;
  /** Memory at rest (before the first client). */
  baseline: RampStep;
}

/** VmRSS of a process, MiB (0 if it is gone). */
export function rssMiB(pid: number): number {
  try {
    const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, "utf8"));
    return m ? Number(m[1]) / 1024 : 0;
  } catch {
    return 0;
  }
}

function sample(h: Harness, clients: number): RampStep {
  const socketio = h.byKind("socketio")[0]!;
  const worker = h.workerPids(socketio.name);
  const nginx = processTree([h.group.get("nginx").pid]).map((p) => p.pid);
  const sum = (pids: number[]) => Math.round(pids.reduce((n, pid) => n + rssMiB(pid), 0));
  return { clients, socketioMiB: sum(worker), nginxMiB: sum(nginx) };
}

/** Opens `total` websocket clients in steps of `step`, `concurrency` handshakes at a time. */
export async function openClients(
  h: Harness,
  total: number,
  options: { step?: number; concurrency?: number } = {},
): Promise<HeldClients> {
  const step = options.step ?? 500;
  const concurrency = options.concurrency ?? 50;
  const baseline = sample(h, 0);
  const clients: SocketIoClient[] = [];
  const openErrors: string[] = [];
  const steps: RampStep[] = [];
  const started = Date.now();
  for (let opened = 0; opened < total; opened += step) {
    const n = Math.min(step, total - opened);
    const batch = await mapLimited(Array.from({ length: n }), concurrency, () =>
      connectWebSocketIo(h.httpsUrl, 60_000).catch((e: Error) => {
        openErrors.push(e.message);
        return undefined;
      }),
    );
    clients.push(...batch.filter((c): c is NonNullable<typeof c> => c !== undefined));
    steps.push(sample(h, clients.length));
  }
  return {
    clients,
    tried: total,
    openErrors: [...new Set(openErrors)],
    steps,
    connectSeconds: (Date.now() - started) / 1000,
    baseline,
  };
}

/** MiB per 1,000 clients: the slope from rest to the last step. */
export function perThousand(held: HeldClients, key: "socketioMiB" | "nginxMiB"): number {
  const last = held.steps[held.steps.length - 1];
  if (!last || last.clients === 0) return 0;
  return Math.round(((last[key] - held.baseline[key]) / last.clients) * 1000 * 10) / 10;
}

export interface BurstResult {
  events: number;
  done: number;
  /** Distinct error messages of the events that failed. */
  errors: string[];
  failed: number;
  seconds: number;
}

/**
 * `events` clients each emit one `db` event at once (each takes a pooled connection for `hold`
 * seconds) and wait for its answer.
 */
export async function dbBurst(
  clients: SocketIoClient[],
  events: number,
  hold: number,
  timeoutMs = 120_000,
): Promise<BurstResult> {
  if (events > clients.length) throw new Error(`burst of ${events} needs as many clients, have ${clients.length}`);
  const started = Date.now();
  const outcomes = await Promise.all(
    clients.slice(0, events).map(async (c, i) => {
      const answer = c.waitFor("db_result", timeoutMs).then((r) => {
        const result = r as { data: number; ok: boolean; error?: string };
        return result.ok && result.data === i ? "done" : (result.error ?? `answer for ${result.data}, not ${i}`);
      });
      await c.emit("db", { id: i, hold });
      return answer.catch((e: Error) => e.message);
    }),
  );
  const errors = outcomes.filter((o) => o !== "done");
  return {
    events,
    done: outcomes.length - errors.length,
    failed: errors.length,
    errors: [...new Set(errors)],
    seconds: (Date.now() - started) / 1000,
  };
}

/** Clients whose connection ended, and those that no longer make a ping -> pong round trip. */
export async function stillConnected(
  clients: SocketIoClient[],
  timeoutMs = 60_000,
): Promise<{ dropped: number; roundTrips: number }> {
  const dropped = clients.filter((c) => c.closed()).length;
  const ok = await mapLimited(clients, 500, async (c, i) => {
    try {
      await c.emit("ping", i);
      return ((await c.waitFor("pong", timeoutMs)) as { data: number }).data === i;
    } catch {
      return false;
    }
  });
  return { dropped, roundTrips: ok.filter(Boolean).length };
}

export async function closeAll(clients: SocketIoClient[]): Promise<void> {
  await Promise.all(clients.map((c) => c.close()));
}

/** CPU seconds a process has used so far (utime + stime in /proc/<pid>/stat; 0 if it is gone). */
export function cpuSeconds(pid: number): number {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    // Fields after the command (which may hold spaces): state is the 3rd, utime the 14th.
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    return (Number(fields[11]) + Number(fields[12])) / CLOCK_TICKS;
  } catch {
    return 0;
  }
}
/** sysconf(_SC_CLK_TCK) on Linux. */
const CLOCK_TICKS = 100;

export interface MassDisconnect {
  clients: number;
  /** Seconds from the moment every client closed until the worker went idle again. */
  busySeconds: number;
  /** CPU seconds the socketio worker spent meanwhile. */
  workerCpuSeconds: number;
  /** Seconds until a client connecting right after them made a ping round trip. */
  freshClientSeconds: number;
}

/**
 * Every client leaves at once (a deploy's drain, a network blip): python-socketio handles each
 * disconnect by walking its rooms, so the cost grows faster than the clients. Measures how long
 * the socketio worker stays busy and how long a new visitor waits meanwhile.
 */
export async function massDisconnect(
  h: Harness,
  clients: SocketIoClient[],
  options: { idleCpuPerSecond?: number; timeoutMs?: number } = {},
): Promise<MassDisconnect> {
  const idle = options.idleCpuPerSecond ?? 0.05;
  const deadline = Date.now() + (options.timeoutMs ?? 180_000);
  const pids = h.workerPids(h.byKind("socketio")[0]!.name);
  const cpu = () => pids.reduce((s, pid) => s + cpuSeconds(pid), 0);
  const cpuBefore = cpu();
  const started = Date.now();
  await closeAll(clients);
  const fresh = (async () => {
    const c = await connectWebSocketIo(h.httpsUrl, options.timeoutMs ?? 180_000);
    try {
      await c.emit("ping", 0);
      await c.waitFor("pong", options.timeoutMs ?? 180_000);
      return (Date.now() - started) / 1000;
    } finally {
      await c.close();
    }
  })();
  // Busy until one half-second passes with the worker using less than `idle` of a core.
  let lastBusy = started;
  for (let prev = cpu(); Date.now() < deadline;) {
    await new Promise((r) => setTimeout(r, 500));
    const now = cpu();
    if (now - prev >= idle / 2) lastBusy = Date.now();
    else if (Date.now() - lastBusy >= 1000) break;
    prev = now;
  }
  return {
    clients: clients.length,
    busySeconds: Number(((lastBusy - started) / 1000).toFixed(1)),
    workerCpuSeconds: Number((cpu() - cpuBefore).toFixed(1)),
    freshClientSeconds: Number((await fresh).toFixed(2)),
  };
}
