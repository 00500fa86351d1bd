// Security groups of least privilege. Each flow is one rule resource (vpc.SecurityGroupIngressRule
// / EgressRule, AWS's recommended form: one source per rule, each with an id and a description);
// the groups themselves carry no inline rules, and the provider removes AWS's default allow-all
// egress from a group it creates, so a group passes only what is listed here:
//   internet  -> alb       80, 443
//   alb       -> workers   5000 (APP_PORT)     alb -> static 80
//   workers   -> database  5432, redis 6379    migration -> database 5432, redis 6379
//   workers, migration, static -> internet 443 (ECR, Secrets Manager, CloudWatch Logs via NAT)
//   workers   -> internet  80 (the app fetches submitted links' titles, http ones too)
//   workers   -> internet  the SMTP port of throat:mail, only when mail is set
import * as pulumi from "@pulumi/pulumi";
import * as ec2 from "@pulumi/aws/ec2";
import * as vpc from "@pulumi/aws/vpc";

export const POSTGRES_PORT = 5432;
export const REDIS_PORT = 6379;
const ANYWHERE = "0.0.0.0/0";

export interface SecurityGroupsArgs {
  prefix: string;
  vpcId: pulumi.Input<string>;
  /** The port gunicorn listens on in every worker task (plan APP_PORT). */
  appPort: number;
  /** The port nginx listens on in the static tier (plan EDGE_PATHS.httpPort). */
  staticPort: number;
  /** The SMTP port the workers send mail to (plan app.smtp); no SMTP egress without it. */
  smtpPort?: number;
}

type Peer = { group: ec2.SecurityGroup } | { cidr: string };

export class SecurityGroups extends pulumi.ComponentResource {
  readonly alb: ec2.SecurityGroup;
  readonly workers: ec2.SecurityGroup;
  readonly static: ec2.SecurityGroup;
  readonly migration: ec2.SecurityGroup;
  readonly database: ec2.SecurityGroup;
  readonly redis: ec2.SecurityGroup;

  constructor(name: string, args: SecurityGroupsArgs, opts?: pulumi.ComponentResourceOptions) {
    super("throat:aws:SecurityGroups", name, {}, opts);
    const { prefix, vpcId } = args;
    const group = (role: string, description: string) =>
      new ec2.SecurityGroup(
        `${prefix}-${role}`,
        { vpcId, description, tags: { Name: `${prefix}-${role}` } },
        { parent: this },
      );
    this.alb = group("alb", "Throat ALB: HTTP and HTTPS from the internet");
    this.workers = group("workers", "Throat gunicorn tasks: the app port from the ALB");
    this.static = group("static", "Throat static tier (nginx): HTTP from the ALB");
    this.migration = group("migration", "Throat migration task: no inbound traffic");
    this.database = group("database", "Throat PostgreSQL: from app tasks only");
    this.redis = group("redis", "Throat Redis: from app tasks only");

    const tcp = (
      direction: "in" | "out",
      ruleName: string,
      sg: ec2.SecurityGroup,
      port: number,
      peer: Peer,
      description: string,
    ) => {
      const common = {
        securityGroupId: sg.id,
        ipProtocol: "tcp",
        fromPort: port,
        toPort: port,
        description,
        ...("group" in peer ? { referencedSecurityGroupId: peer.group.id } : { cidrIpv4: peer.cidr }),
      };
      const logical = `${prefix}-${ruleName}`;
      return direction === "in"
        ? new vpc.SecurityGroupIngressRule(logical, common, { parent: this })
        : new vpc.SecurityGroupEgressRule(logical, common, { parent: this });
    };
    // A flow between two groups is two rules: egress on the sender, ingress on the receiver.
    const flow = (from: string, fromGroup: ec2.SecurityGroup, to: string, toGroup: ec2.SecurityGroup, port: number) => {
      tcp("out", `${from}-to-${to}`, fromGroup, port, { group: toGroup }, `to ${to}`);
      tcp("in", `${to}-from-${from}`, toGroup, port, { group: fromGroup }, `from ${from}`);
    };

    tcp("in", "alb-http-in", this.alb, 80, { cidr: ANYWHERE }, "HTTP from the internet (redirected to HTTPS)");
    tcp("in", "alb-https-in", this.alb, 443, { cidr: ANYWHERE }, "HTTPS from the internet");
    flow("alb", this.alb, "workers", this.workers, args.appPort);
    flow("alb", this.alb, "static", this.static, args.staticPort);
    flow("workers", this.workers, "database", this.database, POSTGRES_PORT);
    flow("workers", this.workers, "redis", this.redis, REDIS_PORT);
    flow("migration", this.migration, "database", this.database, POSTGRES_PORT);
    flow("migration", this.migration, "redis", this.redis, REDIS_PORT);
    for (const [role, sg] of [
      ["workers", this.workers],
      ["static", this.static],
      ["migration", this.migration],
    ] as const) {
      tcp(
        "out",
        `${role}-https-out`,
        sg,
        443,
        { cidr: ANYWHERE },
        "HTTPS: ECR, Secrets Manager, CloudWatch Logs (through NAT)",
      );
    }
    tcp(
      "out",
      "workers-http-out",
      this.workers,
      80,
      { cidr: ANYWHERE },
      "HTTP: titles of submitted http links (/do/grabtitle)",
    );
    // Password recovery and email confirmation run in the workers (sync and gevent routes).
    if (args.smtpPort !== undefined)
      tcp("out", "workers-smtp-out", this.workers, args.smtpPort, { cidr: ANYWHERE }, "SMTP: mail (throat:mail)");

    this.registerOutputs({});
  }
}
