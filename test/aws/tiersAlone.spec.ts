// The AWS tiers built alone under the project's mocks, each from its narrow args (no AwsStack,
// no whole plan): every child is named from the component's `name`, or, where the stack's
// logical names cannot be derived from it, from the explicit name argument the component takes
// for them; and what it registers follows the values it was given.
import { readdirSync, readFileSync, rmSync } from "node:fs";
import * as path from "node:path";
import * as pulumi from "@pulumi/pulumi";
import * as cloudwatch from "@pulumi/aws/cloudwatch";
import * as ecs from "@pulumi/aws/ecs";
import { AccessLogs } from "../../components/aws/accessLogs";
import { Edge, ALB_IDLE_TIMEOUT, DEREGISTRATION_DELAY } from "../../components/aws/alb";
import { Alarms, AlarmsArgs } from "../../components/aws/alarms";
import { Cluster } from "../../components/aws/cluster";
import { fargateTaskDefinition } from "../../components/aws/containers";
import { Database } from "../../components/aws/database";
import { Images } from "../../components/aws/images";
import { Migration } from "../../components/aws/migration";
import { loadBalancerName, targetGroupName, TierKind } from "../../components/aws/names";
import { Network, NetworkArgs } from "../../components/aws/network";
import { Redis } from "../../components/aws/redis";
import { RolloutCheck } from "../../components/aws/rolloutCheck";
import { NGINX_FILE_ENV, StaticTier } from "../../components/aws/staticTier";
import { UserFiles } from "../../components/aws/userFiles";
import { EDGE_PATHS, STATIC_FALLBACK } from "../../components/plan/names";
import { PROJECT_ROOT } from "../../components/projectRoot";
import { ProgramRun, RecordedResource, runProgram } from "../../scripts/lib/mockRuntime";
import { ACCOUNT, autoName } from "../../scripts/lib/rules/aws";
import { containers, envOf, one, prodPlan, RUN_TIMEOUT, T } from "./support";

/** Builds what `program` registers as the only program; what it returns are the stack outputs. */
const buildAlone = (program: () => Record<string, unknown> | void): Promise<ProgramRun> =>
  runProgram({
    stack: "component",
    config: { "aws:region": "eu-west-1" },
    program: async () => program() ?? {},
  });

const childrenOf = (run: ProgramRun, type: string, name: string): RecordedResource[] => {
  const component = one(run, type, name);
  return run.resources.filter((r) => r.parent === component.urn);
};
const typesAndNames = (rs: RecordedResource[]) => rs.map((r) => `${r.type} ${r.name}`).sort();

describe("Redis built alone", () => {
  const NAME = "blue-cache";
  const build = (nodes: number) =>
    buildAlone(() => {
      new Redis(NAME, {
        groupId: "blue",
        redis: { nodeType: "cache.t4g.small", nodes, snapshotRetentionDays: 3 },
        subnetIds: ["subnet-a", "subnet-b"],
        securityGroupId: "sg-redis",
      });
    });
  let two: ProgramRun;
  let single: ProgramRun;
  beforeAll(async () => {
    two = await build(2);
    single = await build(1);
  }, RUN_TIMEOUT);

  test("its subnet group and replication group are named from its name; the group id is the one given", () => {
    expect(typesAndNames(childrenOf(two, "throat:aws:Redis", NAME))).toEqual(
      [`${T.cacheSubnetGroup} ${NAME}`, `${T.redis} ${NAME}`].sort(),
    );
    expect(one(two, T.cacheSubnetGroup, NAME).inputs).toEqual(
      expect.objectContaining({ name: NAME, subnetIds: ["subnet-a", "subnet-b"] }),
    );
    expect(one(two, T.redis, NAME).inputs).toEqual(
      expect.objectContaining({
        replicationGroupId: "blue",
        subnetGroupName: NAME,
        securityGroupIds: ["sg-redis"],
        nodeType: "cache.t4g.small",
        snapshotRetentionLimit: 3,
        transitEncryptionEnabled: true,
      }),
    );
  });

  test("failover and multi-AZ with a replica, neither with one node (ElastiCache refuses it)", () => {
    expect(one(two, T.redis, NAME).inputs).toEqual(
      expect.objectContaining({ numCacheClusters: 2, automaticFailoverEnabled: true, multiAzEnabled: true }),
    );
    expect(one(single, T.redis, NAME).inputs).toEqual(
      expect.objectContaining({ numCacheClusters: 1, automaticFailoverEnabled: false, multiAzEnabled: false }),
    );
  });
});

