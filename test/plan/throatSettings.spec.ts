// Throat's own settings through the stack config (throat:app, throat:mail): what config.yaml
// holds per worker kind, what the stack owns and refuses, and the mail password as a secret.
import { parse } from "yaml";
import { CACHE_TYPE } from "../../components/plan/appConfig";
import {
  isStackOwned,
  leafPaths,
  mergeSections,
  STACK_DEFAULTS,
  STACK_OWNED_KEYS,
} from "../../components/plan/throatSettings";
import { workerKinds } from "../../components/settings";
import { buildPlan } from "../../components/plan";
import { errorOf, plan, PROD_REQUIRED, ROUTE_LIST, settings } from "../support/settings";

const MAIL = { server: "smtp.example.org", port: 2525, username: "throat", defaultFrom: "noreply@example.org" };
/** A plan with mail and its password stored as a secret (as `pulumi config set --secret` does). */
const withMail = (stack: string) =>
  buildPlan(
    settings(stack, { ...(stack === "prod" ? PROD_REQUIRED : {}), mail: MAIL, mailPassword: "s3cret-pw" }, [
      "mailPassword",
    ]),
    ROUTE_LIST,
  );

describe("the keys the stack owns", () => {
  it("is exactly this list", () => {
    expect(Object.keys(STACK_OWNED_KEYS).sort()).toEqual(
      [
        "database",
        "app.redis_url",
        "app.secret_key",
        "app.debug",
        "app.development",
        "app.testing",
        "app.force_https",
        "app.max_content_length",
        "site.upload_max_size",
        "site.server_name",
        "site.trusted_proxy_count",
        "cache.type",
        "cache.redis_url",
        "mail",
        "storage",
      ].sort(),
    );
  });

  it.each(["test", "prod"])(
    "%s: every key each kind's config.yaml holds is owned by the stack or one of its overridable defaults",
    (stack) => {
      const p = withMail(stack);
      const defaults = leafPaths(STACK_DEFAULTS);
      for (const kind of workerKinds) {
        const values = parse(p.app.configFiles[kind].text);
        for (const key of leafPaths(values))
          expect({ key, known: isStackOwned(key) || defaults.includes(key) }).toEqual({ key, known: true });
      }
    },
  );

  it("env the app reads names only owned keys (the endpoints and secrets)", () => {
    const p = withMail("test");
    const envKeys = [...Object.keys(p.app.env), ...Object.keys(p.app.secretEnv)].map((k) =>
      k.toLowerCase().replace("_", "."),
    );
    for (const key of envKeys) expect({ key, owned: isStackOwned(key) }).toEqual({ key, owned: true });
  });
});

describe("a complete config.yaml per worker kind", () => {
  const p = plan("test");

  it.each(workerKinds)(
    "%s: app.languages (Throat has no default and reads it on every page), the Redis cache, no debug",
    (kind) => {
      const values = parse(p.app.configFiles[kind].text);
      expect(values.app.languages).toEqual(["en", "cs", "es", "ru", "sk"]);
      expect(values.app.fallback_language).toBe("en");
      // Throat's own default is "null": no cache, CACHE_REDIS_URL ignored.
      expect(values.cache).toEqual({ type: CACHE_TYPE });
      expect(CACHE_TYPE).toBe("RedisCache");
      expect(p.app.env.CACHE_REDIS_URL).toMatch(/^redis:\/\/\{\{redisHost\}\}:\{\{redisPort\}\}\/1$/);
    },
  );

  it("takes app.max_content_length, site.upload_max_size and the edge's body limit from throat:uploadMaxSize", () => {
    for (const [config, size] of [
      [{}, 16 * 1024 * 1024],
      [{ uploadMaxSize: 32 * 1024 * 1024 }, 32 * 1024 * 1024],
    ] as const) {
      const q = plan("test", config);
      for (const kind of workerKinds) {
        const values = parse(q.app.configFiles[kind].text);
        expect(values.site.upload_max_size).toBe(size);
        // Throat's own default is 10 MiB: a 12 MiB post would get 413 from the app behind a 16 MiB edge.
        expect(values.app.max_content_length).toBe(size);
      }
      expect(q.edge.uploadMaxSize).toBe(size);
      expect(q.edge.nginxFiles["throat/http.conf"]).toContain(`client_max_body_size ${size};`);
    }
  });
});

