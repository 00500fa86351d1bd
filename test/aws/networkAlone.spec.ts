// The network, its access logs and the ECS cluster, built alone from their narrow args (as
// tiersAlone.spec.ts builds the other tiers).
import { AccessLogs } from "../../components/aws/accessLogs";
import { Cluster } from "../../components/aws/cluster";
import { Network, NetworkArgs } from "../../components/aws/network";
import type { ProgramRun } from "../../scripts/offline/mockRuntime";
import { ACCOUNT, autoName } from "../../scripts/offline/rules/awsNames";
import { one, RUN_TIMEOUT, T } from "./support";
import { buildAlone, childrenOf, typesAndNames, statementsOf } from "./builtAlone";

describe("Network built alone", () => {
  // The children keep the stack's `<namePrefix>-...` names: `name` is only the component's.
  const NAME = "blue-net";
  const made = (aws: Partial<NetworkArgs["aws"]>) =>
    buildAlone(() => {
      new Network(NAME, {
        namePrefix: "blue",
        aws: { availabilityZones: 3, natGateways: "perZone", vpcEndpoints: false, ...aws },
      });
    });
  let perZone: ProgramRun;
  let oneNat: ProgramRun;
  let existing: ProgramRun;
  beforeAll(async () => {
    perZone = await made({ vpcEndpoints: true });
    oneNat = await made({ natGateways: 1 });
    existing = await buildAlone(() => {
      const network = new Network(NAME, {
        namePrefix: "blue",
        aws: {
          vpcId: "vpc-0blue",
          publicSubnetIds: ["subnet-pub-a", "subnet-pub-b"],
          privateSubnetIds: ["subnet-priv-a", "subnet-priv-b"],
          availabilityZones: 2,
          natGateways: "perZone",
          vpcEndpoints: false,
        },
      });
      return { vpc: network.vpcId, public: network.publicSubnetIds, private: network.privateSubnetIds };
    });
  }, RUN_TIMEOUT);

  test("a VPC named from namePrefix, one public and one private /20 per zone, each tagged with its name", () => {
    expect(one(perZone, T.vpc, "blue-vpc").inputs).toEqual(
      expect.objectContaining({ cidrBlock: "10.0.0.0/16", tags: { Name: "blue-vpc" } }),
    );
    const cidrs = {
      public: ["10.0.0.0/20", "10.0.16.0/20", "10.0.32.0/20"],
      private: ["10.0.128.0/20", "10.0.144.0/20", "10.0.160.0/20"],
    };
    for (const [tier, blocks] of Object.entries(cidrs))
      ["a", "b", "c"].forEach((zone, i) => {
        const subnet = one(perZone, T.subnet, `blue-${tier}-${zone}`);
        expect(subnet.inputs).toEqual(
          expect.objectContaining({
            vpcId: "blue-vpc-id",
            availabilityZone: `eu-west-1${zone}`,
            cidrBlock: blocks[i],
            tags: { Name: `blue-${tier}-${zone}` },
          }),
        );
      });
    expect(one(perZone, T.subnet, "blue-public-a").inputs.mapPublicIpOnLaunch).toBe(false);
  });

  test("perZone: each zone's private subnets leave through its own NAT gateway; 1: all through zone a's", () => {
    for (const zone of ["a", "b", "c"]) {
      expect(one(perZone, T.route, `blue-private-${zone}-nat`).inputs).toEqual(
        expect.objectContaining({ destinationCidrBlock: "0.0.0.0/0", natGatewayId: `blue-nat-${zone}-id` }),
      );
      expect(one(oneNat, T.route, `blue-private-${zone}-nat`).inputs.natGatewayId).toBe("blue-nat-a-id");
    }
    const nats = (run: ProgramRun) => run.resources.filter((r) => r.type === T.natGateway).map((r) => r.name);
    expect(nats(perZone).sort()).toEqual(["blue-nat-a", "blue-nat-b", "blue-nat-c"]);
    expect(nats(oneNat)).toEqual(["blue-nat-a"]);
    expect(one(oneNat, T.natGateway, "blue-nat-a").inputs.subnetId).toBe("blue-public-a-id");
  });

  test("VPC endpoints only when asked for, named from namePrefix", () => {
    expect(perZone.resources.filter((r) => r.type === "throat:aws:Endpoints").map((r) => r.name)).toEqual([
      "blue-endpoints",
    ]);
    expect(oneNat.resources.filter((r) => r.type === "throat:aws:Endpoints")).toEqual([]);
  });

  test("an existing VPC: nothing is made, and its ids are what the network gives the tiers", () => {
    expect(childrenOf(existing, "throat:aws:Network", NAME)).toEqual([]);
    expect(existing.outputs).toEqual({
      vpc: "vpc-0blue",
      public: ["subnet-pub-a", "subnet-pub-b"],
      private: ["subnet-priv-a", "subnet-priv-b"],
    });
  });
});

