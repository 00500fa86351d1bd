// Bad stack files through the offline plan (`npm run plan`, its function in-process): each is
// refused with exit code 1, a message naming the key (or stack name, or file) to fix, no line
// of a stack trace, and nothing registered. And the good unusual configs keep working.
import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { stringify } from "yaml";
import { planFromConfig } from "../../components/load";
import { planCli } from "../../scripts/plan/cli";
import { readStackConfig } from "../../scripts/offline/stackFile";
import { fileText, MISTAKES, PROD_BASE } from "./mistakes";

const dir = mkdtempSync(path.join(tmpdir(), "throat-bad-stacks-"));
let n = 0;
/** A directory holding one Pulumi.<stack>.yaml. */
function stackDir(stack: string, text: string): string {
  const d = path.join(dir, String(n++));
  mkdirSync(d);
  writeFileSync(path.join(d, `Pulumi.${stack}.yaml`), text);
  return d;
}

test("the table holds at least 60 mistakes, each once", () => {
  expect(MISTAKES.length).toBeGreaterThanOrEqual(60);
  expect(new Set(MISTAKES.map((m) => m.name)).size).toBe(MISTAKES.length);
});

describe.each(MISTAKES.map((m) => [m.name, m] as const))("%s", (_name, mistake) => {
  it("is refused before anything is registered, naming what to fix", async () => {
    const r = await planCli(["--stack", mistake.stack], stackDir(mistake.stack, fileText(mistake)));
    expect(r.code).toBe(1);
    expect(r.registered).toBe(0);
    expect(r.stdout).toBe("");
    expect(r.stderr).toMatch(mistake.names);
    expect(r.stderr).not.toMatch(/^\s+at .+[:(]/m);
    expect(r.stderr).not.toMatch(/Error:|undefined|\[object Object\]/);
  });
});

// Unusual but right: each plans cleanly from its stack file.
const good: [string, string, Record<string, unknown>][] = [
  [
    "PgBouncer on a test stack",
    "test-pgb",
    { "throat:database": { maxConnections: 40, pgbouncer: { enabled: true, poolSize: 20 } } },
  ],
  ["a CDN in front of the test edge", "test", { "throat:edge": { outerProxies: 1 } }],
  [
    "a CDN in front of the ALB",
    "prod",
    {
      ...PROD_BASE,
      "throat:edge": {
        certificateArn: (PROD_BASE["throat:edge"] as { certificateArn: string }).certificateArn,
        outerProxies: 1,
      },
    },
  ],
  [
    "autoscaled sync workers on prod",
    "prod",
    {
      ...PROD_BASE,
      "throat:workers": { sync: { replicas: { min: 2, max: 6 } } },
      "throat:database": { maxConnections: 200 },
    },
  ],
  [
    "pool timeout 0 with small worker connections",
    "test",
    {
      "throat:pool": { timeout: 0 },
      "throat:workers": {
        gevent: { workerConnections: 8, poolSize: 8 },
        socketio: { workerConnections: 10, poolSize: 10 },
      },
    },
  ],
  [
    "an existing VPC (no zone count needed)",
    "prod",
    {
      ...PROD_BASE,
      "throat:aws": {
        vpcId: "vpc-0abc1234",
        publicSubnetIds: ["subnet-00000001", "subnet-00000002"],
        privateSubnetIds: ["subnet-00000003", "subnet-00000004"],
      },
    },
  ],
  [
    "engineVersion unquoted, as the README writes it",
    "prod",
    { ...PROD_BASE, "throat:database": { engineVersion: 16 } },
  ],
  [
    "six zones in us-east-1, provider settings and engine keys",
    "prod",
    {
      ...PROD_BASE,
      "aws:region": "us-east-1",
      "aws:defaultTags": { tags: { team: "forum" } },
      "pulumi:disable-default-providers": ["tls"],
      "throat:edge": { certificateArn: "arn:aws:acm:us-east-1:123456789012:certificate/abc-1" },
      "throat:aws": { availabilityZones: 6 },
    },
  ],
  [
    "own PEM certificate and a secure key",
    "test",
    {
      "throat:tlsCertificate": "-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n",
      "throat:tlsKey": { secure: "v1:AAAA" },
    },
  ],
  [
    "a Throat checkout to build",
    "test",
    { "throat:image": undefined, "throat:appSource": "test/fixtures/throat-checkout" },
  ],
  ["another profile by throat:profile, with a name AWS accepts", "prod-eu", { ...PROD_BASE, "throat:profile": "prod" }],
];

test.each(good)("%s plans cleanly", (_name, stack, config) => {
  const d = stackDir(
    stack,
    stringify({ config: Object.fromEntries(Object.entries(config).filter(([, v]) => v !== undefined)) }),
  );
  const { config: raw, secretKeys } = readStackConfig(d, stack);
  expect(() => planFromConfig(stack, raw, secretKeys)).not.toThrow();
});

test("engineVersion 16 unquoted is PostgreSQL 16", () => {
  const d = stackDir("test", "config:\n  throat:database:\n    engineVersion: 16\n");
  const { config } = readStackConfig(d, "test");
  expect(planFromConfig("test", config, []).settings.database.engineVersion).toBe("16");
});
