import { ruleRegex, nginxWorkerConnections } from "../../components/plan/nginx";
import { samplePath } from "../../components/plan/routes";
import { plan } from "../support/settings";

// The rendered text is checked for its structure here; test/e2e runs it in a real nginx.
describe("nginx edge rendered from the plan", () => {
  const p = plan("test-alice", {
    workers: { socketio: { replicas: 2 }, sync: { replicas: 3 } },
    database: { maxConnections: 200 },
  });
  const http = p.edge.nginxFiles["throat/http.conf"]!;

  it("sends plain gevent rules by exact match and parameterised ones by anchored regex", () => {
    expect(http).toContain("location = /login {");
    expect(http).toContain("location ~ ^/do/upload/[^/]+$ {");
    for (const rule of p.routes.geventRules) {
      const regex = ruleRegex(rule);
      expect(new RegExp(regex).test(samplePath(rule))).toBe(true);
      expect(new RegExp(regex).test("/static/x")).toBe(false);
      expect(new RegExp(regex).test("/socket.io/")).toBe(false);
    }
  });

  it("gives every gevent location the gevent upstream", () => {
    const blocks = http.split("    location ").slice(1);
    const geventBlocks = blocks.filter((b) => b.includes("throat_gevent;"));
    expect(geventBlocks).toHaveLength(p.routes.geventRules.length);
  });

  it("upstreams list every replica by its network alias; socket.io is sticky when there are several", () => {
    expect(http).toMatch(
      /upstream throat_sync \{\n(    server throat-test-alice-sync-\d:5000 max_fails=1 fail_timeout=10s;\n){3}    keepalive 16;/,
    );
    expect(http).toMatch(/upstream throat_socketio \{\n    ip_hash;\n/);
    // Idle keepalive connections would hold gevent's worker connections (test/e2e saturation).
    expect(http).toMatch(/upstream throat_gevent \{\n    server [^\n]+\n\}/);
    expect(http).toMatch(/upstream throat_socketio \{[^}]*\}/);
    expect(http.match(/upstream throat_socketio \{[^}]*\}/)![0]).not.toContain("keepalive");
    const single = plan("test", {}).edge.nginxFiles["throat/http.conf"]!;
    expect(single).not.toContain("ip_hash");
  });

  it("serves /static/ from disk with the deploy.md headers", () => {
    expect(http).toMatch(
      /location \^~ \/static\/ \{\n\s+alias \/usr\/share\/nginx\/throat\/static\/;\n\s+expires max;\n\s+access_log off;\n\s+add_header Access-Control-Allow-Origin "\*";/,
    );
  });

  it("proxies socket.io as a websocket with a long read timeout", () => {
    expect(http).toContain("map $http_upgrade $connection_upgrade");
    expect(http).toMatch(
      /location \^~ \/socket\.io\/ \{[^}]*proxy_http_version 1\.1;[^}]*proxy_buffering off;[^}]*Upgrade \$http_upgrade;[^}]*Connection \$connection_upgrade;[^}]*proxy_read_timeout 3600s;/,
    );
    expect(http).toContain("location = /socket.io {");
  });

  it("accepts Throat's 16 MiB uploads and redirects http to the published https port", () => {
    expect(http).toContain(`client_max_body_size ${16 * 1024 * 1024};`);
    expect(http).toContain(`return 301 https://$host:${p.settings.edge.httpsPort}$request_uri;`);
  });

  it("retries idempotent requests on another sync replica", () => {
    expect(http).toMatch(/location \/ \{[^}]*proxy_next_upstream error timeout http_502 http_503 http_504;/);
    // Every proxied location, async ones too, fails over quickly: no request waits nginx's
    // default 60 s on an address a replaced container left behind.
    const proxied = [...http.matchAll(/location [^{]+\{([^}]*proxy_pass[^}]*)\}/g)].map((m) => m[1]!);
    expect(proxied.length).toBeGreaterThan(3);
    for (const body of proxied) {
      expect(body).toMatch(/proxy_connect_timeout 2s;/);
      expect(body).toMatch(/proxy_next_upstream error timeout/);
    }
  });

  it("sizes nginx connections for the websocket clients the plan promises", () => {
    const wc = nginxWorkerConnections(p.budget);
    expect(wc).toBeGreaterThanOrEqual(2 * p.budget.capacity.websocketClients);
    expect(p.edge.nginxFiles["throat/events.conf"]).toBe(`worker_connections ${wc};\n`);
  });

  it("renders the static tier only, on prod", () => {
    const prod = plan("prod").edge.nginxFiles["throat/http.conf"]!;
    expect(prod).toContain("location ^~ /static/");
    expect(prod).toContain("location / { return 404; }");
    // The one proxy: other releases' assets from the asset CDN, never a gunicorn upstream.
    expect(prod).not.toContain("upstream");
    expect(prod.match(/proxy_pass .*/g)).toEqual(["proxy_pass https://$assets_host;"]);
    expect(prod).toContain("set $assets_host {{filesHost}};");
  });
});
