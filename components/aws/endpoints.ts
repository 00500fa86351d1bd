// VPC endpoints (throat:aws.vpcEndpoints): what private tasks reach AWS through instead of the
// NAT gateways, whose data processing is billed per GB. S3 is a gateway endpoint (no charge;
// ECR serves image layers from S3); ECR's api and dkr, CloudWatch Logs and Secrets Manager are
// interface endpoints with private DNS, so the tasks' SDKs and the ECS agent resolve the usual
// names to them. Interface endpoints are billed per zone-hour: docs/costs.md.
import * as pulumi from "@pulumi/pulumi";
import * as ec2 from "@pulumi/aws/ec2";
import * as vpc from "@pulumi/aws/vpc";

/** Interface endpoints: `com.amazonaws.<region>.<service>`. */
export const INTERFACE_ENDPOINTS = ["ecr.api", "ecr.dkr", "logs", "secretsmanager"] as const;

export interface EndpointsArgs {
  prefix: string;
  region: pulumi.Input<string>;
  vpcId: pulumi.Input<string>;
  vpcCidr: string;
  privateSubnetIds: pulumi.Input<string>[];
  privateRouteTableIds: pulumi.Input<string>[];
}

export class Endpoints extends pulumi.ComponentResource {
  readonly ready: pulumi.Resource[] = [];

  constructor(name: string, args: EndpointsArgs, opts?: pulumi.ComponentResourceOptions) {
    super("throat:aws:Endpoints", name, {}, opts);
    const { prefix } = args;
    const parent = { parent: this };
    const service = (s: string) => pulumi.interpolate`com.amazonaws.${args.region}.${s}`;
    this.ready.push(
      new ec2.VpcEndpoint(
        `${prefix}-s3`,
        {
          vpcId: args.vpcId,
          serviceName: service("s3"),
          vpcEndpointType: "Gateway",
          routeTableIds: args.privateRouteTableIds,
          tags: { Name: `${prefix}-s3` },
        },
        parent,
      ),
    );
    const group = new ec2.SecurityGroup(
      `${prefix}-endpoints`,
      {
        vpcId: args.vpcId,
        description: "Throat VPC endpoints: HTTPS from the VPC",
        tags: { Name: `${prefix}-endpoints` },
      },
      parent,
    );
    new vpc.SecurityGroupIngressRule(
      `${prefix}-endpoints-https-in`,
      {
        securityGroupId: group.id,
        ipProtocol: "tcp",
        fromPort: 443,
        toPort: 443,
        cidrIpv4: args.vpcCidr,
        description: "HTTPS from the stack's subnets",
      },
      parent,
    );
    for (const s of INTERFACE_ENDPOINTS) {
      this.ready.push(
        new ec2.VpcEndpoint(
          `${prefix}-${s.replace(".", "-")}`,
          {
            vpcId: args.vpcId,
            serviceName: service(s),
            vpcEndpointType: "Interface",
            privateDnsEnabled: true,
            subnetIds: args.privateSubnetIds,
            securityGroupIds: [group.id],
            tags: { Name: `${prefix}-${s}` },
          },
          parent,
        ),
      );
    }
    this.registerOutputs({});
  }
}
