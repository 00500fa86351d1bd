// Stack config -> validated, typed Settings. Pure: the caller hands in the raw config map
// (`pulumi.runtime.allConfig()` under Pulumi, the stack file under the offline plan).
// Every problem is collected and reported together, each naming its config key, what it got
// and what it wants, before a single resource is registered.
import { z } from "zod";
import { certificateProblems } from "./certificate";
import { checkValues } from "./checks";
import { checkConfigKeys } from "./configKeys";
import { checkProfileKeys, type Profile } from "./profiles";
import { LOG_RETENTION_DAYS, RawSettings, secretKeys, settingsSchema } from "./schema";
import { objectShape } from "./shape";
import { closestWord } from "./words";

export type { Profile } from "./profiles";
export type WorkerKind = "sync" | "gevent" | "socketio";
export const workerKinds: readonly WorkerKind[] = ["sync", "gevent", "socketio"];

export interface Settings extends Omit<
  RawSettings,
  "profile" | "edge" | "database" | "image" | "appSource" | "tlsKey" | "secretKey" | "mailPassword"
> {
  stack: string;
  profile: Profile;
  /** Prefix of every physical name: unique per stack, so test stacks never collide on one host. */
  namePrefix: string;
  siteName: string;
  /** Where the Throat image comes from. */
  image: { ref: string } | { source: string };
  database: RawSettings["database"] & { reservedConnections: number };
  edge: Omit<RawSettings["edge"], "kind"> & { kind: "nginx" | "alb"; httpPort: number; httpsPort: number };
  /** Whether the stack config holds these secrets (their values never enter Settings). */
  secrets: { tlsKey: boolean; secretKey: boolean; mailPassword: boolean };
}

export class SettingsError extends Error {
  constructor(
    readonly stackName: string,
    readonly problems: string[],
  ) {
    super(
      `Stack "${stackName}" has ${problems.length} configuration problem(s):\n${problems.map((p) => `  - ${p}`).join("\n")}`,
    );
    this.name = "SettingsError";
  }
}

const NAMESPACE = "throat";
/** PostgreSQL's superuser_reserved_connections default, and RDS's extra rds_superuser_reserved_connections. */
export const POSTGRES_RESERVED = 3;
export const RDS_EXTRA_RESERVED = 2;

export interface ParseOptions {
  /** Whether a path relative to the project is a file (to check throat:appSource); absent: not checked. */
  isFile?: (relativePath: string) => boolean;
}

/**
 * Parses the raw config map. `raw` holds Pulumi's form: keys `throat:workers`, values strings
 * (objects and numbers JSON-encoded). Keys of other namespaces must be declared by a provider
 * in use (aws:region, ...); see configKeys.ts.
 */
