// Every setting either works on a profile or is refused there: for each leaf key of the schema
// and each profile, a non-default value is honoured (it reaches the Settings the target reads)
// or refused with the key named. A new key without a row here fails the first test.
import { KEY_SUPPORT } from "../../components/settings/profiles";
import { settingsSchema } from "../../components/settings/schema";
import { leafKeys } from "../../components/settings/shape";
import type { Settings } from "../../components/settings";
import { errorOf, PROD_REQUIRED, settings } from "../support/settings";

const PEM_CERT = "-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n";
const PEM_KEY = "-----BEGIN PRIVATE KEY-----\nMIIE\n-----END PRIVATE KEY-----\n";
const SUBNETS = {
  publicSubnetIds: ["subnet-00000001", "subnet-00000002"],
  privateSubnetIds: ["subnet-00000003", "subnet-00000004"],
};

const MAIL_FROM = "noreply@example.net";
const MAIL_BASE = { "mail.server": "smtp.example.net", "mail.defaultFrom": MAIL_FROM };

/** A value other than the default, with what it needs beside it, and where Settings shows it. */
interface Sample {
  value: unknown;
  with?: Record<string, unknown>;
  /** The value as Settings holds it (default: `value`). */
  seen?: (s: Settings) => unknown;
  expected?: unknown;
}
const SAMPLES: Record<string, Sample> = {
  profile: { value: "test", seen: (s) => s.profile },
  siteName: { value: "forum.example.net" },
  image: {
    value: "registry.example.org/throat:2",
    seen: (s) => s.image,
    expected: { ref: "registry.example.org/throat:2" },
  },
  appSource: {
    value: "test/fixtures/throat-checkout",
    with: { image: undefined },
    seen: (s) => s.image,
    expected: { source: "test/fixtures/throat-checkout" },
  },
  routeList: { value: "throat/route-list.txt" },
  "workers.sync.replicas": { value: 3, expected: { min: 3, max: 3 } },
  "workers.sync.processes": { value: 3 },
  "workers.sync.threads": { value: 2 },
  "workers.gevent.replicas": { value: 2, expected: { min: 2, max: 2 } },
  "workers.gevent.processes": { value: 1 },
  "workers.gevent.workerConnections": { value: 30 },
  "workers.gevent.poolSize": { value: 12 },
  "workers.socketio.replicas": { value: 2, expected: { min: 2, max: 2 } },
  "workers.socketio.processes": { value: 1 },
  "workers.socketio.workerConnections": { value: 90 },
  "workers.socketio.clients": { value: 3000 },
  "workers.socketio.poolSize": { value: 6 },
  ...Object.fromEntries(
    ["sync", "gevent", "socketio"].flatMap((k) => [
      [`workers.${k}.cpu`, { value: 1024, with: { [`workers.${k}.memory`]: 2048 } }],
      [`workers.${k}.memory`, { value: 2048 }],
    ]),
  ),
  "pool.staleTimeout": { value: 120 },
  "pool.timeout": { value: 5 },
  "database.maxConnections": { value: 150 },
  "database.reservedConnections": { value: 6 },
  "database.headroom": { value: 4 },
  "database.migrationConnections": { value: 2 },
  "database.engineVersion": { value: 15, expected: "15" },
  "database.instanceClass": { value: "db.r6g.large" },
  "database.allocatedStorage": { value: 50 },
  "database.multiAz": { value: true },
  "database.backupRetentionDays": { value: 14 },
  "database.maxAllocatedStorage": { value: 200 },
  "database.applyImmediately": { value: false },
  "database.pgbouncer.enabled": { value: true },
  "database.pgbouncer.poolSize": { value: 30 },
  "database.pgbouncer.maxClientConnections": { value: 200 },
  "deploy.maxPercent": { value: 150 },
  // The edge each profile has (the other one is refused on it: settings.spec.ts).
  "edge.kind": { value: "nginx", seen: (s) => s.edge.kind },
  "edge.outerProxies": { value: 1 },
  "edge.httpPort": { value: 9000 },
  "edge.httpsPort": { value: 9443 },
  "edge.certificateArn": { value: "arn:aws:acm:eu-west-1:123456789012:certificate/abc-2" },
  "edge.websocketTimeout": { value: 600 },
  tlsCertificate: { value: PEM_CERT, with: { tlsKey: PEM_KEY } },
  tlsKey: { value: PEM_KEY, with: { tlsCertificate: PEM_CERT }, seen: (s) => s.secrets.tlsKey, expected: true },
  secretKey: { value: "a-secret-key-of-some-length", seen: (s) => s.secrets.secretKey, expected: true },
  uploadMaxSize: { value: 32 * 1024 * 1024 },
  app: { value: { site: { sub_prefix: "f" } } },
  "mail.server": { value: "smtp.example.net", with: { "mail.defaultFrom": MAIL_FROM } },
  "mail.port": { value: 2525, with: MAIL_BASE },
  "mail.useTls": { value: false, with: MAIL_BASE },
  "mail.username": { value: "throat", with: { ...MAIL_BASE, mailPassword: "smtp-pw" } },
  "mail.defaultFrom": { value: "forum@example.net", with: { "mail.server": "smtp.example.net" } },
  mailPassword: {
    value: "smtp-pw",
    with: { ...MAIL_BASE, "mail.username": "throat" },
    seen: (s) => s.secrets.mailPassword,
    expected: true,
  },
  "storage.retainOnDelete": { value: true },
  "redis.nodeType": { value: "cache.r6g.large" },
  "aws.vpcId": {
    value: "vpc-0abc1234",
    with: { "aws.publicSubnetIds": SUBNETS.publicSubnetIds, "aws.privateSubnetIds": SUBNETS.privateSubnetIds },
  },
  "aws.publicSubnetIds": {
    value: SUBNETS.publicSubnetIds,
    with: { "aws.vpcId": "vpc-0abc1234", "aws.privateSubnetIds": SUBNETS.privateSubnetIds },
  },
  "aws.privateSubnetIds": {
    value: SUBNETS.privateSubnetIds,
    with: { "aws.vpcId": "vpc-0abc1234", "aws.publicSubnetIds": SUBNETS.publicSubnetIds },
  },
  "aws.availabilityZones": { value: 3 },
  "aws.logRetentionDays": { value: 90 },
  "aws.natGateways": { value: 1 },
  "aws.vpcEndpoints": { value: true },
  "aws.containerInsights": { value: false },
  "aws.staticTasks": { value: 3 },
  "aws.accessLogDays": { value: 30 },
  "redis.nodes": { value: 1 },
  "redis.snapshotRetentionDays": { value: 7 },
  "alerts.email": { value: "ops@example.org" },
  "alerts.databaseConnectionsPercent": { value: 75 },
  "alerts.freeStoragePercent": { value: 20 },
  "alerts.cpuPercent": { value: 70 },
  "alerts.http5xxPercent": { value: 2 },
  "alerts.redisMemoryPercent": { value: 90 },
  // Instead of the certificate ARN, never with it.
  "dns.zoneId": { value: "Z0123456789ABCDEFGHIJ", with: { "edge.certificateArn": undefined } },
};

