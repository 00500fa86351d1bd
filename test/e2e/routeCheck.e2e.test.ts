// The deploy-time route check (issue 21) against the REAL Throat (lib/realApp.ts: where the tree
// and its stubs come from): the migration's own command line, from the test plan's files, in a
// scratch copy of the tree as the image lays it out (/throat with configs/ and stack/). The
// database is never reached: the check runs before Throat's migration, which is replaced here.
//
//   npx jest --selectProjects e2e --runTestsByPath test/e2e/routeCheck.e2e.test.ts
import { spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readdirSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { buildPlan } from "../../components/plan";
import { migrationFiles } from "../../components/migrationFiles";
import { ROUTE_LIST, settings } from "../support/settings";
import { describeWith, realApp } from "./lib/realApp";

const real = realApp("routeCheck.e2e.test.ts");
const MIGRATE = "exec python3 throat.py migration apply";

describeWith(real)("the route check on the real Throat", () => {
  let dir: string;
  afterEach(() => dir && rmSync(dir, { recursive: true, force: true }));

  /** The migration of a plan built from `list`, run with Throat's migration replaced by an echo. */
  function migrate(list: string) {
    const plan = buildPlan(settings("test-alice"), list);
    dir = mkdtempSync(join(tmpdir(), "route-check-e2e-"));
    // The tree read in place (never written): each entry linked, the stack's files beside it.
    for (const entry of readdirSync(real!.appDir)) symlinkSync(join(real!.appDir, entry), join(dir, entry));
    const config = Object.values(plan.app.configFiles).find((f) => f.name === plan.migration.configName)!;
    const files = { [config.path]: config.text, ...migrationFiles(plan.migration) };
    for (const [file, text] of Object.entries(files)) {
      mkdirSync(dirname(join(dir, file)), { recursive: true });
      writeFileSync(join(dir, file), text);
    }
    const [shell, flag, command] = plan.migration.argv;
    expect(command).toContain(MIGRATE);
    const r = spawnSync(shell!, [flag!, command!.replace(MIGRATE, "echo migration would run")], {
      cwd: dir,
      encoding: "utf8",
      // Debian's python3 (Throat's packages) first on PATH, as the image's python3.
      env: {
        PATH: `/usr/bin:${process.env.PATH}`,
        PYTHONPATH: real!.stubs,
        CONFIG_NAME: plan.migration.configName,
        // Throat creates its uploads folder at start, without parents: /throat/app/static/ in
        // the image; here a folder of the scratch copy (Throat reads any key from the env).
        STORAGE_UPLOADS_PATH: join(dir, "uploads"),
        STORAGE_THUMBNAILS_PATH: join(dir, "thumbs"),
      },
      timeout: 120_000,
    });
    return { status: r.status, out: r.stdout + r.stderr, failures: plan.migration.failures };
  }

  test("the project's list passes and the migration runs", () => {
    const r = migrate(ROUTE_LIST);
    expect(r.out).toMatch(/route check: \d+ routes as planned/);
    expect(r.out).toContain("migration would run");
    expect(r.status).toBe(0);
  }, 150_000);

  test("a list without /login's gevent note: exit 3 naming /login, and the migration never runs", () => {
    const drifted = ROUTE_LIST.split("\n")
      .map((l) => (l.startsWith("/login ") ? l.replace("gevent", "      ") : l))
      .join("\n");
    const r = migrate(drifted);
    expect(r.status).toBe(3);
    expect(r.out).toContain("routed elsewhere: /login auth.login: note '' -> 'gevent', sync -> gevent");
    expect(r.out).not.toContain("migration would run");
    expect(r.failures[3]).toMatch(/throat:routeList/);
  }, 150_000);
});