export function parseSettings(
  stack: string,
  raw: Record<string, string>,
  secretConfigKeys: readonly string[] = [],
  options: ParseOptions = {},
): Settings {
  const problems: string[] = checkConfigKeys(raw, Object.keys(settingsSchema.shape));
  const input: Record<string, unknown> = {};
  for (const [fullKey, value] of Object.entries(raw)) {
    const [ns, key] = splitKey(fullKey);
    if (ns !== NAMESPACE) continue;
    input[key] = decode(value);
  }

  const profile = profileOf(stack, input.profile, problems);
  // Checks that need only the raw input run first, so one run reports them with type errors.
  const isSecret = (key: string) => secretConfigKeys.includes(`${NAMESPACE}:${key}`);
  for (const key of secretKeys) {
    if (input[key] !== undefined && !isSecret(key)) {
      problems.push(
        `throat:${key} is stored in plain text; it must be a secret: pulumi config set --secret throat:${key} ...`,
      );
    }
  }
  for (const key of ["app", "mail"]) {
    if (input[key] !== undefined && isSecret(key)) {
      // A secret here would be decrypted into a plain config.yaml: it would only look protected.
      problems.push(
        `throat:${key} is stored as a secret, but its values are written into config.yaml, a plain file: store it in plain text (the SMTP password goes in throat:mailPassword, a secret)`,
      );
    }
  }
  const mailInput = input.mail;
  if (mailInput && typeof mailInput === "object" && "password" in mailInput) {
    // Refused here, with the way to do it, rather than as an unknown key.
    problems.push(
      "throat:mail.password: the SMTP password must not be plain config; remove it and set it as a secret: pulumi config set --secret throat:mailPassword ...",
    );
    const { password: _password, ...rest } = mailInput as Record<string, unknown>;
    input.mail = rest;
  }
  if (profile) checkProfileKeys(profile, input, problems);
  const parsed = settingsSchema.safeParse(input);
  if (!parsed.success) problems.push(...parsed.error.issues.map((issue) => describeIssue(issue, input)));
  if (!parsed.success || !profile) throw new SettingsError(stack, problems);
  const s = parsed.data;
  checkValues(s, { stack, profile, region: raw["aws:region"], isFile: options.isFile }, problems);

  const edgeKind = s.edge.kind ?? (profile === "prod" ? "alb" : "nginx");
  if (profile === "test" && edgeKind === "alb")
    problems.push(
      `throat:edge.kind: got "alb"; the test profile (Docker) serves through nginx: remove the key or set "nginx"`,
    );
  if (profile === "prod" && edgeKind === "nginx")
    problems.push(
      `throat:edge.kind: got "nginx"; the prod profile serves through an ALB (nginx serves /static/ behind it): remove the key or set "alb"`,
    );
  problems.push(...certificateProblems(profile, s));
  if (profile === "prod" && !s.siteName)
    problems.push(
      `throat:siteName is required on prod: the site's host name (pulumi config set throat:siteName forum.example.org)`,
    );
  if (s.image && s.appSource)
    problems.push(
      `throat:image and throat:appSource are both set; set one: an image reference, or a Throat checkout to build`,
    );
  if (profile === "prod" && !s.image && !s.appSource)
    problems.push(
      `throat:image or throat:appSource is required on prod: an image in a registry ECS can pull, or a Throat checkout to build into ECR`,
    );
  if ((s.tlsCertificate === undefined) !== (s.tlsKey === undefined)) {
    const missing = s.tlsCertificate === undefined ? "tlsCertificate" : "tlsKey";
    problems.push(
      `throat:${missing} is missing: throat:tlsCertificate and throat:tlsKey go together (pulumi config set${missing === "tlsKey" ? " --secret" : ""} throat:${missing} < file.pem), or remove both for a self-signed certificate`,
    );
  }
  if (s.aws.vpcId && (!s.aws.publicSubnetIds || !s.aws.privateSubnetIds)) {
    problems.push(
      `throat:aws.vpcId is set without throat:aws.publicSubnetIds and throat:aws.privateSubnetIds: an existing VPC needs both subnet lists (two or more each)`,
    );
  }
  if (s.aws.vpcId && (s.aws.vpcEndpoints || s.aws.natGateways !== "perZone")) {
    problems.push(
      `throat:aws.vpcEndpoints / natGateways shape a VPC the stack creates; with throat:aws.vpcId the VPC's own routes and endpoints apply: remove them`,
    );
  }
  if (!s.aws.vpcId && (s.aws.publicSubnetIds || s.aws.privateSubnetIds)) {
    problems.push(
      `throat:aws.publicSubnetIds / privateSubnetIds are set without throat:aws.vpcId: name the VPC they belong to, or remove them to create a VPC`,
    );
  }
  if (!LOG_RETENTION_DAYS.includes(s.aws.logRetentionDays)) {
    const days = s.aws.logRetentionDays;
    const near = LOG_RETENTION_DAYS.reduce((a, b) => (Math.abs(b - days) < Math.abs(a - days) ? b : a));
    problems.push(
      `throat:aws.logRetentionDays: got ${days}; CloudWatch Logs keeps ${LOG_RETENTION_DAYS.join(", ")} days only (nearest: ${near})`,
    );
  }
  const storage = s.database;
  if (storage.maxAllocatedStorage !== 0 && storage.maxAllocatedStorage < storage.allocatedStorage) {
    // RDS: "MaxAllocatedStorage ... must be greater than or equal to AllocatedStorage" (or 0: off).
    problems.push(
      `throat:database.maxAllocatedStorage: got ${storage.maxAllocatedStorage} GiB, below throat:database.allocatedStorage (${storage.allocatedStorage} GiB); set it to at least ${storage.allocatedStorage}, or 0 to turn storage autoscaling off`,
    );
  }
  const socketio = s.workers.socketio.replicas;
  if (profile === "prod" && socketio.min !== socketio.max) {
    // Scaling in would cut every websocket of the stopped tasks.
    problems.push(
      `throat:workers.socketio.replicas: got min ${socketio.min}, max ${socketio.max}; socket.io workers run a fixed count on AWS (scaling in drops their websockets): give one number`,
    );
  }
  problems.push(...mailProblems(s.mail, s.mailPassword !== undefined));
  const ports = edgePorts(stack, profile, s.edge.httpPort, s.edge.httpsPort);
  if (ports.httpPort === ports.httpsPort)
    problems.push(
      `throat:edge.httpsPort: got ${ports.httpsPort}, the same as throat:edge.httpPort; give them different ports`,
    );
  if (problems.length) throw new SettingsError(stack, problems);

  const { profile: _p, edge, database, image, appSource, tlsKey, secretKey, mailPassword, ...rest } = s;
  return {
    ...rest,
    stack,
    profile,
    namePrefix: `throat-${stack}`,
    siteName: s.siteName ?? "localhost",
    // The test profile's default is the image a Throat checkout builds with `docker build -t throat .`.
    image: appSource ? { source: appSource } : { ref: image ?? "throat:latest" },
    database: {
      ...database,
      reservedConnections:
        database.reservedConnections ?? POSTGRES_RESERVED + (profile === "prod" ? RDS_EXTRA_RESERVED : 0),
    },
    edge: { ...edge, kind: edgeKind, ...ports },
    secrets: {
      tlsKey: tlsKey !== undefined,
      secretKey: secretKey !== undefined,
      mailPassword: mailPassword !== undefined,
    },
  };
}

