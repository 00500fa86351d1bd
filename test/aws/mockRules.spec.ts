// The mock provider refuses what AWS refuses (scripts/offline/rules/aws.ts), called directly with
// hand-made inputs, and answers with plausible outputs.
import { check, reset } from "../../scripts/offline/rules/aws";
import { listenerArn } from "../../scripts/offline/rules/awsNames";
import { state } from "../../scripts/offline/rules/awsState";
import { T } from "./support";

beforeEach(() => reset());

const listener = listenerArn("edge-https");
const rule = (priority: number, values: string[], l = listener) => ({
  listenerArn: l,
  priority,
  conditions: [{ pathPattern: { values } }],
  actions: [{ type: "forward", targetGroupArn: "arn:tg" }],
});
const taskDefinition = (cpu: number, memory: number) => ({
  family: "t",
  requiresCompatibilities: ["FARGATE"],
  networkMode: "awsvpc",
  cpu: String(cpu),
  memory: String(memory),
  containerDefinitions: JSON.stringify([{ name: "app", image: "x", environment: [], secrets: [] }]),
});

describe("listener rules", () => {
  test("at most 5 condition values per rule", () => {
    expect(() => check(T.listenerRule, "five", rule(1, ["/a", "/b", "/c", "/d", "/e"]))).not.toThrow();
    expect(() => check(T.listenerRule, "six", rule(2, ["/a", "/b", "/c", "/d", "/e", "/f"]))).toThrow(
      /6 condition values; "Condition values per rule: 5"/,
    );
    // Across conditions too: 3 paths and 3 host names.
    const mixed = {
      ...rule(3, ["/a", "/b", "/c"]),
      conditions: [
        { pathPattern: { values: ["/a", "/b", "/c"] } },
        { hostHeader: { values: ["a.example", "b.example", "c.example"] } },
      ],
    };
    expect(() => check(T.listenerRule, "mixed", mixed)).toThrow(/6 condition values/);
  });

  test("at most 5 wildcards per rule", () => {
    expect(() => check(T.listenerRule, "wild", rule(1, ["/a/*/*", "/b/*/*", "/c/?"]))).not.toThrow();
    expect(() => check(T.listenerRule, "wilder", rule(2, ["/a/*/*", "/b/*/*", "/c/*/?"]))).toThrow(/6 wildcards/);
  });

  test("a priority is used once per listener, by whichever rule holds it", () => {
    check(T.listenerRule, "first", rule(10, ["/a"]));
    expect(() => check(T.listenerRule, "second", rule(10, ["/b"]))).toThrow(/priority 10 is already used by first/);
    // The same rule registered again (a second run of the same program) is not a duplicate.
    expect(() => check(T.listenerRule, "first", rule(10, ["/a"]))).not.toThrow();
    // Another listener has its own priorities.
    expect(() => check(T.listenerRule, "other", rule(10, ["/a"], listenerArn("edge-other")))).not.toThrow();
  });

  test("priorities lie in 1..50000", () => {
    expect(() => check(T.listenerRule, "zero", rule(0, ["/a"]))).toThrow(/priority 0 outside 1\.\.50000/);
    expect(() => check(T.listenerRule, "high", rule(50001, ["/a"]))).toThrow(/outside 1\.\.50000/);
    expect(() => check(T.listenerRule, "max", rule(50000, ["/a"]))).not.toThrow();
  });

  test("at most 100 rules per load balancer, counted across its listeners", () => {
    check(T.listener, "edge-https", { loadBalancerArn: "arn:alb/edge", port: 443 });
    check(T.listener, "edge-http", { loadBalancerArn: "arn:alb/edge", port: 80 });
    for (let i = 1; i <= 60; i++) check(T.listenerRule, `https-${i}`, rule(i, ["/a"]));
    for (let i = 1; i <= 40; i++) check(T.listenerRule, `http-${i}`, rule(i, ["/a"], listenerArn("edge-http")));
    expect(() => check(T.listenerRule, "http-41", rule(41, ["/a"], listenerArn("edge-http")))).toThrow(
      /rule 101 on load balancer arn:alb\/edge; "Rules per Application Load Balancer/,
    );
  });

  test("path patterns of at most 128 characters", () => {
    expect(() => check(T.listenerRule, "ok", rule(1, [`/${"a".repeat(127)}`]))).not.toThrow();
    expect(() => check(T.listenerRule, "long", rule(2, [`/${"a".repeat(128)}`]))).toThrow(/129 characters/);
  });
});

