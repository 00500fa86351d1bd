// Secrets reach the tasks through Secrets Manager only: `secrets` with valueFrom ARNs, never
// `environment`, never an output, never any input but the secret's own version (and the RDS
// master password). The execution role reads exactly those secrets.
import type { ProgramRun, RecordedResource } from "../../scripts/offline/mockRuntime";
import { autoName } from "../../scripts/offline/rules/awsNames";
import { ofType } from "../support/runStack";
import { containers, dependenciesOfType, envOf, prodPlan, RUN_TIMEOUT, runProd, T, PREFIX } from "./support";

const plan = prodPlan();
const KNOWN_KEY = "known-flask-secret-key-for-this-test-7f3a";
let generated: ProgramRun;
let fromConfig: ProgramRun;
beforeAll(async () => {
  generated = await runProd();
  fromConfig = await runProd({ secretKey: KNOWN_KEY }, { secretKeys: ["secretKey"] });
}, RUN_TIMEOUT);

const appTasks = (run: ProgramRun) => ofType(run, T.taskDefinition).filter((t) => t.name !== `${PREFIX}-static`);
const secretValues = (run: ProgramRun): string[] =>
  ofType(run, T.secretVersion)
    .map((v) => v.inputs.secretString)
    .filter((v): v is string => typeof v === "string" && v.length > 0);
/** Where a secret value may appear: its secret version, and the database's master password. */
const mayHoldSecret = (r: RecordedResource) => r.type === T.secretVersion || r.type === T.rds;

test("the app secrets are `secrets` with Secrets Manager ARNs, never plain environment", () => {
  const secretEnv = Object.keys(plan.app.secretEnv).sort();
  expect(secretEnv).toEqual(["APP_SECRET_KEY", "DATABASE_PASSWORD"]);
  for (const run of [generated, fromConfig]) {
    for (const td of appTasks(run)) {
      const [c] = containers(td);
      expect(Object.keys(envOf(c!)).filter((k) => secretEnv.includes(k))).toEqual([]);
      expect(c!.secrets.map((s) => s.name)).toEqual(secretEnv);
      const arn = Object.fromEntries(c!.secrets.map((s) => [s.name, s.valueFrom]));
      expect(arn.DATABASE_PASSWORD).toMatch(
        new RegExp(`^arn:aws:secretsmanager:[a-z0-9-]+:\\d{12}:secret:${autoName(`${PREFIX}-db-password`)}-`),
      );
      expect(arn.APP_SECRET_KEY).toMatch(
        new RegExp(`^arn:aws:secretsmanager:[a-z0-9-]+:\\d{12}:secret:${autoName(`${PREFIX}-secret-key`)}-`),
      );
    }
    // nginx needs no secret.
    expect(containers(ofType(run, T.taskDefinition).find((t) => t.name === `${PREFIX}-static`)!)[0]!.secrets).toEqual(
      [],
    );
  }
});

test("no task definition is built from a secret value: none depends on a password, a secret version only by its id", () => {
  for (const run of [generated, fromConfig]) {
    for (const td of ofType(run, T.taskDefinition)) {
      expect(dependenciesOfType(run, td, T.randomPassword)).toEqual([]);
      // The version's id pins valueFrom (secrets.ts); its value stays out: no secret input.
      for (const version of dependenciesOfType(run, td, T.secretVersion))
        expect(td.propertyDependencies.containerDefinitions).toContain(version.urn);
      expect(td.secretInputs).toEqual([]);
    }
  }
});

test("the secret key from throat:secretKey is stored, as a secret, and appears nowhere else", () => {
  const version = ofType(fromConfig, T.secretVersion).find((v) => v.name === `${PREFIX}-secret-key`)!;
  expect(version.inputs.secretString).toBe(KNOWN_KEY);
  expect(version.secretInputs).toContain("secretString");
  // No generated key when the config has one.
  expect(ofType(fromConfig, T.randomPassword).map((p) => p.name)).toEqual([`${PREFIX}-db-password`]);
  for (const r of fromConfig.resources.filter((x) => x.type !== T.secretVersion))
    expect(JSON.stringify(r.inputs)).not.toContain(KNOWN_KEY);
  expect(JSON.stringify(fromConfig.outputs)).not.toContain(KNOWN_KEY);
});

test("without throat:secretKey the key is generated (letters and digits) and stored", () => {
  expect(ofType(generated, T.randomPassword).map((p) => [p.name, p.inputs.length, p.inputs.special])).toEqual([
    [`${PREFIX}-db-password`, 40, false],
    [`${PREFIX}-secret-key`, 64, false],
  ]);
  for (const v of ofType(generated, T.secretVersion))
    expect(dependenciesOfType(generated, v, T.randomPassword)).toHaveLength(1);
});

test("whatever value a secret version holds appears in no other input and no output", () => {
  for (const run of [generated, fromConfig]) {
    for (const value of secretValues(run)) {
      for (const r of run.resources.filter((x) => !mayHoldSecret(x)))
        expect(JSON.stringify(r.inputs)).not.toContain(value);
      expect(JSON.stringify(run.outputs)).not.toContain(value);
    }
    expect(run.secretOutputs).toEqual([]);
  }
});

test("the app tasks' execution role reads exactly the secrets they name; the static tier's reads none", () => {
  const policy = (name: string) =>
    JSON.parse(String(ofType(generated, T.rolePolicy).find((p) => p.name === name)!.inputs.policy)) as {
      Statement: Array<{ Action: string | string[]; Resource: unknown }>;
    };
  const reads = (name: string) =>
    policy(name).Statement.filter((s) => [s.Action].flat().some((a) => a.startsWith("secretsmanager:")));
  const app = reads(`${PREFIX}-app-execution`);
  expect(app).toHaveLength(1);
  expect(app[0]!.Action).toEqual(["secretsmanager:GetSecretValue"]);
  // valueFrom is the secret's ARN (7 fields) pinned to a version; IAM grants on the ARN.
  const named = new Set(
    appTasks(generated).flatMap((td) =>
      containers(td)[0]!.secrets.map((s) => s.valueFrom.split(":").slice(0, 7).join(":")),
    ),
  );
  expect([app[0]!.Resource].flat().sort()).toEqual([...named].sort());
  expect(reads(`${PREFIX}-static-execution`)).toEqual([]);
  // Only the app's tasks hold AWS credentials (a task role, for S3: test/aws/userFiles.spec.ts);
  // the static tier calls no AWS API and has none.
  const taskRole = (family: string) =>
    ofType(generated, T.taskDefinition).find((td) => td.inputs.family === family)!.inputs.taskRoleArn;
  expect(taskRole(`${PREFIX}-static`)).toBeUndefined();
  for (const kind of ["sync", "gevent", "socketio"])
    expect(taskRole(`${PREFIX}-${kind}`)).toMatch(new RegExp(String.raw`:role\/${PREFIX}-app-task-`));
  expect(taskRole(`${PREFIX}-migrate`)).toMatch(new RegExp(String.raw`:role\/${PREFIX}-migrate-task-`));
});
