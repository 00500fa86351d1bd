// The AWS tiers built alone under the project's mocks, each from its narrow args (no AwsStack,
// no whole plan): every child is named from the component's `name`, or, where the stack's
// logical names cannot be derived from it, from the explicit name argument the component takes
// for them; and what it registers follows the values it was given.
// The edge and the deploy's tiers here; the stores in storesAlone.spec.ts, the network and the
// cluster in networkAlone.spec.ts, the rollout check and the alarms in operationsAlone.spec.ts.
import { readdirSync, readFileSync, rmSync } from "node:fs";
import * as path from "node:path";
import * as pulumi from "@pulumi/pulumi";
import * as cloudwatch from "@pulumi/aws/cloudwatch";
import { Edge, ALB_IDLE_TIMEOUT, DEREGISTRATION_DELAY } from "../../components/aws/alb";
import { Images } from "../../components/aws/images";
import { Migration } from "../../components/aws/migration";
import { loadBalancerName, targetGroupName, TierKind } from "../../components/aws/names";
import { NGINX_FILE_ENV, StaticTier } from "../../components/aws/staticTier";
import { EDGE_PATHS, STATIC_FALLBACK } from "../../components/plan/names";
import { PROJECT_ROOT } from "../../components/projectRoot";
import type { ProgramRun } from "../../scripts/offline/mockRuntime";
import { ACCOUNT, autoName } from "../../scripts/offline/rules/awsNames";
import { containers, envOf, one, prodPlan, RUN_TIMEOUT, T } from "./support";
import { buildAlone, childrenOf, typesAndNames, statementsOf, arnIn } from "./builtAlone";

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

describe("Migration built alone", () => {
  const NAME = "blue-schema";
  const FAMILY = "blue-db-migrate";
  const EXECUTION_ROLE = "arn:aws:iam::123456789012:role/blue-exec";
  const TASK_ROLE = "arn:aws:iam::123456789012:role/blue-migrator";
  const migration = {
    argv: ["/bin/sh", "-c", "exec migrate-now"],
    configName: "blue-sync",
    failures: { 3: "the routes drifted" },
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

  test("the runner is the family's function; it may pass exactly the task's two roles and read its logs", () => {
    expect(one(run, T.lambda, FAMILY).inputs.name).toBe(FAMILY);
    expect(one(run, T.logGroup, `${FAMILY}-runner`).inputs).toEqual(
      expect.objectContaining({ name: `/aws/lambda/${FAMILY}`, retentionInDays: 14 }),
    );
    const statements = statementsOf(one(run, T.rolePolicy, `${FAMILY}-runner`));
    const passRole = statements.find((s) => s.Action === "iam:PassRole");
    expect(passRole?.Resource).toEqual([EXECUTION_ROLE, TASK_ROLE]);
    // A failed task's last lines, from the task's own log group only.
    const tail = statements.find((s) => s.Action === "logs:GetLogEvents");
    expect(tail?.Resource).toMatch(/^arn:aws:logs:[^:]+:\d+:log-group:\/ecs\/blue\/schema:log-stream:\*$/);
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
