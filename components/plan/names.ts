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
