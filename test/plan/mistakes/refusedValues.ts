// Stack files with values AWS or PostgreSQL would refuse: the plan refuses them first.
import { m, CERT_ARN, type Mistake } from "./shape";

export const REFUSED_VALUES: Mistake[] = [
  // Values AWS or PostgreSQL refuse.
  m(
    "max_connections beyond PostgreSQL's limit",
    "test",
    { "throat:database": { maxConnections: 300000 } },
    /throat:database\.maxConnections: got 300000; PostgreSQL starts with at most 262121/,
    "max_connections beyond PostgreSQL's limit",
  ),
  m(
    "max_connections of a million on RDS",
    "prod",
    { "throat:database": { maxConnections: 1000000 } },
    /throat:database\.maxConnections: got 1000000/,
  ),
  m(
    "backups kept 90 days",
    "prod",
    { "throat:database": { backupRetentionDays: 90 } },
    /throat:database\.backupRetentionDays: got 90; RDS keeps automated backups 1 to 35 days/,
    "Backups kept longer than RDS allows",
  ),
  m(
    "an instance class without db.",
    "prod",
    { "throat:database": { instanceClass: "t4g.small" } },
    /throat:database\.instanceClass: got "t4g\.small"; RDS instance classes start with "db\."/,
    "An instance class without `db.`",
  ),
  m(
    "a cache node type as the instance class",
    "prod",
    { "throat:database": { instanceClass: "cache.r6g.large" } },
    /throat:database\.instanceClass: got "cache\.r6g\.large".*"db\.r6g\.large"/,
  ),
  m(
    "a node type without cache.",
    "prod",
    { "throat:redis": { nodeType: "t4g.micro" } },
    /throat:redis\.nodeType: got "t4g\.micro"; ElastiCache node types start with "cache\."/,
  ),
  m(
    "an RDS class as the node type",
    "prod",
    { "throat:redis": { nodeType: "db.t4g.micro" } },
    /throat:redis\.nodeType: got "db\.t4g\.micro".*"cache\.t4g\.micro"/,
  ),
  m(
    "a CloudFront certificate (us-east-1) for an ALB in eu-west-1",
    "prod",
    { "throat:edge": { certificateArn: CERT_ARN.replace("eu-west-1", "us-east-1") } },
    /throat:edge\.certificateArn: the certificate is in us-east-1, the stack deploys to aws:region eu-west-1/,
    "A certificate from another region",
  ),
  m(
    "a certificate ARN without its account",
    "prod",
    { "throat:edge": { certificateArn: "arn:aws:acm:eu-west-1:certificate/4f1c2a9e" } },
    /throat:edge\.certificateArn: got "arn:aws:acm:eu-west-1:certificate\/4f1c2a9e"/,
  ),
  m(
    "an IAM server certificate instead of ACM",
    "prod",
    { "throat:edge": { certificateArn: "arn:aws:iam::123456789012:server-certificate/forum" } },
    /throat:edge\.certificateArn: got "arn:aws:iam/,
  ),
  m(
    "four zones in eu-west-1",
    "prod",
    { "throat:aws": { availabilityZones: 4 } },
    /throat:aws\.availabilityZones: got 4; AWS documents at least 3/,
  ),
  m(
    "three zones in us-west-1",
    "prod",
    {
      "aws:region": "us-west-1",
      "throat:edge": { certificateArn: CERT_ARN.replace("eu-west-1", "us-west-1") },
      "throat:aws": { availabilityZones: 3 },
    },
    /throat:aws\.availabilityZones: got 3; us-west-1 has 2 availability zones/,
    "More zones than the region has",
  ),
  m("nine zones", "prod", { "throat:aws": { availabilityZones: 9 } }, /throat:aws\.availabilityZones/),
  m(
    "a minor PostgreSQL version",
    "test",
    { "throat:database": { engineVersion: "16.3" } },
    /throat:database\.engineVersion: .*got "16\.3"/,
  ),
  m(
    "an unsupported PostgreSQL major",
    "test",
    { "throat:database": { engineVersion: 13 } },
    /throat:database\.engineVersion: .*got 13/,
  ),
  m(
    "reserved connections taking them all",
    "test",
    { "throat:database": { maxConnections: 20, reservedConnections: 20 } },
    /throat:database\.reservedConnections \(20\) \/ throat:database\.maxConnections \(20\)/,
    "Reserved connections taking them all",
  ),
  m(
    "a subnet name where its id goes",
    "prod",
    {
      "throat:aws": {
        vpcId: "vpc-0abc1234",
        publicSubnetIds: ["public-a", "public-b"],
        privateSubnetIds: ["subnet-0b0b0001", "subnet-0b0b0002"],
      },
    },
    /throat:aws\.publicSubnetIds "public-a".*EC2 ids look like/,
  ),
  m(
    "the same subnets for the ALB and the tasks",
    "prod",
    {
      "throat:aws": {
        vpcId: "vpc-0abc1234",
        publicSubnetIds: ["subnet-0a0a0001", "subnet-0a0a0002"],
        privateSubnetIds: ["subnet-0a0a0001", "subnet-0a0a0002"],
      },
    },
    /subnet-0a0a0001, subnet-0a0a0002 in both lists/,
  ),
  m(
    "a local image name on prod",
    "prod",
    { "throat:image": "throat:latest" },
    /throat:image: got "throat:latest", which ECS would pull as docker\.io\/library\/throat:latest/,
    "A local image name on prod",
  ),
  m(
    "a log retention CloudWatch does not offer",
    "prod",
    { "throat:aws": { logRetentionDays: 10 } },
    /throat:aws\.logRetentionDays: got 10/,
  ),
];
