// gunicorn access logs (plan/accessLog.ts, through GUNICORN_CMD_ARGS in the launch env): every
// request a sync or gevent process serves is logged with the client's address as the app's
// ProxyFix resolved it, not the proxy's. The stack has a CDN in front (outerProxies 1), so the
// app trusts two X-Forwarded-For hops: the CDN's entry names the client.
import { plan } from "../support/settings";
import { startHarness, type Harness } from "./harness";
import { SLOW } from "./lib/standin";
import { httpRequest } from "./support";

const p = plan("test-accesslog", { edge: { outerProxies: 1 }, workers: { sync: { replicas: 1 } } });
const CLIENT = "203.0.113.7";
const CDN = "198.51.100.2";

describe("gunicorn access logs", () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness(p);
  }, 3 * SLOW);
  afterAll(() => h?.stop(), SLOW);

  test("the plan hands every kind the access-log flags", () => {
    for (const w of p.workers)
      expect(w.launchEnv.GUNICORN_CMD_ARGS).toContain("--access-logfile - --access-logformat '%(h)s ");
  });

  test.each(["sync", "gevent"] as const)(
    "%s: a request's line names the client ProxyFix resolved",
    async (kind) => {
      const w = h.byKind(kind)[0]!;
      // Straight to gunicorn from 127.0.0.1 (standing in for nginx), as the CDN and nginx forward.
      const res = await httpRequest(`${w.server.url}/_standin/info?probe=${kind}`, {
        headers: { "x-forwarded-for": `${CLIENT}, ${CDN}` },
      });
      expect(res.status).toBe(200);
      const deadline = Date.now() + 10_000;
      let line: string | undefined;
      while (!line && Date.now() < deadline) {
        line = h
          .log(w.name)
          .split("\n")
          .find((l) => l.includes(`probe=${kind}`));
        if (!line) await new Promise((r) => setTimeout(r, 200));
      }
      expect(line).toMatch(
        new RegExp(`^${CLIENT.replace(/\./g, "\\.")} "GET /_standin/info\\?probe=${kind} HTTP/1\\.1" 200 \\d+ \\d+ms `),
      );
    },
    SLOW,
  );
});
