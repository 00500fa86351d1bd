// The prod stack registers every tier, each a throat:aws component under AwsStack, with the
// resources that tier needs, all named from settings.namePrefix.
import type { ProgramRun, RecordedResource } from "../../scripts/offline/mockRuntime";
import { ofType } from "../support/runStack";
import { autoName } from "../../scripts/offline/rules/awsNames";
import { byUrn, prodPlan, RUN_TIMEOUT, runProd, T, PREFIX } from "./support";

const plan = prodPlan();
let run: ProgramRun;
beforeAll(async () => {
  run = await runProd();
}, RUN_TIMEOUT);

const componentOf = (urn: string): string => {
  // The component a resource belongs to: its nearest throat:aws ancestor.
  const r = byUrn(run, urn);
  if (!r) throw new Error(`no resource ${urn}`);
  return r.type.startsWith("throat:aws:") ? r.type : componentOf(r.parent);
};

test("every tier is a throat:aws component whose parent is the AwsStack", () => {
  const stack = ofType(run, "throat:aws:AwsStack");
  expect(stack).toHaveLength(1);
  const tiers = run.resources.filter((r) => r.type.startsWith("throat:aws:") && r.type !== "throat:aws:AwsStack");
  expect(new Set(tiers.map((t) => t.type))).toEqual(
    new Set([
      "throat:aws:Network",
      "throat:aws:SecurityGroups",
      "throat:aws:Database",
      "throat:aws:Redis",
      "throat:aws:AppSecrets",
      "throat:aws:Images",
      "throat:aws:Edge",
      "throat:aws:Cluster",
      "throat:aws:Migration",
      "throat:aws:WorkerService",
      "throat:aws:StaticTier",
      "throat:aws:RolloutCheck",
      "throat:aws:AccessLogs",
      "throat:aws:Alarms",
      "throat:aws:UserFiles",
    ]),
  );
  for (const t of tiers) expect(t.parent).toBe(stack[0]!.urn);
  expect(
    ofType(run, "throat:aws:WorkerService")
      .map((w) => w.name)
      .sort(),
  ).toEqual(plan.workers.map((w) => `${PREFIX}-${w.kind}`).sort());
  // No provider resource hangs off the stack itself: each belongs to a tier.
  for (const r of run.resources.filter((x) => x.custom)) expect(componentOf(r.parent)).not.toBe("throat:aws:AwsStack");
});

/** The resources an input of `r` came from (its property dependencies). */
const from = (r: RecordedResource, input: string): RecordedResource[] =>
  (r.propertyDependencies[input] ?? []).map((u) => byUrn(run, u)!);
const only = (component: string, type: string): RecordedResource[] =>
  ofType(run, type).filter((r) => componentOf(r.parent) === component);

test("Network: per zone a public and a private subnet, and a NAT gateway in that zone's public subnet", () => {
  // One NAT per zone: a zone's outage must not cut the other zones' tasks off the internet.
  const zones = plan.settings.aws.availabilityZones;
  const subnets = only("throat:aws:Network", T.subnet);
  expect(new Set(subnets.map((s) => s.inputs.availabilityZone)).size).toBe(zones);
  for (const kind of ["public", "private"])
    expect(subnets.filter((s) => s.name.includes(`-${kind}-`))).toHaveLength(zones);
  const nats = only("throat:aws:Network", T.natGateway);
  const natSubnets = nats.map((n) => from(n, "subnetId")[0]!);
  expect(natSubnets.every((s) => s.name.includes("-public-"))).toBe(true);
  expect(new Set(natSubnets.map((s) => s.inputs.availabilityZone)).size).toBe(zones);
});

test("Database: one PostgreSQL instance on the tier's own parameter group and subnet group", () => {
  const [instance, ...more] = only("throat:aws:Database", T.rds);
  expect(more).toEqual([]);
  expect(from(instance!, "parameterGroupName").map((g) => g.type)).toEqual([T.parameterGroup]);
  expect(componentOf(from(instance!, "parameterGroupName")[0]!.parent)).toBe("throat:aws:Database");
  expect(from(instance!, "dbSubnetGroupName").map((g) => g.type)).toEqual([T.dbSubnetGroup]);
  // Its password is a generated secret, never a config value.
  expect(from(instance!, "password").map((p) => p.type)).toEqual([T.randomPassword]);
  expect(instance!.secretInputs).toContain("password");
});

test("Edge: HTTP and HTTPS listeners, the plan's rules, one target group per service that takes traffic", () => {
  const listeners = only("throat:aws:Edge", T.listener).map(
    (l) => `${String(l.inputs.protocol)}:${String(l.inputs.port)}`,
  );
  expect(listeners.sort()).toEqual(["HTTP:80", "HTTPS:443"]);
  expect(only("throat:aws:Edge", T.listenerRule)).toHaveLength(plan.edge.albRules!.length);
  const groups = only("throat:aws:Edge", T.targetGroup).map((g) => g.urn);
  const served = ofType(run, T.service).flatMap((s) => s.propertyDependencies.loadBalancers ?? []);
  // Every target group is some service's, and no two services share one.
  expect([...served].sort()).toEqual([...groups].sort());
});

