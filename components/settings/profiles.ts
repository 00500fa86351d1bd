// Every setting, per profile: honoured by that profile's target, or refused there. A setting a
// target would silently ignore is a mistake to report (an operator who sets a certificate ARN
// on a test stack, or PgBouncer on prod, expects it used). test/plan/profiles.spec.ts keeps this
// table equal to the schema's leaf keys, so a new key must take a side on both profiles.

/** The two deployment profiles: Docker on one host (test) and AWS (prod). */
export type Profile = "test" | "prod";

/** `true`: the profile's target uses it. A string: why the profile refuses it, and what to do instead. */
type Support = true | string;
export interface KeySupport {
  test: Support;
  prod: Support;
}

const both: KeySupport = { test: true, prod: true };
const PROD_ONLY = "prod-only";
const TEST_ONLY = "test-only";
const prodOnly: KeySupport = { test: PROD_ONLY, prod: true };
const testOnly: KeySupport = { test: true, prod: TEST_ONLY };
const PGBOUNCER_ON_PROD =
  "the AWS target deploys no PgBouncer, so the app would open its pools straight to RDS past a budget that counts " +
  "PgBouncer; remove throat:database.pgbouncer and fit the app in the database: raise throat:database.maxConnections, " +
  'lower throat:workers.*.poolSize, or use poolSize "auto"';
const pgbouncer: KeySupport = { test: true, prod: PGBOUNCER_ON_PROD };
const worker = (kind: string, keys: string[]) => keys.map((k) => `workers.${kind}.${k}`);

export const KEY_SUPPORT: Record<string, KeySupport> = {
  profile: both,
  siteName: both,
  image: both,
  appSource: both,
  routeList: both,
  // replicas: both (the Docker target runs the maximum of {min, max}; socketio's range is refused on prod in index.ts).
  ...Object.fromEntries(
    [
      ...worker("sync", ["replicas", "processes", "threads"]),
      ...["gevent", "socketio"].flatMap((k) => worker(k, ["replicas", "processes", "workerConnections", "poolSize"])),
      // Both targets: --worker-connections, nofile ulimits, nginx worker_connections (plan/capacity.ts).
      "workers.socketio.clients",
    ].map((k) => [k, both]),
  ),
  ...Object.fromEntries(
    ["sync", "gevent", "socketio"].flatMap((k) => worker(k, ["cpu", "memory"])).map((k) => [k, prodOnly]),
  ),
  "pool.staleTimeout": both,
  "pool.timeout": both,
  "database.maxConnections": both,
  "database.reservedConnections": both,
  "database.headroom": both,
  "database.migrationConnections": both,
  "database.engineVersion": both,
  "database.instanceClass": prodOnly,
  "database.allocatedStorage": prodOnly,
  "database.multiAz": prodOnly,
  "database.backupRetentionDays": prodOnly,
  "database.maxAllocatedStorage": prodOnly,
  "database.applyImmediately": prodOnly,
  "database.pgbouncer.enabled": pgbouncer,
  "database.pgbouncer.poolSize": pgbouncer,
  "database.pgbouncer.maxClientConnections": pgbouncer,
  // Docker: below 200 the containers are replaced delete-first (components/docker/workers.ts).
  "deploy.maxPercent": both,
  "edge.kind": both,
  "edge.outerProxies": both,
  "edge.httpPort": testOnly,
  "edge.httpsPort": testOnly,
  "edge.certificateArn": prodOnly,
  // The ALB's idle timeout is fixed (components/aws/alb.ts); the static nginx tier proxies no websockets.
  "edge.websocketTimeout": testOnly,
  tlsCertificate: testOnly,
  tlsKey: testOnly,
  secretKey: both,
  uploadMaxSize: both,
  // Throat's own settings and mail: both targets run the same app (SMTP egress opens on prod).
  app: both,
  ...Object.fromEntries(["server", "port", "useTls", "username", "defaultFrom"].map((k) => [`mail.${k}`, both])),
  mailPassword: both,
  // Both targets keep user files on destroy when asked (docker volumes, the S3 bucket).
  "storage.retainOnDelete": both,
  "redis.nodeType": prodOnly,
  "aws.vpcId": prodOnly,
  "aws.publicSubnetIds": prodOnly,
  "aws.privateSubnetIds": prodOnly,
  "aws.availabilityZones": prodOnly,
  "aws.logRetentionDays": prodOnly,
  // Issue 12: the AWS target's cost, backup, alarm and DNS options (Docker has none of these).
  "redis.nodes": prodOnly,
  "redis.snapshotRetentionDays": prodOnly,
  "aws.natGateways": prodOnly,
  "aws.vpcEndpoints": prodOnly,
  "aws.containerInsights": prodOnly,
  "aws.staticTasks": prodOnly,
  "aws.accessLogDays": prodOnly,
  "alerts.email": prodOnly,
  "alerts.databaseConnectionsPercent": prodOnly,
  "alerts.freeStoragePercent": prodOnly,
  "alerts.cpuPercent": prodOnly,
  "alerts.http5xxPercent": prodOnly,
  "alerts.redisMemoryPercent": prodOnly,
  "dns.zoneId": prodOnly,
};

/** Problems for keys set in `input` that `profile` refuses. Reported once per refused object (pgbouncer). */
export function checkProfileKeys(profile: Profile, input: Record<string, unknown>, problems: string[]): void {
  const reported = new Set<string>();
  for (const [path, support] of Object.entries(KEY_SUPPORT)) {
    const why = support[profile];
    if (why === true || lookup(input, path) === undefined) continue;
    if (why === PROD_ONLY || why === TEST_ONLY) {
      const other = why === PROD_ONLY ? "prod" : "test";
      const top = path.split(".")[0]!;
      const how = path.includes(".") ? ` or remove ${path.slice(top.length + 1)} from the object` : "";
      problems.push(
        `throat:${path} is a ${other}-only setting; this stack uses the ${profile} profile: remove it (pulumi config rm throat:${top}${how})`,
      );
    } else if (!reported.has(why)) {
      reported.add(why);
      const parent = path.split(".").slice(0, -1).join(".");
      problems.push(`throat:${parent || path} is refused on the ${profile} profile: ${why}`);
    }
  }
}

function lookup(obj: unknown, path: string): unknown {
  return path
    .split(".")
    .reduce<unknown>((o, k) => (o && typeof o === "object" ? (o as Record<string, unknown>)[k] : undefined), obj);
}