/** Flask-Mail logs in only with both a username and a password: one without the other is a mistake. */
function mailProblems(mail: RawSettings["mail"], hasPassword: boolean): string[] {
  if (!mail) {
    return hasPassword
      ? [
          "throat:mailPassword is set without throat:mail: set throat:mail {server, port, username, defaultFrom}, or remove the password",
        ]
      : [];
  }
  if (mail.username && !hasPassword) {
    return [
      `throat:mail.username is set without throat:mailPassword: pulumi config set --secret throat:mailPassword ...`,
    ];
  }
  if (!mail.username && hasPassword) {
    return ["throat:mailPassword is set without throat:mail.username: the SMTP login needs both"];
  }
  return [];
}

function profileOf(stack: string, declared: unknown, problems: string[]): Profile | undefined {
  const byName: Profile | undefined =
    stack === "prod"
      ? "prod"
      : stack === "test" || /^test-[A-Za-z0-9][A-Za-z0-9_.-]*$/.test(stack)
        ? "test"
        : undefined;
  if (declared === "test" || declared === "prod") return declared;
  if (declared !== undefined) return undefined; // the schema reports the bad value
  if (!byName) {
    problems.push(
      `stack name "${stack}" names no profile: name it "prod" (AWS), "test" or "test-<name>" (Docker), or set throat:profile to "prod" or "test"`,
    );
  }
  return byName;
}

/** Pull-request stacks (`test-pr-<n>`, the test-server workflow) take 30000 + 2n: unique below n = 5000. */
export const PR_PORT_BASE = 30000;
const PR_STACK = /^test-pr-([1-9][0-9]{0,3})$/;

/**
 * test: 8080/8443. test-pr-<n>: a pair from n, distinct for every pull request below 5000 and
 * outside the hashed range. Other test-<name>: a pair in 20000-29999 hashed from the name: two
 * names can share it (5,000 pairs: with 30 such stacks on one host about an 8% chance); Docker
 * then refuses the second edge ("port is already allocated") and throat:edge.httpPort fixes it.
 */
