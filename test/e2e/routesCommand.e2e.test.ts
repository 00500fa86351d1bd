// npm run routes --checkout against the REAL Throat (lib/realApp.ts: where the tree and its
// stubs come from): Throat's own `python3 throat.py route list`, run with each stack's config.yaml,
// gives the routes the project's list holds, so the command changes nothing; from a drifted copy
// it writes a list that routes as the project's does. Scratch projects only (the repository's
// list is read, never written). A few seconds: Throat builds its app once per run, no server.
// Throat is listed with the stack's own config.yaml: its settings (throat:app) change the rules.
//
//   npx jest --selectProjects e2e --runTestsByPath test/e2e/routesCommand.e2e.test.ts
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { PROJECT_ROOT } from "../../components/projectRoot";
import { routeDrift } from "../../components/plan/routeCheck";
import { parseRouteList } from "../../components/plan/routes";
import { routesCli } from "../../scripts/routes/cli";
import { ROUTE_LIST } from "../support/settings";
import { describeWith, realApp } from "./lib/realApp";

const real = realApp("routesCommand.e2e.test.ts");

describeWith(real)("npm run routes --checkout on the real Throat", () => {
  let project: string;
  beforeEach(() => {
    project = mkdtempSync(join(tmpdir(), "routes-cmd-e2e-"));
    mkdirSync(join(project, "throat"));
    copyFileSync(join(PROJECT_ROOT, "Pulumi.prod.yaml"), join(project, "Pulumi.prod.yaml"));
  });
  afterEach(() => rmSync(project, { recursive: true, force: true }));

  const run = (args: string[]) =>
    routesCli([...args, "--checkout", real!.appDir], {
      projectRoot: project,
      // Debian's python3 (Throat's packages) first on PATH, the stubs first on its path.
      env: { ...process.env, PATH: `/usr/bin:${process.env.PATH}`, PYTHONPATH: real!.stubs },
    });

  test.each(["test", "prod"])(
    "stack %s: the project's list is what Throat lists (--check passes)",
    async (stack) => {
      writeFileSync(join(project, "throat/route-list.txt"), ROUTE_LIST);
      const r = await run(["--stack", stack, "--check"]);
      expect(r.stderr).toBe("");
      expect(r.stdout).toContain("already lists these routes: nothing to change");
      expect(r.code).toBe(0);
    },
    60_000,
  );

  test("from a list without /login's gevent note: written, naming /login, and it routes as the project's list", async () => {
    const drifted = ROUTE_LIST.split("\n")
      .map((l) => (l.startsWith("/login ") ? l.replace("gevent", "      ") : l))
      .join("\n");
    writeFileSync(join(project, "throat/route-list.txt"), drifted);
    const r = await run(["--stack", "test"]);
    expect(r.stderr).toBe("");
    expect(r.code).toBe(0);
    expect(r.stdout).toContain("routed elsewhere: /login auth.login: note '' -> 'gevent', sync -> gevent");
    expect(r.stdout).toContain("+ location = /login");
    const written = readFileSync(join(project, "throat/route-list.txt"), "utf8");
    expect(routeDrift(parseRouteList(ROUTE_LIST), parseRouteList(written))).toEqual([]);
  }, 60_000);

  test("the stack's Throat settings are listed with: throat:app.site.sub_prefix moves every sub route", async () => {
    writeFileSync(join(project, "throat/route-list.txt"), ROUTE_LIST);
    writeFileSync(join(project, "Pulumi.test-sub.yaml"), "config:\n  throat:app:\n    site:\n      sub_prefix: c\n");
    const r = await run(["--stack", "test-sub", "--check"]);
    expect(r.stderr).toBe("");
    expect(r.code).toBe(2);
    expect(r.stdout).toContain("added: /c/<sub> (sub.view_sub, GET) -> sync");
    expect(r.stdout).toContain("removed: /s/<sub> (sub.view_sub, GET) -> sync");
    expect(readFileSync(join(project, "throat/route-list.txt"), "utf8")).toBe(ROUTE_LIST);
  }, 60_000);
});
