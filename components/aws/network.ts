// The network tier: a VPC with a public and a private subnet per availability zone, or the
// existing VPC and subnets the stack config names. Public subnets hold the ALB and the NAT
// gateways; private subnets hold every task, the database and Redis, none of them reachable
// from the internet.
import * as pulumi from "@pulumi/pulumi";
import * as ec2 from "@pulumi/aws/ec2";
import { getAvailabilityZonesOutput } from "@pulumi/aws/getAvailabilityZones";
import { getRegionOutput } from "@pulumi/aws/getRegion";
import type { Settings } from "../settings";
import { Endpoints } from "./endpoints";

/** The network named `name`; the stack names it `<namePrefix>-network`. */
export interface NetworkArgs {
  /**
   * settings.namePrefix: the VPC, subnets, route tables, NAT gateways and endpoints keep the
   * `<namePrefix>-vpc`, `<namePrefix>-public-a`, ... logical names and Name tags they had before
   * the component took narrow args (naming them from `name` would change every URN of the tier).
   */
  namePrefix: string;
  /**
   * throat:aws: an existing VPC and its subnets (vpcId, publicSubnetIds, privateSubnetIds), or
   * the zones, NAT gateways and endpoints of the VPC the stack makes.
   */
  aws: Pick<
    Settings["aws"],
    "vpcId" | "publicSubnetIds" | "privateSubnetIds" | "availabilityZones" | "natGateways" | "vpcEndpoints"
  >;
}

const VPC_CIDR = "10.0.0.0/16";
/** /20 subnets (4091 usable addresses each): public ones from 10.0.0.0, private ones from 10.0.128.0. */
const subnetCidr = (tier: "public" | "private", i: number) => `10.0.${(tier === "public" ? 0 : 128) + 16 * i}.0/20`;
/** Eight /20s fit in each half of the /16; no region has more zones (settings/checks.ts refuses more). */
export const MAX_ZONES = 8;

export class Network extends pulumi.ComponentResource {
  readonly vpcId: pulumi.Output<string>;
  readonly publicSubnetIds: pulumi.Output<string[]>;
  readonly privateSubnetIds: pulumi.Output<string[]>;
  /**
   * What a task in a private subnet needs before it starts: its route to a NAT gateway (image
   * pulls, Secrets Manager, CloudWatch Logs). Empty for an existing VPC, whose routes exist.
   */
  readonly egressReady: pulumi.Resource[] = [];

