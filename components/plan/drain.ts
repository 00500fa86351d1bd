// Edge paths and shutdown timings every target shares, named once so the nginx the plan renders,
// the Docker health check, the ALB's target groups and the ECS task definitions cannot disagree.
import type { WorkerKind } from "../settings";

/** nginx answers this itself (no upstream, no log line): the edge's and static tier's health check. */
export const NGINX_HEALTH_PATH = "/nginx-health";

/** The nginx location that answers NGINX_HEALTH_PATH, rendered into every server block that needs it. */
export const NGINX_HEALTH_LOCATION = `    location = ${NGINX_HEALTH_PATH} { access_log off; return 200 "ok\\n"; }`;

/**
 * Seconds a worker gets to finish after it stops taking requests: ECS's stop timeout (SIGTERM
 * to SIGKILL) and the ALB's deregistration delay are the same number, so a draining target is
 * never killed while the ALB still counts it. HTTP requests finish within gunicorn's 30 s
 * timeout; socket.io clients get Fargate's maximum ("the maximum value is 120 seconds",
 * ECS ContainerDefinition stopTimeout) to move (they reconnect to another task on their own).
 */
export const WORKER_DRAIN_SECONDS: Record<WorkerKind, number> = { sync: 30, gevent: 30, socketio: 120 };

/** The static tier holds no long request: the default 300 s would make every deploy wait. */
export const STATIC_DRAIN_SECONDS = 15;
