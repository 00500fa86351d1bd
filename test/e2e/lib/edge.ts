// The nginx edge on this machine, from the edge container the Docker target registers: its
// uploaded files with upstream aliases pointed at the workers' loopback ports, `listen` narrowed
// to 127.0.0.1 on free ports, and a real self-signed certificate for the mock's placeholder.
import { existsSync, readFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { EDGE_PATHS } from "../../../components/plan/names";
import type { WorkerKind } from "../../../components/settings";
import type { ContainerRoot } from "./containerRoot";
import type { RegisteredContainer } from "./registered";
import { type NginxServer, type ProcessGroup, runCommand, startNginx } from "../support";

const PROJECT_ROOT = resolve(__dirname, "..", "..", "..");

/** What the edge needs of a worker process: its container's aliases and its loopback address. */
export interface EdgeWorker {
  aliases: string[];
  hostPort: string;
}

export async function startEdge(
  group: ProcessGroup,
  edge: RegisteredContainer,
  root: ContainerRoot,
  workers: EdgeWorker[],
  allAliases: Set<string>,
  ports: { http: number; https: number },
  dead: Partial<Record<WorkerKind, string[]>>,
): Promise<{ nginx: NginxServer; files: Record<string, string> }> {
  const tlsDir = group.subdir("edge-tls");
  const tls = { certificatePath: join(tlsDir, "cert.pem"), keyPath: join(tlsDir, "key.pem") };
  if (!existsSync(tls.certificatePath)) {
    // The registered certificate is a mock's placeholder: a real one for loopback instead.
    await runCommand("openssl", [
      "req",
      "-x509",
      "-newkey",
      "ec",
      "-pkeyopt",
      "ec_paramgen_curve:prime256v1",
      "-nodes",
      "-days",
      "2",
      "-subj",
      "/CN=localhost",
      "-addext",
      "subjectAltName=DNS:localhost,IP:127.0.0.1",
      "-keyout",
      tls.keyPath,
      "-out",
      tls.certificatePath,
    ]);
  }
  const internal = (port: number) => {
    const p = edge.ports.find((x) => x.internal === port);
    if (!p) throw new Error(`harness: the edge publishes no port ${port}`);
    return p;
  };
  internal(EDGE_PATHS.httpsPort);
  internal(EDGE_PATHS.httpPort);
  const byAlias = new Map(workers.flatMap((w) => w.aliases.map((a) => [a, w.hostPort] as const)));
  const nginxDir = "/etc/nginx/";
  const files: Record<string, string> = {};
  for (const [path, text] of Object.entries(edge.files)) {
    if (path.startsWith(`${nginxDir}throat/`)) files[path.slice(nginxDir.length)] = text;
  }
  const http = files["throat/http.conf"];
  if (http === undefined) throw new Error("harness: the edge container has no /etc/nginx/throat/http.conf uploaded");
  const rewritten = root
    .rewritePaths(http)
    .replace(
      /^(\s*server )([^\s:;]+):(\d+)(.*)$/gm,
      (line, head: string, alias: string, _port: string, rest: string) => {
        const target = byAlias.get(alias);
        if (target) return `${head}${target}${rest}`;
        // A replica this run does not start (options.replicas) is left out.
        if (allAliases.has(alias)) return `    # ${line.trim()} (not started here)`;
        throw new Error(
          `harness: nginx upstream server ${alias} is no worker container's network alias (${[...allAliases].join(", ")})`,
        );
      },
    )
    // Dead addresses first in their kind's upstream, with the same server parameters.
    .replace(
      /^(upstream throat_(\w+) \{\n(?:\s*ip_hash;\n)?)(\s*server \S+)(.*)$/gm,
      (block, head: string, kind: string, first: string, rest: string) => {
        const extra = dead[kind as WorkerKind] ?? [];
        const indent = /^\s*/.exec(first)![0];
        return `${head}${extra.map((a) => `${indent}server ${a}${rest}\n`).join("")}${first}${rest}`;
      },
    )
    .replaceAll(EDGE_PATHS.tls.certificatePath, tls.certificatePath)
    .replaceAll(EDGE_PATHS.tls.keyPath, tls.keyPath)
    .replace(/https:\/\/\$host(:\d+)?\$request_uri/g, `https://$host:${ports.https}$request_uri`);
  files["throat/http.conf"] = loopbackListen(rewritten, ports);
  const nginx = await startNginx(group, {
    name: "nginx",
    confText: readFileSync(join(PROJECT_ROOT, "nginx", "nginx.conf"), "utf8"),
    // The project's proxy_params (its X-Forwarded-For is what SITE_TRUSTED_PROXY_COUNT counts), not Debian's.
    files: { ...files, proxy_params: readFileSync(join(PROJECT_ROOT, "nginx", "proxy_params"), "utf8") },
    waitPorts: [ports.http, ports.https],
  });
  return { nginx, files };
}

/** `listen 80` binds every interface; here only loopback may be used, on the harness's ports. */
function loopbackListen(http: string, ports: { http: number; https: number }): string {
  let replaced = 0;
  const out = http.replace(/^(\s*listen )(\d+)\b/gm, (_m, head: string, port: string) => {
    replaced++;
    const mapped =
      Number(port) === EDGE_PATHS.httpsPort
        ? ports.https
        : Number(port) === EDGE_PATHS.httpPort
          ? ports.http
          : undefined;
    if (mapped === undefined) throw new Error(`harness: the edge listens on ${port}, which it does not publish`);
    return `${head}127.0.0.1:${mapped}`;
  });
  if (replaced !== 2 || !out.includes(`127.0.0.1:${ports.https} ssl`)) {
    throw new Error(
      `harness: expected the edge's http.conf to listen on ${EDGE_PATHS.httpPort} and ${EDGE_PATHS.httpsPort} ssl:\n${http}`,
    );
  }
  return out;
}
