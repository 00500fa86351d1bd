// The policy pack `pulumi preview --policy-pack policy` runs. It only builds the pack: the
// policies are in policies.ts. Every policy is mandatory: a violation fails the preview or update.
import { PolicyPack } from "@pulumi/policy";
import { policies } from "./policies";

new PolicyPack("throat", { policies, enforcementLevel: "mandatory" });
