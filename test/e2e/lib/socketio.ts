// The smallest Socket.IO v5 client over Engine.IO v4 that tells a test where a client landed:
// connect to the default namespace, emit an event, wait for one, answer the server's
// heartbeats. Two transports: long-polling (plain HTTP requests) and websocket.
//
// Engine.IO v4 packets are a type digit and data: 0 open, 1 close, 2 ping, 3 pong, 4 message;
// a polling payload joins packets with the record separator \x1e. A Socket.IO packet rides
// inside a message: 40 = CONNECT to "/", 42[...] = EVENT.
import { httpRequest } from "../support";
import { connectWebSocket, type WebSocketClient } from "./websocket";

const SEPARATOR = "\x1e";

export interface SocketIoClient {
  /** Engine.IO session id. */
  sid: string;
  emit(event: string, data: unknown): Promise<void>;
  /** The next `event`'s first argument. */
  waitFor(event: string, timeoutMs?: number): Promise<unknown>;
  /** Engine.IO pings the server sent and we answered. */
  pingsAnswered(): number;
  closed(): boolean;
  /** Why the connection ended (when closed). */
  closeReason(): string | undefined;
  close(): Promise<void>;
}

interface Waiter {
  event: string;
  resolve: (data: unknown) => void;
}

/** Dispatches Socket.IO events to waiters and queues the rest. */
class Inbox {
  private queued: [string, unknown][] = [];
  private waiters: Waiter[] = [];

  deliver(event: string, data: unknown): void {
    const i = this.waiters.findIndex((w) => w.event === event);
    if (i >= 0) this.waiters.splice(i, 1)[0]!.resolve(data);
    else this.queued.push([event, data]);
  }

  next(event: string, timeoutMs: number): Promise<unknown> {
    const i = this.queued.findIndex(([e]) => e === event);
    if (i >= 0) return Promise.resolve(this.queued.splice(i, 1)[0]![1]);
    return new Promise((resolve, reject) => {
      const waiter: Waiter = {
        event,
        resolve: (data) => {
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

/** A Socket.IO packet inside an Engine.IO message: handles 40 (connected) and 42 (event). */
function onSocketIoPacket(packet: string, inbox: Inbox): void {
  if (packet.startsWith("0")) inbox.deliver("connect", packet.length > 1 ? JSON.parse(packet.slice(1)) : {});
  else if (packet.startsWith("4")) inbox.deliver("connect_error", packet.slice(1));
  else if (packet.startsWith("2")) {
    const [event, data] = JSON.parse(packet.slice(1)) as [string, unknown];
    inbox.deliver(event, data);
  }
}

function socketIoUrl(baseUrl: string, transport: "polling" | "websocket", sid?: string): string {
  const url = new URL("/socket.io/", baseUrl);
  url.searchParams.set("EIO", "4");
  url.searchParams.set("transport", transport);
  if (sid) url.searchParams.set("sid", sid);
  if (transport === "websocket" && url.protocol === "https:") url.protocol = "wss:";
  return url.toString();
}

const encodeEvent = (event: string, data: unknown) => `42${JSON.stringify([event, data])}`;

/** Socket.IO over long-polling: one GET per poll, one POST per packet sent. */
export async function connectPolling(baseUrl: string, timeoutMs = 30_000): Promise<SocketIoClient> {
  const open = await httpRequest(socketIoUrl(baseUrl, "polling"), { timeoutMs });
  if (open.status !== 200 || !open.text().startsWith("0")) throw new Error(`socket.io polling handshake: ${open.status} ${open.text().slice(0, 200)}`);
  const { sid } = JSON.parse(open.text().slice(1)) as { sid: string };
  const url = socketIoUrl(baseUrl, "polling", sid);
  const inbox = new Inbox();
  let pings = 0;
  let reason: string | undefined;
  const post = async (body: string) => {
    const res = await httpRequest(url, { method: "POST", body, headers: { "content-type": "text/plain;charset=UTF-8" }, timeoutMs });
    if (res.status !== 200) throw new Error(`socket.io POST: ${res.status} ${res.text().slice(0, 200)}`);
  };
  // One poll at a time, as a browser does; bounded so a stuck server cannot spin it forever.
  const poll = async () => {
    for (let i = 0; i < 1000 && reason === undefined; i++) {
      const res = await httpRequest(url, { timeoutMs: 60_000 }).catch((e: Error) => ({ status: 0, text: () => e.message }));
      if (res.status !== 200) {
        reason ??= `poll answered ${res.status}: ${res.text().slice(0, 200)}`;
        return;
      }
      for (const packet of res.text().split(SEPARATOR)) {
        if (packet === "2") {
          pings++;
          await post("3");
        } else if (packet.startsWith("4")) onSocketIoPacket(packet.slice(1), inbox);
        else if (packet.startsWith("1")) reason ??= "server closed the session";
      }
    }
  };
  await post("40");
  void poll();
  await inbox.next("connect", timeoutMs);
  return {
    sid,
    emit: (event, data) => post(encodeEvent(event, data)),
    waitFor: (event, ms = timeoutMs) => inbox.next(event, ms),
    pingsAnswered: () => pings,
    closed: () => reason !== undefined,
    closeReason: () => reason,
    close: async () => {
      if (reason === undefined) await post("1").catch(() => undefined);
      reason ??= "closed by client";
    },
  };
}

/** Socket.IO over a websocket from the start (Engine.IO v4 allows it without polling first). */
export async function connectWebSocketIo(baseUrl: string, timeoutMs = 30_000): Promise<SocketIoClient & { ws: WebSocketClient }> {
  const ws = await connectWebSocket(socketIoUrl(baseUrl, "websocket"), { timeoutMs });
  const inbox = new Inbox();
  let sid: string | undefined;
  let pings = 0;
  let reason: string | undefined;
  const opened = new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error("socket.io websocket: no open packet")), timeoutMs);
    ws.onMessage((packet) => {
      if (packet.startsWith("0")) {
        sid = (JSON.parse(packet.slice(1)) as { sid: string }).sid;
        clearTimeout(timer);
        resolve();
      } else if (packet === "2") {
        pings++;
        ws.sendText("3");
      } else if (packet.startsWith("4")) onSocketIoPacket(packet.slice(1), inbox);
      else if (packet.startsWith("1")) reason ??= "server closed the session";
    });
  });
  ws.onClose((why) => (reason ??= why));
  await opened;
  ws.sendText("40");
  await inbox.next("connect", timeoutMs);
  return {
    ws,
    sid: sid ?? "",
    emit: async (event, data) => ws.sendText(encodeEvent(event, data)),
    waitFor: (event, ms = timeoutMs) => inbox.next(event, ms),
    pingsAnswered: () => pings,
    closed: () => reason !== undefined || ws.closed(),
    closeReason: () => reason,
    close: async () => {
      reason ??= "closed by client";
      ws.close();
    },
  };
}