describe("names", () => {
  test("target group names: 32 characters at most, auto-naming adds 8", () => {
    expect(() => check(T.targetGroup, "tg", { name: "a".repeat(32) })).not.toThrow();
    expect(() => check(T.targetGroup, "tg", { name: "a".repeat(33) })).toThrow(/33 characters; the maximum is 32/);
    expect(() => check(T.targetGroup, "a".repeat(24), {})).not.toThrow();
    expect(() => check(T.targetGroup, "a".repeat(25), {})).toThrow(/33 characters/);
    expect(() => check(T.targetGroup, "tg", { name: "-leading" })).toThrow(/alphanumeric/);
    expect(() => check(T.targetGroup, "tg", { namePrefix: "toolong" })).toThrow(/namePrefix/);
  });

  test("load balancer names: 32 characters at most", () => {
    expect(() => check(T.alb, "lb", { name: "b".repeat(33) })).toThrow(/maximum is 32/);
  });
});

describe("Fargate task sizes", () => {
  test.each([
    [256, 512],
    [256, 2048],
    [512, 4096],
    [1024, 2048],
    [2048, 16384],
    [4096, 30720],
    [8192, 16384],
    [16384, 122880],
  ])("%d CPU / %d MiB is accepted", (cpu, memory) => {
    expect(() => check(T.taskDefinition, "td", taskDefinition(cpu, memory))).not.toThrow();
  });

  test.each([
    [256, 8192, /with 256 CPU, memory must be 512, 1024, 2048 MiB; 8192 MiB pairs with CPU 1024, 2048, 4096/],
    [256, 4096, /with 256 CPU, memory must be 512, 1024, 2048 MiB/],
    [512, 512, /with 512 CPU, memory must be 1024, 2048, 3072, 4096 MiB/],
    [1024, 16384, /with 1024 CPU/],
    [4096, 31744, /with 4096 CPU, memory must be 8192\.\.30720 MiB in steps of 1024/],
    [8192, 17408, /in steps of 4096/],
    [300, 1024, /no task size with 300 CPU units/],
  ])("%d CPU / %d MiB is refused", (cpu, memory, message) => {
    expect(() => check(T.taskDefinition, "td", taskDefinition(cpu, memory))).toThrow(message);
  });

  test("an EC2-only task definition is not held to Fargate's sizes", () => {
    expect(() =>
      check(T.taskDefinition, "td", { ...taskDefinition(256, 8192), requiresCompatibilities: ["EC2"] }),
    ).not.toThrow();
  });

  test("a variable in both environment and secrets is refused", () => {
    const td = {
      ...taskDefinition(256, 512),
      containerDefinitions: JSON.stringify([
        {
          name: "app",
          environment: [{ name: "DATABASE_PASSWORD", value: "x" }],
          secrets: [{ name: "DATABASE_PASSWORD", valueFrom: "arn" }],
        },
      ]),
    };
    expect(() => check(T.taskDefinition, "td", td)).toThrow(/sets DATABASE_PASSWORD twice/);
  });
});

