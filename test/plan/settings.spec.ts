import { SettingsError } from "../../components/settings";
import { errorOf, PROD_REQUIRED, settings } from "../support/settings";

describe("profile by stack name", () => {
  it.each([
    ["prod", "prod"],
    ["test", "test"],
    ["test-alice", "test"],
    ["test-pr-42", "test"],
  ])("%s uses the %s profile", (stack, profile) => {
    const config = stack === "prod" ? PROD_REQUIRED : {};
    expect(settings(stack, config).profile).toBe(profile);
  });

  it("refuses a name that fits no profile and says what to name it", () => {
    const msg = errorOf(() => settings("staging"));
    expect(msg).toMatch(/stack name "staging" names no profile/);
    expect(msg).toMatch(/"test-<name>"/);
    expect(msg).toMatch(/throat:profile/);
  });

  it("takes throat:profile for other names", () => {
    expect(settings("staging", { profile: "test" }).profile).toBe("test");
  });

  it("a test-<name> stack works with no config at all, with defaults for every key", () => {
    const s = settings("test-zed");
    expect(s.image).toEqual({ ref: "throat:latest" });
    expect(s.edge.kind).toBe("nginx");
    expect(s.database.reservedConnections).toBe(3);
    expect(s.workers.gevent.workerConnections).toBe(40);
    expect(s.namePrefix).toBe("throat-test-zed");
  });

  it("prod defaults to the ALB edge and RDS's 5 reserved connections", () => {
    const s = settings("prod", PROD_REQUIRED);
    expect(s.edge.kind).toBe("alb");
    expect(s.database.reservedConnections).toBe(5);
  });
});

describe("test stacks on one Docker host do not collide", () => {
  it("derive distinct names and port pairs from their names", () => {
    const names = ["test", "test-alice", "test-bob", "test-pr-1", "test-pr-2", "test-pr-3"];
    const all = names.map((n) => settings(n));
    expect(new Set(all.map((s) => s.namePrefix)).size).toBe(names.length);
    const ports = all.flatMap((s) => [s.edge.httpPort, s.edge.httpsPort]);
    expect(new Set(ports).size).toBe(ports.length);
    expect(settings("test").edge).toMatchObject({ httpPort: 8080, httpsPort: 8443 });
  });

  it("gives pull-request stacks ports from their number: no two pull requests share one", () => {
    const prs = Array.from({ length: 4999 }, (_, i) => settings(`test-pr-${i + 1}`).edge);
    const ports = prs.flatMap((e) => [e.httpPort, e.httpsPort]);
    expect(new Set(ports).size).toBe(ports.length);
    expect(settings("test-pr-7").edge).toMatchObject({ httpPort: 30014, httpsPort: 30015 });
    // Outside the range hashed names use, so a named stack never takes a pull request's pair.
    expect(Math.min(...ports)).toBeGreaterThanOrEqual(30000);
    expect(settings("test-alice").edge.httpPort).toBeLessThan(30000);
  });

  it("keeps explicit ports", () => {
    expect(settings("test-a", { edge: { httpPort: 9000, httpsPort: 9443 } }).edge).toMatchObject({
      httpPort: 9000,
      httpsPort: 9443,
    });
  });
});

