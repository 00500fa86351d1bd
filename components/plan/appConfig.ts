// What every worker process is configured with, split by how it can travel (docs/throat-contract.md, Configuration keys):
// - config.yaml (selected by CONFIG_NAME): everything typed. The app turns an env value into an
//   int only where its own default is an int, so `APP_DEBUG=False` would be the truthy string
//   "False": booleans, and the pool settings we want as numbers, go in the file.
// - environment: what is only known at deploy time (database and Redis endpoints) and
//   secrets, which must never be baked into a file or an image. Secrets are references here;
//   the targets resolve them to Pulumi secrets (Docker) or Secrets Manager (AWS).
import { stringify } from "yaml";
import type { Settings, WorkerKind } from "../settings";
import type { ProxyChain } from "./proxies";
import type { WorkerService } from "./workers";
import { mergeSections, type Sections, STACK_DEFAULTS } from "./throatSettings";
import { planStorage, type StorageEndpoints } from "./storage";

/**
 * flask-caching's Redis backend by its class name: the plain name "redis" still works in
 * flask-caching 2.x but warns "Using the initialization functions in flask_caching.backend is
 * deprecated" (flask_caching/__init__.py, _set_cache). Throat's own default is "null": no cache
 * at all, and CACHE_REDIS_URL ignored.
 */
export const CACHE_TYPE = "RedisCache";
export const DATABASE_NAME = "throat";
export const DATABASE_USER = "throat";
export const POOLED_ENGINE = "playhouse.pool.PooledPostgresqlDatabase";
/** libpq's sslmode on prod: TLS always, the server's certificate not verified (no RDS CA in the image). */
export const DATABASE_SSLMODE = "require";

/** Deploy-time endpoints an env value may name as `{{name}}`; the target fills them in. */
export interface Endpoints extends Partial<StorageEndpoints> {
  databaseHost: string;
  databasePort: string;
  redisHost: string;
  redisPort: string;
}
export type SecretName = "databasePassword" | "secretKey" | "mailPassword";

export interface ConfigFile {
  name: string;
  /** Path inside the image's working directory (/throat). */
  path: string;
  text: string;
  /** The same content as data, for checks and for the offline plan's JSON. */
  values: Record<string, Record<string, unknown>>;
}

export interface AppConfig {
  configFiles: Record<WorkerKind, ConfigFile>;
  /** Plain environment every worker and the migration task get; `{{endpoint}}` placeholders. */
  env: Record<string, string>;
  /** Environment variables whose values are secrets, by reference. */
  secretEnv: Record<string, SecretName>;
  /** The SMTP server the workers send mail to (throat:mail); prod opens egress to its port only. */
  smtp?: { server: string; port: number };
}

export function planAppConfig(s: Settings, workers: WorkerService[], proxies: ProxyChain): AppConfig {
  const configFiles = Object.fromEntries(
    workers.map((w) => {
      // The sections the stack owns (throatSettings.ts STACK_OWNED_KEYS lists each key).
      const owned: Sections = {
        site: {
          server_name: s.siteName,
          trusted_proxy_count: proxies.trustedProxyCount,
          upload_max_size: s.uploadMaxSize,
        },
        // TLS ends at the edge (nginx or the ALB), which redirects http to https itself; the
        // app sees plain http from the proxy, so force_https would loop. max_content_length is
        // Flask's MAX_CONTENT_LENGTH (Throat's default 10 MiB), the same limit as the edge's.
        app: {
          debug: false,
          development: false,
          testing: false,
          force_https: false,
          max_content_length: s.uploadMaxSize,
        },
        // cache.redis_url comes from the environment (CACHE_REDIS_URL): a deploy-time endpoint.
        cache: { type: CACHE_TYPE },
        ...mailSection(s),
        database: {
          engine: POOLED_ENGINE,
          name: DATABASE_NAME,
          user: DATABASE_USER,
          max_connections: w.poolSize,
          stale_timeout: s.pool.staleTimeout,
          // peewee's own meaning: no `timeout` fails at once when the pool is empty, and
          // `timeout: 0` waits forever. Our 0 means "fail at once", so it omits the key.
          ...(s.pool.timeout > 0 ? { timeout: s.pool.timeout } : {}),
          // Throat hands every database key but name and engine to peewee, which passes what it
          // does not know to psycopg2.connect: libpq's sslmode. RDS for PostgreSQL 15+ refuses
          // non-TLS logins (rds.force_ssl=1); `require` never falls back to plain text as the
          // default `prefer` would. Not verify-full: that needs the RDS CA bundle in the image.
          ...(s.profile === "prod" ? { sslmode: DATABASE_SSLMODE } : {}),
        },
        storage: planStorage(s).section,
      };
      // config.yaml, assembled here and only here: the stack's defaults, then the operator's
      // Throat settings (throat:app, validated in the plan), then what the stack owns.
      const values = mergeSections(STACK_DEFAULTS, s.app as Sections, owned);
      const file: ConfigFile = {
        name: w.configName,
        path: `configs/${w.configName}/config.yaml`,
        text: `# Rendered by the Throat stack for ${w.kind} workers of stack ${s.stack}. Do not edit: change the stack config.\n${stringify(values)}`,
        values,
      };
      return [w.kind, file];
    }),
  ) as Record<WorkerKind, ConfigFile>;
  // Redis on AWS (ElastiCache) encrypts in transit: rediss://, which redis-py speaks, verifying
  // the certificate. On Docker, Redis sits on the stack's private network in plain redis://.
  const redisScheme = s.profile === "prod" ? "rediss" : "redis";
  return {
    configFiles,
    env: {
      DATABASE_HOST: "{{databaseHost}}",
      DATABASE_PORT: "{{databasePort}}",
      APP_REDIS_URL: `${redisScheme}://{{redisHost}}:{{redisPort}}/0`,
      CACHE_REDIS_URL: `${redisScheme}://{{redisHost}}:{{redisPort}}/1`,
      ...planStorage(s).env,
    },
    smtp: s.mail ? { server: s.mail.server, port: s.mail.port } : undefined,
    secretEnv: {
      DATABASE_PASSWORD: "databasePassword",
      APP_SECRET_KEY: "secretKey",
      // Throat's loader adds MAIL_PASSWORD to the mail section (any MAIL_* variable), and
      // Flask-Mail logs in with it: the password never enters config.yaml.
      ...(s.secrets.mailPassword ? { MAIL_PASSWORD: "mailPassword" as const } : {}),
    },
  };
}

/** Throat's `mail` section (Flask-Mail's MAIL_* settings) from throat:mail; none without it. */
function mailSection(s: Settings): Sections {
  if (!s.mail) return {};
  const { server, port, useTls, username, defaultFrom } = s.mail;
  return { mail: { server, port, use_tls: useTls, ...(username ? { username } : {}), default_from: defaultFrom } };
}

/** Fills `{{endpoint}}` placeholders; an unknown name is a programming error. */
export function resolveEnv(env: Record<string, string>, endpoints: Endpoints): Record<string, string> {
  return Object.fromEntries(
    Object.entries(env).map(([k, v]) => [
      k,
      v.replace(/\{\{(\w+)\}\}/g, (_m, name: string) => {
        const value = (endpoints as unknown as Record<string, string | undefined>)[name];
        if (value === undefined) throw new Error(`env ${k}: unknown endpoint {{${name}}}`);
        return value;
      }),
    ]),
  );
}
