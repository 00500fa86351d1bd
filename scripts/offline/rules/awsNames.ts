// What AWS names things in the mock runtime: the account, the region (the stack's aws:region),
// Pulumi's auto-names and the ARNs other resources point at. Shared by the state and check rules.
import { createHash } from "node:crypto";
import * as pulumi from "@pulumi/pulumi";
import { AUTONAME_SUFFIX } from "../../../components/aws/limits";

export const ACCOUNT = "123456789012";

export function region(): string {
  return pulumi.runtime.allConfig()["aws:region"] ?? "us-east-1";
}
export const hex = (text: string, n: number) => createHash("sha256").update(text).digest("hex").slice(0, n);
/** What Pulumi's auto-naming would make of a logical name: "-" and 7 hex characters. */
export function autoName(name: string): string {
  return `${name}-${hex(name, AUTONAME_SUFFIX - 1)}`;
}
export const arn = (service: string, resource: string) => `arn:aws:${service}:${region()}:${ACCOUNT}:${resource}`;
export const physical = (name: string, inputs: Record<string, unknown>) =>
  typeof inputs.name === "string" ? inputs.name : autoName(name);

export function albArn(name: string, inputs: Record<string, unknown>): string {
  return arn("elasticloadbalancing", `loadbalancer/app/${physical(name, inputs)}/${hex(name, 16)}`);
}
export function listenerArn(name: string): string {
  return arn("elasticloadbalancing", `listener/app/${name}/${hex(`${name}-alb`, 16)}/${hex(name, 16)}`);
}
