// A minimal RFC 6455 websocket client on node:http/https (Node 20 has no WebSocket client
// without a flag): the upgrade handshake, masked client frames, text/binary messages,
// fragmentation, ping -> pong, close. Enough to talk Engine.IO through nginx; nothing more.
import { createHash, randomBytes } from "node:crypto";
import { request as httpRequest } from "node:http";
import { request as httpsRequest } from "node:https";
import type { Socket } from "node:net";

const GUID = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11";
const OP = { continuation: 0, text: 1, binary: 2, close: 8, ping: 9, pong: 10 } as const;

export interface WebSocketClient {
  /** The handshake's status (101) and headers. */
  status: number;
  headers: Record<string, string | string[] | undefined>;
  sendText(text: string): void;
  onMessage(listener: (text: string) => void): void;
  /** Called once, when the connection ends for any reason (close frame, reset, end). */
  onClose(listener: (reason: string) => void): void;
  closed(): boolean;
  close(): void;
}

export function connectWebSocket(url: string, options: { headers?: Record<string, string>; timeoutMs?: number } = {}): Promise<WebSocketClient> {
  const target = new URL(url);
  // node's http clients speak http:/https:; ws:/wss: name the same requests.
  if (target.protocol === "wss:") target.protocol = "https:";
  if (target.protocol === "ws:") target.protocol = "http:";
  const key = randomBytes(16).toString("base64");
  const send = target.protocol === "https:" ? httpsRequest : httpRequest;
  const req = send(target, {
    agent: false,
    rejectUnauthorized: false, // the harness's self-signed certificate
    headers: { Connection: "Upgrade", Upgrade: "websocket", "Sec-WebSocket-Key": key, "Sec-WebSocket-Version": "13", ...(options.headers ?? {}) },
  });
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => req.destroy(new Error(`websocket ${url}: no handshake within ${options.timeoutMs ?? 30_000} ms`)), options.timeoutMs ?? 30_000);
    req.on("error", (e) => {
      clearTimeout(timer);
      reject(e);
    });
    req.on("response", (res) => {
      clearTimeout(timer);
      res.resume();
      reject(new Error(`websocket ${url}: answered ${res.statusCode} instead of 101`));
    });
    req.on("upgrade", (res, socket, head) => {
      clearTimeout(timer);
      const accept = createHash("sha1").update(key + GUID).digest("base64");
      if (res.headers["sec-websocket-accept"] !== accept) {
        socket.destroy();
        reject(new Error(`websocket ${url}: bad Sec-WebSocket-Accept`));
        return;
      }
      resolve(wrap(socket, head, res.statusCode ?? 0, res.headers));
    });
    req.end();
  });
}

/** One frame, client to server: always masked (RFC 6455 5.3). */
export function encodeFrame(opcode: number, payload: Buffer): Buffer {
  const n = payload.length;
  const head = n < 126 ? Buffer.alloc(2) : n < 65536 ? Buffer.alloc(4) : Buffer.alloc(10);
  head[0] = 0x80 | opcode;
  if (n < 126) head[1] = 0x80 | n;
  else if (n < 65536) {
    head[1] = 0x80 | 126;
    head.writeUInt16BE(n, 2);
  } else {
    head[1] = 0x80 | 127;
    head.writeBigUInt64BE(BigInt(n), 2);
  }
  const mask = randomBytes(4);
  const body = Buffer.alloc(n);
  for (let i = 0; i < n; i++) body[i] = payload[i]! ^ mask[i % 4]!;
  return Buffer.concat([head, mask, body]);
}

interface Frame {
  fin: boolean;
  opcode: number;
  payload: Buffer;
  /** Bytes the frame took. */
  size: number;
}

/** Parses one frame from the start of `buf`, or undefined if it is not complete yet. */
export function decodeFrame(buf: Buffer): Frame | undefined {
  if (buf.length < 2) return undefined;
  const b0 = buf[0]!;
  const b1 = buf[1]!;
  let length = b1 & 0x7f;
  let offset = 2;
  if (length === 126) {
    if (buf.length < 4) return undefined;
    length = buf.readUInt16BE(2);
    offset = 4;
  } else if (length === 127) {
    if (buf.length < 10) return undefined;
    length = Number(buf.readBigUInt64BE(2));
    offset = 10;
  }
  const masked = (b1 & 0x80) !== 0;
  const mask = masked ? buf.subarray(offset, offset + 4) : undefined;
  if (masked) offset += 4;
  if (buf.length < offset + length) return undefined;
  const payload = Buffer.from(buf.subarray(offset, offset + length));
  if (mask) for (let i = 0; i < payload.length; i++) payload[i] = payload[i]! ^ mask[i % 4]!;
  return { fin: (b0 & 0x80) !== 0, opcode: b0 & 0x0f, payload, size: offset + length };
}

function wrap(socket: Socket, head: Buffer, status: number, headers: WebSocketClient["headers"]): WebSocketClient {
  const messageListeners: ((text: string) => void)[] = [];
  const closeListeners: ((reason: string) => void)[] = [];
  let buffer = head;
  let fragments: Buffer[] = [];
  let isClosed = false;
  const finish = (reason: string) => {
    if (isClosed) return;
    isClosed = true;
    socket.destroy();
    for (const l of closeListeners) l(reason);
  };
  const write = (opcode: number, payload: Buffer) => {
    if (!isClosed && socket.writable) socket.write(encodeFrame(opcode, payload));
  };
  const consume = () => {
    for (let frame = decodeFrame(buffer); frame; frame = decodeFrame(buffer)) {
      buffer = buffer.subarray(frame.size);
      if (frame.opcode === OP.ping) write(OP.pong, frame.payload);
      else if (frame.opcode === OP.close) {
        write(OP.close, frame.payload.subarray(0, 2));
        finish(`close frame ${frame.payload.length >= 2 ? frame.payload.readUInt16BE(0) : ""}`.trim());
        return;
      } else if (frame.opcode === OP.text || frame.opcode === OP.binary || frame.opcode === OP.continuation) {
        fragments.push(frame.payload);
        if (frame.fin) {
          const text = Buffer.concat(fragments).toString("utf8");
          fragments = [];
          for (const l of messageListeners) l(text);
        }
      }
    }
  };
  socket.on("data", (d: Buffer) => {
    buffer = buffer.length ? Buffer.concat([buffer, d]) : d;
    consume();
  });
  socket.on("error", (e) => finish(`error: ${e.message}`));
  socket.on("close", () => finish("connection closed"));
  socket.on("end", () => finish("connection ended"));
  queueMicrotask(consume); // frames that arrived with the 101 response
  return {
    status,
    headers,
    sendText: (text) => write(OP.text, Buffer.from(text, "utf8")),
    onMessage: (l) => void messageListeners.push(l),
    onClose: (l) => void closeListeners.push(l),
    closed: () => isClosed,
    close: () => {
      write(OP.close, Buffer.from([0x03, 0xe8])); // 1000: normal closure
      finish("closed by client");
    },
  };
}