describe("throat:app: Throat's own settings merged into every kind's config.yaml", () => {
  const app = {
    site: { sub_prefix: "f", enable_totp: true, footer: { links: { ToS: "/wiki/tos" } } },
    app: { languages: ["en", "es"] },
    ratelimit: { default: "120/minute" },
    auth: { require_valid_emails: true },
    cache: { default_timeout: 600 },
  };
  const p = plan("test", { app });

  it.each(workerKinds)("%s: the operator's keys are there, next to the stack's own", (kind) => {
    const values = parse(p.app.configFiles[kind].text);
    expect(values.site).toMatchObject({
      sub_prefix: "f",
      enable_totp: true,
      footer: { links: { ToS: "/wiki/tos" } },
      server_name: "localhost",
      trusted_proxy_count: 1,
    });
    expect(values.app.languages).toEqual(["en", "es"]);
    expect(values.app).toMatchObject({ debug: false, development: false });
    expect(values.ratelimit).toEqual({ default: "120/minute" });
    expect(values.auth).toEqual({ require_valid_emails: true });
    expect(values.cache).toEqual({ type: CACHE_TYPE, default_timeout: 600 });
    expect(values.database.engine).toBe("playhouse.pool.PooledPostgresqlDatabase");
  });

  it("merges deeply and replaces arrays whole, later layers winning", () => {
    expect(mergeSections({ a: { x: 1, list: [1, 2] } }, { a: { y: 2, list: [3] } }, { a: { x: 9 } })).toEqual({
      a: { x: 9, y: 2, list: [3] },
    });
  });

  const refusals: [Record<string, unknown>, string][] = [
    [
      { database: { host: "db.example.org" } },
      "throat:app.database: the stack sets database itself; use throat:database and throat:pool",
    ],
    [{ app: { redis_url: "redis://elsewhere" } }, "throat:app.app.redis_url: the stack sets app.redis_url itself"],
    [
      { app: { debug: true } },
      "throat:app.app.debug: the stack sets app.debug itself; use nothing: a deployed stack always runs with debug off",
    ],
    [{ app: { development: true } }, "throat:app.app.development: the stack sets app.development itself"],
    [{ app: { force_https: true } }, "throat:app.app.force_https: the stack sets app.force_https itself"],
    [
      { app: { secret_key: "x" } },
      "throat:app.app.secret_key: the stack sets app.secret_key itself; use throat:secretKey",
    ],
    [
      { app: { max_content_length: 1 } },
      "throat:app.app.max_content_length: the stack sets app.max_content_length itself; use throat:uploadMaxSize",
    ],
    [
      { site: { upload_max_size: 1 } },
      "throat:app.site.upload_max_size: the stack sets site.upload_max_size itself; use throat:uploadMaxSize",
    ],
    [
      { site: { trusted_proxy_count: 3 } },
      "throat:app.site.trusted_proxy_count: the stack sets site.trusted_proxy_count itself; use throat:edge.outerProxies",
    ],
    [
      { site: { server_name: "x" } },
      "throat:app.site.server_name: the stack sets site.server_name itself; use throat:siteName",
    ],
    [{ cache: { type: "null" } }, "throat:app.cache.type: the stack sets cache.type itself"],
    [
      { mail: { server: "smtp" } },
      "throat:app.mail: the stack sets mail itself; use throat:mail and throat:mailPassword",
    ],
    [{ auth: { keycloak: { admin_secret: "x" } } }, "throat:app.auth.keycloak.admin_secret: looks like a secret"],
    [{ sites: { name: "x" } }, 'throat:app.sites: Throat has no config section "sites"'],
    [
      { site: { footer: { secure: "v1:abc" } } },
      "throat:app.site.footer: a secret value in throat:app would be decrypted into a plain config.yaml",
    ],
    [
      { site: { name: "x" } },
      "throat:app.site.name: Throat keeps site.name in its database and ignores config.yaml for it; set it in Throat's admin interface",
    ],
    [{ site: { nsfw: { anon: { show: false } } } }, "throat:app.site.nsfw: Throat keeps site.nsfw in its database"],
    [{ site: "x" }, 'throat:app.site: got "x"; a Throat config section is an object of keys'],
  ];
  it.each(refusals)("refuses %j: %s", (app, message) => {
    expect(errorOf(() => plan("test", { app }))).toContain(message);
  });

  it("reports every refused key at once, before any resource", () => {
    const message = errorOf(() =>
      plan("prod", { app: { app: { debug: true }, database: { name: "x" }, site: { sub_prefix: "ok" } } }),
    );
    expect(message).toContain("throat:app.app.debug");
    expect(message).toContain("throat:app.database");
    expect(message).not.toContain("sub_prefix");
  });
});

