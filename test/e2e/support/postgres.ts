// A throw-away PostgreSQL (and PgBouncer) for the e2e tests.
//
// PostgreSQL refuses to run as root, so initdb, postgres, psql and pgbouncer
// all run as the `postgres` OS user via runuser, in directories of the group's
// temp dir chowned to that user. TCP clients (the app) must log in with a
// password (scram-sha-256) exactly as in production; psql as the postgres
// superuser comes in over a private Unix socket (trust).
import { spawn, type ChildProcessWithoutNullStreams } from "node:child_process";
import { createHash, randomBytes } from "node:crypto";
import { chownSync, existsSync, mkdirSync, readdirSync, renameSync, rmSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { freePort } from "./ports";
import { type ProcessGroup, runCommand, waitForPort } from "./processes";

const PG_USER = "postgres";

/** Directory of the PostgreSQL server binaries: $PG_BINDIR, else the newest /usr/lib/postgresql/<v>/bin (Debian layout). */
export function pgBinDir(): string {
  if (process.env.PG_BINDIR) return process.env.PG_BINDIR;
  const root = "/usr/lib/postgresql";
  const versions = existsSync(root) ? readdirSync(root).filter((v) => /^\d+$/.test(v)) : [];
  versions.sort((a, b) => Number(b) - Number(a));
  const newest = versions[0];
  if (newest === undefined) throw new Error("PostgreSQL binaries not found: set PG_BINDIR");
  return join(root, newest, "bin");
}

async function osUser(name: string): Promise<{ uid: number; gid: number }> {
  const [uid, gid] = await Promise.all([runCommand("id", ["-u", name]), runCommand("id", ["-g", name])]);
  return { uid: Number(uid.trim()), gid: Number(gid.trim()) };
}

/** A subdirectory of the group's temp dir owned by `user`. */
async function ownedDir(group: ProcessGroup, name: string, user: string): Promise<string> {
  const dir = group.subdir(name);
  const { uid, gid } = await osUser(user);
  chownSync(dir, uid, gid);
  return dir;
}

const quoteIdent = (s: string) => `"${s.replace(/"/g, '""')}"`;
const quoteLiteral = (s: string) => `'${s.replace(/'/g, "''")}'`;

export interface PostgresOptions {
  maxConnections?: number;
  superuserReservedConnections?: number;
  /** Application role, password and database (created at start). */
  user?: string;
  password?: string;
  database?: string;
  /** Further `-c name=value` server settings. */
  settings?: Record<string, string | number>;
  name?: string;
}

export interface ConnectionFilter {
  user?: string;
  database?: string;
}

export interface PostgresServer {
  name: string;
  host: string;
  port: number;
  user: string;
  password: string;
  database: string;
  /** Unix socket directory (superuser access). */
  socketDir: string;
  dataDir: string;
  /** Runs SQL (one or more statements, fed on stdin) as the postgres superuser; resolves with unaligned tuples-only output. */
  psql(sql: string, options?: { database?: string }): Promise<string>;
  /** Client backends in pg_stat_activity, the querying session excluded. */
  countConnections(filter?: ConnectionFilter): Promise<number>;
  /** Samples countConnections every intervalMs on one psql session until stop(). */
  watchConnections(options?: ConnectionFilter & { intervalMs?: number }): ConnectionWatch;
}

export interface ConnectionWatch {
  /** Stops sampling; resolves with the highest count seen and all samples. */
  stop(): Promise<{ peak: number; samples: number[] }>;
}

function countSql(filter: ConnectionFilter = {}): string {
  const where = ["backend_type = 'client backend'", "pid <> pg_backend_pid()"];
  if (filter.user) where.push(`usename = ${quoteLiteral(filter.user)}`);
  if (filter.database) where.push(`datname = ${quoteLiteral(filter.database)}`);
  return `SELECT count(*) FROM pg_stat_activity WHERE ${where.join(" AND ")}`;
}

// --no-sync (and fsync=off below): a test database never needs to survive a crash.
const INITDB_ARGS = ["-U", PG_USER, "--auth-local=trust", "--auth-host=scram-sha-256", "-E", "UTF8", "--no-sync"];

/**
 * A new cluster in `dataDir`. initdb runs once per PostgreSQL build: later clusters are copies
 * of the first (`cp -a` keeps the postgres owner and mode 0700), for half the CPU of an initdb.
 * The copy lives in THROAT_POSTGRES_TEMPLATES (node_modules/.cache/throat/postgres, named by
 * jest's globalSetup), keyed by the server binary's size and time; outside jest, or with
 * THROAT_POSTGRES_TEMPLATES=0, each cluster runs initdb.
 */
/** A binary's size and modification time: a rebuilt or upgraded PostgreSQL is another key. */
function binaryStamp(path: string): string {
  const st = statSync(path);
  return `${st.size}:${st.mtimeMs}`;
}

async function initCluster(bin: string, dataDir: string): Promise<void> {
  const initdb = () =>
    runCommand(join(bin, "initdb"), ["-D", dataDir, ...INITDB_ARGS], { user: PG_USER, env: { LANG: "C.UTF-8" } });
  const templates = process.env.THROAT_POSTGRES_TEMPLATES;
  if (!templates || templates === "0") return void (await initdb());
  mkdirSync(templates, { recursive: true });
  const key = createHash("sha256")
    .update(JSON.stringify([bin, INITDB_ARGS, binaryStamp(join(bin, "postgres"))]))
    .digest("hex")
    .slice(0, 12);
  const template = join(templates, `postgres-cluster-${key}`);
  if (existsSync(template)) return void (await runCommand("cp", ["-a", template, dataDir]));
  await initdb();
  // Another jest worker may have made it meanwhile: the first rename wins.
  const copy = `${template}.${process.pid}`;
  await runCommand("cp", ["-a", dataDir, copy]);
  try {
    renameSync(copy, template);
  } catch {
    rmSync(copy, { recursive: true, force: true });
  }
}

export async function startPostgres(group: ProcessGroup, options: PostgresOptions = {}): Promise<PostgresServer> {
  const bin = pgBinDir();
  const name = options.name ?? "postgres";
  const port = await freePort();
  const user = options.user ?? "throat";
  const password = options.password ?? randomBytes(12).toString("hex");
  const database = options.database ?? "throat";
  const home = await ownedDir(group, name, PG_USER);
  const dataDir = join(home, "data");
  const socketDir = join(home, "sock");
  await runCommand("mkdir", ["-m", "0700", socketDir], { user: PG_USER });
  await initCluster(bin, dataDir);

  const settings: Record<string, string | number> = {
    listen_addresses: "127.0.0.1",
    max_connections: options.maxConnections ?? 100,
    superuser_reserved_connections: options.superuserReservedConnections ?? 3,
    fsync: "off",
    synchronous_commit: "off",
    full_page_writes: "off",
    ...(options.settings ?? {}),
  };
  const args = ["-D", dataDir, "-p", String(port), "-k", socketDir];
  for (const [key, value] of Object.entries(settings)) args.push("-c", `${key}=${value}`);
  // SIGINT is PostgreSQL's "fast" shutdown; SIGTERM ("smart") would wait for clients.
  group.spawn(name, join(bin, "postgres"), args, { user: PG_USER, stopSignal: "SIGINT", backing: true });

  // psql as the superuser over the private socket, unaligned tuples only, no ~/.psqlrc.
  const superuser = (database = "postgres") => [
    "-X",
    "-q",
    "-A",
    "-t",
    "-h",
    socketDir,
    "-p",
    String(port),
    "-U",
    PG_USER,
    "-d",
    database,
  ];
  const psql = (sql: string, opts: { database?: string } = {}) =>
    runCommand(join(bin, "psql"), [...superuser(opts.database), "-v", "ON_ERROR_STOP=1", "-f", "-"], {
      user: PG_USER,
      input: sql,
    });

  await group.untilReady(name, waitForPort(port, 60_000));
  // The port opens before recovery ends ("the database system is starting up").
  await group.untilReady(
    name,
    retry(() => psql("SELECT 1"), 60_000),
  );
  await psql(
    `CREATE ROLE ${quoteIdent(user)} LOGIN PASSWORD ${quoteLiteral(password)};\n` +
      `CREATE DATABASE ${quoteIdent(database)} OWNER ${quoteIdent(user)};\n`,
  );

  return {
    name,
    host: "127.0.0.1",
    port,
    user,
    password,
    database,
    socketDir,
    dataDir,
    psql,
    countConnections: async (filter) => Number((await psql(countSql(filter))).trim()),
    watchConnections: (opts = {}) =>
      watchConnections(
        spawn("runuser", ["-u", PG_USER, "--", join(bin, "psql"), ...superuser()], {
          stdio: ["pipe", "pipe", "pipe"],
        }),
        countSql(opts),
        opts.intervalMs ?? 50,
      ),
  };
}

async function retry<T>(fn: () => Promise<T>, timeoutMs: number): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      return await fn();
    } catch (error) {
      if (Date.now() > deadline) throw error;
      await new Promise((r) => setTimeout(r, 200));
    }
  }
}

