// The one place that reaches into @pulumi/pulumi internals: functions the SDK exports from
// `pulumi.runtime` without declaring them in its .d.ts, and the mock monitor's methods. An SDK
// upgrade that removes or renames one breaks here, and test/plan/sdkInternals.spec.ts names it
// with the SDK version, instead of a cast failing silently somewhere else.
import { readFileSync } from "node:fs";
import * as path from "node:path";
import * as pulumi from "@pulumi/pulumi";

/** What the SDK's runtime module has at run time but does not declare in its types. */
interface UndeclaredRuntime {
  /** True when the CLI passed this config key as a secret (`pulumi config set --secret`). */
  isConfigSecret(key: string): boolean;
  /** Resolves once every resource registration the program started has been answered. */
  waitForRPCs(): Promise<void>;
}

const runtime = pulumi.runtime as unknown as UndeclaredRuntime;

/** The registration request the mock monitor receives (a protobuf RegisterResourceRequest). */
export interface RegisterRequest {
  getType(): string;
  getName(): string;
  getParent(): string;
  getCustom(): boolean;
  getProtect?(): boolean;
  getRetainondelete?(): boolean;
  getDeletebeforereplace(): boolean;
  getDeletebeforereplacedefined(): boolean;
  getPropertydependenciesMap(): {
    forEach(f: (deps: { getUrnsList(): string[] }, key: string) => void): void;
  };
  getDependenciesList(): string[];
  getObject(): { toJavaScript(): Record<string, unknown> } | undefined;
}

/** The parts of the SDK's MockMonitor (runtime/mocks.js) the offline plan wraps and calls. */
export interface MockMonitor {
  registerResource(req: RegisterRequest, cb: unknown): Promise<void>;
  newUrn(parent: string, type: string, name: string): string;
}

/** The config keys the CLI passed as secrets. */
export function secretConfigKeys(): string[] {
  return Object.keys(pulumi.runtime.allConfig()).filter((k) => runtime.isConfigSecret(k));
}

export function waitForRPCs(): Promise<void> {
  return runtime.waitForRPCs();
}

/** The monitor `pulumi.runtime.setMocks` installed (call after it). */
export function mockMonitor(): MockMonitor {
  return pulumi.runtime.getMonitor() as unknown as MockMonitor;
}

/** The SDK's version, for the message when one of the internals above is gone. */
export function sdkVersion(): string {
  const manifest = path.join(path.dirname(require.resolve("@pulumi/pulumi")), "package.json");
  return (JSON.parse(readFileSync(manifest, "utf8")) as { version: string }).version;
}

/**
 * Every internal this module relies on that is missing, as `where.name`. `monitor` is a monitor
 * from `pulumi.runtime.setMocks`, checked when given.
 */
export function missingSdkInternals(monitor?: unknown): string[] {
  const need: [string, unknown, string][] = [
    ["pulumi.runtime", runtime, "isConfigSecret"],
    ["pulumi.runtime", runtime, "waitForRPCs"],
  ];
  if (monitor !== undefined) {
    need.push(["MockMonitor", monitor, "registerResource"], ["MockMonitor", monitor, "newUrn"]);
  }
  return need
    .filter(([, owner, name]) => typeof (owner as Record<string, unknown>)[name] !== "function")
    .map(([where, , name]) => `${where}.${name}`);
}