describe("throat:mail and the password as a secret", () => {
  it.each(["test", "prod"])(
    "%s: the mail section in every kind's file, the password only as a secret env reference",
    (stack) => {
      const p = withMail(stack);
      for (const kind of workerKinds) {
        const file = p.app.configFiles[kind];
        expect(parse(file.text).mail).toEqual({
          server: "smtp.example.org",
          port: 2525,
          use_tls: true,
          username: "throat",
          default_from: "noreply@example.org",
        });
        expect(file.text).not.toContain("s3cret-pw");
        expect(file.text).not.toMatch(/password/i);
      }
      expect(p.app.secretEnv.MAIL_PASSWORD).toBe("mailPassword");
      expect(JSON.stringify([p.app.env, p.settings])).not.toContain("s3cret-pw");
      expect(p.app.smtp).toEqual({ server: "smtp.example.org", port: 2525 });
    },
  );

  it("no mail: no mail section, no MAIL_PASSWORD, no SMTP", () => {
    const p = plan("test");
    expect(parse(p.app.configFiles.sync.text).mail).toBeUndefined();
    expect(p.app.secretEnv).not.toHaveProperty("MAIL_PASSWORD");
    expect(p.app.smtp).toBeUndefined();
  });

  it("a relay without login needs no password", () => {
    const p = plan("test", { mail: { server: "relay.internal", defaultFrom: "noreply@example.org" } });
    expect(parse(p.app.configFiles.gevent.text).mail).toEqual({
      server: "relay.internal",
      port: 587,
      use_tls: true,
      default_from: "noreply@example.org",
    });
    expect(p.app.secretEnv).not.toHaveProperty("MAIL_PASSWORD");
  });

  it.each([
    [{ mail: MAIL, mailPassword: "pw" }, [], "throat:mailPassword is stored in plain text; it must be a secret"],
    [
      { mail: { ...MAIL, password: "pw" } },
      [],
      "throat:mail.password: the SMTP password must not be plain config; remove it and set it as a secret: pulumi config set --secret throat:mailPassword",
    ],
    [{ mail: MAIL }, [], "throat:mail.username is set without throat:mailPassword"],
    [{ mailPassword: "pw" }, ["mailPassword"], "throat:mailPassword is set without throat:mail"],
    [
      { mail: { server: "s", defaultFrom: "a@b.c" }, mailPassword: "pw" },
      ["mailPassword"],
      "throat:mailPassword is set without throat:mail.username",
    ],
    [{ mail: { defaultFrom: "a@b.c" } }, [], "throat:mail.server"],
    [
      { mail: { server: "s", defaultFrom: "a@b.c" } },
      ["mail"],
      "throat:mail is stored as a secret, but its values are written into config.yaml",
    ],
    [
      { app: { site: { sub_prefix: "f" } } },
      ["app"],
      "throat:app is stored as a secret, but its values are written into config.yaml",
    ],
  ] as [Record<string, unknown>, string[], string][])("refuses %j", (config, secret, message) => {
    expect(errorOf(() => settings("test", config, secret))).toContain(message);
  });

  it("keeps the password's value out of Settings", () => {
    const s = settings("test", { mail: MAIL, mailPassword: "s3cret-pw" }, ["mailPassword"]);
    expect(s.secrets.mailPassword).toBe(true);
    expect(JSON.stringify(s)).not.toContain("s3cret-pw");
  });
});
