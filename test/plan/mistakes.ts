// Stack files as operators get them wrong, each with the key (or stack name / file) its
// refusal must name. Shared by the offline-plan table test and the README check.
import { stringify } from "yaml";

export interface Mistake {
  name: string;
  stack: string;
  /** The stack file: a YAML text, or a config map (merged over the profile's base). */
  file: string | Record<string, unknown>;
  /** What the message must contain: the key, the stack name or the file. */
  names: RegExp;
  /** Listed in README's "Common mistakes" under this title. */
  readme?: string;
}

const CERT_ARN = "arn:aws:acm:eu-west-1:123456789012:certificate/4f1c2a9e-0000-4000-8000-000000000001";
export const PROD_BASE: Record<string, unknown> = {
  "aws:region": "eu-west-1",
  "throat:siteName": "forum.example.org",
  "throat:image": "ghcr.io/example/throat:1.0.0",
  "throat:edge": { certificateArn: CERT_ARN },
};
const SECURE = { secure: "v1:AAAAAAAAAAAAAAAAAAAAAAAA" };
const asProd = { "throat:profile": "prod" };
const prodSync = { sync: { replicas: { min: 2, max: 6 }, processes: 4, cpu: 1024, memory: 2048 } };

/** The file text of a mistake. */
export function fileText(m: Mistake): string {
  if (typeof m.file === "string") return m.file;
  const base = m.stack === "prod" || m.file["throat:profile"] === "prod" ? PROD_BASE : {};
  const config = Object.fromEntries(Object.entries({ ...base, ...m.file }).filter(([, v]) => v !== undefined));
  return stringify({ config });
}

const m = (name: string, stack: string, file: Mistake["file"], names: RegExp, readme?: string): Mistake => ({
  name,
  stack,
  file,
  names,
  readme,
});

