// The deploy-time route check (issue 21): throat/stack/check_routes.py run for real with python3
// against a stand-in throat.py that prints a given route list, comparing it with the expected
// file the plan renders (components/plan/routeCheck.ts).
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { PROJECT_ROOT } from "../../components/projectRoot";
import { parseRouteList } from "../../components/plan/routes";
import { EXPECTED_ROUTES, renderExpectedRoutes, ROUTE_CHECKER } from "../../components/plan/routeCheck";
import { plan } from "../support/settings";

const CHECKER = join(PROJECT_ROOT, "throat", ROUTE_CHECKER);
const LIST = readFileSync(join(PROJECT_ROOT, "throat/route-list.txt"), "utf8");

describe("the route check", () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), "route-check-"));
    writeFileSync(join(dir, "expected.tsv"), renderExpectedRoutes(parseRouteList(LIST)));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  /** Runs the check in `dir`, where throat.py prints `list` (or exits `code`). */
  function check(list: string, code = 0) {
    writeFileSync(join(dir, "listed.txt"), list);
    writeFileSync(
      join(dir, "throat.py"),
      `import sys\nassert sys.argv[1:] == ["route", "list"]\nsys.stdout.write(open("listed.txt").read())\nsys.exit(${code})\n`,
    );
    const r = spawnSync("python3", [CHECKER, "expected.tsv"], { cwd: dir, encoding: "utf8" });
    return { status: r.status, out: r.stdout + r.stderr };
  }

  /** The list with one line replaced (matched by its start). */
  const edited = (start: string, replace: (line: string) => string | undefined) =>
    LIST.split("\n")
      .flatMap((l) => (l.startsWith(start + " ") ? [replace(l)].filter((x) => x !== undefined) : [l]))
      .join("\n");

  /** A line of the list, in its columns (Endpoint at 80, Methods at 115, Notes at 127). */
  const row = (rule: string, endpoint: string, methods: string, note: string) =>
    rule.padEnd(80) + endpoint.padEnd(35) + methods.padEnd(12) + note.padEnd(10);

  test("the project's own list passes", () => {
    const r = check(LIST);
    expect(r.out).toMatch(/route check: \d+ routes as planned/);
    expect(r.status).toBe(0);
  });

  test("a gevent note removed: /login is routed elsewhere, exit 3 with the fix", () => {
    const r = check(edited("/login", (l) => l.replace("gevent", "      ")));
    expect(r.status).toBe(3);
    expect(r.out).toContain("routed elsewhere: /login auth.login: note 'gevent' -> '', gevent -> sync");
    expect(r.out).toContain("python3 throat.py route list > <that file>");
    expect(r.out.match(/^ {2}\S/gm)).toHaveLength(1);
  });

  test("an added and a removed route, parameterised rules included", () => {
    const removed = edited("/admin/commentvoting/<term>/<int:page>", () => undefined);
    const r = check(removed.trimEnd() + "\n" + row("/u/<user>/badges/<int:page>", "user.badges", "GET", "") + "\n");
    expect(r.status).toBe(3);
    expect(r.out).toContain("removed: /admin/commentvoting/<term>/<int:page> (admin.comment_voting, GET) -> sync");
    expect(r.out).toContain("added: /u/<user>/badges/<int:page> (user.badges, GET) -> sync");
  });

  test("a gevent note added on a parameterised rule, and changed methods", () => {
    const r = check(
      edited("/admin/domains/<domain_type>", () =>
        row("/admin/domains/<domain_type>", "admin.domains", "GET", "gevent"),
      ),
    );
    expect(r.status).toBe(3);
    expect(r.out).toContain(
      "routed elsewhere: /admin/domains/<domain_type> admin.domains: note '' -> 'gevent', sync -> gevent",
    );
    const methods = check(
      edited("/admin/invitecodes", () => row("/admin/invitecodes", "admin.invitecodes", "GET", "")),
    );
    expect(methods.out).toContain("methods changed: /admin/invitecodes admin.invitecodes: GET, POST -> GET");
    expect(methods.status).toBe(3);
    // Flask prints a rule's methods in no fixed order: the same set in another order is no drift.
    const swapped = check(
      edited("/admin/invitecodes", () => row("/admin/invitecodes", "admin.invitecodes", "GET, POST", "")),
    );
    expect(swapped.status).toBe(0);
  });

  test("a list it cannot read, or a throat.py that fails: exit 4", () => {
    expect(check("Traceback (most recent call last):\n")).toMatchObject({
      status: 4,
      out: expect.stringContaining("no header line"),
    });
    expect(check(LIST, 1)).toMatchObject({ status: 4, out: expect.stringContaining("route list exited 1") });
  });

  test("both profiles' migrations run the check first and carry its files; the failures name exit 3 and 4", () => {
    for (const stack of ["test-alice", "prod"]) {
      const m = plan(stack).migration;
      expect(m.argv[2]).toContain(`config.yaml && python3 ${ROUTE_CHECKER} ${EXPECTED_ROUTES} && `);
      expect(m.imageFiles).toContain(ROUTE_CHECKER);
      expect(m.generatedFiles[EXPECTED_ROUTES]).toBe(renderExpectedRoutes(plan(stack).routes));
      expect(Object.keys(m.failures).sort()).toEqual(["3", "4"]);
      expect(m.failures[3]).toMatch(/throat:routeList/);
    }
  });
});
