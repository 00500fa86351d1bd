// What AWS would answer for each resource and invoke in the mock runtime: the ids, ARNs and
// endpoints the real provider adds (../providerRules.ts mockState). Refusals: aws.ts.
import * as pulumi from "@pulumi/pulumi";
import { ACCOUNT, albArn, arn, hex, listenerArn, physical, region } from "./awsNames";

const ZONE_LETTERS = ["a", "b", "c"];

export function state(type: string, name: string, inputs: Record<string, unknown>): Record<string, unknown> {
  const n = physical(name, inputs);
  switch (type) {
    // Invokes (mockState also answers `call`).
    case "aws:index/getAvailabilityZones:getAvailabilityZones":
      return {
        id: region(),
        names: ZONE_LETTERS.map((z) => `${region()}${z}`),
        zoneIds: ZONE_LETTERS.map((_, i) => `euw1-az${i + 1}`),
        groupNames: [region()],
      };
    case "aws:index/getRegion:getRegion":
      return {
        id: region(),
        region: region(),
        name: region(),
        endpoint: `ec2.${region()}.amazonaws.com`,
        description: region(),
      };
    case "aws:index/getCallerIdentity:getCallerIdentity":
      return { id: ACCOUNT, accountId: ACCOUNT, arn: `arn:aws:iam::${ACCOUNT}:user/mock`, userId: "AIDAMOCK" };
    case "aws:index/getPartition:getPartition":
      return { id: "aws", partition: "aws", dnsSuffix: "amazonaws.com" };
    // ELB's log-delivery account of the region (ELB docs, "Enable access logs": eu-west-1 156460612806).
    case "aws:elb/getServiceAccount:getServiceAccount":
      return { id: "156460612806", arn: "arn:aws:iam::156460612806:root" };
    case "aws:ecr/getAuthorizationToken:getAuthorizationToken":
      return {
        id: region(),
        userName: "AWS",
        password: pulumi.secret("mock-ecr-password"),
        authorizationToken: pulumi.secret("QVdTOm1vY2s="),
        proxyEndpoint: `https://${ACCOUNT}.dkr.ecr.${region()}.amazonaws.com`,
        expiresAt: "2099-01-01T00:00:00Z",
      };

    // Resources.
    case "aws:ec2/vpc:Vpc":
      return { arn: arn("ec2", `vpc/${name}-id`), defaultSecurityGroupId: "sg-default" };
    case "aws:ec2/subnet:Subnet":
      return { arn: arn("ec2", `subnet/${name}-id`) };
    case "aws:ec2/eip:Eip":
      return { allocationId: `eipalloc-${hex(name, 8)}`, publicIp: "203.0.113.10" };
    case "aws:ec2/securityGroup:SecurityGroup":
      return { arn: arn("ec2", `security-group/${name}-id`), name: n };
    case "aws:rds/subnetGroup:SubnetGroup":
    case "aws:rds/parameterGroup:ParameterGroup":
      return { name: n, arn: arn("rds", `pg:${n}`) };
    case "aws:rds/instance:Instance": {
      const address = `${inputs.identifier ?? n}.${hex(name, 12)}.${region()}.rds.amazonaws.com`;
      const port = inputs.port ?? 5432;
      return {
        address,
        port,
        endpoint: `${address}:${port}`,
        arn: arn("rds", `db:${inputs.identifier ?? n}`),
        resourceId: `db-${hex(name, 20).toUpperCase()}`,
      };
    }
    case "aws:elasticache/subnetGroup:SubnetGroup":
      return { name: n, arn: arn("elasticache", `subnetgroup:${n}`) };
    case "aws:elasticache/replicationGroup:ReplicationGroup": {
      const id = String(inputs.replicationGroupId ?? n);
      return {
        arn: arn("elasticache", `replicationgroup:${id}`),
        primaryEndpointAddress: `master.${id}.${hex(name, 6)}.euw1.cache.amazonaws.com`,
        readerEndpointAddress: `replica.${id}.${hex(name, 6)}.euw1.cache.amazonaws.com`,
        port: inputs.port ?? 6379,
      };
    }
    case "aws:secretsmanager/secret:Secret":
      return { name: n, arn: arn("secretsmanager", `secret:${n}-${hex(name, 6)}`) };
    // aws:secretsmanager/secretVersion:SecretVersion: awsRefs.ts.
    case "aws:ecr/repository:Repository":
      return {
        name: n,
        arn: arn("ecr", `repository/${n}`),
        registryId: ACCOUNT,
        repositoryUrl: `${ACCOUNT}.dkr.ecr.${region()}.amazonaws.com/${n}`,
      };
    case "aws:lb/loadBalancer:LoadBalancer":
      return {
        name: n,
        arn: albArn(name, inputs),
        arnSuffix: `app/${n}/${hex(name, 16)}`,
        dnsName: `${n}-${hex(name, 9)}.${region()}.elb.amazonaws.com`,
        zoneId: "Z32O12XQLNTSW2",
      };
    case "aws:lb/targetGroup:TargetGroup":
      return {
        name: n,
        arn: arn("elasticloadbalancing", `targetgroup/${n}/${hex(name, 16)}`),
        arnSuffix: `targetgroup/${n}/${hex(name, 16)}`,
      };
    case "aws:lb/listener:Listener":
      return { arn: listenerArn(name) };
    case "aws:lb/listenerRule:ListenerRule":
      return { arn: `${listenerArn(name)}/rule-${hex(name, 16)}` };
    case "aws:ecs/cluster:Cluster":
      return { name: n, arn: arn("ecs", `cluster/${n}`) };
    case "aws:ecs/taskDefinition:TaskDefinition": {
      const family = String(inputs.family ?? n);
      return {
        arn: arn("ecs", `task-definition/${family}:1`),
        arnWithoutRevision: arn("ecs", `task-definition/${family}`),
        revision: 1,
      };
    }
    case "aws:ecs/service:Service":
      return { name: n, arn: arn("ecs", `service/${n}`) };
    case "aws:iam/role:Role":
      return { name: n, arn: `arn:aws:iam::${ACCOUNT}:role/${n}`, uniqueId: `AROA${hex(name, 17).toUpperCase()}` };
    case "aws:cloudwatch/logGroup:LogGroup":
      return { name: n, arn: arn("logs", `log-group:${n}`) };
    case "aws:lambda/function:Function":
      return {
        name: n,
        arn: arn("lambda", `function:${n}`),
        invokeArn: `arn:aws:apigateway:${region()}:lambda:path/2015-03-31/functions/${arn("lambda", `function:${n}`)}/invocations`,
        version: "$LATEST",
      };
    case "aws:lambda/invocation:Invocation":
      return { result: JSON.stringify({ exitCode: 0 }) };
    case "aws:appautoscaling/target:Target":
      return { arn: arn("application-autoscaling", `scalable-target/${hex(name, 24)}`) };
    case "aws:appautoscaling/policy:Policy":
      return { name: n, arn: arn("autoscaling", `scalingPolicy:${hex(name, 24)}:resource/ecs/${name}`) };
    case "aws:s3/bucket:Bucket": {
      // Pulumi/Terraform: bucketPrefix + a unique suffix (26 characters) when no bucket is named.
      const bucket =
        typeof inputs.bucket === "string"
          ? inputs.bucket
          : typeof inputs.bucketPrefix === "string"
            ? `${inputs.bucketPrefix}${hex(name, 26)}`
            : n;
      return {
        bucket,
        arn: `arn:aws:s3:::${bucket}`,
        bucketDomainName: `${bucket}.s3.amazonaws.com`,
        bucketRegionalDomainName: `${bucket}.s3.${region()}.amazonaws.com`,
        region: region(),
      };
    }
    case "aws:cloudfront/originAccessControl:OriginAccessControl":
      return { etag: hex(name, 13).toUpperCase() };
    case "aws:cloudfront/distribution:Distribution": {
      const id = `E${hex(name, 13).toUpperCase()}`;
      return {
        arn: `arn:aws:cloudfront::${ACCOUNT}:distribution/${id}`,
        domainName: `d${hex(name, 13)}.cloudfront.net`,
        hostedZoneId: "Z2FDTNDATAQYW2",
        status: "Deployed",
      };
    }
    case "aws:sns/topic:Topic":
      return { name: n, arn: arn("sns", n) };
    case "aws:cloudwatch/metricAlarm:MetricAlarm":
      return { name: n, arn: arn("cloudwatch", `alarm:${n}`) };
    case "aws:acm/certificate:Certificate": {
      const domain = String(inputs.domainName);
      const token = hex(name, 32);
      return {
        arn: arn("acm", `certificate/${hex(name, 8)}-0000-0000-0000-${hex(name, 12)}`),
        domainValidationOptions: [
          {
            domainName: domain,
            resourceRecordName: `_${token}.${domain}.`,
            resourceRecordType: "CNAME",
            resourceRecordValue: `_${hex(token, 32)}.acm-validations.aws.`,
          },
        ],
      };
    }
    case "aws:acm/certificateValidation:CertificateValidation":
      return { certificateArn: inputs.certificateArn };
    case "aws:route53/record:Record":
      return { fqdn: String(inputs.name).replace(/\.$/, "") };
    case "aws:ec2/vpcEndpoint:VpcEndpoint":
      return { arn: arn("ec2", `vpc-endpoint/vpce-${hex(name, 17)}`) };
    default:
      return { name: n };
  }
}