describe("StaticTier built alone", () => {
  const NAME = "blue-assets";
  const TARGET_GROUP_ARN =
    "arn:aws:elasticloadbalancing:eu-west-1:123456789012:targetgroup/blue-static/0123456789abcdef";
  // The prod plan's own nginx files: the entrypoint reads exactly these (NGINX_FILE_ENV).
  const nginxFiles = prodPlan().edge.nginxFiles;
  let run: ProgramRun;
  beforeAll(async () => {
    run = await buildAlone(() => {
      new StaticTier(NAME, {
        nginxFiles,
        tasks: 3,
        deployMaxPercent: 150,
        logs: { groupName: "/ecs/blue/assets", retentionDays: 7 },
        cluster: { arn: pulumi.output("arn:aws:ecs:eu-west-1:123456789012:cluster/blue"), name: "blue" },
        executionRole: { arn: "arn:aws:iam::123456789012:role/blue-static", id: "blue-static" },
        image: "123456789012.dkr.ecr.eu-west-1.amazonaws.com/blue@sha256:" + "1".repeat(64),
        network: { subnetIds: ["subnet-a"], securityGroupId: "sg-static" },
        targetGroupArn: TARGET_GROUP_ARN,
        region: "eu-west-1",
        filesHost: "d111111abcdef8.cloudfront.net",
        dependsOn: [],
      });
    });
  }, RUN_TIMEOUT);

  test("every child is named from its name; the log group is the one given", () => {
    expect(typesAndNames(childrenOf(run, "throat:aws:StaticTier", NAME))).toEqual(
      [
        `${T.logGroup} ${NAME}`,
        `${T.rolePolicy} ${NAME}-logs`,
        `${T.service} ${NAME}`,
        `${T.taskDefinition} ${NAME}`,
      ].sort(),
    );
    expect(one(run, T.taskDefinition, NAME).inputs.family).toBe(NAME);
    expect(one(run, T.service, NAME).inputs.name).toBe(NAME);
    expect(one(run, T.logGroup, NAME).inputs).toEqual(
      expect.objectContaining({ name: "/ecs/blue/assets", retentionInDays: 7 }),
    );
  });

  test("the service runs the given task count and surge behind the given target group", () => {
    expect(one(run, T.service, NAME).inputs).toEqual(
      expect.objectContaining({
        desiredCount: 3,
        deploymentMaximumPercent: 150,
        loadBalancers: [
          { targetGroupArn: TARGET_GROUP_ARN, containerName: "nginx", containerPort: EDGE_PATHS.httpPort },
        ],
      }),
    );
  });

  test("nginx gets the given files, as the entrypoint's variables, with the CDN host filled in", () => {
    const [c, ...more] = containers(one(run, T.taskDefinition, NAME));
    expect(more).toEqual([]);
    const env = envOf(c!);
    expect(Object.keys(env).sort()).toEqual(
      Object.keys(nginxFiles)
        .map((f) => NGINX_FILE_ENV[f])
        .sort(),
    );
    for (const [file, text] of Object.entries(nginxFiles))
      expect(env[NGINX_FILE_ENV[file]!]).toBe(text.split(STATIC_FALLBACK.host).join("d111111abcdef8.cloudfront.net"));
    expect(Object.values(env).join("\n")).not.toContain(STATIC_FALLBACK.host);
  });
});

