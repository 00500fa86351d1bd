// The worker services run what the plan decided: its launch environment and app environment,
// its task size, replicas and deploy surge; they wait for the migration; the static tier runs
// the plan's nginx files.
import { resolveEnv } from "../../components/plan/appConfig";
import type { ProgramRun, RecordedResource } from "../../scripts/offline/mockRuntime";
import { state } from "../../scripts/offline/rules/awsState";
import { ofType } from "../support/runStack";
import { containers, dependenciesOfType, envOf, one, prodPlan, RUN_TIMEOUT, runProd, T, PREFIX } from "./support";

const plan = prodPlan();
let run: ProgramRun;
beforeAll(async () => {
  run = await runProd();
}, RUN_TIMEOUT);

const service = (kind: string) => one(run, T.service, `${PREFIX}-${kind}`);
const task = (kind: string) => one(run, T.taskDefinition, `${PREFIX}-${kind}`);
/** The plan's app environment, filled with the endpoints the (mock) provider reports for RDS and ElastiCache. */
const resolvedAppEnv = () => {
  const rds = ofType(run, T.rds)[0]!;
  const redis = ofType(run, T.redis)[0]!;
  const db = state(T.rds, rds.name, rds.inputs);
  const cache = state(T.redis, redis.name, redis.inputs);
  const files = storageEndpoints();
  return resolveEnv(plan.app.env, {
    databaseHost: String(db.address),
    databasePort: String(db.port),
    redisHost: String(cache.primaryEndpointAddress),
    redisPort: String(cache.port),
    ...files,
  });
};

/** The bucket and the CDN host, as the (mock) provider reports them. */
const storageEndpoints = () => {
  const bucket = one(run, T.bucket, `${PREFIX}-files`);
  const cdn = one(run, T.distribution, `${PREFIX}-files`);
  return {
    bucket: String(state(T.bucket, bucket.name, bucket.inputs).bucket),
    filesHost: String(state(T.distribution, cdn.name, cdn.inputs).domainName),
  };
};

describe.each(plan.workers.map((w) => [w.kind, w] as const))("%s workers", (kind, w) => {
  test("environment: the plan's launch environment plus its resolved app environment, nothing else", () => {
    const [c, ...more] = containers(task(kind));
    expect(more).toEqual([]);
    const env = envOf(c!);
    expect(env).toEqual({ ...resolvedAppEnv(), ...w.launchEnv });
    expect(env.CONFIG_NAME).toBe(w.configName);
    // No command override: the image's start script turns this environment into the plan's argv.
    expect(c!.command).toBeUndefined();
    expect(c!.entryPoint).toBeUndefined();
    expect(c!.portMappings).toEqual([expect.objectContaining({ containerPort: w.port })]);
    // The whole probe: a TCP connect to the plan's port for this kind (a wrong port marks every
    // task unhealthy and ECS replaces them in a loop); its own 3 s connect timeout is under ECS's 5.
    expect(c!.healthCheck).toEqual({
      command: [
        "CMD-SHELL",
        `python3 -c "import socket; socket.create_connection(('127.0.0.1', ${w.port}), 3)" || exit 1`,
      ],
      interval: 30,
      timeout: 5,
      retries: 3,
      startPeriod: expect.any(Number),
    });
    expect(c!.logConfiguration).toEqual({
      logDriver: "awslogs",
      options: expect.objectContaining({ "awslogs-group": `/ecs/${PREFIX}/${kind}` }),
    });
  });

  test("task size from the plan, on Fargate", () => {
    expect(task(kind).inputs).toMatchObject({
      cpu: String(w.cpu),
      memory: String(w.memory),
      networkMode: "awsvpc",
      requiresCompatibilities: ["FARGATE"],
    });
  });

  test("service: replicas.min tasks, the budget's surge, rolling deploys that roll back", () => {
    const s = service(kind).inputs;
    expect(s).toMatchObject({
      desiredCount: w.replicas.min,
      deploymentMaximumPercent: plan.settings.deploy.maxPercent,
      deploymentMinimumHealthyPercent: 100,
      deploymentController: { type: "ECS" },
      deploymentCircuitBreaker: { enable: true, rollback: true },
      launchType: "FARGATE",
      waitForSteadyState: true,
    });
    expect(s.loadBalancers).toEqual([expect.objectContaining({ containerName: kind, containerPort: 5000 })]);
    const [tg] = dependenciesOfType(run, service(kind), T.targetGroup);
    expect((tg!.inputs.tags as Record<string, string>).Name).toBe(`${PREFIX}-${kind}`);
  });

  test("starts only after the migration succeeded and the listeners exist", () => {
    const deps = service(kind).dependencies;
    expect(deps).toContain(ofType(run, T.invocation).find((i) => i.name.endsWith("-migrate"))!.urn);
    for (const l of ofType(run, T.listener)) expect(deps).toContain(l.urn);
    for (const r of ofType(run, T.listenerRule)) expect(deps).toContain(r.urn);
  });
});