  constructor(name: string, args: NetworkArgs, opts?: pulumi.ComponentResourceOptions) {
    super("throat:aws:Network", name, {}, opts);
    const { aws, namePrefix: prefix } = args;
    // Subnets without their VPC are refused before this runs (components/settings/index.ts).
    if (aws.vpcId && aws.publicSubnetIds && aws.privateSubnetIds) {
      this.vpcId = pulumi.output(aws.vpcId);
      this.publicSubnetIds = pulumi.output(aws.publicSubnetIds);
      this.privateSubnetIds = pulumi.output(aws.privateSubnetIds);
    } else {
      const zoneCount = aws.availabilityZones;
      const parent = { parent: this };
      const zones = getAvailabilityZonesOutput({ state: "available" }, parent).names.apply((names) => {
        // The settings hold throat:aws.availabilityZones to the region's documented count
        // (settings/limits.ts); this guards an account that sees fewer zones than documented.
        if (names.length < zoneCount)
          throw new Error(
            `throat:aws.availabilityZones: got ${zoneCount}, but the region has only ${names.length} available zones (${names.join(", ")})`,
          );
        return names.slice(0, zoneCount);
      });
      const tags = (n: string) => ({ Name: n });
      const vpc = new ec2.Vpc(
        `${prefix}-vpc`,
        { cidrBlock: VPC_CIDR, enableDnsHostnames: true, enableDnsSupport: true, tags: tags(`${prefix}-vpc`) },
        parent,
      );
      const igw = new ec2.InternetGateway(`${prefix}-igw`, { vpcId: vpc.id, tags: tags(`${prefix}-igw`) }, parent);
      const publicRoutes = new ec2.RouteTable(
        `${prefix}-public`,
        { vpcId: vpc.id, tags: tags(`${prefix}-public`) },
        parent,
      );
      const internet = new ec2.Route(
        `${prefix}-public-internet`,
        { routeTableId: publicRoutes.id, destinationCidrBlock: "0.0.0.0/0", gatewayId: igw.id },
        parent,
      );

      const publicSubnets: ec2.Subnet[] = [];
      const privateSubnets: ec2.Subnet[] = [];
      const privateRouteTables: ec2.RouteTable[] = [];
      const nats: ec2.NatGateway[] = [];
      for (let i = 0; i < zoneCount; i++) {
        const zone = zones.apply((z) => z[i]!);
        const suffix = String.fromCharCode(97 + i);
        const pub = new ec2.Subnet(
          `${prefix}-public-${suffix}`,
          {
            vpcId: vpc.id,
            availabilityZone: zone,
            cidrBlock: subnetCidr("public", i),
            mapPublicIpOnLaunch: false,
            tags: tags(`${prefix}-public-${suffix}`),
          },
          parent,
        );
        new ec2.RouteTableAssociation(
          `${prefix}-public-${suffix}`,
          { subnetId: pub.id, routeTableId: publicRoutes.id },
          parent,
        );
        // One NAT gateway per zone: a zone's outage must not cut the other zones' tasks off
        // from ECR, Secrets Manager and CloudWatch Logs. throat:aws.natGateways 1: zone a's serves all.
        if (aws.natGateways === "perZone" || i === 0) {
          const eip = new ec2.Eip(
            `${prefix}-nat-${suffix}`,
            { domain: "vpc", tags: tags(`${prefix}-nat-${suffix}`) },
            parent,
          );
          nats.push(
            new ec2.NatGateway(
              `${prefix}-nat-${suffix}`,
              { allocationId: eip.allocationId, subnetId: pub.id, tags: tags(`${prefix}-nat-${suffix}`) },
              { parent: this, dependsOn: [internet] },
            ),
          );
        }
        const nat = nats[nats.length - 1]!;
        const priv = new ec2.Subnet(
          `${prefix}-private-${suffix}`,
          {
            vpcId: vpc.id,
            availabilityZone: zone,
            cidrBlock: subnetCidr("private", i),
            tags: tags(`${prefix}-private-${suffix}`),
          },
          parent,
        );
        const privateRoutes = new ec2.RouteTable(
          `${prefix}-private-${suffix}`,
          { vpcId: vpc.id, tags: tags(`${prefix}-private-${suffix}`) },
          parent,
        );
        const egress = new ec2.Route(
          `${prefix}-private-${suffix}-nat`,
          { routeTableId: privateRoutes.id, destinationCidrBlock: "0.0.0.0/0", natGatewayId: nat.id },
          parent,
        );
        const assoc = new ec2.RouteTableAssociation(
          `${prefix}-private-${suffix}`,
          { subnetId: priv.id, routeTableId: privateRoutes.id },
          parent,
        );
        publicSubnets.push(pub);
        privateSubnets.push(priv);
        privateRouteTables.push(privateRoutes);
        this.egressReady.push(egress, assoc);
      }
      if (aws.vpcEndpoints) {
        const endpoints = new Endpoints(
          `${prefix}-endpoints`,
          {
            prefix,
            region: getRegionOutput({}, parent).region,
            vpcId: vpc.id,
            vpcCidr: VPC_CIDR,
            privateSubnetIds: privateSubnets.map((s) => s.id),
            privateRouteTableIds: privateRouteTables.map((t) => t.id),
          },
          parent,
        );
        this.egressReady.push(...endpoints.ready);
      }
      this.vpcId = vpc.id;
      this.publicSubnetIds = pulumi.all(publicSubnets.map((s) => s.id));
      this.privateSubnetIds = pulumi.all(privateSubnets.map((s) => s.id));
    }
    this.registerOutputs({
      vpcId: this.vpcId,
      publicSubnetIds: this.publicSubnetIds,
      privateSubnetIds: this.privateSubnetIds,
    });
  }
}
