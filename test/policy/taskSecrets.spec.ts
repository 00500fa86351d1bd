// task-definition-secrets-not-in-environment on hand-made task definitions.
import { looksSecret, taskDefinitionSecrets } from "../../policy/taskSecrets";
import { messages, resource } from "./support";
import { T } from "../../policy/types";

interface Container {
  name: string;
  environment?: Record<string, string>;
  secrets?: string[];
  command?: string[];
}

/** A task definition as components/aws/containers.ts writes containerDefinitions. */
const taskDefinition = (family: string, ...containers: Container[]) =>
  resource(T.taskDefinition, family, {
    family,
    containerDefinitions: JSON.stringify(
      containers.map((c) => ({
        name: c.name,
        image: "throat:1",
        ...(c.command ? { command: c.command } : {}),
        environment: Object.entries(c.environment ?? {}).map(([name, value]) => ({ name, value })),
        secrets: (c.secrets ?? []).map((name) => ({
          name,
          valueFrom: `arn:aws:secretsmanager:eu-west-1:123456789012:secret:${name}`,
        })),
      })),
    ),
  });
const check = (...containers: Container[]) =>
  messages([taskDefinition("throat-prod-sync", ...containers)], [taskDefinitionSecrets]);
const throatSecrets = ["DATABASE_PASSWORD", "APP_SECRET_KEY"];
const sync = {
  name: "sync",
  environment: { WORKER_TYPE: "sync", DATABASE_HOST: "db", APP_REDIS_URL: "redis://redis:6379/0" },
  secrets: throatSecrets,
};

test("Throat's secrets through `secrets`, endpoints in the environment: passes", async () => {
  expect(await check(sync)).toEqual([]);
});

test("DATABASE_PASSWORD in the plain environment", async () => {
  expect(
    await check({
      ...sync,
      environment: { ...sync.environment, DATABASE_PASSWORD: "hunter2" },
      secrets: ["APP_SECRET_KEY"],
    }),
  ).toEqual([
    "Task definition throat-prod-sync, container sync: DATABASE_PASSWORD is in the plain environment, where anyone allowed to describe the task definition reads it. Pass it through the container's secrets (valueFrom: a Secrets Manager ARN) instead.",
  ]);
});

test("a Throat worker without APP_SECRET_KEY at all", async () => {
  expect(await check({ ...sync, secrets: ["DATABASE_PASSWORD"] })).toEqual([
    "Task definition throat-prod-sync, container sync runs Throat but does not get APP_SECRET_KEY through its secrets: add it (valueFrom: the Secrets Manager ARN that holds it).",
  ]);
});

test("the migration runs Throat too, however its command is wrapped", async () => {
  const migrate = {
    name: "migrate",
    command: [
      "/bin/sh",
      "-c",
      "cp configs/prod-sync/config.yaml config.yaml && exec python3 throat.py migration apply",
    ],
  };
  expect(await check(migrate)).toEqual(
    throatSecrets.map(
      (s) =>
        `Task definition throat-prod-sync, container migrate runs Throat but does not get ${s} through its secrets: add it (valueFrom: the Secrets Manager ARN that holds it).`,
    ),
  );
});

test("any container: secret-looking names, and passwords inside URLs", async () => {
  const nginx = {
    name: "nginx",
    environment: {
      STRIPE_API_TOKEN: "t",
      CACHE_REDIS_URL: "redis://:s3cret@redis:6379/1",
      NGINX_MAIN_CONF: "worker_processes 1;",
    },
  };
  expect(await check(nginx)).toEqual([
    "Task definition throat-prod-sync, container nginx: STRIPE_API_TOKEN is in the plain environment, where anyone allowed to describe the task definition reads it. Pass it through the container's secrets (valueFrom: a Secrets Manager ARN) instead.",
    "Task definition throat-prod-sync, container nginx: CACHE_REDIS_URL is a URL with a password in it. Leave the password out of the URL and pass it through the container's secrets.",
  ]);
});

test("container definitions that are not JSON cannot be checked, which is itself a violation", async () => {
  const broken = resource(T.taskDefinition, "broken", {
    family: "broken",
    containerDefinitions: "[{",
  });
  const [message] = await messages([broken], [taskDefinitionSecrets]);
  expect(message).toMatch(
    /^Task definition broken: containerDefinitions is not valid JSON \(.+\); this policy cannot check its environment\.$/,
  );
});

test.each([
  ["DATABASE_PASSWORD", true],
  ["APP_SECRET_KEY", true],
  ["GITHUB_TOKEN", true],
  ["AWS_SECRET_ACCESS_KEY", true],
  ["SENTRY_DSN", true],
  ["PGPASSWORD", true],
  ["POSTGRES_PASSWORD_FILE", false],
  ["MONKEY_COUNT", false],
  ["DATABASE_HOST", false],
  ["RECAPTCHA_SITE_KEY", false],
  ["MATRIX_PUBLIC_KEY", false],
  ["CACHE_KEY_PREFIX", false],
  ["AWS_ACCESS_KEY_ID", false],
])("%s looks secret: %s", (name, secret) => {
  expect(looksSecret(name)).toBe(secret);
});
