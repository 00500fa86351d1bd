// Stand-ins that behave as the prod profile's AWS services do, for the prod real-app e2e:
// - a CA of the test's own and a loopback server certificate it signs (the image trusts Amazon's
//   CAs; here the app trusts this one through SSL_CERT_FILE, which OpenSSL's default paths read:
//   redis-py's rediss:// builds ssl.create_default_context());
// - PostgreSQL with ssl=on whose pg_hba.conf has `hostssl` only (and `hostnossl ... reject`), as
//   RDS for PostgreSQL 15+ with rds.force_ssl=1 refuses every non-TLS login;
// - Redis on a TLS-only port without client certificates (ElastiCache in-transit encryption).
import { chownSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import {
  freePort,
  type PostgresOptions,
  type PostgresServer,
  type ProcessGroup,
  runCommand,
  startPostgres,
  waitForPort,
} from "../support";

export interface TestCa {
  /** The CA certificate (PEM): the trust store the app is given. */
  caFile: string;
  /** A certificate for 127.0.0.1 and localhost, signed by the CA, and its key. */
  certFile: string;
  keyFile: string;
}

export async function makeTestCa(dir: string): Promise<TestCa> {
  const f = (n: string) => join(dir, n);
  const ec = ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes"];
  await runCommand(
    "openssl",
    ["req", "-x509", ...ec, "-days", "2", "-subj", "/CN=throat-e2e-ca"].concat([
      "-keyout",
      f("ca.key"),
      "-out",
      f("ca.pem"),
    ]),
  );
  await runCommand("openssl", [
    "req",
    ...ec,
    "-subj",
    "/CN=localhost",
    "-keyout",
    f("server.key"),
    "-out",
    f("server.csr"),
  ]);
  writeFileSync(f("san.ext"), "subjectAltName=DNS:localhost,IP:127.0.0.1\n");
  await runCommand("openssl", [
    "x509",
    "-req",
    "-in",
    f("server.csr"),
    "-CA",
    f("ca.pem"),
    "-CAkey",
    f("ca.key"),
    "-CAcreateserial",
    "-days",
    "2",
    "-extfile",
    f("san.ext"),
    "-out",
    f("server.pem"),
  ]);
  return { caFile: f("ca.pem"), certFile: f("server.pem"), keyFile: f("server.key") };
}

/** The pg_hba.conf of a server that refuses plain TCP: the superuser's socket, TLS logins, nothing else. */
export const TLS_ONLY_HBA = [
  "local all postgres trust",
  "hostssl all all 127.0.0.1/32 scram-sha-256",
  "hostnossl all all 0.0.0.0/0 reject",
  "",
].join("\n");

export async function startTlsPostgres(
  group: ProcessGroup,
  ca: TestCa,
  options: PostgresOptions,
): Promise<PostgresServer> {
  // The server reads its key only if the postgres user owns it with mode 0600.
  const dir = group.subdir("postgres-tls");
  const { uid, gid } = await postgresUser();
  const own = (name: string, text: string) => {
    const path = join(dir, name);
    writeFileSync(path, text, { mode: 0o600 });
    chownSync(path, uid, gid);
    return path;
  };
  const { readFileSync } = await import("node:fs");
  chownSync(dir, uid, gid);
  return startPostgres(group, {
    ...options,
    settings: {
      ...(options.settings ?? {}),
      ssl: "on",
      ssl_cert_file: own("server.pem", readFileSync(ca.certFile, "utf8")),
      ssl_key_file: own("server.key", readFileSync(ca.keyFile, "utf8")),
      hba_file: own("pg_hba.conf", TLS_ONLY_HBA),
    },
  });
}

async function postgresUser(): Promise<{ uid: number; gid: number }> {
  const [uid, gid] = await Promise.all([runCommand("id", ["-u", "postgres"]), runCommand("id", ["-g", "postgres"])]);
  return { uid: Number(uid.trim()), gid: Number(gid.trim()) };
}

export interface TlsRedis {
  host: string;
  port: number;
  /** redis-cli over TLS, trusting the test's CA. */
  cli(...args: string[]): Promise<string>;
}

export async function startTlsRedis(group: ProcessGroup, ca: TestCa): Promise<TlsRedis> {
  const port = await freePort();
  const dir = group.subdir("redis-tls");
  group.spawn(
    "redis",
    "redis-server",
    ["--bind", "127.0.0.1", "--port", "0", "--tls-port", String(port), "--tls-auth-clients", "no"]
      .concat(["--tls-cert-file", ca.certFile, "--tls-key-file", ca.keyFile, "--tls-ca-cert-file", ca.caFile])
      .concat(["--save", "", "--appendonly", "no", "--dir", dir, "--daemonize", "no"]),
    { cwd: dir, backing: true },
  );
  await group.untilReady("redis", waitForPort(port, 30_000));
  return {
    host: "127.0.0.1",
    port,
    cli: (...args) =>
      runCommand("redis-cli", ["--tls", "--cacert", ca.caFile, "-h", "127.0.0.1", "-p", String(port), ...args]),
  };
}