type Statement = Record<string, unknown> & { Effect: string; Action: unknown; Resource: unknown };
const statementsOf = (r: RecordedResource): Statement[] =>
  (JSON.parse(String(r.inputs.policy)) as { Statement: Statement[] }).Statement;
const arnIn = (service: string, resource: string) => `arn:aws:${service}:eu-west-1:${ACCOUNT}:${resource}`;

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

describe("Images built alone", () => {
  const NAME = "blue-images";
  const CONTEXT = path.join(".build", "component-test", "app-image");
  const files = { Dockerfile: "FROM scratch\n", "configs/sync/config.yaml": "site:\n  name: blue\n" };
  type Build = { context: string; dockerfile: string; args: Record<string, string> };
  const buildOf = (run: ProgramRun, name: string) => one(run, T.image, name).inputs.build as Build;
  const make = (image: { ref: string } | { source: string }) =>
    buildAlone(() => {
      new Images(NAME, { namePrefix: "blue", image, appImageContext: { dir: CONTEXT, files } });
    });
  let fromRef: ProgramRun;
  let fromSource: ProgramRun;
  beforeAll(async () => {
    fromRef = await make({ ref: "ghcr.io/example/throat:9.9.9" });
    fromSource = await make({ source: "test/fixtures/throat-checkout" });
  }, RUN_TIMEOUT);
  afterAll(() => rmSync(path.join(PROJECT_ROOT, ".build", "component-test"), { recursive: true, force: true }));

  test("one repository named namePrefix; from an image reference, the app and edge builds on it", () => {
    expect(one(fromRef, T.ecr, "blue").inputs.name).toBe("blue");
    expect(
      fromRef.resources
        .filter((r) => r.type === T.image)
        .map((r) => r.name)
        .sort(),
    ).toEqual(["blue-app", "blue-edge"]);
    expect(buildOf(fromRef, "blue-app")).toMatchObject({
      context: CONTEXT,
      dockerfile: path.join(CONTEXT, "Dockerfile"),
      args: { THROAT_IMAGE: "ghcr.io/example/throat:9.9.9" },
    });
    expect(buildOf(fromRef, "blue-edge")).toMatchObject({
      context: "nginx",
      args: { THROAT_IMAGE: "ghcr.io/example/throat:9.9.9" },
    });
    expect(one(fromRef, T.image, "blue-app").inputs.imageName).toBe(
      `${ACCOUNT}.dkr.ecr.eu-west-1.amazonaws.com/blue:app`,
    );
  });

  test("the app image's context holds exactly the given files, written where the build reads them", () => {
    const dir = path.join(PROJECT_ROOT, CONTEXT);
    expect(readdirSync(dir, { recursive: true, withFileTypes: true }).filter((e) => e.isFile()).length).toBe(2);
    for (const [file, text] of Object.entries(files)) expect(readFileSync(path.join(dir, file), "utf8")).toBe(text);
  });

  test("from a source checkout, the Throat image is built first, from it, and both builds start from it", () => {
    expect(buildOf(fromSource, "blue-throat")).toMatchObject({ context: "test/fixtures/throat-checkout" });
    const throat = one(fromSource, T.image, "blue-throat");
    for (const name of ["blue-app", "blue-edge"])
      expect(one(fromSource, T.image, name).dependencies).toContain(throat.urn);
  });
});

