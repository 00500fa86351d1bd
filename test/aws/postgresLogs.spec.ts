// PostgreSQL's log group is the stack's: created with throat:aws.logRetentionDays before the
// instance publishes into it, so RDS does not make it itself (never-expire retention, outside the
// stack, left behind by destroy). The mock refuses an instance whose group is not there first
// (scripts/offline/rules/awsRefs.ts) and a second deploy that would create a group RDS already made
// (scripts/offline/rules/lifecycle.ts).
import * as pulumi from "@pulumi/pulumi";
import { rdsLogGroupName } from "../../components/aws/database";
import type { ProgramRun } from "../../scripts/offline/mockRuntime";
import { check } from "../../scripts/offline/rules/awsRefs";
import { updateRefusals } from "../../scripts/offline/rules/lifecycle";
import { ofType } from "../support/runStack";
import { RUN_TIMEOUT, runProd, T, PREFIX } from "./support";

let run: ProgramRun;
beforeAll(async () => {
  run = await runProd({ aws: { logRetentionDays: 14 } });
}, RUN_TIMEOUT);

const GROUP = `/aws/rds/instance/${PREFIX}/postgresql`;

test("the instance's postgresql export goes to the stack's group, with the stack's retention, made first", () => {
  const instance = ofType(run, T.rds)[0]!;
  expect(instance.inputs.identifier).toBe(PREFIX);
  expect(instance.inputs.enabledCloudwatchLogsExports).toEqual(["postgresql"]);
  expect(rdsLogGroupName(PREFIX, "postgresql")).toBe(GROUP);
  const groups = ofType(run, T.logGroup).filter((g) => g.inputs.name === GROUP);
  expect(groups).toHaveLength(1);
  expect(groups[0]!.inputs.retentionInDays).toBe(14);
  expect(groups[0]!.retainOnDelete).toBe(false);
  // dependsOn: the engine creates the group before the instance, and deletes it after.
  expect(instance.dependencies).toContain(groups[0]!.urn);
});

test("the mock refuses an instance exporting logs into a group the stack did not create first", () => {
  pulumi.runtime.setAllConfig({}, []);
  const instance = (identifier: string) => () =>
    check(T.rds, `${identifier}-postgres`, {
      identifier,
      engine: "postgres",
      enabledCloudwatchLogsExports: ["postgresql"],
    });
  expect(instance("pglogs-alone")).toThrow(
    /RDS would create \/aws\/rds\/instance\/pglogs-alone\/postgresql itself, with never-expire retention/,
  );
  check(T.logGroup, "pglogs-made", { name: "/aws/rds/instance/pglogs-made/postgresql", retentionInDays: 30 });
  expect(instance("pglogs-made")).not.toThrow();
});

test("a stack whose RDS already made the group cannot create it: ResourceAlreadyExistsException", () => {
  // The same stack deployed before the group was the stack's: RDS has made it by now.
  const before = {
    ...run,
    resources: run.resources.filter((r) => !(r.type === T.logGroup && r.inputs.name === GROUP)),
  };
  expect(updateRefusals(before, run)).toEqual([
    expect.stringMatching(/ResourceAlreadyExistsException.*\/postgresql, made by RDS\): import it first/),
  ]);
  expect(updateRefusals(run, run)).toEqual([]);
});
