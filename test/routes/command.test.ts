// npm run routes (scripts/routes/cli.ts), in-process on scratch projects (a copy of the route
// list, never the repository's), against a fake `docker` first on PATH (prints a route list,
// garbage, or fails as a missing image does) and a fake checkout whose throat.py prints one.
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { stringify } from "yaml";
import { routesCli } from "../../scripts/routes/cli";
import { PROD_REQUIRED, ROUTE_LIST } from "../support/settings";

/** `list` with the row of `rule` given other methods and note, in the list's own columns. */
function edited(list: string, rule: string, methods: string, note: string): string {
  const header = list.split("\n")[0]!;
  const [m, n] = [header.indexOf("Methods"), header.indexOf("Notes")];
  const out = list.replace(
    new RegExp(`^${rule.replace(/[/<>:]/g, "\\$&")} .*$`, "m"),
    (line) => line.slice(0, m) + methods.padEnd(n - m) + note.padEnd(header.length - n),
  );
  if (out === list) throw new Error(`no row ${rule} changed`);
  return out;
}

/** The list with its `/login` row's gevent note taken out: one Throat release older. */
const WITHOUT_LOGIN_NOTE = edited(ROUTE_LIST, "/login", "POST, GET", "");
/** The same routes with one rule's methods in the other order (Flask prints a set). */
const REORDERED = edited(ROUTE_LIST, "/admin/admin/auth", "GET, POST", "");

/** The list with 120 more gevent rules: more ALB rules than a listener holds (prod refuses it). */
const HUGE = [
  ROUTE_LIST.trimEnd(),
  ...Array.from({ length: 120 }, (_, i) =>
    [`/g${i}/x`.padEnd(80), `p.g${i}`.padEnd(35), "GET".padEnd(12), "gevent".padEnd(10)].join(""),
  ),
  "",
].join("\n");

let dir: string;
let project: string;
let log: string;

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), "routes-cmd-"));
  project = join(dir, "project");
  log = join(dir, "log");
  mkdirSync(join(project, "throat"), { recursive: true });
  mkdirSync(log);
  writeFileSync(join(project, "throat/route-list.txt"), ROUTE_LIST);
  // The fake docker: records its arguments and stdin, then acts as FAKE_DOCKER says.
  mkdirSync(join(dir, "bin"));
  writeFileSync(
    join(dir, "bin/docker"),
    [
      "#!/bin/sh",
      `printf '%s\\n' "$@" > "${log}/argv"`,
      `cat > "${log}/stdin"`,
      'case "$FAKE_DOCKER" in',
      `  list) cat "${log}/list" ;;`,
      "  garbage) echo 'Traceback (most recent call last):'; echo '  KeyError: database' ;;",
      '  *) for a; do case "$a" in throat:*) image=$a ;; esac; done',
      "     echo \"Unable to find image '$image:latest' locally\" >&2; exit 125 ;;",
      "esac",
    ].join("\n"),
  );
  chmodSync(join(dir, "bin/docker"), 0o755);
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

/** Runs the command with the fake docker printing `list` (or in `mode`). */
function run(args: string[], opts: { list?: string; mode?: string; path?: string } = {}) {
  if (opts.list !== undefined) writeFileSync(join(log, "list"), opts.list);
  const env = {
    ...process.env,
    PATH: opts.path ?? `${join(dir, "bin")}:${process.env.PATH}`,
    FAKE_DOCKER: opts.mode ?? (opts.list !== undefined ? "list" : "fail"),
  };
  return routesCli(args, { projectRoot: project, env });
}

const fileText = (rel = "throat/route-list.txt") => readFileSync(join(project, rel), "utf8");

/** A Pulumi.prod.yaml in the scratch project, with the required keys and `extra`. */
function prodStack(extra: Record<string, unknown> = {}) {
  const config = Object.fromEntries(Object.entries({ ...PROD_REQUIRED, ...extra }).map(([k, v]) => [`throat:${k}`, v]));
  writeFileSync(join(project, "Pulumi.prod.yaml"), stringify({ config: { "aws:region": "eu-west-1", ...config } }));
}

