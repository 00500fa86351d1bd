// The prod stack registers every tier, each a throat:aws component under AwsStack, with the
// resources that tier needs, all named from settings.namePrefix.
import type { ProgramRun } from "../../scripts/lib/mockRuntime";
import { ofType } from "../support/runStack";
import { autoName } from "../../scripts/lib/rules/aws";
import { byUrn, prodPlan, RUN_TIMEOUT, runProd, T } from "./support";

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
const countIn = (component: string, type: string) =>
  ofType(run, type).filter((r) => componentOf(r.parent) === component).length;

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
  ).toEqual(plan.workers.map((w) => `throat-prod-${w.kind}`).sort());
  // No provider resource hangs off the stack itself: each belongs to a tier.
  for (const r of run.resources.filter((x) => x.custom)) expect(componentOf(r.parent)).not.toBe("throat:aws:AwsStack");
});

test.each([
  ["throat:aws:Network", T.vpc, 1],
  ["throat:aws:Network", T.subnet, 4],
  ["throat:aws:Network", T.natGateway, 2],
  ["throat:aws:SecurityGroups", T.sg, 6],
  ["throat:aws:Database", T.rds, 1],
  ["throat:aws:Database", T.parameterGroup, 1],
  ["throat:aws:Database", T.dbSubnetGroup, 1],
  ["throat:aws:Database", T.secret, 1],
  ["throat:aws:AppSecrets", T.secret, 1],
  ["throat:aws:Redis", T.redis, 1],
  ["throat:aws:Images", T.ecr, 1],
  // throat:image is an existing reference: only the app and edge images are built.
  ["throat:aws:Images", T.image, 2],
  ["throat:aws:Edge", T.alb, 1],
  ["throat:aws:Edge", T.targetGroup, 4],
  ["throat:aws:Edge", T.listener, 2],
  ["throat:aws:Edge", T.listenerRule, plan.edge.albRules!.length],
  ["throat:aws:Cluster", T.cluster, 1],
  ["throat:aws:Cluster", T.role, 2],
  ["throat:aws:Migration", T.taskDefinition, 1],
  ["throat:aws:Migration", T.lambda, 1],
  ["throat:aws:Migration", T.invocation, 1],
  ["throat:aws:WorkerService", T.taskDefinition, 3],
  ["throat:aws:WorkerService", T.service, 3],
  ["throat:aws:WorkerService", T.logGroup, 3],
  // sync (2-6) and gevent (1-3) scale; socketio (2) is fixed.
  ["throat:aws:WorkerService", T.scalingTarget, 2],
  ["throat:aws:WorkerService", T.scalingPolicy, 2],
  ["throat:aws:StaticTier", T.taskDefinition, 1],
  ["throat:aws:StaticTier", T.service, 1],
])("%s holds %s x%d", (component, type, n) => {
  expect(countIn(component, type)).toBe(n);
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
  expect(run.outputs.databaseEndpoint).toMatch(/^throat-prod\..*\.rds\.amazonaws\.com:5432$/);
  expect(run.secretOutputs).toEqual([]);
});