/**
 * One long-lived psql answering one query per sample: spawning psql for every
 * sample would be too slow to catch short peaks.
 */
function watchConnections(child: ChildProcessWithoutNullStreams, sql: string, intervalMs: number): ConnectionWatch {
  const samples: number[] = [];
  let buffer = "";
  let waiting: ((line: string) => void) | null = null;
  child.stdout.on("data", (d: Buffer) => {
    buffer += d.toString();
    let newline: number;
    while ((newline = buffer.indexOf("\n")) >= 0 && waiting) {
      const line = buffer.slice(0, newline);
      buffer = buffer.slice(newline + 1);
      const resolve = waiting;
      waiting = null;
      resolve(line);
    }
  });
  const exited = new Promise<void>((resolve) => child.on("close", () => resolve()));
  child.stdin.on("error", () => undefined); // EPIPE if psql died (e.g. server stopped)
  let running = true;
  const loop = (async () => {
    while (running) {
      const line = await Promise.race([
        new Promise<string>((resolve) => {
          waiting = resolve;
          child.stdin.write(`${sql};\n`);
        }),
        exited.then(() => null),
        // psql reports errors on stderr only: do not wait forever for a line.
        new Promise<string>((resolve) => setTimeout(() => resolve(""), 5_000).unref()),
      ]);
      if (line === null) return;
      waiting = null;
      const n = Number(line.trim());
      if (line.trim() !== "" && Number.isFinite(n)) samples.push(n);
      await new Promise((r) => setTimeout(r, intervalMs));
    }
  })();
  return {
    stop: async () => {
      running = false;
      await loop;
      child.stdin.end();
      await Promise.race([exited, new Promise((r) => setTimeout(r, 2_000).unref())]);
      child.kill("SIGKILL");
      return { peak: samples.length ? Math.max(...samples) : 0, samples };
    },
  };
}

