// The routing part of the nginx edge, rendered from the plan. What never changes (the base
// nginx.conf, proxy_params, the image) lives in nginx/; these files go to its `throat/` folder:
//   throat/main.conf    main context: open-file limit for the connections below
//   throat/events.conf  events: worker_connections sized for the promised websocket clients
//   throat/http.conf    http: upstreams, the websocket map, the TLS server and its locations
import type { WorkerKind } from "../settings";
import type { ConnectionBudget } from "./budget";
import { hasParams, PARAM, RouteTable, SOCKETIO_PREFIX, STATIC_PREFIX } from "./routes";
import { nginxNofile, nginxWorkerConnections } from "./capacity";
import { NGINX_HEALTH_LOCATION } from "./drain";

export interface NginxTarget {
  /** host:port of every worker process group, per kind. */
  upstreams: Record<WorkerKind, string[]>;
  /** Directory holding Throat's app/static contents. */
  staticRoot: string;
  tls: { certificatePath: string; keyPath: string };
  /** Ports nginx listens on (inside its container). */
  listen: { http: number; https: number };
  /** The HTTPS port users reach (published port), for the http -> https redirect. */
  publicHttpsPort: number;
}

export interface NginxEdgeSettings {
  uploadMaxSize: number;
  websocketTimeout: number;
}

export type NginxFiles = Record<string, string>;

const upstreamName = (k: WorkerKind) => `throat_${k}`;
/** Idle keepalive connections nginx keeps to each upstream (per nginx worker). */
const UPSTREAM_KEEPALIVE = 16;
/**
 * Seconds nginx waits to connect to a worker (nginx's default is 60). A live worker on the
 * Docker network or loopback accepts within milliseconds; an address a replaced container left
 * behind never answers, and a request must not hang on it: it moves to the next server.
 */
export const PROXY_CONNECT_TIMEOUT = 2;
/**
 * Failover to the next server on a dead or failing one. Safe for every kind: nginx never passes
 * a request with a non-idempotent method (POST, LOCK, PATCH) to another server once it has been
 * sent (proxy_next_upstream docs, "non_idempotent"), so only GETs and their like are retried.
 */
const FAILOVER = [
  "proxy_next_upstream error timeout http_502 http_503 http_504;",
  "proxy_next_upstream_tries 3;",
  `proxy_connect_timeout ${PROXY_CONNECT_TIMEOUT}s;`,
];

/** nginx regex for a rule: literal text escaped, each parameter one path segment (int: digits, path: anything). */
export function ruleRegex(rule: string): string {
  let out = "";
  let last = 0;
  for (const m of rule.matchAll(new RegExp(PARAM.source, "g"))) {
    out += escapeRegex(rule.slice(last, m.index));
    out += m[1] === "int" ? "[0-9]+" : m[1] === "path" ? ".+" : "[^/]+";
    last = m.index! + m[0].length;
  }
  return `^${out}${escapeRegex(rule.slice(last))}$`;
}

function escapeRegex(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}

// worker_connections and its open-file limit: sized in plan/capacity.ts with the clients.
export { nginxWorkerConnections } from "./capacity";

