// The Redis and static tiers built alone under the project's mocks, each from its narrow args
// (no AwsStack, no whole plan): every child is named from the component's `name`, and what it
// registers follows the values it was given.
import * as pulumi from "@pulumi/pulumi";
import { Redis } from "../../components/aws/redis";
import { NGINX_FILE_ENV, StaticTier } from "../../components/aws/staticTier";
import { EDGE_PATHS, STATIC_FALLBACK } from "../../components/plan/names";
import { ProgramRun, RecordedResource, runProgram } from "../../scripts/lib/mockRuntime";
import { containers, envOf, one, prodPlan, RUN_TIMEOUT, T } from "./support";

const buildAlone = (program: () => void): Promise<ProgramRun> =>
  runProgram({
    stack: "component",
    config: { "aws:region": "eu-west-1" },
    program: async () => {
      program();
      return {};
    },
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
