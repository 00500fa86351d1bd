// Stack files whose values look right and are not, and mistakes whose messages must explain
// what to write instead.
import { m, SECURE, CERT_ARN, asProd, prodSync, type Mistake } from "./shape";

export const LOOK_RIGHT_AND_ARE_NOT: Mistake[] = [
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
];

export const MUST_EXPLAIN: Mistake[] = [
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
