// Minimal HTTP client for the e2e tests, on node:http rather than fetch:
// - fetch forbids setting the Host header, which nginx virtual-host and
//   proxy tests need;
// - `agent: false` opens one connection per request and closes it, so no
//   keep-alive socket outlives a test (jest would report open handles) and a
//   killed upstream cannot poison a pooled connection.
import { request as httpRequestRaw } from "node:http";
import { request as httpsRequestRaw } from "node:https";

export interface HttpOptions {
  method?: string;
  headers?: Record<string, string>;
  body?: string | Buffer;
  timeoutMs?: number;
  /** For https URLs: accept self-signed test certificates (default true). */
  insecure?: boolean;
}

export interface HttpResponse {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: Buffer;
  text(): string;
  json<T = unknown>(): T;
}

export function httpRequest(url: string, options: HttpOptions = {}): Promise<HttpResponse> {
  const target = new URL(url);
  const send = target.protocol === "https:" ? httpsRequestRaw : httpRequestRaw;
  const body = options.body === undefined ? undefined : Buffer.from(options.body);
  const headers: Record<string, string> = { ...(options.headers ?? {}) };
  if (body !== undefined && !Object.keys(headers).some((h) => h.toLowerCase() === "content-length")) {
    headers["content-length"] = String(body.length);
  }
  return new Promise((resolve, reject) => {
    const req = send(
      target,
      {
        method: options.method ?? "GET",
        headers,
        agent: false,
        timeout: options.timeoutMs ?? 30_000,
        rejectUnauthorized: !(options.insecure ?? true),
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on("data", (chunk: Buffer) => chunks.push(chunk));
        res.on("error", reject);
        res.on("end", () => {
          const data = Buffer.concat(chunks);
          resolve({
            status: res.statusCode ?? 0,
            headers: res.headers,
            body: data,
            text: () => data.toString("utf8"),
            json: <T>() => JSON.parse(data.toString("utf8")) as T,
          });
        });
      },
    );
    req.on("timeout", () => req.destroy(new Error(`HTTP ${options.method ?? "GET"} ${url}: timed out`)));
    req.on("error", reject);
    req.end(body);
  });
}