// Each bad config must be refused with the config key it is about in the message.
const badConfigs: [string, string, Record<string, unknown>, RegExp][] = [
  [
    "a typo in a worker key",
    "test",
    { workers: { gevent: { workerConection: 40 } } },
    /throat:workers\.gevent: unknown key "workerConection" \(did you mean "workerConnections"\?\)/,
  ],
  [
    "a typo in a top-level key",
    "test",
    { sitename: "x" },
    /throat: unknown key "sitename" \(did you mean "siteName"\?\)/,
  ],
  [
    "-w 2 for gevent",
    "test",
    { workers: { gevent: { processes: 2 } } },
    /throat:workers\.gevent\.processes: async workers run exactly one gunicorn worker \(-w 1\); got 2/,
  ],
  [
    "-w 3 for socketio",
    "test",
    { workers: { socketio: { processes: 3 } } },
    /throat:workers\.socketio\.processes: .*-w 1/,
  ],
  [
    "zero sync processes",
    "test",
    { workers: { sync: { processes: 0 } } },
    /throat:workers\.sync\.processes: .*>=1.*got 0/,
  ],
  ["negative replicas", "test", { workers: { sync: { replicas: -1 } } }, /throat:workers\.sync\.replicas/],
  [
    "replicas max below min",
    "test",
    { workers: { sync: { replicas: { min: 3, max: 2 } } } },
    /throat:workers\.sync\.replicas\.max: max must be >= min/,
  ],
  [
    "worker connections as a word",
    "test",
    { workers: { gevent: { workerConnections: "forty" } } },
    /throat:workers\.gevent\.workerConnections: .*expected number.*got "forty"/,
  ],
  ["fractional threads", "test", { workers: { sync: { threads: 1.5 } } }, /throat:workers\.sync\.threads/],
  ["a tiny max_connections", "test", { database: { maxConnections: 5 } }, /throat:database\.maxConnections: .*got 5/],
  ["a negative pool timeout", "test", { pool: { timeout: -1 } }, /throat:pool\.timeout/],
  [
    "a pool size that is neither a number nor auto",
    "test",
    { workers: { gevent: { poolSize: "max" } } },
    /throat:workers\.gevent\.poolSize/,
  ],
  ["a surge above 200%", "test", { deploy: { maxPercent: 300 } }, /throat:deploy\.maxPercent/],
  ["an unknown profile", "staging", { profile: "staging" }, /throat:profile/],
  [
    "a secret key in plain text",
    "test",
    { secretKey: "hunter2" },
    /throat:secretKey is stored in plain text; it must be a secret: pulumi config set --secret throat:secretKey/,
  ],
  [
    "a certificate without its key",
    "test",
    { tlsCertificate: "-----BEGIN CERTIFICATE-----" },
    /throat:tlsKey is missing/,
  ],
  ["the ALB on a test stack", "test", { edge: { kind: "alb" } }, /throat:edge\.kind: got "alb"; the test profile/],
  [
    "nginx as the prod edge",
    "prod",
    { ...PROD_REQUIRED, edge: { ...PROD_REQUIRED.edge, kind: "nginx" } },
    /throat:edge\.kind: got "nginx"/,
  ],
  [
    "prod without a certificate",
    "prod",
    { siteName: "f.example.org", image: "x" },
    /throat:edge\.certificateArn or throat:dns\.zoneId is required on prod/,
  ],
  ["prod without a site name", "prod", { image: "x", edge: PROD_REQUIRED.edge }, /throat:siteName is required on prod/],
  [
    "prod without an image",
    "prod",
    { siteName: "f.example.org", edge: PROD_REQUIRED.edge },
    /throat:image or throat:appSource is required on prod/,
  ],
  [
    "both image and appSource",
    "test",
    { image: "a", appSource: "../throat" },
    /throat:image and throat:appSource are both set/,
  ],
  [
    "a certificate ARN that is not an ARN",
    "prod",
    { ...PROD_REQUIRED, edge: { certificateArn: "my-cert" } },
    /throat:edge\.certificateArn/,
  ],
  [
    "a prod-only setting on a test stack",
    "test",
    { edge: { certificateArn: "arn:aws:acm:x" } },
    /throat:edge\.certificateArn is a prod-only setting/,
  ],
  [
    "Fargate sizes on a test stack",
    "test-x",
    { workers: { sync: { cpu: 1024 } } },
    /throat:workers\.sync\.cpu is a prod-only setting/,
  ],
  [
    "a storage ceiling below the disk",
    "prod",
    { ...PROD_REQUIRED, database: { allocatedStorage: 50, maxAllocatedStorage: 40 } },
    /throat:database\.maxAllocatedStorage: got 40 GiB, below throat:database\.allocatedStorage \(50 GiB\)/,
  ],
  [
    "an RDS-only setting on test",
    "test",
    { database: { applyImmediately: false } },
    /throat:database\.applyImmediately is a prod-only setting/,
  ],
  [
    "a test-only setting on prod",
    "prod",
    { ...PROD_REQUIRED, edge: { ...PROD_REQUIRED.edge, httpPort: 8080 } },
    /throat:edge\.httpPort is a test-only setting/,
  ],
  [
    "an existing VPC without subnets",
    "prod",
    { ...PROD_REQUIRED, aws: { vpcId: "vpc-1" } },
    /throat:aws\.vpcId is set without throat:aws\.publicSubnetIds/,
  ],
  [
    "the same port twice",
    "test",
    { edge: { httpPort: 9000, httpsPort: 9000 } },
    /throat:edge\.httpsPort: got 9000, the same as throat:edge\.httpPort/,
  ],
];

describe("bad config is refused with the key named", () => {
  it.each(badConfigs)("%s", (_what, stack, config, expected) => {
    expect(() => settings(stack, config)).toThrow(SettingsError);
    expect(() => settings(stack, config)).toThrow(expected);
  });

  it("reports every problem at once", () => {
    const e = errorOf(() =>
      settings("test", {
        secretKey: "x",
        workers: { gevent: { processes: 2, workerConection: 1 }, sync: { threads: 0 } },
        edge: { certificateArn: "arn:aws:acm:x" },
      }),
    );
    for (const key of [
      "throat:secretKey",
      "throat:workers.gevent.processes",
      "throat:workers.gevent: unknown key",
      "throat:workers.sync.threads",
      "throat:edge.certificateArn",
    ]) {
      expect(e).toContain(key);
    }
    expect(e).toMatch(/has 5 configuration problem/);
  });

  it("accepts secrets stored as secrets", () => {
    const pem = (label: string) => `-----BEGIN ${label}-----\nMIIB\n-----END ${label}-----\n`;
    const s = settings("test", { secretKey: "x", tlsCertificate: pem("CERTIFICATE"), tlsKey: pem("PRIVATE KEY") }, [
      "secretKey",
      "tlsKey",
    ]);
    expect(s.secrets).toEqual({ secretKey: true, tlsKey: true, mailPassword: false });
    expect(JSON.stringify(s)).not.toContain('"x"');
  });

  it("ignores other namespaces such as aws:region", () => {
    expect(() => settings("prod", { ...PROD_REQUIRED })).not.toThrow();
  });
});