describe("Edge built alone", () => {
  const NAME = "blue-front";
  const rules = prodPlan().edge.albRules!;
  // Not the plan's ports: what the target groups register must come from the args.
  const ports: Record<TierKind, number> = { sync: 8101, gevent: 8102, socketio: 8103, static: 8180 };
  const CERTIFICATE = "arn:aws:acm:eu-west-1:123456789012:certificate/blue";
  let run: ProgramRun;
  beforeAll(async () => {
    run = await buildAlone(() => {
      new Edge(NAME, {
        namePrefix: "blue",
        rules,
        ports,
        vpcId: "vpc-blue",
        subnetIds: ["subnet-pub-a", "subnet-pub-b"],
        securityGroupId: "sg-alb",
        certificateArn: CERTIFICATE,
        accessLogs: { bucket: "blue-log-bucket", prefix: "lb", ready: [] },
      });
    });
  }, RUN_TIMEOUT);
  const targetGroupArnOf = (kind: TierKind) =>
    expect.stringContaining(`:targetgroup/${autoName(targetGroupName("blue", kind))}/`);

  test("the ALB is named from namePrefix, in the given subnets and group, logging to the given bucket", () => {
    expect(one(run, T.alb, "blue-alb").inputs).toEqual(
      expect.objectContaining({
        name: loadBalancerName("blue"),
        subnets: ["subnet-pub-a", "subnet-pub-b"],
        securityGroups: ["sg-alb"],
        idleTimeout: ALB_IDLE_TIMEOUT,
        accessLogs: { enabled: true, bucket: "blue-log-bucket", prefix: "lb" },
      }),
    );
  });

  test("one target group per tier, on the given port and VPC, with its drain time", () => {
    for (const kind of Object.keys(ports) as TierKind[])
      expect(one(run, T.targetGroup, targetGroupName("blue", kind)).inputs).toEqual(
        expect.objectContaining({
          targetType: "ip",
          port: ports[kind],
          vpcId: "vpc-blue",
          deregistrationDelay: DEREGISTRATION_DELAY[kind],
        }),
      );
  });

  test("HTTPS with the given certificate, to sync by default; each given rule forwards to its tier", () => {
    expect(one(run, T.listener, "blue-https").inputs).toEqual(
      expect.objectContaining({
        port: 443,
        certificateArn: CERTIFICATE,
        defaultActions: [expect.objectContaining({ type: "forward", targetGroupArn: targetGroupArnOf("sync") })],
      }),
    );
    expect(one(run, T.listener, "blue-http").inputs.defaultActions).toEqual([
      expect.objectContaining({ type: "redirect" }),
    ]);
    expect(rules.length).toBeGreaterThan(0);
    for (const rule of rules)
      expect(one(run, T.listenerRule, `blue-${rule.name}`).inputs).toEqual(
        expect.objectContaining({
          priority: rule.priority,
          conditions: [{ pathPattern: { values: rule.pathPatterns } }],
          actions: [expect.objectContaining({ type: "forward", targetGroupArn: targetGroupArnOf(rule.target) })],
        }),
      );
  });
});

describe("UserFiles built alone", () => {
  const NAME = "blue-uploads";
  const s3 = prodPlan().storage.s3!;
  const make = (retainOnDelete: boolean) =>
    buildAlone(() => {
      new UserFiles(NAME, { namePrefix: "blue", stack: "blue-stack", s3, retainOnDelete });
    });
  let kept: ProgramRun;
  let dropped: ProgramRun;
  beforeAll(async () => {
    kept = await make(true);
    dropped = await make(false);
  }, RUN_TIMEOUT);
  const bucketArn = `arn:aws:s3:::blue-files-`;

  test("the bucket is named from namePrefix and tagged with the given stack", () => {
    expect(one(kept, T.bucket, "blue-files").inputs).toEqual(
      expect.objectContaining({ bucketPrefix: "blue-files-", tags: { "throat:stack": "blue-stack" } }),
    );
    expect(one(kept, T.oac, "blue-files").inputs.name).toBe("blue-files");
    expect(String(one(kept, T.distribution, "blue-files").inputs.comment)).toContain("blue-stack");
  });

  test("retainOnDelete keeps the bucket and its configuration on destroy; without it destroy may empty it", () => {
    for (const type of [T.bucket, T.bucketVersioning, T.bucketPolicy, T.bucketPublicAccess])
      expect([one(kept, type, "blue-files").retainOnDelete, one(dropped, type, "blue-files").retainOnDelete]).toEqual([
        true,
        false,
      ]);
    expect(one(kept, T.bucket, "blue-files").inputs.forceDestroy).toBe(false);
    expect(one(dropped, T.bucket, "blue-files").inputs.forceDestroy).toBe(true);
  });

  test("the app role gets the given actions on uploads and thumbnails, never on assets; the migration only assets", () => {
    const objects = (...keyPrefixes: string[]) =>
      keyPrefixes.map((p) => expect.stringMatching(new RegExp(`^${bucketArn}[0-9a-f]+/${p}\\*$`)));
    expect(statementsOf(one(kept, T.rolePolicy, "blue-app-task"))).toEqual([
      expect.objectContaining({
        Effect: "Allow",
        Action: s3.appActions,
        Resource: objects(s3.prefixes.uploads, s3.prefixes.thumbnails),
      }),
      expect.objectContaining({ Effect: "Deny", Action: s3.appActions, Resource: objects(s3.prefixes.assets) }),
    ]);
    expect(statementsOf(one(kept, T.rolePolicy, "blue-migrate-task"))).toEqual([
      expect.objectContaining({ Effect: "Allow", Action: s3.assetActions, Resource: objects(s3.prefixes.assets) }),
    ]);
  });
});

