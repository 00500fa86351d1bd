// Process management for the end-to-end tests.
//
// Every server is spawned `detached`, i.e. as leader of its own process
// group, so that stopping it also stops what it forked (gunicorn workers,
// nginx workers, the postgres under runuser). Output goes straight to a log
// file in the group's temp dir (no pipes to drain), so a failing test can
// print the tail. Process state is read from /proc: this toolkit is Linux-only.
import { spawn, type ChildProcess } from "node:child_process";
import { chmodSync, closeSync, mkdirSync, mkdtempSync, openSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { connect } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { httpRequest, type HttpResponse } from "./http";

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
// For the losing side of a race: must not keep jest (the event loop) alive.
const unrefSleep = (ms: number) => new Promise((r) => setTimeout(r, ms).unref());

/**
 * The environment children start from. Deliberately not process.env: Throat
 * (and the stand-in) read any variable named like a config key
 * (DATABASE_HOST, APP_DEBUG, ...), so the host environment must not leak in.
 */
export function baseEnv(): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const key of ["PATH", "HOME", "LANG", "LC_ALL", "TZ", "TMPDIR"]) {
    if (process.env[key] !== undefined) env[key] = process.env[key];
  }
  return env;
}

// ---------------------------------------------------------------- /proc view

export interface ProcRef {
  pid: number;
  /** Kernel start time (clock ticks since boot): tells a pid from a reused one. */
  startTime: string;
}

interface ProcStat extends ProcRef {
  ppid: number;
  pgid: number;
  state: string;
}

function readStat(pid: number): ProcStat | null {
  let text: string;
  try {
    text = readFileSync(`/proc/${pid}/stat`, "utf8");
  } catch {
    return null;
  }
  // The command name (field 2) may contain spaces: split after its ")".
  const rest = text.slice(text.lastIndexOf(")") + 2).split(" ");
  return { pid, state: rest[0] ?? "?", ppid: Number(rest[1]), pgid: Number(rest[2]), startTime: rest[19] ?? "" };
}

function allStats(): ProcStat[] {
  return readdirSync("/proc")
    .filter((entry) => /^\d+$/.test(entry))
    .map((entry) => readStat(Number(entry)))
    .filter((s): s is ProcStat => s !== null);
}

/** True while the process exists and is not a zombie. */
export function isAlive(ref: ProcRef): boolean {
  const stat = readStat(ref.pid);
  return stat !== null && stat.startTime === ref.startTime && stat.state !== "Z";
}

/**
 * Live members of the given process groups plus all their descendants.
 * Descendants matter: PostgreSQL backends call setsid() and so leave the
 * postmaster's process group.
 */
export function processTree(pgids: number[]): ProcRef[] {
  const stats = allStats().filter((s) => s.state !== "Z");
  const found = new Map<number, ProcStat>();
  for (const s of stats) if (pgids.includes(s.pgid)) found.set(s.pid, s);
  for (let grew = true; grew;) {
    grew = false;
    for (const s of stats) {
      if (!found.has(s.pid) && found.has(s.ppid)) {
        found.set(s.pid, s);
        grew = true;
      }
    }
  }
  return [...found.values()].map(({ pid, startTime }) => ({ pid, startTime }));
}

function signalGroup(pgid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(-pgid, signal);
  } catch {
    // ESRCH: the group is already gone.
  }
}

function signalRefs(refs: ProcRef[], signal: NodeJS.Signals): void {
  for (const ref of refs) {
    if (!isAlive(ref)) continue;
    try {
      process.kill(ref.pid, signal);
    } catch {
      // exited meanwhile
    }
  }
}

// ------------------------------------------------------------ ProcessGroup

export interface SpawnOptions {
  /** Merged over baseEnv() (not over process.env). */
  env?: NodeJS.ProcessEnv;
  cwd?: string;
  /** Run as this user through `runuser -u USER --` (we are root). */
  user?: string;
  /** First signal stopAll()/kill() send; PostgreSQL wants SIGINT (fast shutdown). */
  stopSignal?: NodeJS.Signals;
  /** A server others depend on (PostgreSQL, PgBouncer, Redis): stopAll() stops it after the rest. */
  backing?: boolean;
}

export interface ManagedProcess {
  name: string;
  /** pid of the spawned command (runuser's pid when `user` is set); also the process group id. */
  pid: number;
  logFile: string;
  child: ChildProcess;
  /** Settles when the spawned command exits. */
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  hasExited(): boolean;
  stopSignal: NodeJS.Signals;
  backing: boolean;
}

// Groups with live processes; the exit hook kills them if a test run ends
// (or is interrupted) without calling stopAll().
const liveGroups = new Set<ProcessGroup>();
let hooksInstalled = false;

