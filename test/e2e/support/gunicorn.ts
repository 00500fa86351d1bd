// Run a gunicorn command line as the Throat image would, on this machine.
//
// The argv is the container's command (e.g. ["gunicorn", "-w", "1",
// "--worker-class", "gevent", "--bind", "0.0.0.0:5000", "throat_prod:app"]);
// only what cannot hold outside a container is rewritten: the binary, the
// bind address (a free loopback port) and optionally the WSGI module.
//
// The image's CONFIG_NAME handling copies configs/$CONFIG_NAME/config.yaml
// over /throat/config.yaml before start. We must not write into the app
// checkout (other tests share it), so each server gets a run dir of symlinks
// to the app's top-level entries plus its own config.yaml, and runs there:
// the app reads ./config.yaml relative to its working directory.
import { existsSync, readdirSync, symlinkSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { freePort } from "./ports";
import { type ProcessGroup, waitForHttp, waitForPort } from "./processes";

/** The gunicorn that runs on Debian's /usr/bin/python3 (where the Flask stack is installed). */
export const GUNICORN_BIN = process.env.GUNICORN_BIN ?? "/usr/bin/gunicorn";

/** The stand-in app shipped with these tests. */
export const STANDIN_APP_DIR = resolve(__dirname, "..", "..", "fixtures", "standin-app");

export interface GunicornOptions {
  name: string;
  /** The container command; argv[0] is gunicorn. */
  argv: string[];
  /** Environment of the container (WORKER_TYPE, DATABASE_HOST, ...); merged over a minimal base env. */
  env?: NodeJS.ProcessEnv;
  /** Directory holding throat_prod.py (Throat checkout or STANDIN_APP_DIR). */
  appDir: string;
  /** Replaces `throat_prod:app` in argv. */
  wsgiModule?: string;
  /** Content of the config.yaml the app sees; default: the appDir's own, if any. */
  configYaml?: string;
  /** A prepared working directory (a container's root, e2e/lib/containerRoot.ts): used as is. */
  runDir?: string;
  timeoutMs?: number;
  /**
   * Path requested (any HTTP status accepted) to know a worker has booted:
   * the master accepts on the port before its workers load the app.
   * Default "/" (Throat's home page); null: only wait for the port.
   */
  readyPath?: string | null;
}

export interface GunicornServer {
  name: string;
  port: number;
  /** Master pid (also its process group). */
  pid: number;
  url: string;
  runDir: string;
  /** The command actually run. */
  argv: string[];
}

/** Rewrites a container gunicorn command line for 127.0.0.1:port. Exported for unit tests. */
export function rewriteGunicornArgv(argv: string[], port: number, wsgiModule?: string): string[] {
  const [program, ...rest] = argv;
  if (program === undefined || !/(^|\/)gunicorn$/.test(program)) {
    throw new Error(`not a gunicorn command line: ${JSON.stringify(argv)}`);
  }
  const bind = `127.0.0.1:${port}`;
  const out = [GUNICORN_BIN];
  let bound = false;
  for (let i = 0; i < rest.length; i++) {
    const arg = rest[i] ?? "";
    if (arg === "--bind" || arg === "-b") {
      i++; // skip the address
    } else if (arg.startsWith("--bind=") || (arg.startsWith("-b") && arg.length > 2)) {
      // --bind=X, -bX
    } else {
      out.push(wsgiModule && arg === "throat_prod:app" ? wsgiModule : arg);
      continue;
    }
    if (!bound) out.push("--bind", bind); // several binds collapse into ours
    bound = true;
  }
  if (!bound) out.splice(1, 0, "--bind", bind);
  return out;
}

export async function startGunicorn(group: ProcessGroup, options: GunicornOptions): Promise<GunicornServer> {
  const port = await freePort();
  const argv = rewriteGunicornArgv(options.argv, port, options.wsgiModule);
  const appDir = resolve(options.appDir);
  if (!existsSync(appDir)) throw new Error(`appDir not found: ${appDir}`);
  const runDir = options.runDir ?? group.subdir(`run-${options.name}`);
  if (!options.runDir) {
    for (const entry of readdirSync(appDir)) {
      if (entry === "config.yaml" && options.configYaml !== undefined) continue;
      symlinkSync(join(appDir, entry), join(runDir, entry));
    }
  }
  if (options.configYaml !== undefined) writeFileSync(join(runDir, "config.yaml"), options.configYaml);

  group.spawn(options.name, GUNICORN_BIN, argv.slice(1), {
    cwd: runDir,
    env: {
      // Keep Python from writing __pycache__ into the (symlinked) checkout.
      PYTHONDONTWRITEBYTECODE: "1",
      PYTHONUNBUFFERED: "1",
      ...(options.env ?? {}),
    },
  });
  const proc = group.get(options.name);
  const timeoutMs = options.timeoutMs ?? 60_000;
  await group.untilReady(options.name, waitForPort(port, timeoutMs));
  const readyPath = options.readyPath === undefined ? "/" : options.readyPath;
  if (readyPath !== null) {
    await group.untilReady(
      options.name,
      waitForHttp(`http://127.0.0.1:${port}${readyPath}`, { timeoutMs, expectStatus: () => true }),
    );
  }
  return { name: options.name, port, pid: proc.pid, url: `http://127.0.0.1:${port}`, runDir, argv };
}
