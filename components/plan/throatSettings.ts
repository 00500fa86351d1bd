// Throat's own settings (`throat:app`): which config.yaml keys an operator may set, which the
// stack owns, and how the two are merged. Pure.
//
// Throat reads config.yaml sections (Throat's source, app/config.py `defaults`), deep-merged over
// its built-in defaults; an operator's value for a key the stack owns would silently break the
// deployment (a second database, debug on, a body limit the edge does not have), so each such key
// is refused with the stack key that sets it.

/**
 * Every config.yaml key the stack sets itself, with what to use instead. A key lies in this list
 * when its path or one of its parents is listed (`database` covers `database.host`).
 * The storage half (plan/storage.ts) manages the store on both profiles, so it owns `storage`.
 */
export const STACK_OWNED_KEYS: Readonly<Record<string, string>> = {
  database: "throat:database and throat:pool: the stack runs the database and sizes the pools",
  "app.redis_url": "nothing: the stack runs Redis and hands its URL to every worker (APP_REDIS_URL)",
  "app.secret_key": "throat:secretKey (pulumi config set --secret throat:secretKey ...)",
  "app.debug": "nothing: a deployed stack always runs with debug off",
  "app.development": "nothing: development makes every captcha valid; a deployed stack keeps it off",
  "app.testing": "nothing: testing mode never sends mail; a deployed stack keeps it off",
  "app.force_https": "nothing: TLS ends at the edge, which redirects http to https itself",
  "app.max_content_length": "throat:uploadMaxSize (one limit for the app and the edge)",
  "site.upload_max_size": "throat:uploadMaxSize (one limit for the app and the edge)",
  "site.server_name": "throat:siteName",
  "site.trusted_proxy_count": "throat:edge.outerProxies: the stack counts its own proxies and adds these",
  "cache.type": "nothing: the stack caches in its Redis",
  "cache.redis_url": "nothing: the stack caches in its Redis (CACHE_REDIS_URL)",
  mail: "throat:mail and throat:mailPassword (a secret)",
  // plan/storage.ts: the volumes (test) or the bucket and its CDN (prod), and their URLs.
  storage:
    "throat:storage: the stack keeps user files itself (Docker volumes on test, S3 behind CloudFront on prod) and sets their URLs; storage.sub_css_max_file_size is set in Throat's admin interface",
};

/**
 * Values the stack writes that an operator may replace through `throat:app`. Throat has no
 * default for `app.languages` and reads it on every page (Throat's source, app/misc.py,
 * get_locale_fallback): without it every page is a 500. The default is every language Throat
 * ships a translation for (app/translations: cs, es, ru, sk) and its English source.
 */
export const STACK_DEFAULTS: Readonly<Record<string, Record<string, unknown>>> = {
  app: { languages: ["en", "cs", "es", "ru", "sk"], fallback_language: "en" },
};

/**
 * Settings Throat keeps in its database, changed in its admin interface (/admin/configuration):
 * Throat reads them from the database (or its built-in default), never from config.yaml
 * (Throat's source, app/config.py `configurable_defaults` and Map.__getattr__), so a value in
 * throat:app would be silently ignored.
 */
export const ADMIN_INTERFACE_KEYS: readonly string[] = [
  ...["name", "lema", "copyright", "placeholder_account", "enable_security_question", "allow_search_feeds"],
  ...[
    "allow_uploads",
    "allow_video_uploads",
    "upload_min_level",
    "enable_chat",
    "sitelog_public",
    "force_sublog_public",
  ],
  ...["front_page_submit", "block_anon_stalking", "changelog_sub", "title_edit_timeout", "sub_creation_min_level"],
  ...[
    "sub_creation_admin_only",
    "sub_ownership_limit",
    "edit_history",
    "anonymous_modding",
    "send_pm_to_user_min_level",
  ],
  ...["daily_sub_posting_limit", "daily_site_posting_limit", "archive_post_after", "archive_sticky_posts"],
  ...["recent_activity", "enable_modmail", "enable_posting", "enable_registration", "invitations_visible_to_users"],
  ...["invite_level", "invite_max", "require_captchas", "require_invite_code", "notifications_on_icon"],
  ...["username_max_length", "nsfw", "show_votes", "self_voting", "top_posts", "admin_sub"],
]
  .map((k) => `site.${k}`)
  .concat(["storage.sub_css_max_file_size"]);

