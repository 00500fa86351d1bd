// settings -> plan -> target. Everything the deployment means is decided in components/plan;
// the target (Docker for test stacks, AWS for prod) only turns the plan into resources.
import * as pulumi from "@pulumi/pulumi";
import { planFromConfig, StackConfigError } from "./components/load";
import { stackOutputs } from "./components/outputs";
import { readPreviousDeployment } from "./components/previous";
import { secretConfigKeys } from "./components/sdkInternals";

export = async () => {
  let plan;
  try {
    const secretKeys = secretConfigKeys();
    // Validated first, so a config error registers nothing (not even the reference below);
    // then again against what runs now, for the rollout's own budget (components/previous.ts).
    planFromConfig(pulumi.getStack(), pulumi.runtime.allConfig(), secretKeys);
    const previous = await readPreviousDeployment();
    plan = planFromConfig(pulumi.getStack(), pulumi.runtime.allConfig(), secretKeys, previous);
  } catch (e) {
    // RunError: Pulumi prints the message alone, no stack trace, and registers nothing.
    if (e instanceof StackConfigError) throw new pulumi.RunError(e.message);
    throw e;
  }
  // What the profile lets pass but an operator must see (e.g. socketio memory on test).
  for (const warning of plan.warnings) void pulumi.log.warn(warning);
  // Load only the target in use: the test profile never loads the AWS provider.
  const target =
    plan.settings.profile === "prod"
      ? new (await import("./components/aws")).AwsStack("throat", { plan })
      : new (await import("./components/docker")).DockerStack("throat", { plan });
  return stackOutputs(plan, target);
};
