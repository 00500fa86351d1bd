// Builds Settings and Plans from config the way a stack file would hold it, for unit tests.
import { readFileSync } from "node:fs";
import * as path from "node:path";
import { buildPlan, Plan } from "../../components/plan";
import { parseSettings, Settings } from "../../components/settings";

export const ROUTE_LIST = readFileSync(path.join(__dirname, "../../throat/route-list.txt"), "utf8");

/** `config` keys without the `throat:` prefix, values as in YAML; `secret` keys are marked secret. */
export function raw(config: Record<string, unknown>): Record<string, string> {
  return Object.fromEntries(
    Object.entries(config).map(([k, v]) => [`throat:${k}`, typeof v === "string" ? v : JSON.stringify(v)]),
  );
}

export function settings(stack: string, config: Record<string, unknown> = {}, secret: string[] = []): Settings {
  return parseSettings(
    stack,
    raw(config),
    secret.map((k) => `throat:${k}`),
  );
}

export const PROD_REQUIRED = {
  siteName: "forum.example.org",
  image: "registry.example.org/throat:1",
  edge: { certificateArn: "arn:aws:acm:eu-west-1:123456789012:certificate/0000-test" },
};

export function plan(stack: string, config: Record<string, unknown> = {}, routeList = ROUTE_LIST): Plan {
  const base = stack === "prod" ? PROD_REQUIRED : {};
  return buildPlan(settings(stack, { ...base, ...config }), routeList);
}

/** The message of the error `f` throws (fails the test if it does not throw). */
export function errorOf(f: () => unknown): string {
  try {
    f();
  } catch (e) {
    return (e as Error).message;
  }
  throw new Error("expected an error, got none");
}
