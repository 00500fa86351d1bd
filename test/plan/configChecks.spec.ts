// One unit test per class of mistake the settings refuse (issue: every bad stack config refused
// up front, by the setting that is wrong). The offline-plan table (badStackFiles.spec.ts) runs
// the same classes as whole stack files.
import { readFileSync } from "node:fs";
import * as path from "node:path";
import { parseSettings } from "../../components/settings";
import { SECRET_PLACEHOLDER } from "../../components/settings/checks";
import { checkConfigKeys, PROVIDER_CONFIG } from "../../components/settings/configKeys";
import { IMAGE_REFERENCE, POSTGRES_MAX_CONNECTIONS } from "../../components/settings/limits";
import { settingsSchema } from "../../components/settings/schema";
import { errorOf, PROD_REQUIRED, raw, settings } from "../support/settings";

const own = Object.keys(settingsSchema.shape);
const prod = (config: Record<string, unknown>, extra: Record<string, string> = {}) =>
  parseSettings("prod", { ...raw({ ...PROD_REQUIRED, ...config }), ...extra });

describe("config keys no one owns", () => {
  it("a key without a namespace, a misspelt namespace, a provider key that does not exist", () => {
    expect(checkConfigKeys({ siteName: "x" }, own)).toEqual([
      expect.stringMatching(/^config key "siteName" has no namespace, so no one reads it: write "throat:siteName"$/),
    ]);
    expect(checkConfigKeys({ "thraot:workers": "{}" }, own)[0]).toMatch(/did you mean "throat:workers"\?/);
    expect(checkConfigKeys({ "aws:regoin": "eu-west-1" }, own)[0]).toMatch(
      /the aws provider has no setting "regoin" \(did you mean "aws:region"\?\)/,
    );
    expect(checkConfigKeys({ "random:seed": "1" }, own)[0]).toMatch(
      /the random provider has no setting "seed"; it takes no configuration/,
    );
  });

  it("passes the project's, the engine's and the providers' own keys", () => {
    const ok = {
      "throat:siteName": "x",
      "aws:region": "eu-west-1",
      "aws:defaultTags": "{}",
      "docker:host": "unix:///var/run/docker.sock",
      "pulumi:disable-default-providers": "[]",
      "throat:config:siteName": "x",
    };
    expect(checkConfigKeys(ok, own)).toEqual([]);
  });

  it("are reported with every other problem, before any value is used", () => {
    const msg = errorOf(() =>
      parseSettings("test", { siteName: "x", "throat:workers": JSON.stringify({ gevent: { processes: 2 } }) }),
    );
    expect(msg).toMatch(/has 2 configuration problem/);
  });

  it("the providers' declared keys are those of the installed packages", () => {
    for (const [pkg, keys] of Object.entries(PROVIDER_CONFIG)) {
      let vars = "";
      try {
        vars = readFileSync(
          path.join(path.dirname(require.resolve(`@pulumi/${pkg}/package.json`)), "config/vars.js"),
          "utf8",
        );
      } catch {
        // @pulumi/random ships no config module.
      }
      const declared = [...vars.matchAll(/__config\.get[A-Za-z]*\("([^"]+)"\)/g)].map((m) => m[1]);
      expect([...new Set(declared)].sort()).toEqual([...keys].sort());
    }
  });
});

describe("values AWS or PostgreSQL refuse", () => {
  it("max_connections above PostgreSQL's limit, on either profile", () => {
    expect(() => settings("test", { database: { maxConnections: POSTGRES_MAX_CONNECTIONS } })).not.toThrow();
    expect(errorOf(() => settings("test", { database: { maxConnections: POSTGRES_MAX_CONNECTIONS + 1 } }))).toMatch(
      /throat:database\.maxConnections: got 262122; PostgreSQL starts with at most 262121/,
    );
  });

  it("backup retention beyond RDS's 35 days", () => {
    expect(() => prod({ database: { backupRetentionDays: 35 } })).not.toThrow();
    expect(errorOf(() => prod({ database: { backupRetentionDays: 36 } }))).toMatch(
      /throat:database\.backupRetentionDays: got 36; RDS keeps automated backups 1 to 35 days/,
    );
  });

  it("an instance class without db. and a node type without cache.", () => {
    const msg = errorOf(() => prod({ database: { instanceClass: "t4g.small" }, redis: { nodeType: "t4g.micro" } }));
    expect(msg).toMatch(
      /throat:database\.instanceClass: got "t4g\.small"; RDS instance classes start with "db\." \(e\.g\. "db\.t4g\.small"\)/,
    );
    expect(msg).toMatch(
      /throat:redis\.nodeType: got "t4g\.micro"; ElastiCache node types start with "cache\." \(e\.g\. "cache\.t4g\.micro"\)/,
    );
  });

  it("a certificate ARN from another region than aws:region, or no ACM certificate ARN at all", () => {
    const arn = (region: string) => `arn:aws:acm:${region}:123456789012:certificate/abc`;
    expect(() => prod({ edge: { certificateArn: arn("eu-west-1") } }, { "aws:region": "eu-west-1" })).not.toThrow();
    expect(errorOf(() => prod({ edge: { certificateArn: arn("us-east-1") } }, { "aws:region": "eu-west-1" }))).toMatch(
      /throat:edge\.certificateArn: the certificate is in us-east-1, the stack deploys to aws:region eu-west-1/,
    );
    expect(errorOf(() => prod({ edge: { certificateArn: "arn:aws:acm:x" } }))).toMatch(
      /throat:edge\.certificateArn: got "arn:aws:acm:x"; an ACM certificate ARN looks like/,
    );
  });

  it("more availability zones than the region has, or than AWS documents offline", () => {
    const inRegion = (region: string) => ({ certificateArn: `arn:aws:acm:${region}:123456789012:certificate/abc` });
    expect(() =>
      prod({ aws: { availabilityZones: 6 }, edge: inRegion("us-east-1") }, { "aws:region": "us-east-1" }),
    ).not.toThrow();
    const usWest1 = errorOf(() =>
      prod({ aws: { availabilityZones: 3 }, edge: inRegion("us-west-1") }, { "aws:region": "us-west-1" }),
    );
    expect(usWest1).toMatch(/has 1 configuration problem.*us-west-1 has 2 availability zones: use at most 2/s);
    expect(errorOf(() => prod({ aws: { availabilityZones: 4 } }, { "aws:region": "eu-west-1" }))).toMatch(
      /AWS documents at least 3 availability zones per region and the plan cannot check eu-west-1 offline/,
    );
    // An existing VPC brings its own subnets: the zone count is not used.
    expect(() =>
      prod({
        aws: {
          availabilityZones: 4,
          vpcId: "vpc-0abc1234",
          publicSubnetIds: ["subnet-00000001", "subnet-00000002"],
          privateSubnetIds: ["subnet-00000003", "subnet-00000004"],
        },
      }),
    ).not.toThrow();
  });

  it("engineVersion as YAML's number is the version", () => {
    expect(settings("test", { database: { engineVersion: 16 } }).database.engineVersion).toBe("16");
    expect(errorOf(() => settings("test", { database: { engineVersion: 13 } }))).toMatch(
      /throat:database\.engineVersion: .*got 13/,
    );
  });
});

describe("values that look right and are not", () => {
  it.each([
    ["https://forum.example.org", /a scheme; write "forum\.example\.org"/],
    ["forum.example.org/forum", /a path; write "forum\.example\.org"/],
    ["forum.example.org:8443", /a port; write "forum\.example\.org"/],
    ["forum example", /spaces/],
    ["-forum.example.org", /not a DNS host name/],
  ])("site name %s", (siteName, why) => {
    expect(errorOf(() => settings("test", { siteName }))).toMatch(
      new RegExp(
        `throat:siteName: got ${JSON.stringify(siteName).replace(/[.*+?^${}()|[\]\\/]/g, "\\$&")}; .*${why.source}`,
      ),
    );
  });

  it("accepts host names, and localhost", () => {
    for (const siteName of ["localhost", "forum.example.org", "xn--bcher-kva.example", "a-b.c1.example"])
      expect(settings("test", { siteName }).siteName).toBe(siteName);
  });

  it("a file path where PEM text goes, never echoing the key", () => {
    const msg = errorOf(() =>
      settings("test", { tlsCertificate: "/etc/ssl/forum.crt", tlsKey: "/etc/ssl/private/forum-key.pem" }, ["tlsKey"]),
    );
    expect(msg).toMatch(
      /throat:tlsCertificate: the value looks like a file path; it must be the PEM text itself: pulumi config set throat:tlsCertificate < file\.pem/,
    );
    expect(msg).toMatch(
      /throat:tlsKey: the value looks like a file path; .*pulumi config set --secret throat:tlsKey < file\.pem/,
    );
    expect(msg).not.toContain("forum-key");
  });

  it("a secure tlsKey read offline is not checked (only the Pulumi CLI decrypts it)", () => {
    expect(() =>
      settings(
        "test",
        { tlsCertificate: "-----BEGIN CERTIFICATE-----\nx\n-----END CERTIFICATE-----", tlsKey: SECRET_PLACEHOLDER },
        ["tlsKey"],
      ),
    ).not.toThrow();
  });

  it("an appSource that is missing or no Throat checkout", () => {
    const files = new Set(["throat/throat.py", "throat/Dockerfile", "half/Dockerfile"]);
    const parse = (appSource: string) => parseSettings("test", raw({ appSource }), [], { isFile: (p) => files.has(p) });
    expect(parse("throat").image).toEqual({ source: "throat" });
    expect(errorOf(() => parse("half"))).toMatch(
      /throat:appSource: "half" is not a Throat checkout \(no throat\.py in it/,
    );
    expect(errorOf(() => parse("nowhere"))).toMatch(/no throat\.py, no Dockerfile in it/);
  });

  it("image references by Docker's grammar", () => {
    for (const ok of [
      "throat",
      "throat:latest",
      "ghcr.io/example/throat:1.0.0",
      "localhost:5000/throat",
      "123456789012.dkr.ecr.eu-west-1.amazonaws.com/throat:v2",
      `throat@sha256:${"a".repeat(64)}`,
    ])
      expect(IMAGE_REFERENCE.test(ok)).toBe(true);
    expect(errorOf(() => settings("test", { image: "Throat:latest" }))).toMatch(
      /throat:image: got "Throat:latest", which Docker refuses as an image reference .*repository names are lower case/,
    );
    expect(errorOf(() => settings("test", { image: "docker://throat" }))).toMatch(/drop the scheme: "throat"/);
    expect(errorOf(() => settings("test", { image: "throat:" }))).toMatch(/give a tag after the colon/);
  });

  it("a prod stack name AWS names refuse names the stack and the rename", () => {
    expect(errorOf(() => parseSettings("prod_eu", raw({ ...PROD_REQUIRED, profile: "prod" })))).toMatch(
      /stack name "prod_eu": the prod profile names AWS resources throat-prod_eu-\.\.\..*pulumi stack rename prod-eu/,
    );
    expect(() => parseSettings("prod-eu-2", raw({ ...PROD_REQUIRED, profile: "prod" }))).not.toThrow();
    // Docker names allow underscores: a test stack may have them.
    expect(() => settings("test-pr_42")).not.toThrow();
  });
});

describe("messages in the operator's words, naming every key that can fix it", () => {
  it("replicas: the unknown key of {min, maximum} and the missing max", () => {
    const msg = errorOf(() => settings("test", { workers: { sync: { replicas: { min: 2, maximum: 6 } } } }));
    expect(msg).toMatch(
      /throat:workers\.sync\.replicas: unknown key "maximum" \(did you mean "max"\?\); known keys: min, max/,
    );
    expect(msg).toMatch(/throat:workers\.sync\.replicas\.max is missing: it takes a number/);
    expect(msg).not.toMatch(/Invalid input/);
  });

  it("replicas of the wrong shape say which shapes they take", () => {
    expect(errorOf(() => settings("test", { workers: { sync: { replicas: "2-6" } } }))).toMatch(
      /throat:workers\.sync\.replicas: expected a number or \{min, max\}; got "2-6"/,
    );
  });

  it("reserved connections that take them all name both keys", () => {
    const msg = errorOf(() => settings("test", { database: { maxConnections: 10, reservedConnections: 12 } }));
    expect(msg).toMatch(
      /throat:database\.reservedConnections \(12\) \/ throat:database\.maxConnections \(10\): .*lower throat:database\.reservedConnections or raise throat:database\.maxConnections/,
    );
  });

  it("a wrong secret's value is never echoed", () => {
    expect(errorOf(() => settings("test", { secretKey: 12345678 }, ["secretKey"]))).not.toContain("12345678");
  });
});