export const MISTAKES: Mistake[] = [
  // The file configures nothing.
  m(
    "settings written without config:",
    "test",
    "throat:siteName: forum.example.org\nthroat:image: throat:1.0\n",
    /top-level key "throat:siteName".*no config: key/s,
    "A stack file without `config:`",
  ),
  m("keys not indented under config:", "test", "config:\nthroat:image: throat:1.0\n", /top-level key "throat:image"/),
  m(
    "config: misspelt",
    "test",
    "confg:\n  throat:siteName: forum.example.org\n",
    /top-level key "confg" .*did you mean "config"/,
  ),
  m("config: as a list", "test", "config:\n  - throat:siteName: forum.example.org\n", /config: must be a mapping/),
  m("YAML that does not parse", "test", "config:\n  throat:siteName: [forum\n", /Pulumi\.test\.yaml .*not valid YAML/s),
  m(
    "a key without a namespace",
    "test",
    { siteName: "forum.example.org" },
    /config key "siteName" has no namespace.*"throat:siteName"/,
    "A key without its namespace",
  ),
  m(
    "a misspelt namespace",
    "test",
    { "thraot:workers": { sync: { replicas: 3 } } },
    /"thraot:workers".*did you mean "throat:workers"/,
    "A misspelt namespace",
  ),
  m(
    "the namespace capitalised",
    "test",
    { "Throat:siteName": "forum.example.org" },
    /"Throat:siteName".*did you mean "throat:siteName"/,
  ),
  m(
    "another project's namespace",
    "test",
    { "forum:siteName": "forum.example.org" },
    /"forum:siteName": no part of this stack reads the namespace "forum"/,
  ),
  m(
    "a misspelt provider key",
    "prod",
    { "aws:regoin": "eu-west-1" },
    /"aws:regoin".*did you mean "aws:region"/,
    "A provider key that does not exist",
  ),
  m(
    "a misspelt provider namespace",
    "prod",
    { "awss:region": "eu-west-1" },
    /"awss:region".*did you mean "aws:region"/,
  ),
  m(
    "a Docker provider key misspelt",
    "test",
    { "docker:hots": "ssh://deploy@test-host" },
    /"docker:hots".*did you mean "docker:host"/,
  ),
  m(
    "a top-level key in the wrong case",
    "test",
    { "throat:sitename": "forum.example.org" },
    /unknown key "sitename" \(did you mean "siteName"\?\)/,
  ),
  // A setting the profile cannot honour.
  m(
    "PgBouncer on prod",
    "prod",
    { "throat:database": { maxConnections: 60, pgbouncer: { enabled: true } } },
    /throat:database\.pgbouncer is refused on the prod profile/,
    "PgBouncer on prod",
  ),
  m(
    "a PgBouncer pool size on prod",
    "prod",
    { "throat:database": { pgbouncer: { poolSize: 30 } } },
    /throat:database\.pgbouncer is refused on the prod profile/,
  ),
  m(
    "a websocket timeout on prod (the ALB's is fixed)",
    "prod",
    { "throat:edge": { certificateArn: CERT_ARN, websocketTimeout: 600 } },
    /throat:edge\.websocketTimeout is a test-only setting/,
  ),
  m(
    "a certificate ARN on a test stack",
    "test",
    { "throat:edge": { certificateArn: CERT_ARN } },
    /throat:edge\.certificateArn is a prod-only setting/,
  ),
  m(
    "an RDS instance class on a test stack",
    "test-alice",
    { "throat:database": { instanceClass: "db.t4g.large" } },
    /throat:database\.instanceClass is a prod-only setting/,
  ),
  m(
    "published ports on prod",
    "prod",
    { "throat:edge": { certificateArn: CERT_ARN, httpPort: 8080 } },
    /throat:edge\.httpPort is a test-only setting/,
  ),
  m(
    "an nginx certificate on prod",
    "prod",
    { "throat:tlsCertificate": "-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n" },
    /throat:tlsCertificate is a test-only setting/,
  ),
  m(
    "an existing VPC on a test stack",
    "test",
    { "throat:aws": { vpcId: "vpc-0abc1234" } },
    /throat:aws\.vpcId is a prod-only setting/,
  ),
  m(
    "a cache node type on a test stack",
    "test",
    { "throat:redis": { nodeType: "cache.t4g.small" } },
    /throat:redis\.nodeType is a prod-only setting/,
  ),
  m(
    "a Fargate size on a test stack",
    "test",
    { "throat:workers": { sync: { cpu: 1024, memory: 2048 } } },
    /throat:workers\.sync\.cpu is a prod-only setting/,
  ),
  // Values AWS or PostgreSQL refuse.
  m(
    "max_connections beyond PostgreSQL's limit",
    "test",
    { "throat:database": { maxConnections: 300000 } },
    /throat:database\.maxConnections: got 300000; PostgreSQL starts with at most 262121/,
    "max_connections beyond PostgreSQL's limit",
  ),
  m(
    "max_connections of a million on RDS",
    "prod",
    { "throat:database": { maxConnections: 1000000 } },
    /throat:database\.maxConnections: got 1000000/,
  ),
  m(
    "backups kept 90 days",
    "prod",
    { "throat:database": { backupRetentionDays: 90 } },
    /throat:database\.backupRetentionDays: got 90; RDS keeps automated backups 1 to 35 days/,
    "Backups kept longer than RDS allows",
  ),
  m(
    "an instance class without db.",
    "prod",
    { "throat:database": { instanceClass: "t4g.small" } },
    /throat:database\.instanceClass: got "t4g\.small"; RDS instance classes start with "db\."/,
    "An instance class without `db.`",
  ),
  m(
    "a cache node type as the instance class",
    "prod",
    { "throat:database": { instanceClass: "cache.r6g.large" } },
    /throat:database\.instanceClass: got "cache\.r6g\.large".*"db\.r6g\.large"/,
  ),
  m(
    "a node type without cache.",
    "prod",
    { "throat:redis": { nodeType: "t4g.micro" } },
    /throat:redis\.nodeType: got "t4g\.micro"; ElastiCache node types start with "cache\."/,
  ),
  m(
    "an RDS class as the node type",
    "prod",
    { "throat:redis": { nodeType: "db.t4g.micro" } },
    /throat:redis\.nodeType: got "db\.t4g\.micro".*"cache\.t4g\.micro"/,
  ),
  m(
    "a CloudFront certificate (us-east-1) for an ALB in eu-west-1",
    "prod",
    { "throat:edge": { certificateArn: CERT_ARN.replace("eu-west-1", "us-east-1") } },
    /throat:edge\.certificateArn: the certificate is in us-east-1, the stack deploys to aws:region eu-west-1/,
    "A certificate from another region",
  ),
  m(
    "a certificate ARN without its account",
    "prod",
    { "throat:edge": { certificateArn: "arn:aws:acm:eu-west-1:certificate/4f1c2a9e" } },
    /throat:edge\.certificateArn: got "arn:aws:acm:eu-west-1:certificate\/4f1c2a9e"/,
  ),
  m(
    "an IAM server certificate instead of ACM",
    "prod",
    { "throat:edge": { certificateArn: "arn:aws:iam::123456789012:server-certificate/forum" } },
    /throat:edge\.certificateArn: got "arn:aws:iam/,
  ),
  m(
    "four zones in eu-west-1",
    "prod",
    { "throat:aws": { availabilityZones: 4 } },
    /throat:aws\.availabilityZones: got 4; AWS documents at least 3/,
  ),
  m(
    "three zones in us-west-1",
    "prod",
    {
      "aws:region": "us-west-1",
      "throat:edge": { certificateArn: CERT_ARN.replace("eu-west-1", "us-west-1") },
      "throat:aws": { availabilityZones: 3 },
    },
    /throat:aws\.availabilityZones: got 3; us-west-1 has 2 availability zones/,
    "More zones than the region has",
  ),
  m("nine zones", "prod", { "throat:aws": { availabilityZones: 9 } }, /throat:aws\.availabilityZones/),
  m(
    "a minor PostgreSQL version",
    "test",
    { "throat:database": { engineVersion: "16.3" } },
    /throat:database\.engineVersion: .*got "16\.3"/,
  ),
  m(
    "an unsupported PostgreSQL major",
    "test",
    { "throat:database": { engineVersion: 13 } },
    /throat:database\.engineVersion: .*got 13/,
  ),
  m(
    "reserved connections taking them all",
    "test",
    { "throat:database": { maxConnections: 20, reservedConnections: 20 } },
    /throat:database\.reservedConnections \(20\) \/ throat:database\.maxConnections \(20\)/,
    "Reserved connections taking them all",
  ),
  m(
    "a subnet name where its id goes",
    "prod",
    {
      "throat:aws": {
        vpcId: "vpc-0abc1234",
        publicSubnetIds: ["public-a", "public-b"],
        privateSubnetIds: ["subnet-0b0b0001", "subnet-0b0b0002"],
      },
    },
    /throat:aws\.publicSubnetIds "public-a".*EC2 ids look like/,
  ),
  m(
    "the same subnets for the ALB and the tasks",
    "prod",
    {
      "throat:aws": {
        vpcId: "vpc-0abc1234",
        publicSubnetIds: ["subnet-0a0a0001", "subnet-0a0a0002"],
        privateSubnetIds: ["subnet-0a0a0001", "subnet-0a0a0002"],
      },
    },
    /subnet-0a0a0001, subnet-0a0a0002 in both lists/,
  ),
  m(
    "a local image name on prod",
    "prod",
    { "throat:image": "throat:latest" },
    /throat:image: got "throat:latest", which ECS would pull as docker\.io\/library\/throat:latest/,
    "A local image name on prod",
  ),
  m(
    "a log retention CloudWatch does not offer",
    "prod",
    { "throat:aws": { logRetentionDays: 10 } },
    /throat:aws\.logRetentionDays: got 10/,
  ),
  // Values that look right and are not.
  m(
    "a site name with a scheme",
    "prod",
    { "throat:siteName": "https://forum.example.org" },
    /throat:siteName: got "https:\/\/forum\.example\.org".*a scheme; write "forum\.example\.org"/,
    "A site name that is a URL",
  ),
  m(
    "a site name with a trailing slash",
    "prod",
    { "throat:siteName": "forum.example.org/" },
    /throat:siteName: .*a path/,
  ),
  m(
    "a site name with a port",
    "test",
    { "throat:siteName": "localhost:8443" },
    /throat:siteName: .*a port; write "localhost"/,
  ),
  m("a site name with spaces", "test", { "throat:siteName": "my forum" }, /throat:siteName: got "my forum".*spaces/),
  m(
    "a site name with an underscore",
    "prod",
    { "throat:siteName": "forum_example.org" },
    /throat:siteName: got "forum_example\.org".*not a DNS host name/,
  ),
  m(
    "a certificate path instead of its PEM",
    "test",
    { "throat:tlsCertificate": "certs/forum.pem", "throat:tlsKey": SECURE },
    /throat:tlsCertificate: the value looks like a file path; it must be the PEM text itself/,
    "A file path where PEM text goes",
  ),
  m(
    "a key path, in plain text",
    "test",
    {
      "throat:tlsCertificate": "-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n",
      "throat:tlsKey": "~/certs/forum.key",
    },
    /throat:tlsKey: the value looks like a file path/,
  ),
  m(
    "a home-relative certificate path",
    "test",
    { "throat:tlsCertificate": "~/certs/cert.pem", "throat:tlsKey": SECURE },
    /throat:tlsCertificate: the value looks like a file path/,
  ),
  m(
    "a Throat checkout that is not there",
    "test",
    { "throat:image": undefined, "throat:appSource": "../thorat" },
    /throat:appSource: "\.\.\/thorat" is not a Throat checkout/,
    "An `appSource` that is no Throat checkout",
  ),
  m(
    "this project as the Throat checkout",
    "test",
    { "throat:appSource": "." },
    /throat:appSource: "\." is not a Throat checkout \(no throat\.py, no Dockerfile/,
  ),
  m(
    "the stand-in app as the checkout",
    "test",
    { "throat:appSource": "test/fixtures/standin-app" },
    /throat:appSource: .*no throat\.py/,
  ),
  m(
    "an image name in capitals",
    "test",
    { "throat:image": "Throat:latest" },
    /throat:image: got "Throat:latest", which Docker refuses.*lower case/,
    "An image reference Docker refuses",
  ),
  m(
    "an image as a URL",
    "prod",
    { "throat:image": "https://ghcr.io/example/throat:1.0.0" },
    /throat:image: .*drop the scheme: "ghcr\.io\/example\/throat:1\.0\.0"/,
  ),
  m(
    "an image with an empty tag",
    "prod",
    { "throat:image": "ghcr.io/example/throat:" },
    /throat:image: .*give a tag after the colon/,
  ),
  m("an image with a space", "test", { "throat:image": "throat latest" }, /throat:image: .*no spaces/),
  m(
    "an image and a checkout",
    "test",
    { "throat:image": "throat:1.0", "throat:appSource": "test/fixtures/throat-checkout" },
    /throat:image and throat:appSource are both set/,
  ),
  m(
    "a prod stack named with an underscore",
    "prod_eu",
    { ...asProd },
    /stack name "prod_eu".*only lower-case letters, digits and single hyphens.*pulumi stack rename prod-eu/,
    "A stack name AWS names refuse",
  ),
  m("a prod stack named in capitals", "Prod-EU", { ...asProd }, /stack name "Prod-EU"/),
  m("a prod stack named with a double hyphen", "prod--eu", { ...asProd }, /stack name "prod--eu"/),
  m("a prod stack named with a dot", "prod.eu", { ...asProd }, /stack name "prod\.eu"/),
  // Messages that must explain.
  m(
    "replicas with maximum for max",
    "prod",
    { "throat:workers": { sync: { replicas: { min: 2, maximum: 6 } } } },
    /throat:workers\.sync\.replicas: unknown key "maximum" \(did you mean "max"\?\)/,
    "Autoscaling written `{min, maximum}`",
  ),
  m(
    "replicas as a range string",
    "test",
    { "throat:workers": { sync: { replicas: "2-6" } } },
    /throat:workers\.sync\.replicas: expected a number or \{min, max\}; got "2-6"/,
  ),
  m(
    "replicas min above max",
    "prod",
    { "throat:workers": { sync: { replicas: { min: 6, max: 2 } } } },
    /throat:workers\.sync\.replicas\.max: max must be >= min/,
  ),
  m(
    "a budget that does not fit",
    "prod",
    {
      "throat:workers": { ...prodSync, gevent: { poolSize: 5 }, socketio: { replicas: 2, poolSize: 5 } },
      "throat:database": { maxConnections: 60 },
    },
    /throat:database\.maxConnections: the deploy peak needs \d+ connections, \d+ more than the 55 available.*Fix: raise throat:database\.maxConnections to \d+, or lower throat:workers/s,
    "A connection budget that does not fit",
  ),
  m(
    "auto pools with nothing left",
    "test",
    { "throat:workers": { sync: { replicas: 10, processes: 4 } }, "throat:database": { maxConnections: 60 } },
    /throat:database\.maxConnections: the gevent and socketio workers' auto pools need at least \d+ connections/,
  ),
  m(
    "poolSize Auto",
    "test",
    { "throat:workers": { gevent: { poolSize: "Auto" } } },
    /throat:workers\.gevent\.poolSize: .*"auto".*got "Auto"/,
  ),
  m(
    "two gevent processes",
    "test",
    { "throat:workers": { gevent: { processes: 2 } } },
    /throat:workers\.gevent\.processes: async workers run exactly one gunicorn worker/,
  ),
  m(
    "a misspelt worker key",
    "test",
    { "throat:workers": { gevent: { workerConection: 40 } } },
    /throat:workers\.gevent: unknown key "workerConection" \(did you mean "workerConnections"\?\)/,
  ),
  m(
    "more worker connections than the pool with no wait",
    "test",
    { "throat:pool": { timeout: 0 }, "throat:workers": { gevent: { workerConnections: 40, poolSize: 10 } } },
    /throat:workers\.gevent\.workerConnections: 40 concurrent requests per process, but the pool holds 10/,
  ),
  m("a deploy surge ECS does not allow", "prod", { "throat:deploy": { maxPercent: 300 } }, /throat:deploy\.maxPercent/),
  m("a stack name with no profile", "staging", {}, /stack name "staging" names no profile/),
  m(
    "the secret key in plain text",
    "test",
    { "throat:secretKey": "hunter2hunter2" },
    /throat:secretKey is stored in plain text/,
  ),
  m(
    "PgBouncer's client limit below the app's peak",
    "test",
    { "throat:database": { pgbouncer: { enabled: true, maxClientConnections: 10 } } },
    /throat:database\.pgbouncer\.maxClientConnections: the gevent and socketio workers' auto pools need at least 4 .*raise throat:database\.pgbouncer\.maxClientConnections to 12/,
  ),
  m(
    "PgBouncer's client limit below fixed pools",
    "test",
    {
      "throat:database": { pgbouncer: { enabled: true, maxClientConnections: 30 } },
      "throat:workers": { gevent: { poolSize: 10 }, socketio: { poolSize: 10 } },
    },
    /throat:database\.pgbouncer\.maxClientConnections: the app's deploy peak needs \d+ client connections, \d+ more than PgBouncer's 30/,
  ),
  m(
    "socket.io autoscaling on prod",
    "prod",
    { "throat:workers": { socketio: { replicas: { min: 1, max: 4 } } } },
    /throat:workers\.socketio\.replicas: got min 1, max 4/,
  ),
  m(
    "nginx as the prod edge",
    "prod",
    { "throat:edge": { certificateArn: CERT_ARN, kind: "nginx" } },
    /throat:edge\.kind: got "nginx"/,
  ),
  m(
    "prod without a certificate",
    "prod",
    { "throat:edge": undefined },
    /throat:edge\.certificateArn or throat:dns\.zoneId is required on prod/,
  ),
  m(
    "the same port twice",
    "test-alice",
    { "throat:edge": { httpPort: 9000, httpsPort: 9000 } },
    /throat:edge\.httpsPort: got 9000, the same as throat:edge\.httpPort/,
  ),
];
