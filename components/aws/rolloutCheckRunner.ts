// The Lambda function that checks a service's rollout after `pulumi up` updated it (see
// rolloutCheck.ts). Like migrationRunner.ts, Lambda runs this file's JavaScript (lambdaArchive.ts
// transpiles it at program time); tests and the mock provider import the same module.
//
// The service's own steady-state wait counts "one deployment, running == desired" as stable
// whichever task definition runs, so a deploy the circuit breaker rolled back looks like success
// (hashicorp/terraform-provider-aws#20858). The handler throws (failing the aws.lambda.Invocation
// and with it 'pulumi up') unless the PRIMARY deployment runs the expected task definition and
// its rolloutState is COMPLETED.
import type { CommandClass, EcsClient, LambdaContext, Sleep } from "./lambdaEcs";

/** The event aws.lambda.Invocation sends (its `input`). */
export interface RolloutEvent {
  check: "rollout";
  cluster: string;
  service: string;
  /** The task definition ARN, with its revision, that this deploy registered for the service. */
  taskDefinition: string;
}

/** The ECS commands the check sends (what `@aws-sdk/client-ecs` exports under these names). */
export interface RolloutCommands {
  DescribeServicesCommand: CommandClass;
  UpdateServiceCommand: CommandClass;
}

/** The part of a DescribeServices service the check reads. */
export interface DescribedService {
  deployments?: Array<{ status?: string; taskDefinition?: string; rolloutState?: string; rolloutStateReason?: string }>;
  events?: Array<{ message?: string }>;
}

export type RolloutVerdict = { state: "done" | "wait" | "failed" | "rolledBack"; message?: string };

export type RolloutHandler = (event: RolloutEvent, context: LambdaContext) => Promise<unknown>;

const POLL_MS = 15000;
const MARGIN_MS = 30000;

/** What a DescribeServices answer means for this check: done, wait, or the error to throw. */
export function rolloutVerdict(event: RolloutEvent, service: DescribedService | undefined): RolloutVerdict {
  if (!service) return { state: "failed", message: `service ${event.service} not found in ${event.cluster}` };
  const primary = (service.deployments || []).find((d) => d.status === "PRIMARY");
  const events = (service.events || [])
    .slice(0, 3)
    .map((e) => e.message)
    .join(" | ");
  const running = primary ? primary.taskDefinition : "none";
  if (primary && primary.taskDefinition === event.taskDefinition) {
    if (primary.rolloutState === "COMPLETED") return { state: "done" };
    if (primary.rolloutState === "FAILED") {
      const reason = primary.rolloutStateReason || "no reason given";
      return {
        state: "failed",
        message: `service ${event.service}: the deployment of ${event.taskDefinition} failed (${reason})`,
      };
    }
    return { state: "wait" };
  }
  return {
    state: "rolledBack",
    message:
      `service ${event.service}: the deploy rolled back (deployment circuit breaker); task definition ` +
      `${String(running)} runs, not ${event.taskDefinition}. Latest service events: ${events || "none"}. ` +
      `A new attempt of ${event.taskDefinition} has been started; fix the cause and run 'pulumi up' again: ` +
      "it checks again.",
  };
}

export function makeHandler(
  ecs: EcsClient,
  cmd: RolloutCommands,
  sleep: Sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
): RolloutHandler {
  return async function handler(event, context) {
    for (;;) {
      const out = await ecs.send(
        new cmd.DescribeServicesCommand({ cluster: event.cluster, services: [event.service] }),
      );
      const verdict = rolloutVerdict(event, ((out.services as DescribedService[] | undefined) || [])[0]);
      if (verdict.state === "done") return { service: event.service, taskDefinition: event.taskDefinition };
      if (verdict.state === "rolledBack") {
        // Try again: the next 'pulumi up' finds this attempt as the primary deployment and waits for it.
        await ecs.send(
          new cmd.UpdateServiceCommand({
            cluster: event.cluster,
            service: event.service,
            taskDefinition: event.taskDefinition,
            forceNewDeployment: true,
          }),
        );
        throw new Error(verdict.message);
      }
      if (verdict.state === "failed") throw new Error(verdict.message);
      if (context.getRemainingTimeInMillis() < POLL_MS + MARGIN_MS) {
        throw new Error(
          `service ${event.service}: the deployment of ${event.taskDefinition} is still in progress as this ` +
            "check times out; run 'pulumi up' again to wait for it.",
        );
      }
      await sleep(POLL_MS);
    }
  };
}

/** The module Lambda's nodejs runtime provides; a variable, so tsc does not look for its types. */
const ECS_SDK = "@aws-sdk/client-ecs";
let live: RolloutHandler | undefined;

/** What Lambda calls (`index.handler`): the real ECS client, made on the first call. */
export async function handler(event: RolloutEvent, context: LambdaContext): Promise<unknown> {
  if (!live) {
    const sdk = (await import(ECS_SDK)) as RolloutCommands & { ECSClient: new (config: object) => EcsClient };
    live = makeHandler(new sdk.ECSClient({}), sdk);
  }
  return live(event, context);
}
