// What every Docker tier shares: facts of the images it runs, the labels that let an operator
// find a stack's containers (`docker ps --filter label=throat.stack=test`), and the way
// environment variables reach a container (a `KEY=value` list, secrets kept as secrets).
import * as pulumi from "@pulumi/pulumi";
import type * as docker from "@pulumi/docker";
import type { AppConfig, Endpoints, SecretName } from "../plan/appConfig";
import { resolveEnv } from "../plan/appConfig";
import type { dockerNames } from "../plan/names";

/** The plan's Docker names (plan/names.ts): the stack passes them to each tier. */
export type DockerNames = ReturnType<typeof dockerNames>;

/** Ports the official images (and our PgBouncer image) listen on. */
/** Where a client reaches PostgreSQL (direct) or PgBouncer: a container name and port. */
export interface DatabaseEndpoint {
  host: string;
  port: string;
}

/** `stack`: the settings' stack name (throat.stack), what `docker ps --filter` selects on. */
export function labels(
  stack: string,
  tier: string,
  extra: Record<string, pulumi.Input<string>> = {},
): docker.types.input.ContainerLabel[] {
  const all: Record<string, pulumi.Input<string>> = {
    "throat.stack": stack,
    "throat.tier": tier,
    ...extra,
  };
  return Object.entries(all).map(([label, value]) => ({ label, value }));
}

export function envList(env: Record<string, string>): string[] {
  return Object.entries(env).map(([k, v]) => `${k}=${v}`);
}

/**
 * The app's environment: the plan's plain env with its endpoints filled in, then its secret
 * env. Each secret entry is wrapped on its own, so state and previews hide the value while the
 * plain entries stay readable.
 */
export function appEnv(
  app: Pick<AppConfig, "env" | "secretEnv">,
  endpoints: Endpoints,
  secrets: Partial<Record<SecretName, pulumi.Output<string>>>,
): pulumi.Input<string>[] {
  const secretEntries = Object.entries(app.secretEnv).map(([key, ref]) => {
    const value = secrets[ref];
    if (!value) throw new Error(`${key}: the plan needs the secret ${ref}, which the stack did not provide`);
    return pulumi.secret(pulumi.interpolate`${key}=${value}`);
  });
  return [...envList(resolveEnv(app.env, endpoints)), ...secretEntries];
}

/**
 * Image repository names must be lower case (Docker's reference grammar); stack names need
 * not be, so the prefix is folded before it names an image.
 */
export function imageRepository(namePrefix: string, what: string): string {
  return `${namePrefix}-${what}`.toLowerCase().replace(/[^a-z0-9]+/g, "-");
}