describe("Migration built alone", () => {
  const NAME = "blue-schema";
  const FAMILY = "blue-db-migrate";
  const EXECUTION_ROLE = "arn:aws:iam::123456789012:role/blue-exec";
  const TASK_ROLE = "arn:aws:iam::123456789012:role/blue-migrator";
  const migration = {
    argv: ["/bin/sh", "-c", "exec migrate-now"],
    configName: "blue-sync",
    cpu: 512,
    memory: 1024,
  };
  let run: ProgramRun;
  let upstreamUrn: string;
  beforeAll(async () => {
    run = await buildAlone(() => {
      const upstream = new cloudwatch.LogGroup("upstream", { name: "/test/upstream", retentionInDays: 1 });
      new Migration(NAME, {
        family: FAMILY,
        migration,
        logs: { groupName: "/ecs/blue/schema", retentionDays: 14 },
        cluster: { arn: pulumi.output("arn:aws:ecs:eu-west-1:123456789012:cluster/blue"), name: "blue" },
        executionRole: { arn: EXECUTION_ROLE, id: "blue-exec" },
        taskRole: { arn: TASK_ROLE },
        image: "123456789012.dkr.ecr.eu-west-1.amazonaws.com/blue@sha256:" + "2".repeat(64),
        appEnv: { SITE_NAME: "blue.example" },
        secrets: { APP_SECRET_KEY: "arn:aws:secretsmanager:eu-west-1:123456789012:secret:blue-key" },
        network: { subnetIds: ["subnet-priv-a"], securityGroupId: "sg-migrate" },
        region: "eu-west-1",
        dependsOn: [upstream],
      });
    });
    upstreamUrn = one(run, T.logGroup, "upstream").urn;
  }, RUN_TIMEOUT);

  test("every child is named from the given family, not from the component's name", () => {
    expect(typesAndNames(childrenOf(run, "throat:aws:Migration", NAME))).toEqual(
      [
        `${T.logGroup} ${FAMILY}`,
        `${T.rolePolicy} ${FAMILY}-logs`,
        `${T.taskDefinition} ${FAMILY}`,
        `${T.logGroup} ${FAMILY}-runner`,
        `${T.role} ${FAMILY}-runner`,
        `${T.rolePolicy} ${FAMILY}-runner`,
        `${T.lambda} ${FAMILY}`,
        `${T.invocation} ${FAMILY}`,
      ].sort(),
    );
  });

  test("the task: the given size, command and configuration, logging to the given group", () => {
    const td = one(run, T.taskDefinition, FAMILY);
    expect(td.inputs).toEqual(
      expect.objectContaining({
        family: FAMILY,
        cpu: "512",
        memory: "1024",
        executionRoleArn: EXECUTION_ROLE,
        taskRoleArn: TASK_ROLE,
      }),
    );
    const [c] = containers(td);
    expect(c!.command).toEqual(migration.argv);
    expect(envOf(c!)).toEqual({ SITE_NAME: "blue.example", CONFIG_NAME: "blue-sync" });
    expect(c!.secrets).toEqual([
      { name: "APP_SECRET_KEY", valueFrom: "arn:aws:secretsmanager:eu-west-1:123456789012:secret:blue-key" },
    ]);
    expect(c!.logConfiguration.options["awslogs-group"]).toBe("/ecs/blue/schema");
    expect(one(run, T.logGroup, FAMILY).inputs).toEqual(
      expect.objectContaining({ name: "/ecs/blue/schema", retentionInDays: 14 }),
    );
  });

  test("the runner is the family's function; it may pass exactly the task's two roles", () => {
    expect(one(run, T.lambda, FAMILY).inputs.name).toBe(FAMILY);
    expect(one(run, T.logGroup, `${FAMILY}-runner`).inputs).toEqual(
      expect.objectContaining({ name: `/aws/lambda/${FAMILY}`, retentionInDays: 14 }),
    );
    const passRole = statementsOf(one(run, T.rolePolicy, `${FAMILY}-runner`)).find((s) => s.Action === "iam:PassRole");
    expect(passRole?.Resource).toEqual([EXECUTION_ROLE, TASK_ROLE]);
  });

  test("the Invocation runs the family's revision in the given network, after what it was given to wait for", () => {
    const invocation = one(run, T.invocation, FAMILY);
    expect(JSON.parse(String(invocation.inputs.input))).toEqual(
      expect.objectContaining({
        cluster: "arn:aws:ecs:eu-west-1:123456789012:cluster/blue",
        taskDefinition: arnIn("ecs", `task-definition/${FAMILY}:1`),
        family: FAMILY,
        subnets: ["subnet-priv-a"],
        securityGroups: ["sg-migrate"],
        logGroup: "/ecs/blue/schema",
      }),
    );
    expect(invocation.dependencies).toContain(upstreamUrn);
  });
});