export function renderNginx(
  routes: RouteTable,
  budget: ConnectionBudget,
  edge: NginxEdgeSettings,
  t: NginxTarget,
): NginxFiles {
  const workerConnections = nginxWorkerConnections(budget);
  const redirectPort = t.publicHttpsPort === 443 ? "" : `:${t.publicHttpsPort}`;
  const proxyToPool = (kind: WorkerKind) => [
    "include proxy_params;",
    // HTTP/1.1 with an empty Connection header lets nginx reuse upstream connections.
    "proxy_http_version 1.1;",
    'proxy_set_header Connection "";',
    `proxy_pass http://${upstreamName(kind)};`,
  ];
  const location = (match: string, body: string[]) =>
    [`    location ${match} {`, ...body.map((l) => `        ${l}`), "    }"].join("\n");
  const websocket = [
    "include proxy_params;",
    "proxy_http_version 1.1;",
    "proxy_buffering off;",
    "proxy_set_header Upgrade $http_upgrade;",
    "proxy_set_header Connection $connection_upgrade;",
    // An idle websocket closes after proxy_read_timeout; socket.io pings every 25 s.
    `proxy_read_timeout ${edge.websocketTimeout}s;`,
    `proxy_send_timeout ${edge.websocketTimeout}s;`,
    // A polling request or the upgrade's GET meeting a dead process goes to a live one (with
    // ip_hash, the next in the hash order); the client's session then starts again there.
    ...FAILOVER,
    `proxy_pass http://${upstreamName("socketio")};`,
  ];
  const geventLocations = routes.geventRules.map((rule) =>
    location(hasParams(rule) ? `~ ${ruleRegex(rule)}` : `= ${rule}`, [...proxyToPool("gevent"), ...FAILOVER]),
  );
  const upstream = (kind: WorkerKind) => {
    const servers = t.upstreams[kind];
    if (!servers.length) throw new Error(`nginx: no ${kind} upstream servers`);
    const lines = [
      // socket.io polling needs every request of a session on the same process.
      ...(kind === "socketio" && servers.length > 1 ? ["ip_hash;"] : []),
      ...servers.map((s) => `server ${s} max_fails=1 fail_timeout=10s;`),
      // Never for async workers: gunicorn's gevent worker holds one of its --worker-connections
      // for every open connection, idle ones too, so nginx's idle cache (per nginx process)
      // can take them all and leave new requests in the backlog until they time out (504).
      ...(kind === "sync" ? [`keepalive ${UPSTREAM_KEEPALIVE};`] : []),
    ];
    return [`upstream ${upstreamName(kind)} {`, ...lines.map((l) => `    ${l}`), "}"].join("\n");
  };

  const http = [
    "# Rendered by the Throat stack from its plan. Do not edit: change the stack config.",
    "map $http_upgrade $connection_upgrade {",
    "    default upgrade;",
    "    ''      close;",
    "}",
    ...(["sync", "gevent", "socketio"] as const).map(upstream),
    "",
    "server {",
    `    listen ${t.listen.http} default_server;`,
    NGINX_HEALTH_LOCATION,
    `    location / { return 301 https://$host${redirectPort}$request_uri; }`,
    "}",
    "",
    "server {",
    `    listen ${t.listen.https} ssl default_server;`,
    `    ssl_certificate ${t.tls.certificatePath};`,
    `    ssl_certificate_key ${t.tls.keyPath};`,
    "    ssl_protocols TLSv1.2 TLSv1.3;",
    // Throat's site.upload_max_size: the app rejects larger bodies itself.
    `    client_max_body_size ${edge.uploadMaxSize};`,
    NGINX_HEALTH_LOCATION,
    "",
    "    # Static assets from disk: never reach gunicorn.",
    location(`^~ ${STATIC_PREFIX}`, [
      `alias ${t.staticRoot.replace(/\/?$/, "/")};`,
      "expires max;",
      "access_log off;",
      'add_header Access-Control-Allow-Origin "*";',
    ]),
    "",
    "    # socket.io (polling and websocket) to the socketio workers.",
    location(`= ${SOCKETIO_PREFIX}`, websocket),
    location(`^~ ${SOCKETIO_PREFIX}/`, websocket),
    "",
    "    # Routes the route list marks gevent: exact rules first, parameterised ones as anchored regexes.",
    ...geventLocations,
    "",
    "    # Everything else to the sync workers. A dead replica costs no failed idempotent request:",
    "    # nginx retries it on the next server (never a POST, which is not idempotent).",
    location("/", [...proxyToPool("sync"), ...FAILOVER]),
    "}",
    "",
  ].join("\n");

  return {
    "throat/main.conf": `worker_rlimit_nofile ${nginxNofile(workerConnections)};\n`,
    "throat/events.conf": `worker_connections ${workerConnections};\n`,
    "throat/http.conf": http,
  };
}

/**
 * The prod profile's static tier: nginx behind the ALB, serving /static/ only. TLS ends at the
 * ALB, which forwards /static/* here; everything else is a 404 so nothing reaches gunicorn.
 * With `fallback`, a file this release's image lacks comes from the asset CDN (every release's
 * files, plan/storage.ts), so a page of the previous (or next) release never gets a 404.
 */
export function renderStaticNginx(
  staticRoot: string,
  port: number,
  fallback?: { host: string; resolver: string; caBundle: string },
): NginxFiles {
  const root = staticRoot.replace(/\/?$/, "");
  if (!root.endsWith(STATIC_PREFIX.replace(/\/$/, "")))
    throw new Error(`static root ${staticRoot} must end in ${STATIC_PREFIX}`);
  const served = [
    "        expires max;",
    "        access_log off;",
    '        add_header Access-Control-Allow-Origin "*";',
  ];
  const http = [
    "# Rendered by the Throat stack: the static tier behind the ALB.",
    "server {",
    `    listen ${port} default_server;`,
    NGINX_HEALTH_LOCATION,
    `    location ^~ ${STATIC_PREFIX} {`,
    ...(fallback
      ? [
          // root, not alias: try_files and alias do not mix well in nginx.
          `        root ${root.slice(0, -STATIC_PREFIX.length + 1)};`,
          "        try_files $uri @release_assets;",
        ]
      : [`        alias ${root}/;`]),
    ...served,
    "    }",
    ...(fallback
      ? [
          "    location @release_assets {",
          `        resolver ${fallback.resolver} valid=60s;`,
          `        set $assets_host ${fallback.host};`,
          "        proxy_pass https://$assets_host;",
          "        proxy_set_header Host $assets_host;",
          "        proxy_ssl_server_name on;",
          "        proxy_ssl_name $assets_host;",
          "        proxy_ssl_verify on;",
          `        proxy_ssl_trusted_certificate ${fallback.caBundle};`,
          "        access_log off;",
          '        add_header Access-Control-Allow-Origin "*";',
          "    }",
        ]
      : []),
    "    location / { return 404; }",
    "}",
    "",
  ].join("\n");
  return { "throat/main.conf": "", "throat/events.conf": "worker_connections 4096;\n", "throat/http.conf": http };
}