function installExitHooks(): void {
  if (hooksInstalled) return;
  hooksInstalled = true;
  // Only synchronous work is possible in "exit": SIGKILL everything.
  process.on("exit", () => {
    for (const group of liveGroups) group.killAllNow();
  });
  for (const signal of ["SIGINT", "SIGTERM", "SIGHUP"] as const) {
    const onSignal = () => {
      for (const group of liveGroups) group.killAllNow();
      process.removeListener(signal, onSignal);
      process.kill(process.pid, signal); // default action: terminate
    };
    process.on(signal, onSignal);
  }
}

export class ProcessGroup {
  /** Temp dir holding logs and whatever the servers need; mode 0755 so runuser'd servers can reach their subdirs. */
  readonly dir: string;
  private readonly procs = new Map<string, ManagedProcess>();

  constructor(label = "e2e") {
    this.dir = mkdtempSync(join(tmpdir(), `throat-${label}-`));
    chmodSync(this.dir, 0o755);
    mkdirSync(join(this.dir, "logs"));
  }

  /** A fresh subdirectory of the group's temp dir. */
  subdir(name: string): string {
    const path = join(this.dir, name);
    mkdirSync(path, { recursive: true });
    return path;
  }

  spawn(name: string, cmd: string, args: string[], options: SpawnOptions = {}): ManagedProcess {
    if (this.procs.has(name) && !this.procs.get(name)!.hasExited()) {
      throw new Error(`ProcessGroup: a process named ${name} is already running`);
    }
    const logFile = join(this.dir, "logs", `${name}.log`);
    const fd = openSync(logFile, "a");
    const [file, argv] = options.user ? ["runuser", ["-u", options.user, "--", cmd, ...args]] : [cmd, args];
    let child: ChildProcess;
    try {
      child = spawn(file, argv, {
        cwd: options.cwd,
        env: { ...baseEnv(), ...(options.env ?? {}) },
        detached: true, // own process group: kill(-pid) reaches the whole tree
        stdio: ["ignore", fd, fd],
      });
    } finally {
      closeSync(fd); // the child holds its own copy
    }
    if (child.pid === undefined) throw new Error(`ProcessGroup: could not spawn ${cmd}`);
    let done = false;
    const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => {
      child.on("exit", (code, signal) => {
        done = true;
        resolve({ code, signal });
      });
      child.on("error", () => {
        done = true;
        resolve({ code: null, signal: null });
      });
    });
    const proc: ManagedProcess = {
      name,
      pid: child.pid,
      logFile,
      child,
      exited,
      hasExited: () => done,
      stopSignal: options.stopSignal ?? "SIGTERM",
      backing: options.backing ?? false,
    };
    this.procs.set(name, proc);
    liveGroups.add(this);
    installExitHooks();
    return proc;
  }

  get(name: string): ManagedProcess {
    const proc = this.procs.get(name);
    if (!proc) throw new Error(`ProcessGroup: no process named ${name}`);
    return proc;
  }

  names(): string[] {
    return [...this.procs.keys()];
  }

  /** Live processes of every group started here, descendants included. */
  livePids(): ProcRef[] {
    return processTree([...this.procs.values()].map((p) => p.pid));
  }

  /** Last lines of a process's log. */
  logTail(name: string, lines = 40): string {
    try {
      const text = readFileSync(this.get(name).logFile, "utf8");
      return text
        .split("\n")
        .slice(-lines - 1)
        .join("\n");
    } catch {
      return "";
    }
  }

  /** Every log's tail, for a failure message. */
  describe(lines = 20): string {
    return this.names()
      .map((name) => `----- ${name} (${this.get(name).logFile}) -----\n${this.logTail(name, lines)}`)
      .join("\n");
  }

  /**
   * Rejects as soon as the named process exits, otherwise settles like `ready`.
   * Use it to fail fast, with the log tail, when a server dies on startup.
   */
  async untilReady<T>(name: string, ready: Promise<T>): Promise<T> {
    const proc = this.get(name);
    const died = proc.exited.then(({ code, signal }) => {
      throw new Error(`${name} exited (code ${code}, signal ${signal}) before it was ready:\n${this.logTail(name)}`);
    });
    try {
      return await Promise.race([ready, died]);
    } catch (error) {
      if (proc.hasExited()) throw error;
      throw new Error(`${(error as Error).message}\n${name} log tail:\n${this.logTail(name)}`);
    }
  }

  /** Stop one process and everything it forked: its stop signal, then SIGKILL after timeoutMs. */
  async kill(name: string, options: { timeoutMs?: number; signal?: NodeJS.Signals } = {}): Promise<void> {
    const proc = this.get(name);
    const tree = processTree([proc.pid]);
    signalGroup(proc.pid, options.signal ?? proc.stopSignal);
    await this.waitGone(tree, proc, options.timeoutMs ?? 10_000);
  }

  /**
   * Stop every process, then remove the temp dir: the app servers and nginx first, all at once
   * (each waits only for its own graceful stop), then the backing servers they used.
   */
  async stopAll(options: { timeoutMs?: number; removeDir?: boolean } = {}): Promise<void> {
    const procs = [...this.procs.values()];
    for (const backing of [false, true]) {
      const layer = procs.filter((p) => p.backing === backing);
      await Promise.all(layer.map((p) => this.kill(p.name, { timeoutMs: options.timeoutMs })));
    }
    liveGroups.delete(this);
    // E2E_KEEP_TMP=1 keeps logs and data dirs for a post-mortem.
    if (options.removeDir ?? !process.env.E2E_KEEP_TMP) {
      rmSync(this.dir, { recursive: true, force: true });
    }
  }

  /** Synchronous last resort for the exit hooks. */
  killAllNow(): void {
    const pgids = [...this.procs.values()].map((p) => p.pid);
    const tree = processTree(pgids);
    for (const pgid of pgids) signalGroup(pgid, "SIGKILL");
    signalRefs(tree, "SIGKILL");
  }

  private async waitGone(tree: ProcRef[], proc: ManagedProcess, timeoutMs: number): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    const anyAlive = () => tree.some(isAlive) || processTree([proc.pid]).length > 0;
    while (anyAlive() && Date.now() < deadline) await sleep(50);
    if (anyAlive()) {
      signalGroup(proc.pid, "SIGKILL");
      signalRefs(tree, "SIGKILL");
      while (anyAlive() && Date.now() < deadline + 5_000) await sleep(50);
    }
    await Promise.race([proc.exited, unrefSleep(2_000)]);
  }
}

