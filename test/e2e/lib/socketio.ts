// Socket.IO clients for the e2e tests and the bench, on the ecosystem's client
// (socket.io-client, which speaks Engine.IO v4 over `ws` in Node): connect to the default
// namespace, emit an event, wait for one, count the server's heartbeats. One transport each:
// long-polling only, or a websocket from the start. Never reconnecting: a dropped client must
// show as dropped, not come back quietly. A namespace is the URL's path (`<base>/snt`);
// `headers` go with every request of either transport (a session cookie).
import type { IncomingMessage } from "node:http";
import { io, type ManagerOptions, type Socket, type SocketOptions } from "socket.io-client";

export interface SocketIoClient {
  /** Engine.IO session id. */
  sid: string;
  emit(event: string, data: unknown): Promise<void>;
  /** The next `event`'s first argument. */
  waitFor(event: string, timeoutMs?: number): Promise<unknown>;
  /** Engine.IO pings the server sent (the client answers each with a pong). */
  pingsAnswered(): number;
  closed(): boolean;
  /** Why the connection ended (when closed). */
  closeReason(): string | undefined;
  close(): Promise<void>;
}

/** Queues events nobody waits for yet, so a `waitFor` after the event still gets it. */
class Inbox {
  private queued: [string, unknown][] = [];
  private waiters: { event: string; resolve: (data: unknown) => void }[] = [];

  deliver(event: string, data: unknown): void {
    const i = this.waiters.findIndex((w) => w.event === event);
    if (i >= 0) this.waiters.splice(i, 1)[0]!.resolve(data);
    else this.queued.push([event, data]);
  }

  next(event: string, timeoutMs: number): Promise<unknown> {
    const i = this.queued.findIndex(([e]) => e === event);
    if (i >= 0) return Promise.resolve(this.queued.splice(i, 1)[0]![1]);
    return new Promise((resolve, reject) => {
      const waiter = {
        event,
        resolve: (data: unknown) => {
          clearTimeout(timer);
          resolve(data);
        },
      };
      const timer = setTimeout(() => {
        this.waiters = this.waiters.filter((w) => w !== waiter);
        reject(new Error(`socket.io: no "${event}" within ${timeoutMs} ms`));
      }, timeoutMs);
      this.waiters.push(waiter);
    });
  }
}

type Transport = "polling" | "websocket";

async function connect(
  baseUrl: string,
  transport: Transport,
  timeoutMs: number,
  headers?: Record<string, string>,
): Promise<SocketIoClient & { ws: { status: number } }> {
  const options: Partial<ManagerOptions & SocketOptions> = {
    path: "/socket.io/",
    transports: [transport],
    upgrade: false,
    // Every client its own Engine.IO connection (io() would share one per URL otherwise).
    forceNew: true,
    reconnection: false,
    autoConnect: false,
    timeout: timeoutMs,
    rejectUnauthorized: false, // the harness's self-signed certificate
    ...(headers ? { extraHeaders: headers } : {}),
  };
  const socket: Socket = io(baseUrl, options);
  const inbox = new Inbox();
  let pings = 0;
  let reason: string | undefined;
  const ws = { status: 0 };
  socket.onAny((event: string, data: unknown) => inbox.deliver(event, data));
  socket.on("disconnect", (why) => (reason ??= why));
  socket.connect();
  const engine = socket.io.engine;
  engine.on("ping", () => pings++);
  // The websocket transport's `ws` client: its handshake response is the 101 a test checks.
  const raw = (engine.transport as unknown as { ws?: { once(e: "upgrade", l: (res: IncomingMessage) => void): void } })
    .ws;
  raw?.once("upgrade", (res) => (ws.status = res.statusCode ?? 0));
  await new Promise<void>((resolve, reject) => {
    socket.once("connect", () => resolve());
    socket.once("connect_error", (e: Error) => {
      socket.close();
      reject(new Error(`socket.io ${transport} ${baseUrl}: ${e.message}`));
    });
  });
  return {
    ws,
    sid: engine.id ?? "",
    emit: async (event, data) => void socket.emit(event, data),
    waitFor: (event, ms = timeoutMs) => inbox.next(event, ms),
    pingsAnswered: () => pings,
    closed: () => reason !== undefined || socket.disconnected,
    closeReason: () => reason,
    close: async () => {
      reason ??= "closed by client";
      socket.close();
    },
  };
}

/** Socket.IO over long-polling only: one GET per poll, one POST per packet sent. */
export function connectPolling(
  baseUrl: string,
  timeoutMs = 30_000,
  headers?: Record<string, string>,
): Promise<SocketIoClient> {
  return connect(baseUrl, "polling", timeoutMs, headers);
}

/** Socket.IO over a websocket from the start (Engine.IO v4 allows it without polling first). */
export function connectWebSocketIo(
  baseUrl: string,
  timeoutMs = 30_000,
  headers?: Record<string, string>,
): Promise<SocketIoClient & { ws: { status: number } }> {
  return connect(baseUrl, "websocket", timeoutMs, headers);
}