test("sync and gevent scale on CPU between replicas.min and replicas.max; socketio runs a fixed count", () => {
  const targets = ofType(run, T.scalingTarget);
  const expected = plan.workers
    .filter((w) => w.kind !== "socketio")
    .map((w) => [w.kind, w.replicas.min, w.replicas.max]);
  expect(targets.map((t) => [t.name.replace(`${PREFIX}-`, ""), t.inputs.minCapacity, t.inputs.maxCapacity])).toEqual(
    expected,
  );
  for (const t of targets)
    expect(t.inputs).toMatchObject({
      serviceNamespace: "ecs",
      scalableDimension: "ecs:service:DesiredCount",
      resourceId: `service/${PREFIX}/${t.name}`,
    });
  for (const p of ofType(run, T.scalingPolicy)) {
    expect(p.inputs.policyType).toBe("TargetTrackingScaling");
    expect(p.inputs.targetTrackingScalingPolicyConfiguration).toMatchObject({
      predefinedMetricSpecification: { predefinedMetricType: "ECSServiceAverageCPUUtilization" },
    });
  }
  expect(targets.find((t) => t.name === `${PREFIX}-socketio`)).toBeUndefined();
});

test("the migration: the plan's argv with the sync configuration, run by the Invocation before the services", () => {
  const [c] = containers(task("migrate"));
  expect(c!.command).toEqual(plan.migration.argv);
  expect(envOf(c!).CONFIG_NAME).toBe(plan.migration.configName);
  // The plan's argv applies CONFIG_NAME itself (a command override skips the image's start script).
  expect(c!.entryPoint).toBeUndefined();
  expect(c!.secrets.map((s) => s.name).sort()).toEqual(Object.keys(plan.app.secretEnv).sort());
  const sync = plan.workers.find((w) => w.kind === "sync")!;
  expect(task("migrate").inputs).toMatchObject({ cpu: String(sync.cpu), memory: String(sync.memory) });

  const invocation = ofType(run, T.invocation).find((i) => i.name.endsWith("-migrate"))!;
  const input = JSON.parse(String(invocation.inputs.input)) as Record<string, unknown>;
  expect(input).toMatchObject({
    family: `${PREFIX}-migrate`,
    container: "migrate",
    taskDefinition: expect.stringMatching(new RegExp(String.raw`:task-definition\/${PREFIX}-migrate:\d+$`)),
  });
  expect(dependenciesOfType(run, invocation, T.taskDefinition).map((t) => t.name)).toEqual([`${PREFIX}-migrate`]);
  // The database and Redis exist before it runs.
  expect(dependenciesOfType(run, invocation, T.rds)).toHaveLength(1);
  expect(dependenciesOfType(run, invocation, T.redis)).toHaveLength(1);
  const fn = ofType(run, T.lambda)[0]!;
  expect(fn.inputs).toMatchObject({ timeout: 900, handler: "index.handler" });
});