describe("RolloutCheck built alone", () => {
  const NAME = "blue-deploys";
  const CLUSTER = "arn:aws:ecs:eu-west-1:123456789012:cluster/blue-cluster";
  const ROLES = ["arn:aws:iam::123456789012:role/blue-app-exec", "arn:aws:iam::123456789012:role/blue-static-exec"];
  let run: ProgramRun;
  beforeAll(async () => {
    run = await buildAlone(() => {
      const check = new RolloutCheck(NAME, {
        servicePrefix: "blue",
        logRetentionDays: 7,
        cluster: { arn: pulumi.output(CLUSTER), name: "blue-cluster" },
        passRoles: ROLES,
      });
      const taskDefinition = fargateTaskDefinition(
        "blue-web",
        {
          cpu: 256,
          memory: 512,
          executionRoleArn: ROLES[0]!,
          container: {
            name: "web",
            image: "blue@sha256:" + "3".repeat(64),
            environment: {},
            secrets: {},
            logGroup: "/ecs/blue/web",
            region: "eu-west-1",
          },
        },
        {},
      );
      const service = new ecs.Service("blue-web", {
        name: "blue-web",
        cluster: CLUSTER,
        taskDefinition: taskDefinition.arn,
      });
      check.check("blue-web-rollout", service, taskDefinition);
    });
  }, RUN_TIMEOUT);

  test("its function, role, policy and log group are `<name>-check`", () => {
    const CHECK = `${NAME}-check`;
    expect(typesAndNames(childrenOf(run, "throat:aws:RolloutCheck", NAME))).toEqual(
      [T.logGroup, T.role, T.rolePolicy, T.lambda, T.invocation]
        .map((type) => `${type} ${type === T.invocation ? "blue-web-rollout" : CHECK}`)
        .sort(),
    );
    expect(one(run, T.lambda, CHECK).inputs.name).toBe(CHECK);
    expect(one(run, T.logGroup, CHECK).inputs).toEqual(
      expect.objectContaining({ name: `/aws/lambda/${CHECK}`, retentionInDays: 7 }),
    );
  });

  test("it may touch only the cluster's services named with the given prefix, and pass only the given roles", () => {
    const statements = statementsOf(one(run, T.rolePolicy, `${NAME}-check`));
    expect(statements).toEqual(
      expect.arrayContaining([
        expect.objectContaining({
          Action: ["ecs:DescribeServices", "ecs:UpdateService"],
          Resource: "arn:aws:ecs:*:*:service/blue-cluster/blue-*",
        }),
        expect.objectContaining({ Action: "iam:PassRole", Resource: ROLES }),
      ]),
    );
  });

  test("a check asks for the service's new revision, once the service has updated", () => {
    const invocation = one(run, T.invocation, "blue-web-rollout");
    expect(JSON.parse(String(invocation.inputs.input))).toEqual({
      check: "rollout",
      cluster: CLUSTER,
      service: "blue-web",
      taskDefinition: arnIn("ecs", "task-definition/blue-web:1"),
    });
    expect(invocation.dependencies).toContain(one(run, T.service, "blue-web").urn);
  });
});

