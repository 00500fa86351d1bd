// internet-ingress-load-balancer-web-only on a hand-made network: an ALB with its group, a worker
// group, and rules in each of the three forms AWS offers; and Docker containers.
import { internetIngress } from "../../policy/ingress";
import { messages, Registered, resource } from "./support";
import { T } from "../../policy/types";

const check = (rs: Registered[]) => messages(rs, [internetIngress]);

const albSg = resource(T.sg, "alb", { description: "ALB" });
const workersSg = resource(T.sg, "workers", { description: "workers" });
const alb = resource(
  T.alb,
  "alb",
  { loadBalancerType: "application", securityGroups: ["alb-id"] },
  { deps: { securityGroups: [albSg] } },
);
/** A vpc.SecurityGroupIngressRule on `sg`, as components/aws/securityGroups.ts writes them. */
const rule = (name: string, sg: Registered, port: number, cidr: Record<string, string>, ipProtocol = "tcp") =>
  resource(
    T.ingress,
    name,
    { securityGroupId: `${sg.name}-id`, ipProtocol, fromPort: port, toPort: port, ...cidr },
    { deps: { securityGroupId: [sg] } },
  );
const network = [
  albSg,
  workersSg,
  alb,
  rule("alb-http-in", albSg, 80, { cidrIpv4: "0.0.0.0/0" }),
  rule("alb-https-in", albSg, 443, { cidrIpv4: "0.0.0.0/0" }),
  rule("workers-from-alb", workersSg, 5000, { referencedSecurityGroupId: "alb-id" }),
];

test("HTTP and HTTPS from anywhere to the load balancer's group, the rest from groups: passes", async () => {
  expect(await check(network)).toEqual([]);
});

test("SSH from anywhere", async () => {
  expect(await check([...network, rule("ssh-in", workersSg, 22, { cidrIpv4: "0.0.0.0/0" })])).toEqual([
    "Ingress rule ssh-in opens TCP 22 to 0.0.0.0/0: only TCP 80 and 443 may be open to the internet, and only on the load balancer's security group. Remove it, or allow the port from a security group (referencedSecurityGroupId) or a private CIDR.",
  ]);
});

test("HTTPS from anywhere, but to the workers' group: the load balancer is bypassed", async () => {
  expect(await check([...network, rule("workers-https-in", workersSg, 443, { cidrIpv4: "0.0.0.0/0" })])).toEqual([
    "Ingress rule workers-https-in opens TCP 443 to 0.0.0.0/0 on security group workers, which no load balancer uses: only the load balancer's security group may accept traffic from the internet. Send the traffic through the ALB and allow it from the ALB's security group.",
  ]);
});

test("IPv6 counts too, and all traffic is never web traffic, even on the load balancer's group", async () => {
  const all = resource(
    T.securityGroupRule,
    "alb-all-v6",
    { type: "ingress", securityGroupId: "alb-id", protocol: "-1", fromPort: 0, toPort: 0, ipv6CidrBlocks: ["::/0"] },
    { deps: { securityGroupId: [albSg] } },
  );
  expect(await check([...network, all])).toEqual([
    "Security group rule alb-all-v6 opens all traffic to ::/0: only TCP 80 and 443 may be open to the internet, and only on the load balancer's security group. Remove it, or allow the port from a security group (referencedSecurityGroupId) or a private CIDR.",
  ]);
});

test("an inline port range that spans 80-443 opens everything between", async () => {
  const inline = resource(T.sg, "wide", {
    ingress: [{ protocol: "tcp", fromPort: 80, toPort: 443, cidrBlocks: ["10.0.0.0/8", "0.0.0.0/0"] }],
  });
  const lb = resource(T.alb, "alb", { securityGroups: ["wide-id"] }, { deps: { securityGroups: [inline] } });
  expect(await check([inline, lb])).toEqual([
    "Security group wide (inline ingress) opens TCP 80-443 to 0.0.0.0/0: only TCP 80 and 443 may be open to the internet, and only on the load balancer's security group. Remove it, or allow the port from a security group (referencedSecurityGroupId) or a private CIDR.",
  ]);
});

test("egress rules and private sources are not ingress from the internet", async () => {
  const egress = resource(
    T.securityGroupRule,
    "out",
    {
      type: "egress",
      securityGroupId: "workers-id",
      protocol: "-1",
      fromPort: 0,
      toPort: 0,
      cidrBlocks: ["0.0.0.0/0"],
    },
    { deps: { securityGroupId: [workersSg] } },
  );
  expect(await check([...network, egress, rule("vpc-ssh", workersSg, 22, { cidrIpv4: "10.0.0.0/16" })])).toEqual([]);
});

test("a group the stack does not create is matched by its literal id", async () => {
  const lb = resource(T.alb, "existing-alb", { securityGroups: ["sg-0123"] });
  const https = resource(T.ingress, "https", {
    securityGroupId: "sg-0123",
    ipProtocol: "tcp",
    fromPort: 443,
    toPort: 443,
    cidrIpv4: "0.0.0.0/0",
  });
  const other = resource(T.ingress, "https-elsewhere", {
    securityGroupId: "sg-0456",
    ipProtocol: "tcp",
    fromPort: 443,
    toPort: 443,
    cidrIpv4: "0.0.0.0/0",
  });
  expect(await check([lb, https, other])).toEqual([
    "Ingress rule https-elsewhere opens TCP 443 to 0.0.0.0/0 on security group sg-0456, which no load balancer uses: only the load balancer's security group may accept traffic from the internet. Send the traffic through the ALB and allow it from the ALB's security group.",
  ]);
});

describe("Docker", () => {
  const container = (name: string, tier: string, extra: Record<string, unknown>) =>
    resource(T.container, name, { name, labels: [{ label: "throat.tier", value: tier }], ...extra });

  test("the edge publishes its ports; nothing else does", async () => {
    const edge = container("throat-test-edge", "edge", {
      ports: [
        { internal: 80, external: 8080 },
        { internal: 443, external: 8443 },
      ],
    });
    const redis = container("throat-test-redis", "redis", { ports: [{ internal: 6379, external: 6379 }] });
    const postgres = container("throat-test-postgres", "database", { networkMode: "host" });
    expect(await check([edge, redis, postgres])).toEqual([
      "Docker container throat-test-redis publishes ports 6379:6379 on the host: only the edge container (label throat.tier=edge) publishes ports; every other container is reached over the stack's network. Remove its ports.",
      "Docker container throat-test-postgres uses the host's network (networkMode host), which exposes every port it listens on: only the edge is reachable from outside. Attach it to the stack's network instead.",
    ]);
  });
});
