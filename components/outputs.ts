// Stack outputs: what an operator reads after `pulumi up`. No secret appears here.
import * as pulumi from "@pulumi/pulumi";
import type { Plan } from "./plan";
import type { AdminTarget } from "./plan/admin";

export interface TargetOutputs {
  url: pulumi.Output<string>;
  databaseEndpoint?: pulumi.Output<string>;
  /** prod: where the site name's DNS record points. */
  loadBalancerDnsName?: pulumi.Output<string>;
  /** Where `npm run throat` runs a Throat CLI command (no secret: those stay in the tasks). */
  admin?: pulumi.Output<AdminTarget>;
  /** prod: the S3 bucket holding the ALB's access logs. */
  accessLogBucket?: pulumi.Output<string>;
  /** prod: the CDN in front of the user-file bucket (uploads and thumbnails link here). */
  filesUrl?: pulumi.Output<string>;
}

export function stackOutputs(plan: Plan, target: TargetOutputs) {
  const b = plan.budget;
  return {
    url: target.url,
    ...(target.databaseEndpoint ? { databaseEndpoint: target.databaseEndpoint } : {}),
    ...(target.loadBalancerDnsName ? { loadBalancerDnsName: target.loadBalancerDnsName } : {}),
    ...(target.admin ? { admin: target.admin } : {}),
    ...(target.accessLogBucket ? { accessLogBucket: target.accessLogBucket } : {}),
    ...(target.filesUrl ? { filesUrl: target.filesUrl } : {}),
    connectionBudget: {
      maxConnections: b.database.maxConnections,
      reserved: b.database.reservedConnections,
      peak: b.server.peak,
      free: b.server.free,
      poolSizes: b.poolSizes,
      ...(b.pgbouncer
        ? { pgbouncerClientPeak: b.pgbouncer.peak, pgbouncerMaxClientConnections: b.pgbouncer.maxClientConnections }
        : {}),
    },
    workers: Object.fromEntries(
      plan.workers.map((w) => [
        w.kind,
        {
          min: w.replicas.min,
          max: w.replicas.max,
          processes: w.processes,
          threads: w.threads,
          workerConnections: w.workerConnections ?? null,
        },
      ]),
    ),
    capacity: b.capacity,
    trustedProxyCount: plan.proxies.trustedProxyCount,
    /** The next deploy reads these back (components/previous.ts): the data's PostgreSQL major. */
    databaseEngineVersion: plan.settings.database.engineVersion,
    ...(plan.transition ? { rolloutPeak: plan.transition.peak } : {}),
  };
}
