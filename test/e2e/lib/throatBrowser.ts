// A browser's part of talking to the real Throat: its session cookie (Secure, so only over
// https), the hidden fields of its forms, and an account registered through its own pages.
import type { RedisServer } from "../support";
import { httpRequest, type HttpResponse } from "../support";
import { SLOW } from "./standin";

export interface BrowserRequest {
  method?: string;
  form?: Record<string, string>;
  /** A raw body with its own content type (multipart uploads). */
  body?: Buffer;
  contentType?: string;
}

/**
 * A tiny cookie jar in front of httpRequest. `base` is one edge URL (nginx) or, on the prod
 * profile, the worker kind the ALB rules pick for a path; `headers` go on every request (the
 * ALB's forwarding headers).
 */
export class Browser {
  private cookies = new Map<string, string>();
  /** Every Set-Cookie line received, attributes and all. */
  readonly setCookies: string[] = [];
  constructor(
    private readonly base: string | ((path: string) => string),
    private readonly headers: Record<string, string> = {},
  ) {}

  /** The Cookie header this browser sends (for the socket.io clients). */
  cookieHeader(): string {
    return [...this.cookies].map(([k, v]) => `${k}=${v}`).join("; ");
  }

  async request(path: string, options: BrowserRequest = {}): Promise<HttpResponse> {
    const headers: Record<string, string> = { ...this.headers, cookie: this.cookieHeader() };
    let body: string | Buffer | undefined = options.body;
    if (options.contentType) headers["content-type"] = options.contentType;
    if (options.form) {
      body = new URLSearchParams(options.form).toString();
      headers["content-type"] = "application/x-www-form-urlencoded";
    }
    const base = typeof this.base === "string" ? this.base : this.base(path);
    const res = await httpRequest(`${base}${path}`, {
      method: options.method ?? (body ? "POST" : "GET"),
      headers,
      body,
      timeoutMs: SLOW,
    });
    for (const line of [res.headers["set-cookie"] ?? []].flat()) {
      this.setCookies.push(line);
      const [pair] = line.split(";");
      const i = pair!.indexOf("=");
      this.cookies.set(pair!.slice(0, i), pair!.slice(i + 1));
    }
    return res;
  }
}

/** A form field's value in a page (either attribute order). */
export const field = (html: string, name: string): string => {
  const m = new RegExp(`name="${name}"[^>]*value="([^"]*)"|value="([^"]*)"[^>]*name="${name}"`).exec(html);
  if (!m) throw new Error(`no ${name} field in the page`);
  return m[1] ?? m[2] ?? "";
};

/** Registers `user` through /register as a person would; the answer to the POST. */
export async function register(browser: Browser, redis: Pick<RedisServer, "cli">, user: string, password: string) {
  const form = await browser.request("/register");
  if (form.status !== 200) throw new Error(`GET /register: ${form.status}`);
  const html = form.text();
  const ctok = field(html, "ctok");
  // Throat keeps the captcha's answer in its Redis (app.redis_url) under cap-<token>.
  const answer = ctok ? (await redis.cli("GET", `cap-${ctok}`)).trim() : "";
  return browser.request("/register", {
    form: {
      csrf_token: field(html, "csrf_token"),
      username: user,
      email_optional: `${user}@example.org`,
      password,
      confirm: password,
      accept_tos: "y",
      ctok,
      captcha: answer,
    },
  });
}

/** Logs `user` in through /login; the answer to the POST (302 when it worked). */
export async function login(browser: Browser, user: string, password: string): Promise<HttpResponse> {
  const page = await browser.request("/login");
  if (page.status !== 200) throw new Error(`GET /login: ${page.status}`);
  return browser.request("/login", {
    form: { csrf_token: field(page.text(), "csrf_token"), username: user, password },
  });
}
