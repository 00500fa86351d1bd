// Run nginx on a whole nginx.conf inside a private prefix directory.
//
// What running as root in the sandbox needs (found by trying):
// - Without a `user` directive a root master runs its workers as `nobody`,
//   which cannot enter the 0700 directories mkdtemp() creates, so static files
//   there answer 403. When the conf names no user we therefore add
//   `user root;` (-g); a conf that names one (e.g. www-data) keeps it, and then
//   every served path must be readable by that user.
// - Debian's nginx has absolute compiled-in paths: pid /run/nginx.pid, temp
//   dirs /var/lib/nginx/*, access log /var/log/nginx/access.log. Concurrent
//   instances would share them, so the pid goes to -g, the error log to -e,
//   and missing temp-path/access_log directives are inserted at the top of the
//   http block, all relative to the prefix.
// - `daemon off;` keeps the master in the foreground as our child; any
//   `daemon`/`pid` line of the conf is dropped since -g may not repeat them.
// - Relative `include`s resolve against the conf's directory (the prefix):
//   Debian's mime.types, proxy_params, ... are copied there unless `files`
//   provides them.
import { spawn } from "node:child_process";
import { closeSync, copyFileSync, existsSync, mkdirSync, openSync, readFileSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { baseEnv, type ProcessGroup, waitForPort } from "./processes";

const SYSTEM_CONF_DIR = "/etc/nginx";
const SYSTEM_INCLUDES = ["mime.types", "proxy_params", "fastcgi_params", "uwsgi_params", "scgi_params"];
const TEMP_PATHS = [
  "client_body_temp_path",
  "proxy_temp_path",
  "fastcgi_temp_path",
  "uwsgi_temp_path",
  "scgi_temp_path",
];

export interface NginxOptions {
  /** A complete nginx.conf (main context, events, http, ...). */
  confText: string;
  /** Extra files, by path relative to the prefix (certs, includes, static files). */
  files?: Record<string, string | Buffer>;
  name?: string;
  /** Worker user to force (replaces the conf's `user`); default: keep the conf's, else root. */
  user?: string;
  /** Ports to wait for besides the pid file (which nginx writes after binding its sockets). */
  waitPorts?: number[];
}

export interface NginxServer {
  name: string;
  /** The prefix: relative paths in the conf resolve here. */
  prefix: string;
  confPath: string;
  errorLog: string;
  /** Only used when the conf has no access_log of its own. */
  accessLog: string;
  pid: number;
}

/** The conf as it will run: see the header comment for each change. */
export function adaptNginxConf(confText: string, options: { user?: string } = {}): { conf: string; globals: string[] } {
  let conf = confText.replace(/^\s*(daemon|pid)\s+[^;]*;[^\S\n]*$/gm, "");
  const globals = ["daemon off;", "pid nginx.pid;"];
  if (options.user) {
    conf = conf.replace(/^\s*user\s+[^;]*;[^\S\n]*$/gm, "");
    globals.push(`user ${options.user};`);
  } else if (!/^\s*user\s/m.test(conf)) {
    globals.push("user root;");
  }
  const inserted = TEMP_PATHS.filter((d) => !new RegExp(`\\b${d}\\b`).test(conf)).map(
    (d) => `${d} tmp/${d.replace(/_temp_path$/, "")};`,
  );
  if (!/\baccess_log\b/.test(conf)) inserted.push("access_log logs/access.log;");
  const http = /\bhttp\s*\{/.exec(conf);
  if (http && inserted.length > 0) {
    const at = http.index + http[0].length;
    conf = `${conf.slice(0, at)}\n    # added by the e2e toolkit: keep state inside the prefix\n    ${inserted.join("\n    ")}\n${conf.slice(at)}`;
  }
  return { conf, globals };
}

/**
 * `nginx -t` with stdout/stderr on a file, not a pipe: node's stdio "pipes" are sockets, and a
 * conf that logs to /dev/stdout (as a container's does) fails on them with ENXIO.
 */
function testConf(prefix: string, args: string[]): Promise<void> {
  const output = join(prefix, "logs", "nginx-t.log");
  const fd = openSync(output, "w");
  return new Promise<void>((resolve, reject) => {
    const child = spawn("nginx", ["-t", "-q", ...args], { cwd: prefix, env: baseEnv(), stdio: ["ignore", fd, fd] });
    closeSync(fd);
    const timer = setTimeout(() => child.kill("SIGKILL"), 60_000);
    child.on("error", (e) => {
      clearTimeout(timer);
      reject(e);
    });
    child.on("close", (code) => {
      clearTimeout(timer);
      if (code === 0) resolve();
      else reject(new Error(`nginx -t failed (code ${code}):\n${readFileSync(output, "utf8")}`));
    });
  });
}

export async function startNginx(group: ProcessGroup, options: NginxOptions): Promise<NginxServer> {
  const name = options.name ?? "nginx";
  const prefix = group.subdir(name);
  for (const dir of ["logs", "tmp"]) mkdirSync(join(prefix, dir), { recursive: true });
  const files = options.files ?? {};
  for (const [path, content] of Object.entries(files)) {
    mkdirSync(dirname(join(prefix, path)), { recursive: true });
    writeFileSync(join(prefix, path), content);
  }
  for (const file of SYSTEM_INCLUDES) {
    if (!(file in files) && existsSync(join(SYSTEM_CONF_DIR, file)))
      copyFileSync(join(SYSTEM_CONF_DIR, file), join(prefix, file));
  }
  const { conf, globals } = adaptNginxConf(options.confText, { user: options.user });
  const confPath = join(prefix, "nginx.conf");
  writeFileSync(confPath, conf);

  const args = ["-p", `${prefix}/`, "-c", "nginx.conf", "-e", "logs/error.log", "-g", globals.join(" ")];
  try {
    await testConf(prefix, args);
  } catch (error) {
    throw new Error(`nginx rejected the configuration (${confPath}):\n${(error as Error).message}`);
  }
  const proc = group.spawn(name, "nginx", args, { cwd: prefix, stopSignal: "SIGTERM" });
  const pidFile = join(prefix, "nginx.pid");
  await group.untilReady(
    name,
    (async () => {
      const deadline = Date.now() + 30_000;
      while (!existsSync(pidFile)) {
        if (Date.now() > deadline) throw new Error("nginx wrote no pid file within 30 s");
        await new Promise((r) => setTimeout(r, 50));
      }
      for (const port of options.waitPorts ?? []) await waitForPort(port, 30_000);
    })(),
  );
  return {
    name,
    prefix,
    confPath,
    errorLog: join(prefix, "logs", "error.log"),
    accessLog: join(prefix, "logs", "access.log"),
    pid: proc.pid,
  };
}
