// throat:app and throat:mail on a test (Docker) stack: the uploaded config.yaml of every worker
// container (and the migration's) holds the operator's Throat settings and the mail section,
// and the SMTP password reaches the containers only as a Pulumi secret env entry.
import { parse } from "yaml";
import type { ProgramRun } from "../../scripts/offline/mockRuntime";
import { named, runStack } from "../support/runStack";
import { containers, envOf, isSecretValue, labelOf, uploadsOf } from "./support";

const PASSWORD = "smtp-password-for-docker-test-5e1d";
const MAIL = { server: "smtp.example.org", port: 587, username: "throat", defaultFrom: "noreply@example.org" };
const APP = { site: { sub_prefix: "f" }, ratelimit: { default: "30/minute" } };
let run: ProgramRun;
let without: ProgramRun;

beforeAll(async () => {
  run = await runStack(
    "test-mail",
    { mail: MAIL, mailPassword: PASSWORD, app: APP },
    { fromFile: false, secretKeys: ["mailPassword"] },
  );
  without = await runStack("test-nomail", {}, { fromFile: false });
});

const appContainers = (r: ProgramRun) =>
  containers(r).filter((c) => ["worker", "migration"].includes(labelOf(c, "throat.tier") ?? ""));
const configOf = (c: ProgramRun["resources"][number]) => {
  const [file] = Object.entries(uploadsOf(c)).filter(([path]) => path.endsWith("/config.yaml"));
  return parse(file![1].content!);
};

test("every app container's config.yaml holds throat:app's settings and the mail section, without the password", () => {
  const apps = appContainers(run);
  expect(apps.some((c) => labelOf(c, "throat.tier") === "migration")).toBe(true);
  for (const c of apps) {
    const config = configOf(c);
    expect(config.site).toMatchObject({ sub_prefix: "f" });
    expect(config.ratelimit).toEqual({ default: "30/minute" });
    expect(config.mail).toEqual({
      server: "smtp.example.org",
      port: 587,
      use_tls: true,
      username: "throat",
      default_from: "noreply@example.org",
    });
    expect(JSON.stringify(uploadsOf(c))).not.toContain(PASSWORD);
  }
});

test("MAIL_PASSWORD is the configured password, as a secret env entry of every app container", () => {
  for (const c of appContainers(run)) {
    expect(envOf(c).MAIL_PASSWORD).toBe(PASSWORD);
    const entries = named(run, c.name).rawInputs.envs as unknown[];
    const mail = entries.filter((e) => JSON.stringify(e).includes("MAIL_PASSWORD="));
    expect(mail).toHaveLength(1);
    expect(isSecretValue(mail[0])).toBe(true);
  }
  expect(JSON.stringify(run.outputs)).not.toContain(PASSWORD);
});

test("without throat:mail: no mail section and no MAIL_PASSWORD", () => {
  for (const c of appContainers(without)) {
    expect(configOf(c).mail).toBeUndefined();
    expect(envOf(c)).not.toHaveProperty("MAIL_PASSWORD");
  }
});
