// Stack files that configure nothing, or set what the profile cannot honour.
import { m, CERT_ARN, type Mistake } from "./shape";

export const CONFIGURES_NOTHING: Mistake[] = [
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
];

export const PROFILE_CANNOT_HONOUR: Mistake[] = [
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
];
