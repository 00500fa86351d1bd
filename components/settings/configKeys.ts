// Config keys the stack does not own and no provider in use declares: a misspelt namespace
// (`thraot:workers`), a key without one (`siteName:`), a provider key that does not exist
// (`aws:regoin`). Pulumi hands such keys to the program without a word, and the plan would run
// on defaults; they are refused here, with "did you mean".
import { closestWord } from "./words";

/** The project's namespace (Pulumi.yaml `name`). */
export const PROJECT_NAMESPACE = "throat";

/**
 * The configuration each provider package the project uses declares (its `config/vars.js`:
 * `__config.get("region")`, ...), for the installed versions (package.json); `@pulumi/random`
 * declares none. test/plan/configChecks.spec.ts checks these lists against node_modules.
 */
export const PROVIDER_CONFIG: Record<string, readonly string[]> = {
  aws: [
    "accessKey",
    "allowedAccountIds",
    "assumeRoleWithWebIdentity",
    "assumeRoles",
    "customCaBundle",
    "defaultTags",
    "ec2MetadataServiceEndpoint",
    "ec2MetadataServiceEndpointMode",
    "endpoints",
    "forbiddenAccountIds",
    "httpProxy",
    "httpsProxy",
    "ignoreTags",
    "insecure",
    "maxRetries",
    "noProxy",
    "profile",
    "region",
    "retryMode",
    "s3UsEast1RegionalEndpoint",
    "s3UsePathStyle",
    "secretKey",
    "sharedConfigFiles",
    "sharedCredentialsFiles",
    "skipCredentialsValidation",
    "skipMetadataApiCheck",
    "skipRegionValidation",
    "skipRequestingAccountId",
    "stsRegion",
    "tagPolicyCompliance",
    "token",
    "tokenBucketRateLimiterCapacity",
    "useDualstackEndpoint",
    "useFipsEndpoint",
    "userAgents",
  ],
  docker: [
    "caMaterial",
    "certMaterial",
    "certPath",
    "context",
    "disableDockerDaemonCheck",
    "host",
    "keyMaterial",
    "registryAuth",
    "sshOpts",
  ],
  random: [],
  tls: ["proxy"],
};
/** The engine's own namespace (`pulumi:disable-default-providers`, `pulumi:tags`, ...): passed through unchecked. */
const ENGINE_NAMESPACE = "pulumi";

/** `project:key` -> problems for keys no one owns. `ownKeys`: the top-level keys of the schema. */
export function checkConfigKeys(raw: Record<string, string>, ownKeys: readonly string[]): string[] {
  const problems: string[] = [];
  const namespaces = [PROJECT_NAMESPACE, ENGINE_NAMESPACE, ...Object.keys(PROVIDER_CONFIG)];
  for (const fullKey of Object.keys(raw)) {
    const i = fullKey.indexOf(":");
    if (i < 0) {
      const near = closestWord(fullKey, ownKeys);
      problems.push(
        `config key "${fullKey}" has no namespace, so no one reads it: ` +
          (near
            ? `write "${PROJECT_NAMESPACE}:${near}"`
            : `the stack's keys are "${PROJECT_NAMESPACE}:<key>" (${ownKeys.join(", ")})`),
      );
      continue;
    }
    const ns = fullKey.slice(0, i);
    const key = fullKey.slice(i + 1).replace(/^config:/, "");
    if (ns === PROJECT_NAMESPACE || ns === ENGINE_NAMESPACE) continue;
    const declared = PROVIDER_CONFIG[ns];
    if (!declared) {
      const near = closestWord(ns, namespaces);
      problems.push(
        `config key "${fullKey}": no part of this stack reads the namespace "${ns}"` +
          (near ? ` (did you mean "${near}:${key}"?)` : "") +
          `; namespaces in use: ${namespaces.join(", ")}`,
      );
    } else if (!declared.includes(key)) {
      const near = closestWord(key, declared);
      problems.push(
        `config key "${fullKey}": the ${ns} provider has no setting "${key}"` +
          (near
            ? ` (did you mean "${ns}:${near}"?)`
            : declared.length
              ? `; it has ${declared.join(", ")}`
              : "; it takes no configuration"),
      );
    }
  }
  return problems;
}
