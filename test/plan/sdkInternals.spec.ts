// The SDK internals the program and the offline plan rely on (components/sdkInternals.ts) are
// still there: an SDK upgrade that drops or renames one fails here, by name and version, rather
// than as a silently empty secret list or an offline plan that records nothing.
import * as pulumi from "@pulumi/pulumi";
import * as random from "@pulumi/random";
import { missingSdkInternals, mockMonitor, sdkVersion, secretConfigKeys } from "../../components/sdkInternals";
import { runProgram } from "../../scripts/offline/mockRuntime";

const gone = (names: string[]) =>
  names.length ? `@pulumi/pulumi ${sdkVersion()} no longer has ${names.join(", ")}` : "";

describe("Pulumi SDK internals behind components/sdkInternals.ts", () => {
  it("are all present in the installed SDK, the mock monitor's included", async () => {
    expect(gone(missingSdkInternals())).toBe("");
    await pulumi.runtime.setMocks({ newResource: (a) => ({ id: a.name, state: a.inputs }), call: (a) => a.inputs });
    expect(gone(missingSdkInternals(mockMonitor()))).toBe("");
  });

  it("name what is missing and the SDK version", () => {
    const message = gone(missingSdkInternals({ newUrn: () => "" }));
    expect(message).toContain(`@pulumi/pulumi ${sdkVersion()}`);
    expect(message).toContain("MockMonitor.registerResource");
    expect(message).not.toContain("newUrn");
  });

  it("read which config keys are secrets, as the CLI passed them", () => {
    pulumi.runtime.setAllConfig({ "throat:secretKey": "s", "throat:domain": "d" }, ["throat:secretKey"]);
    expect(secretConfigKeys()).toEqual(["throat:secretKey"]);
  });

  it("record a registration with its URN, options and secret inputs through the wrapped monitor", async () => {
    const run = await runProgram({
      stack: "sdk-check",
      config: {},
      program: async () => {
        const parent = new pulumi.ComponentResource("throat:check:Parent", "p");
        new random.RandomId("child", { byteLength: 4, prefix: pulumi.secret("x") }, { parent, protect: true });
        return {};
      },
    });
    const child = run.resources.find((r) => r.name === "child");
    expect(child).toMatchObject({
      type: "random:index/randomId:RandomId",
      urn: "urn:pulumi:sdk-check::throat::throat:check:Parent$random:index/randomId:RandomId::child",
      parent: run.resources.find((r) => r.name === "p")!.urn,
      protect: true,
      custom: true,
      inputs: { byteLength: 4, prefix: "x" },
      secretInputs: ["prefix"],
    });
  });
});
