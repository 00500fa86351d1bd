// Throat's storage section and what the targets place, per profile; the asset publish step
// run for real (Python, with a recording stand-in for boto3).
import { execFileSync, spawnSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { MIGRATION_ARGV } from "../../components/plan";
import { PROJECT_ROOT } from "../../components/projectRoot";
import {
  ASSET_PUBLISHER,
  LOCAL_FOLDERS,
  planStorage,
  S3_PREFIXES,
  withAssetPublish,
} from "../../components/plan/storage";
import { plan, settings, PROD_REQUIRED } from "../support/settings";

/** The publisher as this repository holds it, the file the app image carries. */
const PUBLISHER = join(PROJECT_ROOT, "throat", ASSET_PUBLISHER);

describe("test profile: LOCAL storage on the stack's own URL", () => {
  const s = settings("test-alice");
  const storage = planStorage(s);

  test("files go to Throat's own folders, linked under /static/ on the published HTTPS port", () => {
    const origin = `https://localhost:${s.edge.httpsPort}`;
    expect(storage.section).toEqual({
      provider: "LOCAL",
      server: false,
      uploads: { path: LOCAL_FOLDERS.uploads, url: `${origin}/static/stor/` },
      thumbnails: { path: LOCAL_FOLDERS.thumbnails, url: `${origin}/static/thumbs/` },
    });
    // Never Throat's own /uploads/<page> route (a user's list of uploads).
    for (const url of Object.values(storage.urls)) expect(new URL(url).pathname.startsWith("/uploads")).toBe(false);
    expect(storage.env).toEqual({});
  });

  test("one volume per kind, at the folder the config names (Throat creates the uploads folder without parents)", () => {
    expect(storage.volumes).toEqual([
      { kind: "uploads", name: "throat-test-alice-uploads", appPath: "/throat/app/static/stor", edgeSubdir: "stor" },
      {
        kind: "thumbnails",
        name: "throat-test-alice-thumbnails",
        appPath: "/throat/app/static/thumbs",
        edgeSubdir: "thumbs",
      },
    ]);
  });

  test("the site name and port 443 make the URL", () => {
    const custom = planStorage(settings("test-x", { siteName: "forum.test", edge: { httpPort: 80, httpsPort: 443 } }));
    expect(custom.urls).toEqual({
      uploads: "https://forum.test/static/stor/",
      thumbnails: "https://forum.test/static/thumbs/",
    });
  });

  test("every kind's config.yaml carries the same section", () => {
    const p = plan("test-alice");
    for (const file of Object.values(p.app.configFiles)) expect(file.values.storage).toEqual(storage.section);
  });

  test("destroy removes test files unless throat:storage.retainOnDelete is true", () => {
    expect(storage.retainOnDelete).toBe(false);
    expect(planStorage(settings("test-alice", { storage: { retainOnDelete: true } })).retainOnDelete).toBe(true);
  });

  test("an unknown storage key is refused, naming it", () => {
    expect(() => settings("test-alice", { storage: { retain: true } })).toThrow(/throat:storage: unknown key "retain"/);
  });
});

describe("prod profile: S3 behind the CDN", () => {
  const storage = planStorage(settings("prod", PROD_REQUIRED));

  test("S3: uploads at the root (Throat's get/delete name keys without a prefix), thumbs/ prefixed; bucket and CDN host from the environment", () => {
    expect(storage.section).toEqual({
      provider: "S3",
      acl: "bucket-owner-full-control",
      uploads: { filename_prefix: "" },
      thumbnails: { filename_prefix: "thumbs/" },
    });
    expect(storage.env).toEqual({
      STORAGE_CONTAINER: "{{bucket}}",
      STORAGE_UPLOADS_URL: "https://{{filesHost}}/",
      STORAGE_THUMBNAILS_URL: "https://{{filesHost}}/thumbs/",
    });
    expect(storage.volumes).toEqual([]);
    expect(storage.retainOnDelete).toBe(true);
  });

  test("the plan's env carries the placeholders; the migration publishes assets first, test's does not", () => {
    const p = plan("prod");
    expect(p.app.env).toMatchObject(storage.env);
    expect(p.migration.argv).toEqual(withAssetPublish(MIGRATION_ARGV));
    expect(p.migration.argv[2]).toBe(
      'cp "configs/$CONFIG_NAME/config.yaml" config.yaml && python3 stack/check_routes.py stack/expected-routes.tsv && ' +
        "python3 stack/publish_static.py static/ /throat/app/static/ && exec python3 throat.py migration apply",
    );
    expect(p.migration.imageFiles).toEqual(["stack/check_routes.py", ASSET_PUBLISHER]);
    expect(plan("test").migration.argv).toEqual(MIGRATION_ARGV);
    expect(plan("test").migration.imageFiles).toEqual(["stack/check_routes.py"]);
  });

  test("the static tier falls back to the CDN for files its image lacks", () => {
    const http = plan("prod").edge.nginxFiles["throat/http.conf"]!;
    expect(http).toContain("try_files $uri @release_assets;");
    expect(http).toContain("proxy_ssl_verify on;");
  });
});

describe("the asset publish step (Python, boto3 recorded)", () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), "assets-"));
    const root = join(dir, "static");
    for (const d of ["gen", "css", "stor", "thumbs"]) mkdirSync(join(root, d), { recursive: true });
    writeFileSync(join(root, "gen", "main.4f2a9c.js"), "js");
    writeFileSync(join(root, "css", "site.css"), "css");
    writeFileSync(join(root, "stor", ".gitignore"), "*");
    writeFileSync(join(root, "thumbs", ".gitignore"), "*");
    mkdirSync(join(dir, "fake", "boto3"), { recursive: true });
    // Records every call; any method but upload_file fails the run.
    writeFileSync(
      join(dir, "fake", "boto3", "__init__.py"),
      [
        "import json, os",
        "class _S3:",
        "    def upload_file(self, path, bucket, key, ExtraArgs=None):",
        "        with open(os.environ['RECORD'], 'a') as f: f.write(json.dumps([bucket, key, ExtraArgs]) + '\\n')",
        "def client(name):",
        "    assert name == 's3'",
        "    return _S3()",
      ].join("\n"),
    );
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  test("uploads every file of the release under static/, hashed ones cached for a year, deletes nothing", () => {
    const record = join(dir, "record.jsonl");
    execFileSync("/usr/bin/python3", [PUBLISHER, S3_PREFIXES.assets, `${join(dir, "static")}/`], {
      env: { PATH: process.env.PATH, PYTHONPATH: join(dir, "fake"), STORAGE_CONTAINER: "the-bucket", RECORD: record },
    });
    const calls = readFileSync(record, "utf8")
      .trim()
      .split("\n")
      .map((l) => JSON.parse(l) as [string, string, Record<string, string>]);
    expect(calls.sort((a, b) => a[1].localeCompare(b[1]))).toEqual([
      ["the-bucket", "static/css/site.css", { ContentType: "text/css", CacheControl: "public, max-age=3600" }],
      [
        "the-bucket",
        "static/gen/main.4f2a9c.js",
        { ContentType: expect.stringMatching(/javascript/), CacheControl: "public, max-age=31536000, immutable" },
      ],
    ]);
  });

  test("the shell command runs the publisher by name, and the migration only after it succeeded", () => {
    const [, , command] = withAssetPublish(["/bin/sh", "-c", "echo migrated"]);
    const local = command!
      .replace(ASSET_PUBLISHER, PUBLISHER)
      .replace(" /throat/app/static/ ", ` ${join(dir, "static")}/ `);
    const env = {
      PATH: process.env.PATH,
      PYTHONPATH: join(dir, "fake"),
      STORAGE_CONTAINER: "b",
      RECORD: join(dir, "sh.jsonl"),
    };
    expect(execFileSync("/bin/sh", ["-c", local], { env }).toString()).toBe("migrated\n");
    expect(readFileSync(join(dir, "sh.jsonl"), "utf8").trim().split("\n")).toHaveLength(2);
    // No bucket in the environment: the publish fails, and the migration never starts.
    expect(() =>
      execFileSync("/bin/sh", ["-c", local], { env: { ...env, STORAGE_CONTAINER: undefined }, stdio: "pipe" }),
    ).toThrow(/KeyError: 'STORAGE_CONTAINER'/);
  });

  test("a step before the migration that fails (the route check) leaves the bucket untouched", () => {
    const [, , command] = withAssetPublish(["/bin/sh", "-c", "true && exit 3 && echo migrated"]);
    expect(command).toMatch(/^true && exit 3 && python3 stack\/publish_static\.py .* && echo migrated$/);
    const record = join(dir, "refused.jsonl");
    const local = command!
      .replace(ASSET_PUBLISHER, PUBLISHER)
      .replace(" /throat/app/static/ ", ` ${join(dir, "static")}/ `);
    const env = { PATH: process.env.PATH, PYTHONPATH: join(dir, "fake"), STORAGE_CONTAINER: "b", RECORD: record };
    expect(spawnSync("/bin/sh", ["-c", local], { env }).status).toBe(3);
    expect(existsSync(record)).toBe(false);
  });
});

describe("throat:app cannot take the store over", () => {
  test("a storage key in throat:app is refused, naming throat:storage", () => {
    expect(() => plan("test-alice", { app: { storage: { provider: "S3" } } })).toThrow(
      /throat:app\.storage: the stack sets storage itself; use throat:storage/,
    );
  });
});