describe("RDS", () => {
  test("the parameter group family must match the instance's engine version", () => {
    check(T.parameterGroup, "pg15", { name: "throat-pg15", family: "postgres15", parameters: [] });
    expect(() =>
      check(T.rds, "db", { engine: "postgres", engineVersion: "16", parameterGroupName: "throat-pg15" }),
    ).toThrow(/family postgres15; engine postgres 16 needs postgres16/);
    check(T.parameterGroup, "pg16", { name: "throat-pg16", family: "postgres16", parameters: [] });
    expect(() =>
      check(T.rds, "db", { engine: "postgres", engineVersion: "16.4", parameterGroupName: "throat-pg16" }),
    ).not.toThrow();
  });

  test("an auto-named parameter group is found by the name the provider gives it", () => {
    check(T.parameterGroup, "throat-prod-postgres14", { family: "postgres14", parameters: [] });
    const name = state(T.parameterGroup, "throat-prod-postgres14", {}).name;
    expect(() => check(T.rds, "db", { engine: "postgres", engineVersion: "16", parameterGroupName: name })).toThrow(
      /needs postgres16/,
    );
  });

  test("max_connections is static: pending-reboot only", () => {
    expect(() =>
      check(T.parameterGroup, "pg", {
        family: "postgres16",
        parameters: [{ name: "max_connections", value: "100", applyMethod: "immediate" }],
      }),
    ).toThrow(/pending-reboot/);
    expect(() =>
      check(T.parameterGroup, "pg", { family: "postgres16", parameters: [{ name: "max_connections", value: "100" }] }),
    ).toThrow(/pending-reboot/);
  });

  test("keeping a final snapshot needs its identifier", () => {
    expect(() => check(T.rds, "db", { engine: "postgres", engineVersion: "16", skipFinalSnapshot: false })).toThrow(
      /finalSnapshotIdentifier/,
    );
  });
});

describe("other limits", () => {
  test("CloudWatch retention takes AWS's listed values only", () => {
    expect(() => check(T.logGroup, "lg", { retentionInDays: 30 })).not.toThrow();
    expect(() => check(T.logGroup, "lg", { retentionInDays: 8 })).toThrow(/retentionInDays 8/);
  });

  test("Lambda runs 900 s at most", () => {
    expect(() => check(T.lambda, "fn", { timeout: 901 })).toThrow(/900/);
  });

  test("the circuit breaker needs the ECS deployment controller", () => {
    expect(() =>
      check(T.service, "s", {
        deploymentCircuitBreaker: { enable: true, rollback: true },
        deploymentController: { type: "CODE_DEPLOY" },
      }),
    ).toThrow(/rolling update/);
    expect(() =>
      check(T.service, "s", {
        deploymentCircuitBreaker: { enable: true, rollback: true },
        deploymentController: { type: "ECS" },
      }),
    ).not.toThrow();
  });
});

describe("state: what the provider would report", () => {
  test("resources", () => {
    expect(state(T.alb, "throat-prod-alb", { name: "throat-prod" }).dnsName).toMatch(
      /^throat-prod-.*\.elb\.amazonaws\.com$/,
    );
    const db = state(T.rds, "throat-prod-postgres", { identifier: "throat-prod", port: 5432 });
    expect(db.endpoint).toBe(`${String(db.address)}:5432`);
    expect(state(T.ecr, "throat-prod", { name: "throat-prod" }).repositoryUrl).toMatch(
      /^\d{12}\.dkr\.ecr\.[a-z0-9-]+\.amazonaws\.com\/throat-prod$/,
    );
    expect(state(T.secret, "s", {}).arn).toMatch(/^arn:aws:secretsmanager:/);
    expect(state(T.taskDefinition, "td", { family: "f" })).toMatchObject({
      arn: expect.stringMatching(/task-definition\/f:1$/),
      arnWithoutRevision: expect.stringMatching(/task-definition\/f$/),
    });
    expect(state(T.redis, "r", { replicationGroupId: "throat-prod" }).primaryEndpointAddress).toMatch(
      /^master\.throat-prod\./,
    );
  });

  test("invokes", () => {
    expect(
      (state("aws:index/getAvailabilityZones:getAvailabilityZones", "", {}).names as string[]).length,
    ).toBeGreaterThanOrEqual(2);
    expect(state("aws:index/getRegion:getRegion", "", {}).region).toEqual(expect.any(String));
    expect(state("aws:index/getCallerIdentity:getCallerIdentity", "", {}).accountId).toMatch(/^\d{12}$/);
    expect(state("aws:ecr/getAuthorizationToken:getAuthorizationToken", "", {})).toMatchObject({ userName: "AWS" });
  });
});

