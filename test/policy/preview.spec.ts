// At preview, values a provider computes are unknown: @pulumi/policy hands them over behind a
// proxy that throws UnknownValueError when one is read, and reports a policy that lets it escape
// as "can't run during preview" (advisory; it runs for real at `pulumi up`). These tests build
// props the same way and show that the policies still decide wherever the unknown part does not
// matter, and let the error escape only where it does.
import * as policySdk from "@pulumi/policy";
import * as proxy from "@pulumi/policy/proxy";
import { connectionBudget } from "../../policy/budget";
import { internetIngress } from "../../policy/ingress";
import { taskDefinitionSecrets } from "../../policy/taskSecrets";
import { asyncWorkerConnections } from "../../policy/workerConnections";
import { Registered, resource, resourceArgs, stackArgs, Violation } from "./support";
import { T } from "../../policy/types";

// Run-time exports missing from the package's typings (proxy.d.ts is empty).
const { unknownCheckingProxy, UnknownValueError } = policySdk as unknown as {
  unknownCheckingProxy: <T extends object>(o: T) => T;
  UnknownValueError: new (...args: never[]) => Error;
};
const { unknownStringValue: UNKNOWN } = proxy as unknown as { unknownStringValue: string };

const preview = (r: Registered) => unknownCheckingProxy({ ...r.inputs });

async function resourceViolations(
  validate: typeof asyncWorkerConnections.validateResource,
  r: Registered,
): Promise<string[]> {
  const found: string[] = [];
  for (const v of Array.isArray(validate) ? validate : validate ? [validate] : [])
    await v(resourceArgs(r, preview(r)), (m) => found.push(m));
  return found;
}

async function stackViolations(policy: typeof internetIngress, rs: Registered[]): Promise<Violation[]> {
  const found: Violation[] = [];
  await policy.validateStack(stackArgs(rs, preview), (message, urn) =>
    found.push({ policy: policy.name, message, urn }),
  );
  return found;
}

describe("a Docker worker whose secret environment entries are still unknown", () => {
  const worker = (env: string[]) =>
    resource(T.container, "throat-test-gevent-0", {
      envs: ["WORKER_TYPE=gevent", ...env, "DATABASE_HOST=throat-test-postgres", UNKNOWN],
    });

  test("is checked on the entries that are known", async () => {
    expect(
      await resourceViolations(asyncWorkerConnections.validateResource, worker(["WORKER_CONNECTIONS=40"])),
    ).toEqual([]);
    expect(
      await resourceViolations(asyncWorkerConnections.validateResource, worker(["WORKER_CONNECTIONS=1000"])),
    ).toHaveLength(1);
  });

  test("is not judged on an absent WORKER_CONNECTIONS: it may be the unknown entry", async () => {
    await expect(resourceViolations(asyncWorkerConnections.validateResource, worker([]))).rejects.toBeInstanceOf(
      UnknownValueError,
    );
  });
});

test("a task definition whose JSON waits for an image digest cannot be checked until `pulumi up`", async () => {
  const td = resource(T.taskDefinition, "throat-prod-sync", {
    family: "throat-prod-sync",
    containerDefinitions: UNKNOWN,
  });
  await expect(resourceViolations(taskDefinitionSecrets.validateResource, td)).rejects.toBeInstanceOf(
    UnknownValueError,
  );
});

test("security groups are matched through the resources ids come from, not the ids themselves", async () => {
  const alb = resource(T.sg, "alb", { id: UNKNOWN });
  const workers = resource(T.sg, "workers", { id: UNKNOWN });
  const lb = resource(T.alb, "lb", { securityGroups: [UNKNOWN] }, { deps: { securityGroups: [alb] } });
  const open = (name: string, sg: Registered) =>
    resource(
      T.ingress,
      name,
      { securityGroupId: UNKNOWN, ipProtocol: "tcp", fromPort: 443, toPort: 443, cidrIpv4: "0.0.0.0/0" },
      { deps: { securityGroupId: [sg] } },
    );
  const found = await stackViolations(internetIngress, [
    alb,
    workers,
    lb,
    open("alb-https", alb),
    open("workers-https", workers),
  ]);
  expect(found.map((v) => v.urn)).toEqual([open("workers-https", workers).urn]);
});

test("the RDS limit is found through an auto-named parameter group whose name is unknown", async () => {
  const pg = resource(T.parameterGroup, "pg", {
    name: UNKNOWN,
    parameters: [{ name: "max_connections", value: "11" }],
  });
  const db = resource(
    T.rds,
    "db",
    { identifier: "throat-x", parameterGroupName: UNKNOWN },
    { deps: { parameterGroupName: [pg] } },
  );
  const service = resource(T.service, "svc", {
    name: "svc",
    desiredCount: 1,
    deploymentMaximumPercent: 100,
    tags: { "throat:db-connections-per-task": "5", "throat:max-tasks": "1" },
  });
  expect(await stackViolations(connectionBudget, [pg, db, service])).toEqual([]);
  const bigger = resource(T.service, "svc", {
    ...service.inputs,
    tags: { "throat:db-connections-per-task": "5", "throat:max-tasks": "2" },
  });
  expect((await stackViolations(connectionBudget, [pg, db, bigger])).map((v) => v.message.split("\n")[0])).toEqual([
    "Connection budget: at the peak of a deploy the stack can open 11 connections to RDS instance throat-x, which accepts 6 (max_connections 11 - 5 reserved): 5 too many.",
  ]);
});
