// What the "built alone" specs share: one component built as the only program under the
// project's mocks, and readers of what it registered (its children, IAM statements, ARNs).
import { ProgramRun, RecordedResource, runProgram } from "../../scripts/offline/mockRuntime";
import { ACCOUNT } from "../../scripts/offline/rules/awsNames";
import { one } from "./support";

/** Builds what `program` registers as the only program; what it returns are the stack outputs. */
export const buildAlone = (program: () => Record<string, unknown> | void): Promise<ProgramRun> =>
  runProgram({
    stack: "component",
    config: { "aws:region": "eu-west-1" },
    program: async () => program() ?? {},
  });

export const childrenOf = (run: ProgramRun, type: string, name: string): RecordedResource[] => {
  const component = one(run, type, name);
  return run.resources.filter((r) => r.parent === component.urn);
};
export const typesAndNames = (rs: RecordedResource[]) => rs.map((r) => `${r.type} ${r.name}`).sort();

export type Statement = Record<string, unknown> & { Effect: string; Action: unknown; Resource: unknown };
export const statementsOf = (r: RecordedResource): Statement[] =>
  (JSON.parse(String(r.inputs.policy)) as { Statement: Statement[] }).Statement;
export const arnIn = (service: string, resource: string) => `arn:aws:${service}:eu-west-1:${ACCOUNT}:${resource}`;
