// Secrets never travel as plain environment in an ECS task definition: anyone allowed to
// describe task definitions (ecs:DescribeTaskDefinition, the console) reads `environment`, and
// every revision keeps it forever. They go through `secrets` (valueFrom: a Secrets Manager or
// SSM ARN), which ECS resolves at task start with the execution role.
// Sees: each container's environment names and values, its secrets' names, its command.
// Cannot see: secrets baked into the image or its config files, what a valueFrom ARN holds,
// Docker containers (Docker has no secret store: there the values are Pulumi secrets in `envs`,
// which the engine hands to policies already decrypted, so a policy cannot tell them apart).
import type { ResourceValidationPolicy } from "@pulumi/policy";
import { ecsContainers, envOfEcs, runsMigration } from "./containers";
import { read, text } from "./data";
import { T } from "./types";

/** Words of a variable name (split at `_`) that mark a secret... */
const SECRET_WORDS = new Set(["PWD", "PASS", "KEY", "KEYS", "APIKEY", "CREDENTIAL", "CREDENTIALS", "PRIVATE", "DSN"]);
/** ...and parts that mark one even inside a word (PGPASSWORD, DBSECRET). */
const SECRET_PARTS = /PASSWORD|PASSWD|SECRET|TOKEN/;

/**
 * Names that contain such a word and are still plain: a public key or site key is published
 * by design (reCAPTCHA's site key is in every page), a key prefix or a key id names a key
 * without being one (its secret partner, e.g. AWS_SECRET_ACCESS_KEY, is still caught), and a
 * *_FILE variable holds the path of a file with the secret (POSTGRES_PASSWORD_FILE).
 */
const PLAIN = [/_PUBLIC_KEY$/, /(^|_)SITE_KEY$/, /_KEY_PREFIX$/, /_KEY_ID$/, /_FILE$/];

/** What Throat reads as secrets (plan.app.secretEnv): each must come through `secrets`. */
export const THROAT_SECRETS = ["DATABASE_PASSWORD", "APP_SECRET_KEY"];

export function looksSecret(name: string): boolean {
  const upper = name.toUpperCase();
  if (PLAIN.some((re) => re.test(upper))) return false;
  return upper.split(/[^A-Z0-9]+/).some((word) => SECRET_WORDS.has(word) || SECRET_PARTS.test(word));
}

/** A URL with a password in it: scheme://user:password@host. */
const URL_WITH_PASSWORD = /^[a-z][a-z0-9+.-]*:\/\/[^/@\s:]*:[^/@\s]+@/i;

export const taskDefinitionSecrets: ResourceValidationPolicy = {
  name: "task-definition-secrets-not-in-environment",
  description:
    "No secret in an ECS task definition's plain environment; Throat's containers get DATABASE_PASSWORD and APP_SECRET_KEY through `secrets`.",
  enforcementLevel: "mandatory",
  validateResource: (args, reportViolation) => {
    if (args.type !== T.taskDefinition) return;
    const family = text(read(args.props, "family")) ?? args.name;
    const parsed = ecsContainers(args.props);
    if ("unknown" in parsed) throw parsed.unknown.error;
    if ("invalid" in parsed)
      return reportViolation(`Task definition ${family}: ${parsed.invalid}; this policy cannot check its environment.`);
    for (const c of parsed.ok) {
      const where = `Task definition ${family}, container ${c.name}`;
      for (const { name, value } of c.environment) {
        if (looksSecret(name)) {
          reportViolation(
            `${where}: ${name} is in the plain environment, where anyone allowed to describe the task definition reads it. Pass it through the container's secrets (valueFrom: a Secrets Manager ARN) instead.`,
          );
        } else if (URL_WITH_PASSWORD.test(value)) {
          reportViolation(
            `${where}: ${name} is a URL with a password in it. Leave the password out of the URL and pass it through the container's secrets.`,
          );
        }
      }
      const env = envOfEcs(c);
      if (!env.has("WORKER_TYPE") && !runsMigration(c.commandLine)) continue;
      for (const secret of THROAT_SECRETS) {
        // One in the plain environment is reported above, with its fix.
        if (!c.secretNames.includes(secret) && !env.has(secret)) {
          reportViolation(
            `${where} runs Throat but does not get ${secret} through its secrets: add it (valueFrom: the Secrets Manager ARN that holds it).`,
          );
        }
      }
    }
  },
};
