// A rolled-back deploy fails `pulumi up` (components/aws/rolloutCheck.ts): the services'
// steady-state wait accepts a service the circuit breaker rolled back
// (hashicorp/terraform-provider-aws#20858), so a check per service reads the PRIMARY deployment.
import { makeHandler, RolloutCommands, RolloutEvent } from "../../components/aws/rolloutCheckRunner";
import { spawnSync } from "node:child_process";
import * as path from "node:path";
import { PROJECT_ROOT } from "../../components/load";
import type { ProgramRun } from "../../scripts/offline/mockRuntime";
import { ofType } from "../support/runStack";
import { TSX_NODE, tsxArgs } from "../support/tsx";
import { PREFIX, RUN_TIMEOUT, runProd, T } from "./support";

let run: ProgramRun;
beforeAll(async () => {
  run = await runProd();
}, RUN_TIMEOUT);

/** The sync service's name, and its task definition family. */
const SYNC = `${PREFIX}-sync`;
const taskDefArn = (family: string, revision: number) =>
  `arn:aws:ecs:eu-west-1:123456789012:task-definition/${family}:${revision}`;
/** DescribeServices after the circuit breaker rolled the sync service back to revision 0. */
const rolledBack = {
  deployments: [{ status: "PRIMARY", taskDefinition: taskDefArn(SYNC, 0), rolloutState: "COMPLETED" }],
  events: [{ message: `(service ${SYNC}) (deployment ecs-svc/1) deployment failed: tasks failed to start.` }],
};

test("every service, the static tier too, gets a check that runs after its update and again for each new revision", () => {
  const checks = ofType(run, T.invocation).filter((i) => String(i.inputs.input).includes('"check":"rollout"'));
  const services = ofType(run, T.service);
  expect(checks).toHaveLength(services.length);
  for (const service of services) {
    const check = checks.find(
      (c) => (JSON.parse(String(c.inputs.input)) as RolloutEvent).service === service.inputs.name,
    )!;
    expect(check.dependencies).toContain(service.urn);
    const taskDefinition = run.resources.find(
      (r) => r.urn === check.propertyDependencies.input?.find((u) => u.includes("TaskDefinition")),
    );
    // The input carries the task definition ARN with its revision: a new revision, a new check.
    expect((JSON.parse(String(check.inputs.input)) as RolloutEvent).taskDefinition).toMatch(
      /:task-definition\/.+:\d+$/,
    );
    expect(taskDefinition?.type).toBe(T.taskDefinition);
  }
});

/** `pulumi up` of prod, in its own process, with ECS answering `ecsServices` after the update. */
function up(ecsServices: Record<string, unknown>) {
  return spawnSync(TSX_NODE, tsxArgs(path.join(__dirname, "rolledBack.program.ts"), JSON.stringify(ecsServices)), {
    cwd: PROJECT_ROOT,
    encoding: "utf8",
    timeout: 60_000,
  });
}

test("`pulumi up` fails when the circuit breaker rolled a service back, naming the service and what runs", () => {
  const result = up({ [SYNC]: rolledBack });
  expect(result.status).toBe(1);
  const message = result.stderr;
  expect(message).toMatch(
    new RegExp(
      `service ${SYNC}: the deploy rolled back \\(deployment circuit breaker\\); ` +
        `task definition \\S+${SYNC}:0 runs, not \\S+${SYNC}:1`,
    ),
  );
  expect(message).toMatch(/deployment failed: tasks failed to start/);
  expect(message).toMatch(/run 'pulumi up' again/);
  // The same program with ECS running what it was asked is runProd()'s run above (its world has
  // no ECS answer): the sync service's check, the one that failed here, passed there.
  const syncChecks = ofType(run, T.invocation)
    .map((i) => JSON.parse(String(i.inputs.input)) as RolloutEvent)
    .filter((e) => e.check === "rollout" && e.service === SYNC);
  expect(syncChecks).toHaveLength(1);
}, 130_000);

describe("the function's module, against a fake ECS", () => {
  const event: RolloutEvent = {
    check: "rollout",
    cluster: `arn:aws:ecs:eu-west-1:1:cluster/${PREFIX}`,
    service: SYNC,
    taskDefinition: taskDefArn(SYNC, 7),
  };
  const command = (op: string) =>
    class {
      readonly op = op;
      constructor(readonly input: unknown) {}
    };
  const cmd: RolloutCommands = {
    DescribeServicesCommand: command("DescribeServices"),
    UpdateServiceCommand: command("UpdateService"),
  };
  const context = { getRemainingTimeInMillis: () => 600_000 };
  const ecs = (answers: unknown[]) => {
    const calls: Array<[string, unknown]> = [];
    let i = 0;
    return {
      calls,
      send: async (c: { op: string; input: unknown }) => (
        calls.push([c.op, c.input]),
        c.op === "DescribeServices" ? { services: [answers[Math.min(i++, answers.length - 1)]] } : {}
      ),
    };
  };
  const primary = (revision: number, rolloutState: string) => ({
    deployments: [{ status: "PRIMARY", taskDefinition: taskDefArn(SYNC, revision), rolloutState }],
  });

  it("waits while the rollout is in progress, and succeeds once it completes on the wanted revision", async () => {
    const fake = ecs([primary(7, "IN_PROGRESS"), primary(7, "IN_PROGRESS"), primary(7, "COMPLETED")]);
    await expect(makeHandler(fake, cmd, async () => {})(event, context)).resolves.toMatchObject({
      service: SYNC,
    });
    expect(fake.calls.map(([op]) => op)).toEqual(["DescribeServices", "DescribeServices", "DescribeServices"]);
  });

  it("after a rollback: starts a new attempt of the wanted revision, then fails with what runs", async () => {
    const fake = ecs([primary(6, "COMPLETED")]);
    await expect(makeHandler(fake, cmd, async () => {})(event, context)).rejects.toThrow(
      /rolled back .*task definition \S+:6 runs, not \S+:7/,
    );
    expect(fake.calls[1]).toEqual([
      "UpdateService",
      expect.objectContaining({
        service: SYNC,
        taskDefinition: event.taskDefinition,
        forceNewDeployment: true,
      }),
    ]);
  });

  it("fails on a FAILED rollout, and reports a rollout still running as it times out", async () => {
    await expect(makeHandler(ecs([primary(7, "FAILED")]), cmd, async () => {})(event, context)).rejects.toThrow(
      /deployment of \S+:7 failed/,
    );
    const late = { getRemainingTimeInMillis: () => 1000 };
    await expect(makeHandler(ecs([primary(7, "IN_PROGRESS")]), cmd, async () => {})(event, late)).rejects.toThrow(
      /still in progress/,
    );
  });
});