describe("npm run routes --image", () => {
  test("an older image: the file becomes its list, and the summary names /login leaving the gevent workers", async () => {
    const r = await run(["--image", "throat:old"], { list: WITHOUT_LOGIN_NOTE });
    expect(r.stderr).toBe("");
    expect(r.code).toBe(0);
    expect(fileText()).toBe(WITHOUT_LOGIN_NOTE);
    expect(r.stdout).toContain("routed elsewhere: /login auth.login: note 'gevent' -> '', gevent -> sync");
    expect(r.stdout).toMatch(/\/login +gevent \(nginx: location = \/login\) -> sync \(nginx: location \/\)/);
    expect(r.stdout).toContain("- location = /login");
    expect(r.stdout).toContain("Wrote throat/route-list.txt");
    // What ran: the image with no network, the stack's own sync config.yaml on stdin.
    const argv = readFileSync(join(log, "argv"), "utf8").trimEnd().split("\n");
    expect(argv.slice(0, 4)).toEqual(["run", "--rm", "-i", "--network"]);
    expect(argv).toContain("throat:old");
    expect(argv.slice(-3)).toEqual(["/bin/sh", "-c", "cat > config.yaml && exec python3 throat.py route list"]);
    const stdin = readFileSync(join(log, "stdin"), "utf8");
    expect(stdin).toContain("for sync workers of stack test");
    expect(stdin).toMatch(/engine: \S*PostgresqlDatabase/);
  });

  test("prod, with its own throat:routeList: that file is written, and the summary names the ALB rule for /login", async () => {
    prodStack({ routeList: "lists/prod-routes.txt" });
    mkdirSync(join(project, "lists"));
    writeFileSync(join(project, "lists/prod-routes.txt"), WITHOUT_LOGIN_NOTE);
    const r = await run(["--stack", "prod", "--image", "throat:new"], { list: ROUTE_LIST });
    expect(r.stderr).toBe("");
    expect(r.code).toBe(0);
    expect(fileText("lists/prod-routes.txt")).toBe(ROUTE_LIST);
    expect(fileText()).toBe(ROUTE_LIST);
    expect(r.stdout).toContain("routed elsewhere: /login auth.login: note '' -> 'gevent', sync -> gevent");
    expect(r.stdout).toMatch(
      /\/login +sync \(ALB default action\) -> gevent \(ALB rule gevent-login-0 \(priority \d+\)\)/,
    );
    expect(r.stdout).toMatch(/now gevent-login-0 \(priority \d+\): \/login, /);
    expect(r.stdout).toContain("Wrote lists/prod-routes.txt");
  });

  test("--check: exit 2 and nothing written when the file would change; exit 0 when it would not", async () => {
    const changed = await run(["--image", "throat:old", "--check"], { list: WITHOUT_LOGIN_NOTE });
    expect(changed.code).toBe(2);
    expect(changed.stdout).toContain("routed elsewhere: /login");
    expect(changed.stdout).toContain("--check: throat/route-list.txt would change (nothing written)");
    expect(fileText()).toBe(ROUTE_LIST);
    const same = await run(["--image", "throat:same", "--check"], { list: ROUTE_LIST });
    expect(same).toMatchObject({ code: 0, stderr: "" });
    expect(same.stdout).toContain("already lists these routes: nothing to change");
  });

  test("the same routes in another method order are no change: the file is left as it is", async () => {
    const r = await run(["--image", "throat:same"], { list: REORDERED });
    expect(REORDERED).not.toBe(ROUTE_LIST);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain("nothing to change");
    expect(fileText()).toBe(ROUTE_LIST);
  });

  test("a list that changes only methods is written, and says no routing changes", async () => {
    const fewer = edited(ROUTE_LIST, "/admin/admin/auth", "GET", "");
    const r = await run(["--image", "throat:new"], { list: fewer });
    expect(r.code).toBe(0);
    expect(r.stdout).toContain("methods changed: /admin/admin/auth admin.auth: GET, POST -> GET");
    expect(r.stdout).toContain("No routing change");
    expect(fileText()).toBe(fewer);
  });

  test("garbage on stdout: exit 1 naming --image and why, the file untouched", async () => {
    const r = await run(["--image", "throat:broken"], { mode: "garbage" });
    expect(r.code).toBe(1);
    expect(r.stderr).toContain("npm run routes: --image throat:broken: its output cannot be throat:routeList: ");
    expect(r.stderr).toContain("is it a Throat release whose throat.py has `route list`?");
    expect(r.stderr).toContain('no header line "Rule  Endpoint  Methods  Notes"');
    expect(r.stderr).toContain("throat/route-list.txt (throat:routeList of stack test) is not changed");
    expect(fileText()).toBe(ROUTE_LIST);
  });

  test("docker fails (no such image): exit 1 with its exit code, its error and the fix; the file untouched", async () => {
    const r = await run(["--image", "throat:nope"], { mode: "fail" });
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(
      /--image throat:nope: `docker run --rm -i .*throat:nope .*` exited 125: check that a Docker engine answers \(docker info\), the image reference/,
    );
    expect(r.stderr).toContain("Unable to find image 'throat:nope:latest' locally");
    expect(fileText()).toBe(ROUTE_LIST);
  });

  test("no docker on PATH: says so and names the other way", async () => {
    const r = await run(["--image", "throat:x"], { path: join(dir, "empty") });
    expect(r.code).toBe(1);
    expect(r.stderr).toContain("--image throat:x: cannot run docker (not found on PATH): install the Docker CLI");
    expect(r.stderr).toContain("--checkout <dir>");
  });

  test("a list that breaks the routing rules (a gevent rule under /static/): refused, the file untouched", async () => {
    const bad = edited(ROUTE_LIST, "/static/<path:filename>", "GET", "gevent");
    const r = await run(["--image", "throat:odd"], { list: bad });
    expect(r.code).toBe(1);
    expect(r.stderr).toContain("--image throat:odd: its output cannot be throat:routeList: ");
    expect(r.stderr).toContain("gevent route /static/<path:filename> lies under /static/");
    expect(fileText()).toBe(ROUTE_LIST);
  });

  test("a list the stack's edge cannot hold (prod: past the ALB's 100 rules): refused, naming the quota", async () => {
    prodStack();
    const r = await run(["--stack", "prod", "--image", "throat:huge"], { list: HUGE });
    expect(r.code).toBe(1);
    expect(r.stderr).toContain("--image throat:huge: the stack cannot route this release's routes: ");
    expect(r.stderr).toMatch(/throat:routeList: ALB rules:\n.*exceed ALB's 100/);
    expect(fileText()).toBe(ROUTE_LIST);
  });

  test("no file yet, one that is not a route list, or one the stack cannot route: written anew", async () => {
    rmSync(join(project, "throat/route-list.txt"));
    const r = await run(["--image", "throat:new"], { list: ROUTE_LIST });
    expect(r.code).toBe(0);
    expect(r.stdout).toContain("throat/route-list.txt could not be read (ENOENT): it is written anew");
    expect(fileText()).toBe(ROUTE_LIST);
    writeFileSync(join(project, "throat/route-list.txt"), "<<<<<<< HEAD\n");
    const again = await run(["--image", "throat:new"], { list: ROUTE_LIST });
    expect(again.code).toBe(0);
    expect(again.stdout).toContain("no header line");
    expect(fileText()).toBe(ROUTE_LIST);
    // A list that parses but the stack cannot route (prod: past the ALB's rules).
    prodStack();
    writeFileSync(join(project, "throat/route-list.txt"), HUGE);
    const third = await run(["--stack", "prod", "--image", "throat:new"], { list: ROUTE_LIST });
    expect(third.stdout).toMatch(/throat:routeList: ALB rules:\n.*exceed ALB's 100.*: it is replaced/);
    expect(third.code).toBe(0);
    expect(fileText()).toBe(ROUTE_LIST);
  });
});

describe("npm run routes --checkout", () => {
  /** A fake checkout: throat.py prints `list` once it finds a config.yaml in its working folder. */
  function checkout(list: string): string {
    const c = join(dir, "checkout");
    mkdirSync(c);
    writeFileSync(join(dir, "listed.txt"), list);
    writeFileSync(
      join(c, "throat.py"),
      [
        "import os, sys",
        'assert sys.argv[1:] == ["route", "list"], sys.argv',
        'cfg = open("config.yaml").read()',
        `open(${JSON.stringify(join(log, "config.yaml"))}, "w").write(cfg)`,
        `open(${JSON.stringify(join(log, "env"))}, "w").write(os.environ.get("STORAGE_PROVIDER", ""))`,
        `sys.stdout.write(open(${JSON.stringify(join(dir, "listed.txt"))}).read())`,
      ].join("\n"),
    );
    // The operator's own config.yaml: never used, never overwritten.
    writeFileSync(join(c, "config.yaml"), "mine: true\n");
    return c;
  }

  test("runs python3 throat.py route list with the stack's config.yaml beside it, and writes the file", async () => {
    const c = checkout(WITHOUT_LOGIN_NOTE);
    const r = await run(["--checkout", c]);
    expect(r.stderr).toBe("");
    expect(r.code).toBe(0);
    expect(fileText()).toBe(WITHOUT_LOGIN_NOTE);
    expect(r.stdout).toContain("routed elsewhere: /login auth.login");
    expect(readFileSync(join(log, "config.yaml"), "utf8")).toContain("for sync workers of stack test");
    expect(readFileSync(join(log, "env"), "utf8")).toBe("LOCAL");
    expect(readFileSync(join(c, "config.yaml"), "utf8")).toBe("mine: true\n");
  });

  test("a throat.py that fails, and a folder without one: exit 1 naming --checkout, the file untouched", async () => {
    const c = checkout(ROUTE_LIST);
    writeFileSync(join(c, "throat.py"), "import sys\nsys.stderr.write('ModuleNotFoundError: flask\\n')\nsys.exit(1)\n");
    const r = await run(["--checkout", c]);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(`--checkout ${c}: \`python3 throat.py route list\` exited 1`);
    expect(r.stderr).toContain("ModuleNotFoundError: flask");
    const empty = await run(["--checkout", join(dir, "bin")]);
    expect(empty.code).toBe(1);
    expect(empty.stderr).toContain("no throat.py there; give the folder of a Throat checkout");
    expect(fileText()).toBe(ROUTE_LIST);
  });
});

describe("npm run routes: bad arguments", () => {
  test.each([
    [[], "give --image <ref> (a Throat image) or --checkout <dir>"],
    [["--image", "a", "--checkout", "b"], "not both"],
    [["--imag", "throat:1"], "Unknown option '--imag'"],
    [["--image", "throat:1", "extra"], "Unexpected argument 'extra'"],
    [["--image"], "Option '--image <value>' argument missing"],
  ])("%j: exit 1, the problem and the usage, nothing run", async (args, message) => {
    const r = await run(args as string[], { list: ROUTE_LIST });
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(message);
    expect(r.stderr).toContain("usage: npm run routes -- --image <ref> | --checkout <dir>");
    expect(existsSync(join(log, "argv"))).toBe(false);
  });

  test("a bad stack config: its key named, before the image runs", async () => {
    prodStack({ workers: { gevent: { processes: 2 } } });
    const r = await run(["--stack", "prod", "--image", "throat:1"], { list: ROUTE_LIST });
    expect(r.code).toBe(1);
    expect(r.stderr).toContain("throat:workers.gevent.processes");
    expect(existsSync(join(log, "argv"))).toBe(false);
  });
});
