// Physical names and in-container paths the plan renders into configuration (nginx upstreams,
// certificate paths), so the targets and the rendered files cannot disagree.
import type { Settings, WorkerKind } from "../settings";
import type { WorkerService } from "./workers";

/** Where the edge image (nginx/Dockerfile) keeps things. */
export const EDGE_PATHS = {
  staticRoot: "/usr/share/nginx/throat/static",
  tls: { certificatePath: "/etc/nginx/tls/cert.pem", keyPath: "/etc/nginx/tls/key.pem" },
  httpPort: 80,
  httpsPort: 443,
} as const;

/** The ports the Docker stack's servers listen on inside its network. */
export const POSTGRES_PORT = 5432;
export const PGBOUNCER_PORT = 6432;
export const REDIS_PORT = 6379;
/** The Throat image's working directory: plan config-file paths are relative to it (docs/throat-contract.md, The image). */
export const THROAT_WORKDIR = "/throat";

/**
 * prod's static tier: a file its own image lacks (another release's hashed asset) is fetched
 * from the CDN in front of the bucket every release publishes to (plan/storage.ts). The host
 * is the CloudFront domain, known at deploy time: the AWS target fills the placeholder. The
 * resolver: the Amazon DNS server's fixed address ("You can also use the Amazon DNS server at
 * 169.254.169.253", Amazon VPC user guide, DNS attributes), so CloudFront's changing
 * addresses are looked up again instead of once at start.
 */
export const STATIC_FALLBACK = {
  host: "{{filesHost}}",
  resolver: "169.254.169.253",
  caBundle: "/etc/ssl/certs/ca-certificates.crt",
} as const;

/**
 * Docker names: every one carries the stack's prefix, so test stacks never collide. Worker
 * replicas are reached by a network alias per replica (`alias(kind, i)`), not by container name:
 * a replacement container starts before the old one stops, so both exist for a moment.
 */
export function dockerNames(s: Settings, workers: WorkerService[]) {
  const p = s.namePrefix;
  const alias = (kind: WorkerKind, i: number) => `${p}-${kind}-${i}`;
  const upstreams = Object.fromEntries(
    workers.map((w) => [w.kind, Array.from({ length: w.replicas.max }, (_, i) => `${alias(w.kind, i)}:${w.port}`)]),
  ) as Record<WorkerKind, string[]>;
  return {
    network: `${p}-net`,
    postgres: `${p}-postgres`,
    postgresVolume: `${p}-pgdata`,
    pgbouncer: `${p}-pgbouncer`,
    redis: `${p}-redis`,
    migration: `${p}-migrate`,
    edge: `${p}-edge`,
    alias,
    upstreams,
  };
}
