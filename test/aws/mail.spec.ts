// throat:mail on prod: the SMTP password reaches the tasks only as a Secrets Manager secret in
// the task definitions' `secrets` (never `environment`, never config.yaml in the image), the
// execution role may read it, and the workers' security group opens SMTP egress to the
// configured port only, only when mail is set.
import type { ProgramRun } from "../../scripts/offline/mockRuntime";
import { autoName } from "../../scripts/offline/rules/awsNames";
import { ofType } from "../support/runStack";
import { containers, envOf, RUN_TIMEOUT, runProd, T, PREFIX } from "./support";

const PASSWORD = "smtp-password-for-this-test-91c2";
const MAIL = { server: "smtp.example.org", port: 2525, username: "throat", defaultFrom: "noreply@example.org" };
let withMail: ProgramRun;
let without: ProgramRun;
beforeAll(async () => {
  withMail = await runProd({ mail: MAIL, mailPassword: PASSWORD }, { secretKeys: ["mailPassword"] });
  without = await runProd();
}, RUN_TIMEOUT);

const appTasks = (run: ProgramRun) => ofType(run, T.taskDefinition).filter((t) => t.name !== `${PREFIX}-static`);
const roleOf = (run: ProgramRun, id: unknown) =>
  ofType(run, T.sg)
    .find((g) => `${g.name}-id` === id)
    ?.name.replace(`${PREFIX}-`, "");
const egress = (run: ProgramRun) =>
  ofType(run, T.egress).map(
    (r) =>
      `${roleOf(run, r.inputs.securityGroupId)} -> ${String(r.inputs.cidrIpv4 ?? roleOf(run, r.inputs.referencedSecurityGroupId))}:${String(r.inputs.fromPort)}`,
  );

test("MAIL_PASSWORD is a Secrets Manager secret in every app task's `secrets`, never in `environment`", () => {
  expect(appTasks(withMail).length).toBeGreaterThanOrEqual(4); // sync, gevent, socketio, migration
  for (const td of appTasks(withMail)) {
    const [c] = containers(td);
    expect(Object.keys(envOf(c!))).not.toContain("MAIL_PASSWORD");
    const mail = c!.secrets.find((s) => s.name === "MAIL_PASSWORD");
    expect(mail?.valueFrom).toMatch(
      new RegExp(`^arn:aws:secretsmanager:[a-z0-9-]+:\\d{12}:secret:${autoName(`${PREFIX}-mail-password`)}-`),
    );
  }
  const version = ofType(withMail, T.secretVersion).find((v) => v.name === `${PREFIX}-mail-password`)!;
  expect(version.inputs.secretString).toBe(PASSWORD);
  expect(version.secretInputs).toContain("secretString");
});

test("the password appears in no other input (task definitions, image builds, config files) and no output", () => {
  for (const r of withMail.resources.filter((x) => x.type !== T.secretVersion))
    expect(JSON.stringify(r.inputs)).not.toContain(PASSWORD);
  expect(JSON.stringify(withMail.outputs)).not.toContain(PASSWORD);
});

test("the app execution role may read the mail secret", () => {
  const policy = JSON.parse(
    String(ofType(withMail, T.rolePolicy).find((p) => p.name === `${PREFIX}-app-execution`)!.inputs.policy),
  ) as { Statement: Array<{ Action: string | string[]; Resource: unknown }> };
  const arns = policy.Statement.filter((s) => [s.Action].flat().includes("secretsmanager:GetSecretValue")).flatMap(
    (s) => [s.Resource].flat(),
  );
  const valueFrom = containers(appTasks(withMail)[0]!)[0]!.secrets.find((s) => s.name === "MAIL_PASSWORD")!.valueFrom;
  // valueFrom is the secret's ARN and :json-key:version-stage:version-id; IAM grants on the ARN.
  expect(arns).toContain(valueFrom.split(":").slice(0, 7).join(":"));
});

test("SMTP egress: the workers to the configured port only with mail; nothing without it", () => {
  const added = egress(withMail).filter((f) => !egress(without).includes(f));
  expect(added).toEqual(["workers -> 0.0.0.0/0:2525"]);
  const smtpPorts = ["25", "465", "587", "2525"];
  expect(egress(without).filter((f) => smtpPorts.includes(f.split(":").pop()!))).toEqual([]);
  // No mail secret either.
  expect(ofType(without, T.secret).map((s) => s.name)).not.toContain(`${PREFIX}-mail-password`);
  for (const td of appTasks(without))
    expect(containers(td)[0]!.secrets.map((s) => s.name)).not.toContain("MAIL_PASSWORD");
});
