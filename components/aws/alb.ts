// The edge: an internet-facing ALB in the public subnets. HTTP redirects to HTTPS; the HTTPS
// listener forwards by the plan's rules (plan.edge.albRules: socket.io, static, gevent routes),
// everything else to the sync workers (its default action). One target group per worker kind
// and one for the static tier, all of `ip` type (Fargate tasks register by their ENI address).
import * as pulumi from "@pulumi/pulumi";
import * as lb from "@pulumi/aws/lb";
import type { AlbRule } from "../plan/alb";
import { WORKER_HEALTH_PATH } from "../plan/health";
import { NGINX_HEALTH_PATH, STATIC_DRAIN_SECONDS, WORKER_DRAIN_SECONDS } from "../plan/drain";
import { loadBalancerName, targetGroupName, TierKind } from "./names";

/**
 * The ALB closes a connection idle this long. gunicorn's async workers keep idle connections
 * ASYNC_KEEPALIVE (65, plan/workers.ts) s: the ALB must give up first, or it reuses a connection gunicorn has just
 * closed and the client gets a 502.
 */
export const ALB_IDLE_TIMEOUT = 60;

/** Workers: a static file Flask serves without the database (plan/health.ts). nginx has its own. */
const HEALTH_PATH: Record<TierKind, string> = {
  sync: WORKER_HEALTH_PATH,
  gevent: WORKER_HEALTH_PATH,
  socketio: WORKER_HEALTH_PATH,
  static: NGINX_HEALTH_PATH,
};
/** Seconds a draining target keeps its requests (plan/drain.ts): the default 300 would slow every deploy. */
export const DEREGISTRATION_DELAY: Record<TierKind, number> = { ...WORKER_DRAIN_SECONDS, static: STATIC_DRAIN_SECONDS };
/** A day: a socket.io session (polling, then the websocket upgrade) must stay on one process. */
const SOCKETIO_STICKINESS = 86400;
/** TLS 1.2 and 1.3 only, forward secrecy (ELB security policies). */
const SSL_POLICY = "ELBSecurityPolicy-TLS13-1-2-2021-06";

/** The edge named `name`; the stack names it `<namePrefix>-edge`. */
export interface EdgeArgs {
  /**
   * settings.namePrefix: the ALB's name, and the `<namePrefix>-alb`, `-http`, `-https`,
   * `-<rule>` and target group logical names they had before the component took narrow args
   * (naming them from `name` would change their URNs; target groups are named by names.ts).
   */
  namePrefix: string;
  /** plan.edge.albRules: the HTTPS listener's path rules (its default action: the sync workers). */
  rules: AlbRule[];
  /** Each tier's port: the workers' (plan.workers) and the static tier's (EDGE_PATHS.httpPort). */
  ports: Record<TierKind, number>;
  vpcId: pulumi.Input<string>;
  subnetIds: pulumi.Input<string[]>;
  securityGroupId: pulumi.Input<string>;
  /** The HTTPS listener's: the one the stack makes (throat:dns.zoneId), or throat:edge.certificateArn. */
  certificateArn: pulumi.Input<string>;
  /** Access logs: the bucket, and what must exist before the ALB writes to it. */
  accessLogs?: { bucket: pulumi.Input<string>; prefix: string; ready: pulumi.Resource[] };
}

export class Edge extends pulumi.ComponentResource {
  readonly dnsName: pulumi.Output<string>;
  /** The ALB's CloudWatch dimension (app/<name>/<id>). */
  readonly arnSuffix: pulumi.Output<string>;
  /** Route 53 alias target zone of the ALB. */
  readonly zoneId: pulumi.Output<string>;
  readonly targetGroups: Record<TierKind, lb.TargetGroup>;
  /** Everything a service needs before it registers targets (ECS refuses a target group without a listener). */
  readonly ready: pulumi.Resource[];

  constructor(name: string, args: EdgeArgs, opts?: pulumi.ComponentResourceOptions) {
    super("throat:aws:Edge", name, {}, opts);
    const { rules, ports, certificateArn } = args;
    const prefix = args.namePrefix;

    const alb = new lb.LoadBalancer(
      `${prefix}-alb`,
      {
        name: loadBalancerName(prefix),
        loadBalancerType: "application",
        internal: false,
        subnets: args.subnetIds,
        securityGroups: [args.securityGroupId],
        idleTimeout: ALB_IDLE_TIMEOUT,
        dropInvalidHeaderFields: true,
        // The plan counts the ALB as one X-Forwarded-For hop (SITE_TRUSTED_PROXY_COUNT): "append" is that.
        xffHeaderProcessingMode: "append",
        ...(args.accessLogs
          ? { accessLogs: { enabled: true, bucket: args.accessLogs.bucket, prefix: args.accessLogs.prefix } }
          : {}),
      },
      { parent: this, dependsOn: args.accessLogs?.ready ?? [] },
    );

    const targetGroup = (kind: TierKind) =>
      new lb.TargetGroup(
        targetGroupName(prefix, kind),
        {
          targetType: "ip",
          protocol: "HTTP",
          port: ports[kind],
          vpcId: args.vpcId,
          deregistrationDelay: DEREGISTRATION_DELAY[kind],
          // A sync process serves one request at a time: send each request where fewest are waiting.
          ...(kind === "sync" || kind === "gevent" ? { loadBalancingAlgorithmType: "least_outstanding_requests" } : {}),
          ...(kind === "socketio"
            ? { stickiness: { type: "lb_cookie", enabled: true, cookieDuration: SOCKETIO_STICKINESS } }
            : {}),
          healthCheck: {
            path: HEALTH_PATH[kind],
            matcher: "200",
            interval: 15,
            timeout: 5,
            healthyThreshold: 2,
            unhealthyThreshold: 3,
          },
          tags: { Name: `${prefix}-${kind}` },
        },
        { parent: this },
      );
    this.targetGroups = {
      sync: targetGroup("sync"),
      gevent: targetGroup("gevent"),
      socketio: targetGroup("socketio"),
      static: targetGroup("static"),
    };

    const http = new lb.Listener(
      `${prefix}-http`,
      {
        loadBalancerArn: alb.arn,
        port: 80,
        protocol: "HTTP",
        defaultActions: [{ type: "redirect", redirect: { protocol: "HTTPS", port: "443", statusCode: "HTTP_301" } }],
      },
      { parent: this },
    );
    const https = new lb.Listener(
      `${prefix}-https`,
      {
        loadBalancerArn: alb.arn,
        port: 443,
        protocol: "HTTPS",
        certificateArn,
        sslPolicy: SSL_POLICY,
        defaultActions: [{ type: "forward", targetGroupArn: this.targetGroups.sync.arn }],
      },
      { parent: this },
    );
    const listenerRules = rules.map(
      (rule) =>
        new lb.ListenerRule(
          `${prefix}-${rule.name}`,
          {
            listenerArn: https.arn,
            priority: rule.priority,
            conditions: [{ pathPattern: { values: rule.pathPatterns } }],
            actions: [{ type: "forward", targetGroupArn: this.targetGroups[rule.target].arn }],
          },
          { parent: this },
        ),
    );

    this.dnsName = alb.dnsName;
    this.arnSuffix = alb.arnSuffix;
    this.zoneId = alb.zoneId;
    this.ready = [http, https, ...listenerRules];
    this.registerOutputs({ dnsName: this.dnsName });
  }
}
