// Living with the prod stack, read back from what it registers: access logs, log exports,
// Redis snapshots, DNS and the cost options (NAT gateways, VPC endpoints, sizes).
import type { ProgramRun } from "../../scripts/offline/mockRuntime";
import { ofType } from "../support/runStack";
import { StackConfigError } from "../../components/load";
import { one, prodPlan, RUN_TIMEOUT, runProd, T, PREFIX } from "./support";

let run: ProgramRun;
beforeAll(async () => {
  run = await runProd();
}, RUN_TIMEOUT);

const S3 = "aws:s3/";
const bucketPart = (r: ProgramRun, kind: string) => one(r, `${S3}${kind}`, `${PREFIX}-alb-logs`);

test("ALB access logs go to a private SSE-S3 bucket that deletes them after accessLogDays", () => {
  one(run, `${S3}bucket:Bucket`, `${PREFIX}-alb-logs`);
  const alb = ofType(run, T.alb)[0]!;
  // The bucket is auto-named: its logical name plus Pulumi's 7-character suffix.
  expect(alb.inputs.accessLogs).toEqual({
    enabled: true,
    bucket: expect.stringMatching(new RegExp(String.raw`^${PREFIX}-alb-logs-[0-9a-f]{7}$`)),
    prefix: "alb",
  });
  expect(
    bucketPart(run, "bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration").inputs.rules,
  ).toEqual([{ applyServerSideEncryptionByDefault: { sseAlgorithm: "AES256" } }]);
  expect(bucketPart(run, "bucketPublicAccessBlock:BucketPublicAccessBlock").inputs).toMatchObject({
    blockPublicAcls: true,
    blockPublicPolicy: true,
    ignorePublicAcls: true,
    restrictPublicBuckets: true,
  });
  expect(bucketPart(run, "bucketLifecycleConfiguration:BucketLifecycleConfiguration").inputs.rules).toEqual([
    expect.objectContaining({ status: "Enabled", expiration: { days: 90 } }),
  ]);
  const policy = JSON.parse(String(bucketPart(run, "bucketPolicy:BucketPolicy").inputs.policy)) as {
    Statement: Array<{ Sid: string; Principal: unknown; Resource: unknown }>;
  };
  const writers = policy.Statement.filter((s) => s.Sid.endsWith("Writes"));
  expect(writers.map((s) => s.Principal)).toEqual([
    { AWS: "arn:aws:iam::156460612806:root" },
    { Service: "logdelivery.elasticloadbalancing.amazonaws.com" },
  ]);
  for (const w of writers)
    expect(w.Resource).toMatch(
      new RegExp(String.raw`^arn:aws:s3:::${PREFIX}-alb-logs-[0-9a-f]{7}\/alb\/AWSLogs\/123456789012\/\*$`),
    );
  // ELB test-writes when logging is enabled: the policy must exist first.
  expect(alb.dependencies).toContain(bucketPart(run, "bucketPolicy:BucketPolicy").urn);
});

test(
  "RDS exports the postgresql log; Redis keeps daily snapshots",
  async () => {
    expect(ofType(run, T.rds)[0]!.inputs.enabledCloudwatchLogsExports).toEqual(["postgresql"]);
    expect(ofType(run, T.redis)[0]!.inputs).toMatchObject({
      snapshotRetentionLimit: 1,
      numCacheClusters: 2,
      automaticFailoverEnabled: true,
    });
    const small = await runProd({ redis: { nodes: 1, snapshotRetentionDays: 7 } });
    // ElastiCache: automatic failover needs at least one replica.
    expect(ofType(small, T.redis)[0]!.inputs).toMatchObject({
      snapshotRetentionLimit: 7,
      numCacheClusters: 1,
      automaticFailoverEnabled: false,
      multiAzEnabled: false,
    });
    expect(ofType(small, T.metricAlarm).filter((a) => a.name.startsWith(`${PREFIX}-redis-memory`))).toHaveLength(1);
  },
  RUN_TIMEOUT,
);

test(
  "throat:aws.natGateways 1: one NAT gateway, every private route through it",
  async () => {
    expect(ofType(run, T.natGateway)).toHaveLength(2);
    const single = await runProd({ aws: { natGateways: 1, availabilityZones: 3 } });
    const nats = ofType(single, T.natGateway);
    expect(nats).toHaveLength(1);
    const routes = ofType(single, T.route).filter((r) => r.name.includes("private"));
    expect(routes).toHaveLength(3);
    for (const r of routes) expect(r.inputs.natGatewayId).toBe(`${nats[0]!.name}-id`);
  },
  RUN_TIMEOUT,
);