describe("what RDS, ElastiCache and ACM refuse (the settings refuse the same first)", () => {
  const instance = (extra: Record<string, unknown>) => ({
    engine: "postgres",
    engineVersion: "16",
    skipFinalSnapshot: true,
    ...extra,
  });
  test("an instance class without db. and a backup retention above 35 days", () => {
    expect(() =>
      check(T.rds, "db", instance({ instanceClass: "db.t4g.small", backupRetentionPeriod: 35 })),
    ).not.toThrow();
    expect(() => check(T.rds, "db", instance({ instanceClass: "t4g.small" }))).toThrow(
      /instanceClass "t4g\.small" is not a DB instance class/,
    );
    expect(() => check(T.rds, "db", instance({ backupRetentionPeriod: 36 }))).toThrow(
      /backupRetentionPeriod 36: "Must be a value from 0 to 35"/,
    );
  });

  test("max_connections above PostgreSQL's limit", () => {
    const group = (value: number) => ({
      family: "postgres16",
      parameters: [{ name: "max_connections", value: String(value), applyMethod: "pending-reboot" }],
    });
    expect(() => check(T.parameterGroup, "pg", group(262121))).not.toThrow();
    expect(() => check(T.parameterGroup, "pg", group(262122))).toThrow(
      /max_connections 262122 above PostgreSQL's 262121/,
    );
  });

  test("a node type without cache.", () => {
    expect(() => check(T.redis, "redis", { nodeType: "cache.t4g.micro" })).not.toThrow();
    expect(() => check(T.redis, "redis", { nodeType: "t4g.micro" })).toThrow(/not an ElastiCache node type/);
  });

  test("a listener certificate from another region than the load balancer's", () => {
    // Outside a program run the mock's region is us-east-1 (no aws:region set).
    const https = (region: string) => ({
      loadBalancerArn: "arn:alb",
      port: 443,
      certificateArn: `arn:aws:acm:${region}:123456789012:certificate/abc`,
    });
    expect(() => check(T.listener, "https", https("us-east-1"))).not.toThrow();
    expect(() => check(T.listener, "https", https("eu-west-1"))).toThrow(
      /certificate .* is in eu-west-1, the load balancer in us-east-1/,
    );
  });
});

describe("container ulimits (ECS API Reference, Ulimit)", () => {
  const withUlimits = (ulimits: unknown[]) => ({
    ...taskDefinition(512, 1024),
    containerDefinitions: JSON.stringify([{ name: "app", image: "x", environment: [], secrets: [], ulimits }]),
  });
  test("nofile soft = hard within the kernel's 1048576 passes", () => {
    expect(() =>
      check(T.taskDefinition, "ok", withUlimits([{ name: "nofile", softLimit: 70000, hardLimit: 70000 }])),
    ).not.toThrow();
  });
  test("a soft limit above the hard one, a missing limit, or nofile above 1048576 is refused", () => {
    expect(() =>
      check(T.taskDefinition, "a", withUlimits([{ name: "nofile", softLimit: 70000, hardLimit: 65535 }])),
    ).toThrow(/softLimit 70000 above hardLimit 65535/);
    expect(() => check(T.taskDefinition, "b", withUlimits([{ name: "nofile", softLimit: 70000 }]))).toThrow(
      /needs softLimit and hardLimit/,
    );
    expect(() =>
      check(T.taskDefinition, "c", withUlimits([{ name: "nofile", softLimit: 2000000, hardLimit: 2000000 }])),
    ).toThrow(/above 1048576/);
  });
});

describe("ElastiCache replication group limits", () => {
  const RG = T.redis;
  test("failover needs a replica; at most 6 nodes; snapshots kept 0-35 days", () => {
    expect(() => check(RG, "r", { numCacheClusters: 1, automaticFailoverEnabled: true })).toThrow(
      /automaticFailoverEnabled needs numCacheClusters >= 2/,
    );
    expect(() => check(RG, "r", { numCacheClusters: 7 })).toThrow(/maximum is 6/);
    expect(() => check(RG, "r", { numCacheClusters: 2, snapshotRetentionLimit: 36 })).toThrow(/outside 0-35 days/);
    expect(() =>
      check(RG, "r", { numCacheClusters: 1, automaticFailoverEnabled: false, snapshotRetentionLimit: 35 }),
    ).not.toThrow();
  });
});
