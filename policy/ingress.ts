// Nothing but the load balancer faces the internet. A stack policy, because the answer depends on
// how resources relate: a rule is fine or not depending on which security group it opens, and
// whether a load balancer uses that group.
//
// AWS: every ingress the stack declares (inline `ingress` of a SecurityGroup,
// vpc.SecurityGroupIngressRule, ec2.SecurityGroupRule of type ingress) whose source is the whole
// internet (a /0 CIDR) must be TCP 80 or 443, on a security group a load balancer uses. Groups are
// matched by the resource a property came from (propertyDependencies: ids are unknown at preview)
// and, for groups the stack does not create, by literal id.
// Docker: only the edge container (label throat.tier=edge) publishes ports or shares the host's
// network.
// Cannot see: groups and rules created outside the stack (the console, another stack), NACLs,
// public IPs on tasks, prefix lists, a CIDR that is nearly the whole internet (0.0.0.0/1).
import type { PolicyResource, ReportViolation, StackValidationPolicy } from "@pulumi/policy";
import { DOCKER_TIER_LABEL } from "./contract";
import { dockerLabels, dockerName } from "./containers";
import { Data, integer, isUnknown, known, list, read, record, text, Unknown } from "./data";
import { LOAD_BALANCERS, T } from "./types";

const WEB_PORTS = [80, 443];

/** One way into a security group from the internet. */
interface Opening {
  rule: PolicyResource;
  subject: string;
  protocol: string;
  from?: number;
  to?: number;
  source: string;
  /** The security group it opens. */
  group: GroupRefs;
}

export const internetIngress: StackValidationPolicy = {
  name: "internet-ingress-load-balancer-web-only",
  description:
    "Only TCP 80 and 443 on the load balancer's security groups are open to the internet; on Docker only the edge publishes ports.",
  enforcementLevel: "mandatory",
  validateStack: (args, reportViolation) => {
    const byUrn = new Map(args.resources.map((r) => [r.urn, r]));
    const lbGroups = new Set<string>();
    let lbUnknown: Unknown | undefined;
    for (const lb of args.resources.filter((r) => LOAD_BALANCERS.includes(r.type))) {
      const refs = groupRefs(lb, "securityGroups");
      [...refs.urns, ...refs.ids].forEach((g) => lbGroups.add(g));
      lbUnknown ??= refs.unknown;
    }
    // Named by the resources they came from; by id only when the stack does not create them.
    const names = (g: GroupRefs) =>
      (g.urns.size ? [...g.urns].map((u) => byUrn.get(u)?.name ?? u) : [...g.ids]).join(", ") || "an unknown group";

    for (const o of args.resources.flatMap(openings)) {
      const what = describe(o);
      if (!isWeb(o)) {
        reportViolation(
          `${o.subject} opens ${what} to ${o.source}: only TCP 80 and 443 may be open to the internet, and only on the load balancer's security group. Remove it, or allow the port from a security group (referencedSecurityGroupId) or a private CIDR.`,
          o.rule.urn,
        );
      } else if (![...o.group.urns, ...o.group.ids].some((g) => lbGroups.has(g))) {
        if (lbUnknown) throw lbUnknown.error;
        reportViolation(
          `${o.subject} opens ${what} to ${o.source} on security group ${names(o.group)}, which no load balancer uses: only the load balancer's security group may accept traffic from the internet. Send the traffic through the ALB and allow it from the ALB's security group.`,
          o.rule.urn,
        );
      }
    }
    dockerExposure(args.resources, reportViolation);
  },
};

function openings(r: PolicyResource): Opening[] {
  const self = (): GroupRefs => {
    const id = read(r.props, "id");
    return { urns: new Set([r.urn]), ids: new Set(typeof id === "string" ? [id] : []) };
  };
  switch (r.type) {
    case T.sg: {
      // The provider reports every rule of the group here after an update, the separate rule
      // resources' too; at preview an unset `ingress` is unknown: nothing inline to check.
      const ingress = read(r.props, "ingress");
      if (isUnknown(ingress)) return [];
      return list(ingress).flatMap((rule) => {
        const o = record(rule) ?? {};
        const cidrs = [...list(known(o.cidrBlocks)), ...list(known(o.ipv6CidrBlocks))];
        return internetSources(cidrs).map((source) => ({
          rule: r,
          subject: `Security group ${r.name} (inline ingress)`,
          protocol: proto(known(o.protocol)),
          from: integer(known(o.fromPort)),
          to: integer(known(o.toPort)),
          source,
          group: self(),
        }));
      });
    }
    case T.ingress: {
      const cidrs = [known(read(r.props, "cidrIpv4")), known(read(r.props, "cidrIpv6"))];
      return internetSources(cidrs).map((source) => ({
        rule: r,
        subject: `Ingress rule ${r.name}`,
        ...ports(r, "ipProtocol"),
        source,
        group: targetGroup(r),
      }));
    }
    case T.securityGroupRule: {
      if (known(read(r.props, "type")) !== "ingress") return [];
      const cidrs = [...list(known(read(r.props, "cidrBlocks"))), ...list(known(read(r.props, "ipv6CidrBlocks")))];
      return internetSources(cidrs).map((source) => ({
        rule: r,
        subject: `Security group rule ${r.name}`,
        ...ports(r, "protocol"),
        source,
        group: targetGroup(r),
      }));
    }
    default:
      return [];
  }
}

