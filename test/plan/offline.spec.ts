import { spawnSync } from "node:child_process";
import { copyFileSync, mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { parse } from "yaml";
import { planFromConfig, PROJECT_ROOT, StackConfigError } from "../../components/load";
import { settingsSchema } from "../../components/settings/schema";
import { readStackConfig, SECRET_PLACEHOLDER } from "../../scripts/offline/stackFile";
import { planCli } from "../../scripts/plan/cli";
import { TSX_NODE, tsxArgs } from "../support/tsx";

describe("stack files read offline", () => {
  it("turn secure: values into placeholders marked secret, never decrypted", () => {
    const dir = mkdtempSync(path.join(tmpdir(), "throat-stackfile-"));
    copyFileSync(
      path.join(__dirname, "../fixtures/Pulumi.test-secure.yaml"),
      path.join(dir, "Pulumi.test-secure.yaml"),
    );
    const { config, secretKeys } = readStackConfig(dir, "test-secure");
    expect(config["throat:secretKey"]).toBe(SECRET_PLACEHOLDER);
    expect(secretKeys).toEqual(["throat:secretKey"]);
    expect(JSON.parse(config["throat:workers"]!)).toEqual({ gevent: { workerConnections: 25 } });
    const plan = planFromConfig("test-secure", config, secretKeys);
    expect(plan.settings.secrets.secretKey).toBe(true);
    expect(plan.workers.find((w) => w.kind === "gevent")!.workerConnections).toBe(25);
  });

  it("a stack with no file has no config", () => {
    expect(readStackConfig(PROJECT_ROOT, "test-nobody-has-this")).toEqual({ config: {}, secretKeys: [] });
  });

  it("the committed stack files plan cleanly", () => {
    for (const stack of ["prod", "test"]) {
      const { config, secretKeys } = readStackConfig(PROJECT_ROOT, stack);
      expect(() => planFromConfig(stack, config, secretKeys)).not.toThrow();
    }
  });

  it("a route list that cannot be read is reported against throat:routeList", () => {
    expect(() => planFromConfig("test", { "throat:routeList": "nope.txt" }, [])).toThrow(StackConfigError);
    expect(() => planFromConfig("test", { "throat:routeList": "nope.txt" }, [])).toThrow(
      /throat:routeList: cannot read nope\.txt \(ENOENT\)/,
    );
  });
});

describe("Pulumi.yaml declares the config the schema knows", () => {
  it("every top-level key, and nothing else", () => {
    const declared = Object.keys(parse(readFileSync(path.join(PROJECT_ROOT, "Pulumi.yaml"), "utf8")).config).sort();
    expect(declared).toEqual(Object.keys(settingsSchema.shape).sort());
  });
});

describe("npm run plan", () => {
  const run = (...args: string[]) =>
    spawnSync(TSX_NODE, tsxArgs("scripts/plan.ts", ...args), { cwd: PROJECT_ROOT, encoding: "utf8" });

  // The script's own process prints a whole document through a pipe: planDiffGit.spec.ts.
  it("prints one JSON document for a test-<name> stack without a file", async () => {
    const r = await planCli(["--stack", "test-ci-probe", "--json"]);
    expect(r.code).toBe(0);
    const doc = JSON.parse(r.stdout);
    expect(doc.profile).toBe("test");
    expect(doc.workers.map((w: { kind: string }) => w.kind)).toEqual(["sync", "gevent", "socketio"]);
    const gevent = doc.workers[1];
    expect(gevent.command).toMatch(/^gunicorn -w 1 .*--worker-connections 40 --worker-class gevent/);
    expect(gevent.env).toMatchObject({
      WORKER_TYPE: "gevent",
      CONFIG_NAME: "test-ci-probe-gevent",
      DATABASE_PASSWORD: "[secret]",
      APP_SECRET_KEY: "[secret]",
    });
    expect(doc.database.maxConnections).toBe(100);
    expect(doc.edge.nginxFiles["throat/http.conf"]).toContain("upstream throat_gevent");
    expect(doc.resources.length).toBeGreaterThan(0);
  });

  it("refuses bad config with the message alone: no stack trace, exit 1", () => {
    const r = run("--stack", "staging");
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(/stack name "staging" names no profile/);
    expect(r.stderr).not.toMatch(/\n\s+at /);
    expect(r.stdout).toBe("");
  });
});
