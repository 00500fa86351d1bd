// What AWS would refuse in a plan, found before a single resource is registered, every problem
// at once, each naming its config key (the way the settings report theirs). These belong in the
// plan or the settings schema eventually (see the report); until then the AWS target checks them.
import * as pulumi from "@pulumi/pulumi";
import type { Plan } from "../plan";
import { describeFargatePair, LOG_RETENTION_DAYS } from "./limits";
import { MAX_ZONES } from "./network";

export function awsProblems(plan: Plan): string[] {
  const { settings } = plan;
  const problems: string[] = [];
  for (const w of plan.workers) {
    const pair = describeFargatePair(w.cpu, w.memory);
    if (pair) problems.push(`throat:workers.${w.kind}.cpu / throat:workers.${w.kind}.memory: ${pair}.`);
  }
  const socketio = plan.workers.find((w) => w.kind === "socketio");
  if (socketio && socketio.replicas.min !== socketio.replicas.max) {
    // Scaling in would cut every websocket of the stopped tasks.
    problems.push(`throat:workers.socketio.replicas: got min ${socketio.replicas.min}, max ${socketio.replicas.max}; socket.io workers run a fixed count on AWS (scaling in drops their websockets): give one number.`);
  }
  if (!LOG_RETENTION_DAYS.includes(settings.aws.logRetentionDays)) {
    const near = LOG_RETENTION_DAYS.reduce((a, b) => (Math.abs(b - settings.aws.logRetentionDays) < Math.abs(a - settings.aws.logRetentionDays) ? b : a));
    problems.push(`throat:aws.logRetentionDays: got ${settings.aws.logRetentionDays}; CloudWatch Logs keeps ${LOG_RETENTION_DAYS.join(", ")} days only (nearest: ${near}).`);
  }
  if (!settings.aws.vpcId && settings.aws.availabilityZones > MAX_ZONES) {
    problems.push(`throat:aws.availabilityZones: got ${settings.aws.availabilityZones}; the VPC layout holds at most ${MAX_ZONES} zones.`);
  }
  if (!settings.aws.vpcId && (settings.aws.publicSubnetIds || settings.aws.privateSubnetIds)) {
    problems.push(`throat:aws.publicSubnetIds / privateSubnetIds are set without throat:aws.vpcId: name the VPC they belong to, or remove them to create a VPC.`);
  }
  return problems;
}

/** Throws one RunError (printed without a stack trace) listing every problem. */
export function checkAwsPlan(plan: Plan): void {
  const problems = awsProblems(plan);
  if (problems.length === 1) throw new pulumi.RunError(problems[0]!);
  if (problems.length) throw new pulumi.RunError(`Stack "${plan.settings.stack}" has ${problems.length} problems AWS would refuse:\n${problems.map((p) => `  - ${p}`).join("\n")}`);
}