test("the migration runner may start only the migration task, on this cluster", () => {
  const policy = JSON.parse(String(one(run, T.rolePolicy, `${PREFIX}-migrate-runner`).inputs.policy)) as {
    Statement: Array<{ Action: string; Resource: string; Condition?: unknown }>;
  };
  const runTask = policy.Statement.find((s) => s.Action === "ecs:RunTask")!;
  expect(runTask.Resource).toMatch(new RegExp(String.raw`:task-definition\/${PREFIX}-migrate:\*$`));
  expect(runTask.Condition).toEqual({
    ArnEquals: { "ecs:cluster": expect.stringMatching(new RegExp(String.raw`:cluster\/${PREFIX}$`)) },
  });
  const pass = policy.Statement.find((s) => s.Action === "iam:PassRole")!;
  // It passes the execution role and the migration's task role, nothing else.
  expect([pass.Resource].flat().sort()).toEqual([
    expect.stringMatching(new RegExp(String.raw`:role\/${PREFIX}-app-execution-`)),
    expect.stringMatching(new RegExp(String.raw`:role\/${PREFIX}-migrate-task-`)),
  ]);
});

test("the static tier: the edge image with the plan's nginx files as NGINX_*_CONF, port 80, no secrets", () => {
  const [c] = containers(task("static"));
  // The plan's files, the asset CDN's host filled in (plan/names.ts STATIC_FALLBACK).
  const host = storageEndpoints().filesHost;
  const files = Object.fromEntries(
    Object.entries(plan.edge.nginxFiles).map(([f, t]) => [f, t.split("{{filesHost}}").join(host)]),
  );
  expect(files["throat/http.conf"]).toContain(`set $assets_host ${host};`);
  expect(envOf(c!)).toEqual({
    NGINX_MAIN_CONF: files["throat/main.conf"],
    NGINX_EVENTS_CONF: files["throat/events.conf"],
    NGINX_HTTP_CONF: files["throat/http.conf"],
  });
  expect(c!.portMappings).toEqual([expect.objectContaining({ containerPort: 80 })]);
  expect(service("static").inputs.loadBalancers).toEqual([
    expect.objectContaining({ containerName: "nginx", containerPort: 80 }),
  ]);
  const [tg] = dependenciesOfType(run, service("static"), T.targetGroup);
  expect((tg!.inputs.tags as Record<string, string>).Name).toBe(`${PREFIX}-static`);
  // Its image is the edge build, not the app image.
  const images = (r: RecordedResource) => dependenciesOfType(run, r, T.image).map((i) => i.name);
  expect(images(task("static"))).toEqual([`${PREFIX}-edge`]);
  for (const kind of ["sync", "gevent", "socketio", "migrate"]) expect(images(task(kind))).toEqual([`${PREFIX}-app`]);
});

test("log groups keep settings.aws.logRetentionDays", () => {
  for (const g of ofType(run, T.logGroup)) expect(g.inputs.retentionInDays).toBe(plan.settings.aws.logRetentionDays);
});

describe("open files for the socketio clients (plan/capacity.ts)", () => {
  const ulimits = (kind: string) => (containers(task(kind))[0] as unknown as { ulimits?: unknown }).ulimits;
  test("the socketio task raises nofile to what its clients need, soft = hard", () => {
    const w = plan.workers.find((x) => x.kind === "socketio")!;
    expect(w.nofile).toBeGreaterThanOrEqual(plan.settings.workers.socketio.clients + w.poolSize);
    expect(ulimits("socketio")).toEqual([{ name: "nofile", softLimit: w.nofile, hardLimit: w.nofile }]);
  });
  test("the HTTP workers keep Fargate's default (65535)", () => {
    expect(ulimits("sync")).toBeUndefined();
    expect(ulimits("gevent")).toBeUndefined();
  });
});