function edgePorts(
  stack: string,
  profile: Profile,
  http?: number,
  https?: number,
): { httpPort: number; httpsPort: number } {
  let base = 80;
  const pr = PR_STACK.exec(stack);
  if (profile === "test")
    base = stack === "test" ? 8080 : pr ? PR_PORT_BASE + Number(pr[1]) * 2 : 20000 + (fnv1a(stack) % 5000) * 2;
  const httpPort = http ?? base;
  const httpsPort = https ?? (profile === "test" ? (stack === "test" ? 8443 : httpPort + 1) : 443);
  return { httpPort, httpsPort };
}

export function fnv1a(text: string): number {
  let hash = 0x811c9dc5;
  for (const ch of Buffer.from(text, "utf8")) {
    hash ^= ch;
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return hash;
}

function splitKey(fullKey: string): [string, string] {
  const i = fullKey.indexOf(":");
  return i < 0 ? ["", fullKey] : [fullKey.slice(0, i), fullKey.slice(i + 1).replace(/^config:/, "")];
}

/** Pulumi hands every value over as a string; objects, numbers and booleans are JSON. */
function decode(value: string): unknown {
  try {
    return JSON.parse(value);
  } catch {
    return value;
  }
}

function lookup(obj: unknown, path: string): unknown {
  return path
    .split(".")
    .reduce<unknown>((o, k) => (o && typeof o === "object" ? (o as Record<string, unknown>)[k] : undefined), obj);
}

function describeIssue(issue: z.core.$ZodIssue, input: Record<string, unknown>): string {
  const path = issue.path.map(String);
  const key = `throat:${path.join(".")}`;
  if (issue.code === "unrecognized_keys") {
    const known = knownKeys(path);
    return issue.keys
      .map((k) => {
        const near = closestWord(k, known);
        return `${key === "throat:" ? "throat" : key}: unknown key "${k}"${near ? ` (did you mean "${near}"?)` : ""}; known keys: ${known.join(", ")}`;
      })
      .join("\n  - ");
  }
  const got = lookup(input, path.join("."));
  // Never echo a secret's value, even a wrong one.
  const shown = (secretKeys as readonly string[]).includes(path[0] ?? "") ? "[secret]" : JSON.stringify(got);
  if (issue.code === "invalid_union") {
    // "Invalid input" says nothing: report the branch the value's shape meant (an object for
    // `{min, max}`, a number for a count), or else which shapes the key takes.
    const meant = issue.errors.find((branch) =>
      branch.some((i) => !(i.code === "invalid_type" && i.path.length === 0)),
    );
    if (meant) return meant.map((i) => describeIssue({ ...i, path: [...issue.path, ...i.path] }, input)).join("\n  - ");
    const shapeOf = (i: z.core.$ZodIssue) => {
      if (i.code === "invalid_value") return i.values.map((v) => JSON.stringify(v)).join(" or ");
      if (i.code !== "invalid_type") return i.code;
      return i.expected === "object" ? `{${knownKeys(path).join(", ")}}` : `a ${i.expected}`;
    };
    const shapes = issue.errors.flatMap((b) => b.map(shapeOf));
    return `${key}: expected ${[...new Set(shapes)].join(" or ")}; got ${got === undefined ? "nothing" : shown}`;
  }
  if (got === undefined && issue.code === "invalid_type")
    return `${key} is missing: it takes ${issue.expected === "object" ? "an object" : `a ${issue.expected}`}`;
  return `${key}: ${issue.message}; got ${got === undefined ? "nothing" : shown}`;
}

function knownKeys(path: string[]): string[] {
  let schema: z.ZodType = settingsSchema;
  for (const k of path) {
    const shape = objectShape(schema, true);
    if (!shape || !(k in shape)) return [];
    schema = shape[k] as z.ZodType;
  }
  return Object.keys(objectShape(schema, true) ?? {});
}