describe("Alarms built alone", () => {
  const NAME = "blue-watch";
  const planned = prodPlan().alarms;
  const args = (alarms: AlarmsArgs["alarms"]): AlarmsArgs => ({
    namePrefix: "blue",
    alarms,
    context: {
      alerts: { databaseConnectionsPercent: 81, freeStoragePercent: 13 },
      budgetPeak: 123,
      maxConnections: 456,
      allocatedStorage: 77,
    },
    region: "eu-west-1",
    databaseId: "blue-db",
    redisGroupId: "blue-cache",
    clusterName: "blue-cluster",
    loadBalancerArnSuffix: "app/blue/0123",
    targetGroupArnSuffixes: { sync: "tg/sync", gevent: "tg/gevent", socketio: "tg/socketio", static: "tg/static" },
    serviceNames: { sync: "blue-sync", gevent: "blue-gevent", socketio: "blue-socketio", static: "blue-static" },
    migrationFunctionName: "blue-migrate",
  });
  let healthy: ProgramRun;
  let insights: ProgramRun;
  beforeAll(async () => {
    healthy = await buildAlone(() => {
      new Alarms(NAME, args({ ...planned, email: "ops@blue.example", runningTasks: "healthyTargets", redisNodes: 2 }));
    });
    insights = await buildAlone(() => {
      new Alarms(NAME, args({ ...planned, email: undefined, runningTasks: "containerInsights" }));
    });
  }, RUN_TIMEOUT);
  const alarm = (run: ProgramRun, id: string) => one(run, T.metricAlarm, `blue-${id}`);

  test("the topic is the component's name; the email subscription `<name>-email`, only with an address", () => {
    expect(one(healthy, T.topic, NAME).inputs.name).toBe(NAME);
    expect(one(healthy, T.topicSubscription, `${NAME}-email`).inputs).toEqual(
      expect.objectContaining({ protocol: "email", endpoint: "ops@blue.example" }),
    );
    expect(insights.resources.filter((r) => r.type === T.topicSubscription)).toEqual([]);
    expect(alarm(healthy, "db-cpu").inputs.alarmActions).toEqual([arnIn("sns", NAME)]);
  });

  test("the database alarms: the plan's thresholds on the given instance, explained with the given numbers", () => {
    const connections = alarm(healthy, "db-connections").inputs;
    expect(connections).toEqual(
      expect.objectContaining({
        name: "blue-db-connections",
        threshold: planned.databaseConnections,
        dimensions: { DBInstanceIdentifier: "blue-db" },
      }),
    );
    expect(String(connections.alarmDescription)).toMatch(/at 81% of the budget's peak of 123 \(max_connections 456\)/);
    const storage = alarm(healthy, "db-free-storage").inputs;
    expect(storage.threshold).toBe(planned.freeStorageBytes);
    expect(String(storage.alarmDescription)).toContain("below 13% of 77 GiB");
  });

  test("each tier's alarms watch the given target group and service; running tasks by the plan's method", () => {
    for (const { tier, minRunning } of planned.services) {
      expect(alarm(healthy, `${tier}-unhealthy`).inputs.dimensions).toEqual({
        TargetGroup: `tg/${tier}`,
        LoadBalancer: "app/blue/0123",
      });
      expect(alarm(healthy, `${tier}-cpu`).inputs.dimensions).toEqual({
        ClusterName: "blue-cluster",
        ServiceName: `blue-${tier}`,
      });
      expect(alarm(healthy, `${tier}-running`).inputs).toEqual(
        expect.objectContaining({
          metricName: "HealthyHostCount",
          threshold: minRunning,
          treatMissingData: "breaching",
        }),
      );
      const queries = alarm(insights, `${tier}-running`).inputs.metricQueries as Array<{
        metric?: { metricName: string; dimensions: unknown };
      }>;
      expect(queries.flatMap((q) => (q.metric ? [q.metric.metricName] : [])).sort()).toEqual([
        "DesiredTaskCount",
        "RunningTaskCount",
      ]);
      for (const q of queries.filter((x) => x.metric))
        expect(q.metric!.dimensions).toEqual({ ClusterName: "blue-cluster", ServiceName: `blue-${tier}` });
    }
  });

  test("one memory alarm per Redis node of the given group; the dashboard named namePrefix graphs every alarm", () => {
    expect(alarm(healthy, "redis-memory-1").inputs.dimensions).toEqual({ CacheClusterId: "blue-cache-001" });
    expect(alarm(healthy, "redis-memory-2").inputs.dimensions).toEqual({ CacheClusterId: "blue-cache-002" });
    const dashboard = one(healthy, T.dashboard, "blue-dashboard");
    expect(dashboard.inputs.dashboardName).toBe("blue");
    const body = JSON.parse(String(dashboard.inputs.dashboardBody)) as {
      widgets: Array<{ properties: { alarms?: string[] } }>;
    };
    const arns = healthy.resources
      .filter((r) => r.type === T.metricAlarm)
      .map((r) => arnIn("cloudwatch", `alarm:${String(r.inputs.name)}`));
    expect([...body.widgets[0]!.properties.alarms!].sort()).toEqual(arns.sort());
  });
});

describe("Database built alone", () => {
  const NAME = "blue-data";
  const database = { ...prodPlan().settings.database, instanceClass: "db.t4g.small", multiAz: false };
  let run: ProgramRun;
  beforeAll(async () => {
    run = await buildAlone(() => {
      new Database(NAME, {
        namePrefix: "blue",
        database,
        maxConnections: 345,
        subnetIds: ["subnet-priv-a"],
        securityGroupId: "sg-db",
        logRetentionDays: 30,
      });
    });
  }, RUN_TIMEOUT);

  test("the instance is the namePrefix, protected, in the given group, with the given size", () => {
    const instance = one(run, T.rds, "blue-postgres");
    expect(instance.protect).toBe(true);
    expect(instance.inputs).toEqual(
      expect.objectContaining({
        identifier: "blue",
        instanceClass: "db.t4g.small",
        multiAz: false,
        allocatedStorage: database.allocatedStorage,
        engineVersion: database.engineVersion,
        vpcSecurityGroupIds: ["sg-db"],
        deletionProtection: true,
        publiclyAccessible: false,
      }),
    );
    expect(instance.secretInputs).toContain("password");
    expect(one(run, T.dbSubnetGroup, "blue-db").inputs.subnetIds).toEqual(["subnet-priv-a"]);
  });

  test("max_connections is the given budget's", () => {
    const [group, ...more] = run.resources.filter((r) => r.type === T.parameterGroup);
    expect(more).toEqual([]);
    expect(group!.name.startsWith("blue-postgres")).toBe(true);
    expect(group!.inputs.parameters).toEqual([expect.objectContaining({ name: "max_connections", value: "345" })]);
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
