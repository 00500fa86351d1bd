// The real Throat application on the test plan as the Docker target registers it, for the user
// files, in CI too (lib/realApp.ts: where the tree and its stubs come from):
//   npx jest --selectProjects e2e --runTestsByPath test/e2e/realThroatFiles.e2e.test.ts
//
// It stores an image and its thumbnail with Throat's own storage code (app.storage.store_file,
// store_thumbnail) inside one worker container's root and configuration, then fetches the
// URLs Throat renders for them (file_url, thumbnail_url) through the edge, before and after
// every worker container is replaced.
import { join } from "node:path";
import { plan } from "../support/settings";
import { startHarness, type Harness } from "./harness";
import { describeWith, realApp } from "./lib/realApp";
import { SLOW } from "./lib/standin";
import { httpRequest, runCommand } from "./support";

const real = realApp("realThroatFiles.e2e.test.ts");

const p = plan("test-real", { workers: { sync: { replicas: 1, processes: 1 } } });
const STORE = [
  "import io, json",
  "from PIL import Image",
  "from werkzeug.datastructures import FileStorage",
  "from app import create_app",
  "app = create_app()",
  "with app.test_request_context():",
  "    from app import storage",
  "    im = Image.new('RGB', (64, 64), (200, 30, 30))",
  "    buf = io.BytesIO(); im.save(buf, 'PNG'); buf.seek(0)",
  "    name = storage.store_file(FileStorage(stream=buf, filename='red.png'), 'e2ered', 'image/png')",
  "    thumb = storage.store_thumbnail(im, 'e2ered')",
  "    print(json.dumps({'file': storage.file_url(name), 'thumbnail': storage.thumbnail_url(thumb)}))",
].join("\n");

describeWith(real)("the real Throat: user files on the stack's domain, through the edge", () => {
  let h: Harness;
  let urls: { file: string; thumbnail: string };
  beforeAll(async () => {
    h = await startHarness(p, {
      appDir: real!.appDir,
      wsgiModule: "throat_prod:app",
      pythonPath: real!.stubs,
      label: "test-real",
      bootTimeoutMs: 300_000,
    });
  }, 10 * SLOW);
  afterAll(() => h?.stop(), SLOW);

  test(
    "GET / through the edge is Throat's front page",
    async () => {
      const res = await httpRequest(`${h.httpsUrl}/`, { timeoutMs: SLOW });
      expect(res.status).toBe(200);
    },
    SLOW,
  );

  test(
    "an image stored by Throat's storage code in a gevent container links to the stack's URL and answers 200",
    async () => {
      const gevent = h.byKind("gevent")[0]!;
      const out = await runCommand("/usr/bin/python3", ["-c", STORE], {
        cwd: join(gevent.root, "throat"),
        env: { ...gevent.env, PYTHONDONTWRITEBYTECODE: "1" },
        timeoutMs: SLOW,
      });
      urls = JSON.parse(out.trim().split("\n").pop()!) as typeof urls;
      const origin = `https://${p.settings.siteName}:${p.settings.edge.httpsPort}`;
      expect(urls.file).toMatch(new RegExp(`^${origin}/static/stor/e2ered\\.png$`));
      expect(urls.thumbnail).toMatch(new RegExp(`^${origin}/static/thumbs/e2ered\\.jpg$`));
      for (const url of Object.values(urls))
        expect((await httpRequest(`${h.httpsUrl}${new URL(url).pathname}`)).status).toBe(200);
    },
    SLOW,
  );

  test(
    "after every worker container is replaced, both still answer 200, and / still serves",
    async () => {
      await h.replaceWorkers();
      for (const url of Object.values(urls))
        expect((await httpRequest(`${h.httpsUrl}${new URL(url).pathname}`)).status).toBe(200);
      expect((await httpRequest(`${h.httpsUrl}/`, { timeoutMs: SLOW })).status).toBe(200);
    },
    5 * SLOW,
  );
});
