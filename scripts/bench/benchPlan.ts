// The deployment the edge and websocket benchmarks measure, in one place so both (and their
// standalone runs) measure the same one.
import type { Plan } from "../../components/plan";
import { plan } from "../../test/support/settings";

/**
 * One sync replica (2 processes), one gevent, one socketio holding the default 5,000 clients
 * with a pool of 10 and pool.timeout 10 s.
 */
export function benchPlan(): Plan {
  return plan("test-bench", { workers: { sync: { replicas: 1 }, socketio: { poolSize: 10 } }, pool: { timeout: 10 } });
}
