// A tiny browser for the real Throat: a cookie jar, forms, and Throat's register + login flow.
// `base` is one edge URL (nginx) or, on the prod profile, the worker kind the ALB rules pick for
// a path; `headers` go on every request (the ALB's forwarding headers).
import { SLOW } from "./standin";
import { httpRequest, type HttpResponse } from "../support";

export class Browser {
  private cookies = new Map<string, string>();
  /** Every Set-Cookie line received, as sent (attributes too). */
  readonly setCookies: string[] = [];
  constructor(
    private readonly base: string | ((path: string) => string),
    private readonly headers: Record<string, string> = {},
  ) {}

  async request(path: string, options: { method?: string; form?: Record<string, string> } = {}): Promise<HttpResponse> {
    const cookie = [...this.cookies].map(([k, v]) => `${k}=${v}`).join("; ");
    const headers: Record<string, string> = { ...this.headers, cookie };
    let body: string | undefined;
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

export function field(html: string, name: string): string {
  const m = new RegExp(`name="${name}"[^>]*value="([^"]*)"|value="([^"]*)"[^>]*name="${name}"`).exec(html);
  if (!m) throw new Error(`no ${name} field in the page`);
  return m[1] ?? m[2] ?? "";
}

/**
 * Registers a new user through /register, then logs in with a fresh browser; returns that one.
 * `captcha(token)` reads the answer Throat keeps in its Redis (app.redis_url) under cap-<token>.
 */
export async function registerAndLogin(
  newBrowser: () => Browser,
  captcha: (key: string) => Promise<string>,
): Promise<{ user: string; browser: Browser }> {
  const browser = newBrowser();
  const form = await browser.request("/register");
  expect(form.status).toBe(200);
  const html = form.text();
  const ctok = field(html, "ctok");
  const answer = ctok ? (await captcha(`cap-${ctok}`)).trim() : "";
  const user = `stack${Date.now() % 100000}`;
  const registered = await browser.request("/register", {
    form: {
      csrf_token: field(html, "csrf_token"),
      username: user,
      email_optional: `${user}@example.org`,
      password: "correct-horse-1",
      confirm: "correct-horse-1",
      accept_tos: "y",
      ctok,
      captcha: answer,
    },
  });
  expect([registered.status, registered.headers.location]).toEqual([302, "/welcome"]);

  const fresh = newBrowser();
  const loginPage = await fresh.request("/login");
  expect(loginPage.status).toBe(200);
  const login = await fresh.request("/login", {
    form: { csrf_token: field(loginPage.text(), "csrf_token"), username: user, password: "correct-horse-1" },
  });
  expect(login.status).toBe(302);
  const home = await fresh.request("/");
  expect(home.status).toBe(200);
  expect(home.text()).toContain(user);
  return { user, browser: fresh };
}