// ------------------------------------------------------------ one-shot commands

export interface RunOptions {
  input?: string;
  env?: NodeJS.ProcessEnv;
  cwd?: string;
  user?: string;
  timeoutMs?: number;
}

/** Run a command to completion; resolves with stdout, rejects with stderr on failure. */
export function runCommand(cmd: string, args: string[], options: RunOptions = {}): Promise<string> {
  const [file, argv] = options.user ? ["runuser", ["-u", options.user, "--", cmd, ...args]] : [cmd, args];
  return new Promise((resolve, reject) => {
    const child = spawn(file, argv, {
      cwd: options.cwd,
      env: { ...baseEnv(), ...(options.env ?? {}) },
      stdio: ["pipe", "pipe", "pipe"],
    });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d: Buffer) => (stdout += d.toString()));
    child.stderr.on("data", (d: Buffer) => (stderr += d.toString()));
    const timer = setTimeout(() => child.kill("SIGKILL"), options.timeoutMs ?? 60_000);
    child.on("error", (error) => {
      clearTimeout(timer);
      reject(error);
    });
    child.on("close", (code, signal) => {
      clearTimeout(timer);
      if (code === 0) resolve(stdout);
      else
        reject(new Error(`${[cmd, ...args].join(" ")} failed (code ${code}, signal ${signal}):\n${stderr || stdout}`));
    });
    // A command that exits without reading its input (EPIPE) is not an error here.
    child.stdin.on("error", () => undefined);
    child.stdin.end(options.input ?? "");
  });
}

// ------------------------------------------------------------ readiness

/** Resolves once something accepts TCP connections on 127.0.0.1:port. */
export async function waitForPort(port: number, timeoutMs = 30_000, host = "127.0.0.1"): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const ok = await new Promise<boolean>((resolve) => {
      const socket = connect({ host, port });
      socket.setTimeout(1_000);
      socket.once("connect", () => {
        socket.destroy();
        resolve(true);
      });
      socket.once("timeout", () => {
        socket.destroy();
        resolve(false);
      });
      socket.once("error", () => resolve(false));
    });
    if (ok) return;
    if (Date.now() > deadline) throw new Error(`waitForPort: nothing listens on ${host}:${port} after ${timeoutMs} ms`);
    await sleep(100);
  }
}

export interface WaitForHttpOptions {
  timeoutMs?: number;
  /** Status wanted; default: any status below 500. */
  expectStatus?: number | number[] | ((status: number) => boolean);
  headers?: Record<string, string>;
}

/** Polls `url` until it answers with the expected status; resolves with that response. */
export async function waitForHttp(url: string, options: WaitForHttpOptions = {}): Promise<HttpResponse> {
  const timeoutMs = options.timeoutMs ?? 30_000;
  const expect = options.expectStatus;
  const matches =
    typeof expect === "function"
      ? expect
      : Array.isArray(expect)
        ? (s: number) => expect.includes(s)
        : typeof expect === "number"
          ? (s: number) => s === expect
          : (s: number) => s < 500;
  const deadline = Date.now() + timeoutMs;
  let last = "no answer";
  for (;;) {
    try {
      const res = await httpRequest(url, { headers: options.headers, timeoutMs: 5_000 });
      if (matches(res.status)) return res;
      last = `status ${res.status}: ${res.text().slice(0, 200)}`;
    } catch (error) {
      last = (error as Error).message;
    }
    if (Date.now() > deadline) throw new Error(`waitForHttp ${url}: gave up after ${timeoutMs} ms (${last})`);
    await sleep(200);
  }
}