test(
  "throat:aws.vpcEndpoints: an S3 gateway on the private routes, interface endpoints for ECR, Logs, Secrets Manager",
  async () => {
    expect(ofType(run, T.vpcEndpoint)).toHaveLength(0);
    const withEndpoints = await runProd({ aws: { vpcEndpoints: true } });
    const endpoints = ofType(withEndpoints, T.vpcEndpoint);
    expect(endpoints.map((e) => e.inputs.serviceName).sort()).toEqual(
      ["ecr.api", "ecr.dkr", "logs", "s3", "secretsmanager"].map((s) => `com.amazonaws.eu-west-1.${s}`),
    );
    const s3 = endpoints.find((e) => e.inputs.serviceName === "com.amazonaws.eu-west-1.s3")!;
    expect(s3.inputs.vpcEndpointType).toBe("Gateway");
    expect(s3.inputs.routeTableIds).toEqual([`${PREFIX}-private-a-id`, `${PREFIX}-private-b-id`]);
    for (const e of endpoints.filter((x) => x !== s3))
      expect(e.inputs).toMatchObject({
        vpcEndpointType: "Interface",
        privateDnsEnabled: true,
        subnetIds: [`${PREFIX}-private-a-id`, `${PREFIX}-private-b-id`],
      });
    // Tasks start only once their way to ECR and Logs exists.
    const service = ofType(withEndpoints, T.service)[0]!;
    for (const e of endpoints) expect(service.dependencies).toContain(e.urn);
  },
  RUN_TIMEOUT,
);

test(
  "the static tier runs throat:aws.staticTasks tasks",
  async () => {
    const three = await runProd({ aws: { staticTasks: 3 } });
    expect(one(three, T.service, `${PREFIX}-static`).inputs.desiredCount).toBe(3);
    expect(one(run, T.service, `${PREFIX}-static`).inputs.desiredCount).toBe(2);
  },
  RUN_TIMEOUT,
);

test(
  "throat:dns.zoneId: a DNS-validated certificate on the HTTPS listener and an alias record to the ALB",
  async () => {
    const dns = await runProd({ edge: {}, dns: { zoneId: "Z0123456789ABCDEFGHIJ" } });
    const cert = one(dns, T.certificate, `${PREFIX}-certificate`);
    expect(cert.inputs).toMatchObject({ domainName: "forum.example.org", validationMethod: "DNS" });
    const validation = one(dns, T.dnsRecord, `${PREFIX}-certificate-validation`);
    expect(validation.inputs).toMatchObject({ zoneId: "Z0123456789ABCDEFGHIJ", type: "CNAME" });
    expect(String(validation.inputs.name)).toMatch(/^_[0-9a-f]+\.forum\.example\.org\.$/);
    const issued = one(dns, T.certificateValidation, `${PREFIX}-certificate`);
    const https = one(dns, T.listener, `${PREFIX}-https`);
    expect(https.inputs.certificateArn).toMatch(/^arn:aws:acm:eu-west-1:123456789012:certificate\/[0-9a-f]{8}-/);
    expect(https.dependencies).toContain(issued.urn);
    const alias = one(dns, T.dnsRecord, `${PREFIX}-site`);
    const alb = ofType(dns, T.alb)[0]!;
    expect(alias.inputs).toMatchObject({
      zoneId: "Z0123456789ABCDEFGHIJ",
      name: "forum.example.org",
      type: "A",
      aliases: [
        { name: expect.stringMatching(/\.elb\.amazonaws\.com$/), zoneId: "Z32O12XQLNTSW2", evaluateTargetHealth: true },
      ],
    });
    expect(alias.dependencies).toContain(alb.urn);
    // Without the key: the configured certificate, no DNS resources.
    expect(ofType(run, T.dnsRecord)).toHaveLength(0);
    expect(one(run, T.listener, `${PREFIX}-https`).inputs.certificateArn).toMatch(
      /^arn:aws:acm:eu-west-1:123456789012:certificate\/0{8}/,
    );
  },
  RUN_TIMEOUT,
);

test("prod refuses both a certificate ARN and a DNS zone, and neither; test stacks refuse the prod-only keys", () => {
  expect(() => prodPlan({ dns: { zoneId: "Z0123456789ABCDEFGHIJ" } })).toThrow(
    /throat:edge\.certificateArn and throat:dns\.zoneId are both set: set one/,
  );
  expect(() => prodPlan({ edge: {} })).toThrow(/throat:edge\.certificateArn or throat:dns\.zoneId is required on prod/);
  expect(() => prodPlan({ edge: {}, dns: { zoneId: "example.org" } })).toThrow(
    /throat:dns\.zoneId: a Route 53 hosted zone id/,
  );
  expect(() =>
    prodPlan({ aws: { vpcId: "vpc-1", publicSubnetIds: ["a", "b"], privateSubnetIds: ["c", "d"], natGateways: 1 } }),
  ).toThrow(StackConfigError);
});

test("the admin output: what npm run throat needs, nothing secret", () => {
  expect(run.outputs.admin).toEqual({
    profile: "prod",
    region: "eu-west-1",
    clusterArn: `arn:aws:ecs:eu-west-1:123456789012:cluster/${PREFIX}`,
    taskDefinitionFamily: `${PREFIX}-migrate`,
    container: "migrate",
    subnets: [`${PREFIX}-private-a-id`, `${PREFIX}-private-b-id`],
    securityGroups: [`${PREFIX}-migration-id`],
    logGroup: `/ecs/${PREFIX}/migrate`,
    logStreamPrefix: "migrate",
  });
  const migrate = one(run, T.taskDefinition, `${PREFIX}-migrate`);
  expect(migrate.inputs.family).toBe(`${PREFIX}-migrate`);
  expect(run.secretOutputs).toEqual([]);
});