test("WorkerService: per plan worker its own service, task definition and logs; scaling exactly where min < max", () => {
  const services = only("throat:aws:WorkerService", T.service);
  expect(services.map((s) => s.name).sort()).toEqual(plan.workers.map((w) => `${PREFIX}-${w.kind}`).sort());
  const taskDefinitions = services.map((s) => from(s, "taskDefinition")[0]!);
  expect(new Set(taskDefinitions.map((t) => t.urn)).size).toBe(plan.workers.length);
  expect(only("throat:aws:WorkerService", T.logGroup)).toHaveLength(plan.workers.length);
  const targets = only("throat:aws:WorkerService", T.scalingTarget);
  const scaling = plan.workers.filter((w) => w.replicas.min < w.replicas.max);
  expect(targets.map((t) => [t.inputs.resourceId, t.inputs.minCapacity, t.inputs.maxCapacity]).sort()).toEqual(
    scaling.map((w) => [`service/${PREFIX}/${PREFIX}-${w.kind}`, w.replicas.min, w.replicas.max]).sort(),
  );
  expect(only("throat:aws:WorkerService", T.scalingPolicy)).toHaveLength(scaling.length);
});

test("Migration: its task definition, run by its own Lambda through one invocation", () => {
  const [invocation, ...more] = only("throat:aws:Migration", T.invocation);
  expect(more).toEqual([]);
  expect(from(invocation!, "functionName").map((f) => f.urn)).toEqual(
    only("throat:aws:Migration", T.lambda).map((f) => f.urn),
  );
  expect(from(invocation!, "input").filter((r) => r.type === T.taskDefinition)).toEqual(
    only("throat:aws:Migration", T.taskDefinition),
  );
});

test("Images: the app and edge images are built (throat:image is a reference), into the tier's repository", () => {
  expect(only("throat:aws:Images", T.ecr)).toHaveLength(1);
  expect(only("throat:aws:Images", T.image)).toHaveLength(2);
});

test(
  "an existing VPC is used as given: no network resources",
  async () => {
    const existing = await runProd({
      aws: {
        vpcId: "vpc-0abc1234",
        publicSubnetIds: ["subnet-0a0a0001", "subnet-0a0a0002"],
        privateSubnetIds: ["subnet-0b0b0001", "subnet-0b0b0002"],
      },
    });
    expect(ofType(existing, T.vpc)).toHaveLength(0);
    expect(ofType(existing, T.subnet)).toHaveLength(0);
    expect(ofType(existing, T.natGateway)).toHaveLength(0);
    expect(ofType(existing, T.sg).every((g) => g.inputs.vpcId === "vpc-0abc1234")).toBe(true);
    expect(ofType(existing, T.alb)[0]!.inputs.subnets).toEqual(["subnet-0a0a0001", "subnet-0a0a0002"]);
    for (const s of ofType(existing, T.service))
      expect((s.inputs.networkConfiguration as { subnets: string[] }).subnets).toEqual([
        "subnet-0b0b0001",
        "subnet-0b0b0002",
      ]);
  },
  RUN_TIMEOUT,
);

test(
  "subnets span settings.aws.availabilityZones zones",
  async () => {
    const three = await runProd({ aws: { availabilityZones: 3 } });
    const zones = ofType(three, T.subnet).map((s) => s.inputs.availabilityZone);
    expect(new Set(zones).size).toBe(3);
    expect(ofType(three, T.natGateway)).toHaveLength(3);
  },
  RUN_TIMEOUT,
);

test("physical names come from settings.namePrefix and fit AWS's limits", () => {
  const prefix = plan.settings.namePrefix;
  expect(prefix).toBe("throat-prod");
  for (const r of run.resources.filter((x) => x.custom && !x.type.startsWith("random:")))
    expect(r.name.startsWith(prefix)).toBe(true);
  for (const type of [T.cluster, T.service, T.ecr, T.lambda])
    for (const r of ofType(run, type)) expect(String(r.inputs.name).startsWith(prefix)).toBe(true);
  for (const td of ofType(run, T.taskDefinition)) expect(String(td.inputs.family).startsWith(`${prefix}-`)).toBe(true);
  // Target groups are auto-named: logical name + 8 characters, within ELB's 32.
  for (const tg of ofType(run, T.targetGroup)) {
    expect(tg.inputs.name).toBeUndefined();
    expect(autoName(tg.name).length).toBeLessThanOrEqual(32);
  }
  expect(String(ofType(run, T.alb)[0]!.inputs.name).length).toBeLessThanOrEqual(32);
});

test("outputs: the site URL and the database endpoint, nothing secret", () => {
  expect(run.outputs.url).toBe("https://forum.example.org");
  expect(run.outputs.databaseEndpoint).toMatch(new RegExp(String.raw`^${PREFIX}\..*\.rds\.amazonaws\.com:5432$`));
  expect(run.secretOutputs).toEqual([]);
});
