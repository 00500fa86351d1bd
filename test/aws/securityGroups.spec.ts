// Security groups admit exactly the flows the design allows, and each tier sits behind its group.
// The flows are read off the registered rule resources; a group is known by its id (the mock
// runtime's ids are `<logical name>-id`).
import type { ProgramRun } from "../../scripts/offline/mockRuntime";
import { ofType } from "../support/runStack";
import { RUN_TIMEOUT, runProd, T, PREFIX } from "./support";

let run: ProgramRun;
beforeAll(async () => {
  run = await runProd();
}, RUN_TIMEOUT);

const roleOfId = (id: unknown): string => {
  const sg = ofType(run, T.sg).find((g) => `${g.name}-id` === id);
  if (!sg) throw new Error(`${String(id)} is no security group of the stack`);
  return sg.name.replace(`${PREFIX}-`, "");
};
const peerOf = (inputs: Record<string, unknown>) =>
  inputs.referencedSecurityGroupId
    ? roleOfId(inputs.referencedSecurityGroupId)
    : String(inputs.cidrIpv4 ?? inputs.cidrIpv6 ?? inputs.prefixListId);
const flows = (type: string, arrow: (own: string, peer: string, port: string) => string) =>
  ofType(run, type)
    .map((r) => {
      const i = r.inputs;
      expect(i.ipProtocol).toBe("tcp");
      expect(i.fromPort).toBe(i.toPort);
      return arrow(roleOfId(i.securityGroupId), peerOf(i), String(i.fromPort));
    })
    .sort();

test("ingress: the internet reaches the ALB on 80/443 only; every other tier only from its caller", () => {
  expect(flows(T.ingress, (own, peer, port) => `${peer} -> ${own}:${port}`)).toEqual(
    [
      "0.0.0.0/0 -> alb:80",
      "0.0.0.0/0 -> alb:443",
      "alb -> workers:5000",
      "alb -> static:80",
      "workers -> database:5432",
      "migration -> database:5432",
      "workers -> redis:6379",
      "migration -> redis:6379",
    ].sort(),
  );
});

test("egress: the ALB to its targets' ports, app tasks to PostgreSQL/Redis and HTTPS; database and Redis nothing", () => {
  expect(flows(T.egress, (own, peer, port) => `${own} -> ${peer}:${port}`)).toEqual(
    [
      "alb -> workers:5000",
      "alb -> static:80",
      "workers -> database:5432",
      "workers -> redis:6379",
      "workers -> 0.0.0.0/0:443",
      "workers -> 0.0.0.0/0:80",
      "migration -> database:5432",
      "migration -> redis:6379",
      "migration -> 0.0.0.0/0:443",
      "static -> 0.0.0.0/0:443",
    ].sort(),
  );
});

test("groups carry no inline rules (the provider then removes AWS's default allow-all egress)", () => {
  for (const g of ofType(run, T.sg)) {
    expect(g.inputs.ingress ?? []).toEqual([]);
    expect(g.inputs.egress ?? []).toEqual([]);
  }
  expect(ofType(run, T.securityGroupRule)).toEqual([]);
});

test("each tier sits behind its own group, in private subnets, never public", () => {
  const privateIds = ofType(run, T.subnet)
    .filter((s) => s.name.includes("-private-"))
    .map((s) => `${s.name}-id`)
    .sort();
  const publicIds = ofType(run, T.subnet)
    .filter((s) => s.name.includes("-public-"))
    .map((s) => `${s.name}-id`)
    .sort();
  const rds = ofType(run, T.rds)[0]!.inputs;
  expect((rds.vpcSecurityGroupIds as string[]).map(roleOfId)).toEqual(["database"]);
  expect(rds.publiclyAccessible).toBe(false);
  expect((ofType(run, T.dbSubnetGroup)[0]!.inputs.subnetIds as string[]).sort()).toEqual(privateIds);
  const redis = ofType(run, T.redis)[0]!.inputs;
  expect((redis.securityGroupIds as string[]).map(roleOfId)).toEqual(["redis"]);
  expect((ofType(run, T.cacheSubnetGroup)[0]!.inputs.subnetIds as string[]).sort()).toEqual(privateIds);
  const alb = ofType(run, T.alb)[0]!.inputs;
  expect((alb.securityGroups as string[]).map(roleOfId)).toEqual(["alb"]);
  expect((alb.subnets as string[]).sort()).toEqual(publicIds);
  for (const s of ofType(run, T.service)) {
    const net = s.inputs.networkConfiguration as {
      subnets: string[];
      securityGroups: string[];
      assignPublicIp: boolean;
    };
    expect(net.subnets.sort()).toEqual(privateIds);
    expect(net.assignPublicIp).toBe(false);
    expect(net.securityGroups.map(roleOfId)).toEqual([s.name === `${PREFIX}-static` ? "static" : "workers"]);
  }
  const migration = JSON.parse(
    String(ofType(run, T.invocation).find((i) => i.name.endsWith("-migrate"))!.inputs.input),
  ) as { subnets: string[]; securityGroups: string[] };
  expect(migration.subnets.sort()).toEqual(privateIds);
  expect(migration.securityGroups.map(roleOfId)).toEqual(["migration"]);
});

test("private subnets reach the internet through a NAT gateway in their own zone; public ones through the internet gateway", () => {
  const routes = ofType(run, T.route);
  const nat = routes.filter((r) => r.inputs.natGatewayId);
  expect(nat.map((r) => [r.name, r.inputs.natGatewayId])).toEqual([
    [`${PREFIX}-private-a-nat`, `${PREFIX}-nat-a-id`],
    [`${PREFIX}-private-b-nat`, `${PREFIX}-nat-b-id`],
  ]);
  expect(routes.filter((r) => r.inputs.gatewayId).map((r) => r.name)).toEqual([`${PREFIX}-public-internet`]);
  for (const s of ofType(run, T.subnet)) expect(s.inputs.mapPublicIpOnLaunch ?? false).toBe(false);
});