/** The sections Throat reads (Throat's source, app/config.py `defaults` and get_flask_dict). */
export const THROAT_SECTIONS = [
  "site",
  "auth",
  "app",
  "cache",
  "mail",
  "storage",
  "database",
  "ratelimit",
  "logging",
  "notifications",
  "matrix",
  "aws",
  "sendgrid",
] as const;

/** Key names that hold secrets: config.yaml is a plain file in the image's working directory. */
const SECRET_NAME = /(password|secret|api_key|token|private_key)/i;

export type Sections = Record<string, Record<string, unknown>>;

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === "object" && v !== null && !Array.isArray(v);

/** Every problem of `throat:app`, each naming its key; empty when it is fine. */
export function throatAppProblems(app: Record<string, unknown>): string[] {
  const problems: string[] = [];
  for (const [section, value] of Object.entries(app)) {
    const key = `throat:app.${section}`;
    if (!(THROAT_SECTIONS as readonly string[]).includes(section)) {
      problems.push(
        `${key}: Throat has no config section "${section}"; its sections are ${THROAT_SECTIONS.join(", ")}`,
      );
      continue;
    }
    if (!isObject(value)) {
      // Throat raises "Value found where dict expected" at start.
      problems.push(`${key}: got ${JSON.stringify(value)}; a Throat config section is an object of keys`);
      continue;
    }
    walk(value, [section], problems);
  }
  return problems;
}

function walk(node: unknown, path: string[], problems: string[]): void {
  const dotted = path.join(".");
  const owner = STACK_OWNED_KEYS[dotted];
  if (owner !== undefined) {
    problems.push(`throat:app.${dotted}: the stack sets ${dotted} itself; use ${owner}`);
    return;
  }
  if (isObject(node) && Object.keys(node).join() === "secure") {
    // `pulumi config set --secret --path throat:app...`: the stack file's ciphertext form.
    problems.push(
      `throat:app.${dotted}: a secret value in throat:app would be decrypted into a plain config.yaml; the stack takes secrets only as its own secret keys (throat:secretKey, throat:mailPassword)`,
    );
    return;
  }
  if (ADMIN_INTERFACE_KEYS.includes(dotted)) {
    problems.push(
      `throat:app.${dotted}: Throat keeps ${dotted} in its database and ignores config.yaml for it; set it in Throat's admin interface (/admin/configuration)`,
    );
    return;
  }
  const name = path[path.length - 1] ?? "";
  if (path.length > 1 && SECRET_NAME.test(name)) {
    problems.push(
      `throat:app.${dotted}: looks like a secret, and throat:app is written into a plain config.yaml; the stack takes secrets only as Pulumi secrets (throat:secretKey, throat:mailPassword)`,
    );
    return;
  }
  if (isObject(node)) for (const [k, v] of Object.entries(node)) walk(v, [...path, k], problems);
}

/** Deep merge, later layers win; arrays and scalars are replaced whole (as Throat's loader does). */
export function mergeSections(...layers: Sections[]): Sections {
  const out: Record<string, unknown> = {};
  for (const layer of layers) mergeInto(out, layer);
  return out as Sections;
}

function mergeInto(target: Record<string, unknown>, source: Record<string, unknown>): void {
  for (const [k, v] of Object.entries(source)) {
    const existing = target[k];
    if (isObject(v)) {
      const into = isObject(existing) ? existing : {};
      mergeInto(into, v);
      target[k] = into;
    } else {
      target[k] = Array.isArray(v) ? [...v] : v;
    }
  }
}

/** Every leaf key path of a set of sections (`app.debug`, `database.max_connections`, ...). */
export function leafPaths(node: Record<string, unknown>, prefix: string[] = []): string[] {
  return Object.entries(node).flatMap(([k, v]) =>
    isObject(v) && Object.keys(v).length ? leafPaths(v, [...prefix, k]) : [[...prefix, k].join(".")],
  );
}

/** Whether a key path is owned by the stack (it or a parent is in STACK_OWNED_KEYS). */
export function isStackOwned(path: string): boolean {
  const parts = path.split(".");
  return parts.some((_p, i) => STACK_OWNED_KEYS[parts.slice(0, i + 1).join(".")] !== undefined);
}
