// The real Throat application on the test plan as the Docker target registers it, for the user
// files, in CI too (lib/realApp.ts: where the tree and its stubs come from):
//   npx jest --selectProjects e2e --runTestsByPath test/e2e/realThroatFiles.e2e.test.ts
//
// Two ways in, both fetched through the edge before and after every worker container is
// replaced: an image and its thumbnail stored by Throat's own storage code (store_file,
// store_thumbnail) inside one worker container's root and configuration, at the URLs Throat
// renders for them (file_url, thumbnail_url); and an image uploaded through the app's own HTTP
// route, as a browser does (a sub's image upload, /do/upload/<sub>, on a gevent worker).
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { plan } from "../support/settings";
import { startHarness, type Harness } from "./harness";
import { describeWith, realApp, STORAGE_IN_APP } from "./lib/realApp";
import { servedBy } from "./lib/realRoutes";
import { SLOW } from "./lib/standin";
import { Browser, field, login, register } from "./lib/throatBrowser";
import { httpRequest, runCommand } from "./support";

const real = realApp("realThroatFiles.e2e.test.ts");

const p = plan("test-real", { workers: { sync: { replicas: 1, processes: 1 } } });
const UPLOADS = `throat-${p.settings.stack}-uploads`; // the stack's uploads volume (components/docker/userFiles.ts)
const STORE = [
  "import io, json",
  ...STORAGE_IN_APP,
  "    im = Image.new('RGB', (64, 64), (200, 30, 30))",
  "    buf = io.BytesIO(); im.save(buf, 'PNG'); buf.seek(0)",
  "    name = storage.store_file(FileStorage(stream=buf, filename='red.png'), 'e2ered', 'image/png')",
  "    thumb = storage.store_thumbnail(im, 'e2ered')",
  "    print(json.dumps({'file': storage.file_url(name), 'thumbnail': storage.thumbnail_url(thumb)}))",
].join("\n");

/** A small PNG (Throat checks the type from the bytes), drawn by Debian's PIL. */
const PNG_SCRIPT =
  "import base64, io; from PIL import Image; b = io.BytesIO(); " +
  "Image.new('RGB', (48, 48), (20, 90, 200)).save(b, 'PNG'); print(base64.b64encode(b.getvalue()).decode())";

/** A multipart/form-data body: text fields, then one file. */
function multipart(
  fields: Record<string, string>,
  file: { name: string; filename: string; type: string; bytes: Buffer },
) {
  const boundary = `e2e${Date.now()}`;
  const parts = Object.entries(fields).map(
    ([k, v]) => `--${boundary}\r\nContent-Disposition: form-data; name="${k}"\r\n\r\n${v}\r\n`,
  );
  const head = `--${boundary}\r\nContent-Disposition: form-data; name="${file.name}"; filename="${file.filename}"\r\nContent-Type: ${file.type}\r\n\r\n`;
  return {
    body: Buffer.concat([Buffer.from(parts.join("") + head), file.bytes, Buffer.from(`\r\n--${boundary}--\r\n`)]),
    contentType: `multipart/form-data; boundary=${boundary}`,
  };
}

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

  // The uploaded image's path on the edge and its bytes as Throat stored them.
  let uploaded: { path: string; bytes: Buffer };
  const expectServed = async (file: { path: string; bytes: Buffer }) => {
    const res = await httpRequest(`${h.httpsUrl}${file.path}`);
    expect([res.status, res.headers["content-type"]]).toEqual([200, "image/png"]);
    expect(res.body.equals(file.bytes)).toBe(true);
  };
  const SUB = "e2epics";

  test(
    "an image uploaded through Throat's own route (/do/upload/<sub>) lands in the uploads volume and answers 200",
    async () => {
      const user = `files${Date.now() % 100000}`;
      expect((await register(new Browser(h.httpsUrl), h.redis, user, "correct-horse-2")).status).toBe(302);
      // A sub's image upload needs a sub, and a new site's subs are made by admins.
      const gevent = h.byKind("gevent")[0]!;
      await runCommand("/usr/bin/python3", ["throat.py", "admin", "add", user], {
        cwd: join(gevent.root, "throat"),
        env: { ...gevent.env, PYTHONDONTWRITEBYTECODE: "1" },
        timeoutMs: SLOW,
      });
      const admin = new Browser(h.httpsUrl);
      expect((await login(admin, user, "correct-horse-2")).status).toBe(302);
      const create = await admin.request("/createsub");
      const made = await admin.request("/createsub", {
        form: { csrf_token: field(create.text(), "csrf_token"), subname: SUB, title: "E2E pictures" },
      });
      expect([made.status, made.headers.location]).toEqual([302, `/s/${SUB}`]);

      const png = Buffer.from(
        (await runCommand("/usr/bin/python3", ["-c", PNG_SCRIPT], { timeoutMs: SLOW })).trim(),
        "base64",
      );
      const form = multipart(
        { name: "e2epic" },
        { name: "files", filename: "blue.png", type: "image/png", bytes: png },
      );
      const marker = `e2e-upload-${Date.now()}`;
      const res = await admin.request(`/do/upload/${SUB}?${marker}`, { method: "POST", ...form });
      expect([res.status, res.headers.location]).toEqual([302, `/s/${SUB}/edit/css`]);
      // The row Throat wrote names the stored file, in the uploads volume every container mounts.
      const sql = `SELECT fileid FROM sub_uploads WHERE name = 'e2epic';`;
      const fileid = (await h.postgres.psql(sql, { database: "throat" })).trim();
      expect(fileid).toMatch(/^[0-9a-f-]{36}\.png$/);
      uploaded = { path: `/static/stor/${fileid}`, bytes: readFileSync(join(h.volumeDir(UPLOADS), fileid)) };
      expect(uploaded.bytes.subarray(0, 8).toString("hex")).toBe("89504e470d0a1a0a"); // a PNG
      await expectServed(uploaded);
      // The plan's access log: the POST ran on the gevent worker, as the route list says.
      expect(await servedBy(h, marker)).toEqual(["gevent"]);
      // Its thumbnail is not checked here: Throat makes it by fetching the file's public URL
      // (https://localhost:8443/..., file_url) from the worker, where no edge listens and the
      // self-signed certificate would be refused; the storage-code image above has one.
    },
    SLOW,
  );

  test(
    "after every worker container is replaced, all three still answer 200, byte for byte for the upload, and / still serves",
    async () => {
      await h.replaceWorkers();
      for (const url of Object.values(urls))
        expect((await httpRequest(`${h.httpsUrl}${new URL(url).pathname}`)).status).toBe(200);
      await expectServed(uploaded);
      expect((await httpRequest(`${h.httpsUrl}/`, { timeoutMs: SLOW })).status).toBe(200);
    },
    5 * SLOW,
  );
});