describe("AccessLogs built alone", () => {
  const NAME = "blue-logs";
  const BUCKET = "blue-lb-logs";
  let run: ProgramRun;
  beforeAll(async () => {
    run = await buildAlone(() => {
      new AccessLogs(NAME, { bucketLogicalName: BUCKET, expirationDays: 21 });
    });
  }, RUN_TIMEOUT);

  test("the bucket and its configuration all take the given logical name", () => {
    expect(typesAndNames(childrenOf(run, "throat:aws:AccessLogs", NAME))).toEqual(
      [
        T.bucket,
        T.bucketPublicAccess,
        T.bucketEncryption,
        T.bucketOwnership,
        "aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration",
        T.bucketPolicy,
      ]
        .map((type) => `${type} ${BUCKET}`)
        .sort(),
    );
  });

  test("logs expire after the given days; SSE-S3, the only encryption ELB delivers to", () => {
    const lifecycle = run.resources.find((r) => r.type.endsWith("BucketLifecycleConfiguration"))!;
    expect(lifecycle.inputs.rules).toEqual([expect.objectContaining({ status: "Enabled", expiration: { days: 21 } })]);
    expect(one(run, T.bucketEncryption, BUCKET).inputs.rules).toEqual([
      expect.objectContaining({ applyServerSideEncryptionByDefault: { sseAlgorithm: "AES256" } }),
    ]);
  });

  test("ELB (its regional account and its service principal) may write under alb/AWSLogs/<account>/ only", () => {
    const objects = `arn:aws:s3:::${autoName(BUCKET)}/alb/AWSLogs/${ACCOUNT}/*`;
    const writes = statementsOf(one(run, T.bucketPolicy, BUCKET)).filter((s) => s.Effect === "Allow");
    expect(writes).toEqual([
      expect.objectContaining({
        Principal: { AWS: "arn:aws:iam::156460612806:root" },
        Action: "s3:PutObject",
        Resource: objects,
      }),
      expect.objectContaining({
        Principal: { Service: "logdelivery.elasticloadbalancing.amazonaws.com" },
        Action: "s3:PutObject",
        Resource: objects,
      }),
    ]);
  });
});

describe("Cluster built alone", () => {
  const NAME = "blue-compute";
  const REPOSITORY = "arn:aws:ecr:eu-west-1:123456789012:repository/blue";
  const SECRETS = [
    "arn:aws:secretsmanager:eu-west-1:123456789012:secret:a",
    "arn:aws:secretsmanager:eu-west-1:123456789012:secret:b",
  ];
  const make = (containerInsights: boolean) =>
    buildAlone(() => {
      new Cluster(NAME, { namePrefix: "blue", containerInsights, repositoryArn: REPOSITORY, secretArns: SECRETS });
    });
  let on: ProgramRun;
  let off: ProgramRun;
  beforeAll(async () => {
    on = await make(true);
    off = await make(false);
  }, RUN_TIMEOUT);

  test("the ECS cluster is the namePrefix, with Container Insights as given", () => {
    expect(one(on, T.cluster, "blue").inputs).toEqual(
      expect.objectContaining({ name: "blue", settings: [{ name: "containerInsights", value: "enabled" }] }),
    );
    expect(one(off, T.cluster, "blue").inputs.settings).toEqual([{ name: "containerInsights", value: "disabled" }]);
  });

  test("the app's execution role reads the given repository and exactly the given secrets; the static one no secret", () => {
    const app = statementsOf(one(on, T.rolePolicy, "blue-app-execution"));
    expect(app).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ Action: expect.arrayContaining(["ecr:BatchGetImage"]), Resource: REPOSITORY }),
        expect.objectContaining({ Action: ["secretsmanager:GetSecretValue"], Resource: SECRETS }),
      ]),
    );
    const staticTier = statementsOf(one(on, T.rolePolicy, "blue-static-execution"));
    expect(JSON.stringify(staticTier)).not.toContain("secretsmanager");
    expect(staticTier).toEqual(expect.arrayContaining([expect.objectContaining({ Resource: REPOSITORY })]));
  });
});