function ports(r: PolicyResource, protocolKey: string) {
  return {
    protocol: proto(known(read(r.props, protocolKey))),
    from: integer(known(read(r.props, "fromPort"))),
    to: integer(known(read(r.props, "toPort"))),
  };
}

/** The group a standalone rule opens; unknown only if neither its origin nor its id can be seen. */
function targetGroup(r: PolicyResource): GroupRefs {
  const refs = groupRefs(r, "securityGroupId");
  if (refs.unknown) throw refs.unknown.error;
  return refs;
}

interface GroupRefs {
  /** The stack's SecurityGroup resources a property's value came from. */
  urns: Set<string>;
  /** Literal group ids (groups the stack does not create). */
  ids: Set<string>;
  unknown?: Unknown;
}

/**
 * Security groups a property names: the stack's groups its value came from (propertyDependencies:
 * their ids are unknown at preview), and the ids it holds as strings (groups made elsewhere).
 */
function groupRefs(r: PolicyResource, key: string): GroupRefs {
  const origins = (r.propertyDependencies[key] ?? []).filter((d) => d.type === T.sg);
  const value = read(r.props, key);
  const ids = new Set<string>();
  let unknown: Unknown | undefined;
  for (const v of Array.isArray(value) ? value : [value]) {
    if (isUnknown(v)) unknown ??= v;
    else if (typeof v === "string") ids.add(v);
  }
  return { urns: new Set(origins.map((o) => o.urn)), ids, unknown: origins.length ? undefined : unknown };
}

/** Sources that mean "anyone": a /0 prefix, IPv4 or IPv6. */
function internetSources(cidrs: Data[]): string[] {
  return cidrs.map((c) => text(known(c))).filter((c): c is string => !!c && /\/0+$/.test(c.trim()));
}

function proto(p: Data): string {
  const s = (typeof p === "number" ? String(p) : (text(p) ?? "")).toLowerCase();
  if (s === "6") return "tcp";
  if (s === "17") return "udp";
  if (s === "-1" || s === "all") return "all";
  return s;
}

function isWeb(o: Opening): boolean {
  return o.protocol === "tcp" && o.from !== undefined && o.from === o.to && WEB_PORTS.includes(o.from);
}

function describe(o: Opening): string {
  if (o.protocol === "all") return "all traffic";
  const p = o.protocol.toUpperCase();
  if (o.from === undefined) return `${p} (ports unset)`;
  return o.from === o.to ? `${p} ${o.from}` : `${p} ${o.from}-${o.to}`;
}

function dockerExposure(resources: PolicyResource[], reportViolation: ReportViolation): void {
  for (const c of resources.filter((r) => r.type === T.container)) {
    if (dockerLabels(c.props).get(DOCKER_TIER_LABEL) === "edge") continue;
    const published = list(known(read(c.props, "ports"))).map((p) => {
      const port = record(p) ?? {};
      return `${integer(port.external) ?? "any"}:${integer(port.internal) ?? "?"}`;
    });
    if (published.length) {
      reportViolation(
        `Docker container ${dockerName(c)} publishes ports ${published.join(", ")} on the host: only the edge container (label ${DOCKER_TIER_LABEL}=edge) publishes ports; every other container is reached over the stack's network. Remove its ports.`,
        c.urn,
      );
    }
    if (known(read(c.props, "networkMode")) === "host") {
      reportViolation(
        `Docker container ${dockerName(c)} uses the host's network (networkMode host), which exposes every port it listens on: only the edge is reachable from outside. Attach it to the stack's network instead.`,
        c.urn,
      );
    }
  }
}