// ------------------------------------------------------------------ PgBouncer

export interface PgbouncerOptions {
  poolMode?: "session" | "transaction" | "statement";
  defaultPoolSize?: number;
  maxClientConn?: number;
  maxDbConnections?: number;
  /** Further [pgbouncer] settings. */
  settings?: Record<string, string | number>;
  name?: string;
}

export interface PgbouncerServer {
  name: string;
  host: string;
  port: number;
  /** Same credentials and database name as the PostgreSQL behind it. */
  user: string;
  password: string;
  database: string;
  /** Runs a command on the admin console (e.g. "SHOW POOLS"), as the application user. */
  admin(command: string): Promise<string>;
}

export async function startPgbouncer(
  group: ProcessGroup,
  postgres: PostgresServer,
  options: PgbouncerOptions = {},
): Promise<PgbouncerServer> {
  const name = options.name ?? "pgbouncer";
  const port = await freePort();
  const dir = await ownedDir(group, name, PG_USER);
  const authFile = join(dir, "userlist.txt");
  const iniFile = join(dir, "pgbouncer.ini");
  const settings: Record<string, string | number> = {
    listen_addr: "127.0.0.1",
    listen_port: port,
    unix_socket_dir: "", // no socket in /tmp shared with other tests
    auth_type: "scram-sha-256",
    auth_file: authFile,
    admin_users: postgres.user,
    pool_mode: options.poolMode ?? "transaction",
    default_pool_size: options.defaultPoolSize ?? 20,
    max_client_conn: options.maxClientConn ?? 100,
    max_db_connections: options.maxDbConnections ?? 0,
    ignore_startup_parameters: "extra_float_digits",
    ...(options.settings ?? {}),
  };
  const ini =
    `[databases]\n${postgres.database} = host=${postgres.host} port=${postgres.port} dbname=${postgres.database}\n\n` +
    `[pgbouncer]\n${Object.entries(settings)
      .map(([k, v]) => `${k} = ${v}`)
      .join("\n")}\n`;
  // A plain-text password lets PgBouncer do SCRAM both with clients and with the server.
  writeFileSync(authFile, `"${postgres.user}" "${postgres.password}"\n`, { mode: 0o600 });
  writeFileSync(iniFile, ini, { mode: 0o600 });
  const { uid, gid } = await osUser(PG_USER);
  chownSync(authFile, uid, gid);
  chownSync(iniFile, uid, gid);
  group.spawn(name, "pgbouncer", [iniFile], { user: PG_USER, stopSignal: "SIGINT", backing: true });
  await group.untilReady(name, waitForPort(port, 30_000));
  return {
    name,
    host: "127.0.0.1",
    port,
    user: postgres.user,
    password: postgres.password,
    database: postgres.database,
    admin: (command) =>
      runCommand(
        join(pgBinDir(), "psql"),
        [
          "-X",
          "-A",
          "-t",
          "-h",
          "127.0.0.1",
          "-p",
          String(port),
          "-U",
          postgres.user,
          "-d",
          "pgbouncer",
          "-c",
          command,
        ],
        {
          env: { PGPASSWORD: postgres.password },
        },
      ),
  };
}