/** `{ "a.b": 1 }` -> `{ a: { b: 1 } }`, merged over `base`. */
function nest(base: Record<string, unknown>, flat: Record<string, unknown>): Record<string, unknown> {
  const out = structuredClone(base);
  for (const [k, v] of Object.entries(flat)) {
    const parts = k.split(".");
    let o = out;
    for (const p of parts.slice(0, -1)) o = (o[p] ??= {}) as Record<string, unknown>;
    if (v === undefined) delete o[parts.at(-1)!];
    else o[parts.at(-1)!] = v;
  }
  return out;
}
const lookup = (obj: unknown, path: string) =>
  path.split(".").reduce<unknown>((o, k) => (o as Record<string, unknown> | undefined)?.[k], obj);
const SECRETS = ["tlsKey", "secretKey", "mailPassword"];

test("the table has a row for every key of the schema, and a sample for each", () => {
  expect(Object.keys(KEY_SUPPORT).sort()).toEqual(leafKeys(settingsSchema).sort());
  expect(Object.keys(SAMPLES).sort()).toEqual(leafKeys(settingsSchema).sort());
});

const cases = Object.entries(KEY_SUPPORT).flatMap(([key, support]) =>
  (["test", "prod"] as const).map(
    (profile) => [key, profile, support[profile] === true ? "honoured" : "refused"] as const,
  ),
);

test.each(cases)("%s on %s: %s", (key, profile, verdict) => {
  const sample = SAMPLES[key]!;
  const stack = profile === "prod" ? "prod" : "test-audit";
  const base = profile === "prod" ? PROD_REQUIRED : {};
  // Samples for `profile` and `edge.kind` must be the profile's own.
  const own: Record<string, unknown> = { profile, "edge.kind": profile === "prod" ? "alb" : "nginx" };
  const value = key in own ? own[key] : sample.value;
  const config = nest(base, { ...sample.with, [key]: value });
  const secret = SECRETS.filter((k) => config[k] !== undefined);
  if (verdict === "refused") {
    expect(errorOf(() => settings(stack, config, secret))).toContain(
      `throat:${key
        .split(".")
        .slice(0, key.startsWith("database.pgbouncer") ? 2 : undefined)
        .join(".")}`,
    );
    return;
  }
  const s = settings(stack, config, secret);
  const seen = sample.seen ? sample.seen(s) : lookup(s, key);
  expect(seen).toEqual(key in own ? own[key] : (sample.expected ?? sample.value));
});

test("PgBouncer is refused on prod with what to do instead", () => {
  const msg = errorOf(() =>
    settings("prod", { ...PROD_REQUIRED, database: { maxConnections: 60, pgbouncer: { enabled: true } } }),
  );
  expect(msg).toMatch(/throat:database\.pgbouncer is refused on the prod profile: the AWS target deploys no PgBouncer/);
  expect(msg).toMatch(
    /raise throat:database\.maxConnections, lower throat:workers\.\*\.poolSize, or use poolSize "auto"/,
  );
  // One problem for the object, not one per key.
  expect(
    errorOf(() => settings("prod", { ...PROD_REQUIRED, database: { pgbouncer: { enabled: true, poolSize: 5 } } })),
  ).toMatch(/has 1 configuration problem/);
});
