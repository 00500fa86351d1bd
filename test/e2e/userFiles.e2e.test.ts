// User files through the stack as the Docker target registers it (the harness reads the
// registered containers): an upload through nginx is written by a gevent worker into the
// uploads volume, served by the edge at the URL the app renders, from disk (never gunicorn),
// and still served after every worker container is replaced. The edge's body limit: 12 MiB
// passes, 16 MiB + 1 byte is nginx's 413.
import { existsSync, lstatSync, realpathSync } from "node:fs";
import { join } from "node:path";
import { plan } from "../support/settings";
import { startHarness, type Harness } from "./harness";
import { SLOW } from "./lib/standin";
import { httpRequest } from "./support";

const STACK = "test-files";
// One sync replica: the files are the gevent workers' and the edge's; sync only reads them.
const p = plan(STACK, { workers: { sync: { replicas: 1 } } });
const UPLOADS = `throat-${STACK}-uploads`;
const MiB = 1024 * 1024;

interface UploadAnswer {
  worker_type: string;
  file_url: string;
  thumbnail_url: string;
  stored_in: string;
}

/** A multipart/form-data body with one file field, as a browser sends it. */
function multipart(name: string, data: Buffer): { body: Buffer; headers: Record<string, string> } {
  const boundary = "----throat-e2e-boundary";
  const head = Buffer.from(
    `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="${name}"\r\nContent-Type: application/octet-stream\r\n\r\n`,
  );
  const tail = Buffer.from(`\r\n--${boundary}--\r\n`);
  return {
    body: Buffer.concat([head, data, tail]),
    headers: { "content-type": `multipart/form-data; boundary=${boundary}` },
  };
}

describe("user files on the test profile", () => {
  let h: Harness;
  let answer: UploadAnswer;
  const content = Buffer.alloc(12 * MiB, 0);
  content.write("a 12 MiB user upload", 0);

  beforeAll(async () => {
    h = await startHarness(p, { label: STACK });
  }, 3 * SLOW);
  afterAll(() => h?.stop(), SLOW);

  const fetchFile = (url: string) => httpRequest(`${h.httpsUrl}${new URL(url).pathname}`, { timeoutMs: SLOW });
  const stackUrl = `https://${p.settings.siteName}:${p.settings.edge.httpsPort}`;

  test(
    "a 12 MiB upload through the edge is stored by a gevent worker in the uploads volume",
    async () => {
      const { body, headers } = multipart("photo.png", content);
      const res = await httpRequest(`${h.httpsUrl}/do/upload/sample-sub`, {
        method: "POST",
        body,
        headers,
        timeoutMs: SLOW,
      });
      expect(res.status).toBe(200);
      answer = res.json<UploadAnswer>();
      expect(answer.worker_type).toBe("gevent");
      // The URLs the app renders are the stack's own, under the edge's /static/ (not /uploads/).
      expect(answer.file_url).toMatch(
        new RegExp(`^${stackUrl.replace(/[.]/g, "\\.")}/static/stor/[0-9a-f]{64}\\.png$`),
      );
      expect(answer.thumbnail_url).toMatch(
        new RegExp(`^${stackUrl.replace(/[.]/g, "\\.")}/static/thumbs/[0-9a-f]{64}\\.jpg$`),
      );
      // Written into the volume, not into the gevent container's own root.
      expect(answer.stored_in.startsWith(realpathSync(h.volumeDir(UPLOADS)))).toBe(true);
    },
    SLOW,
  );

  test(
    "the edge serves it at that URL from disk, cached for good, with no access-log line",
    async () => {
      const res = await fetchFile(answer.file_url);
      expect(res.status).toBe(200);
      expect(res.body.equals(content)).toBe(true);
      expect(res.headers["cache-control"]).toBe("max-age=315360000");
      const thumb = await fetchFile(answer.thumbnail_url);
      expect(thumb.status).toBe(200);
      // nginx logs access lines to its stdout; a proxied request shows up, the file does not.
      const probe = `proxied-probe-${Date.now()}`;
      expect((await httpRequest(`${h.httpsUrl}/?${probe}`)).status).toBe(200);
      for (let i = 0; i < 50 && !h.log("nginx").includes(probe); i++) await new Promise((r) => setTimeout(r, 100));
      expect(h.log("nginx")).toContain(probe);
      expect(h.log("nginx")).not.toContain("/static/stor/");
    },
    SLOW,
  );

  test("every worker container sees the file through the volume; each has its own root otherwise", () => {
    const name = answer.file_url.split("/").pop()!;
    const roots = new Set(h.workers.map((w) => w.root));
    expect(roots.size).toBe(h.workers.length);
    for (const w of h.workers) {
      const folder = join(w.root, "throat", "app", "static", "stor");
      expect(lstatSync(folder).isSymbolicLink()).toBe(true);
      expect(realpathSync(folder)).toBe(realpathSync(h.volumeDir(UPLOADS)));
      expect(existsSync(join(folder, name))).toBe(true);
      // What is not a volume is the container's own: a file written there stays there.
      expect(lstatSync(join(w.root, "throat", "app", "static")).isSymbolicLink()).toBe(false);
    }
  });

  test(
    "still served after every worker container is replaced, and new workers see it",
    async () => {
      const before = h.workers.map((w) => w.name);
      await h.replaceWorkers();
      expect(h.workers.map((w) => w.name).some((n) => before.includes(n))).toBe(false);
      const res = await fetchFile(answer.file_url);
      expect(res.status).toBe(200);
      expect(res.body.equals(content)).toBe(true);
      const name = answer.file_url.split("/").pop()!;
      for (const w of h.workers) expect(existsSync(join(w.root, "throat", "app", "static", "stor", name))).toBe(true);
    },
    3 * SLOW,
  );

  test(
    "never reaches gunicorn: with every worker stopped the edge still serves it; a missing file is nginx's 404",
    async () => {
      for (const w of h.workers) await h.kill(w.name);
      const res = await fetchFile(answer.file_url);
      expect(res.status).toBe(200);
      expect(res.body.equals(content)).toBe(true);
      const missing = await httpRequest(`${h.httpsUrl}/static/stor/${"0".repeat(64)}.png`);
      expect(missing.status).toBe(404);
      expect(missing.text()).toContain("nginx");
    },
    SLOW,
  );

  test(
    "16 MiB + 1 byte is refused by nginx with 413 (the app never sees it)",
    async () => {
      const res = await httpRequest(`${h.httpsUrl}/do/upload/sample-sub`, {
        method: "POST",
        body: Buffer.alloc(16 * MiB + 1, 0x61),
        headers: { "content-type": "application/octet-stream" },
        timeoutMs: SLOW,
      });
      expect(res.status).toBe(413);
      expect(res.text()).toContain("nginx");
    },
    SLOW,
  );
});
