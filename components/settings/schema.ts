// The stack's configuration, as one zod schema: every `throat:*` key, its type, its default
// and why. `Pulumi.yaml` declares the same keys for `pulumi config`; a test keeps the two equal.
// Objects are strict: an unknown key (a typo such as `workerConection`) is an error, never ignored.
import { z } from "zod";

const count = (min = 1) => z.number().int().min(min);
// A replica count: `2` (fixed) or `{ min: 1, max: 4 }` (autoscaling on prod).
const replicas = z.union([
  count(1).transform((n) => ({ min: n, max: n })),
  z
    .strictObject({ min: count(1), max: count(1) })
    .refine((r) => r.max >= r.min, { message: "max must be >= min", path: ["max"] }),
]);
// Fargate task size (prod only; the Docker target ignores it). Checked against the valid pairs
// in the plan, where the message can name both values.
const taskSize = {
  /** Fargate CPU units: 256, 512, 1024, 2048 or 4096. */
  cpu: z.number().int().default(512),
  /** Fargate memory in MiB; must pair with cpu (e.g. 512 CPU: 1024..4096). */
  memory: z.number().int().default(1024),
};
// Pool size of a process's peewee PooledPostgresqlDatabase: a number, or "auto" to share the
// connections the database has left fairly between the async processes.
const poolSize = z.union([count(1), z.literal("auto")]).default("auto");

/** throat:workers.socketio.clients when neither it nor workerConnections is set (see below). */
export const SOCKETIO_CLIENTS_DEFAULT = 5000;

export const workersSchema = z.strictObject({
  /** Sync workers: every route that needs no async worker. */
  sync: z
    .strictObject({
      /** Containers (tasks on prod): `n`, or `{ min, max }` to autoscale on prod. */
      replicas: replicas.default({ min: 2, max: 2 }),
      /** gunicorn `-w` (WORKER_COUNT): processes per container. */
      processes: count(1).default(2),
      /** gunicorn `--threads` (THREAD_COUNT): > 1 makes the worker gthread; each thread needs a connection. */
      threads: count(1).default(1),
      ...taskSize,
    })
    .prefault({}),
  /** gevent workers: the routes the route list marks `gevent` (logins, uploads, title grabbing). */
  gevent: z
    .strictObject({
      /** Containers (tasks on prod): `n`, or `{ min, max }` to autoscale on prod. */
      replicas: replicas.default({ min: 1, max: 1 }),
      /** gunicorn `-w`: must be 1 for async workers (deploy.md); present only to be refused otherwise. */
      processes: z.literal(1, { message: "async workers run exactly one gunicorn worker (-w 1)" }).default(1),
      /** gunicorn `--worker-connections`: never the 1000 default. */
      workerConnections: count(1).default(40),
      /** Pooled connections per process: a number, or "auto" (a fair share of what is left). */
      poolSize,
      ...taskSize,
    })
    .prefault({}),
  /** socket.io workers (geventwebsocket): `/socket.io`, websockets and polling. */
  socketio: z
    .strictObject({
      /** Containers: a fixed count on prod (scaling in would cut websockets). */
      replicas: replicas.default({ min: 1, max: 1 }),
      /** gunicorn `-w`: must be 1 for async workers; present only to be refused otherwise. */
      processes: z.literal(1, { message: "async workers run exactly one gunicorn worker (-w 1)" }).default(1),
      /**
       * Idle socket.io clients one process holds (gunicorn `--worker-connections`). An idle
       * websocket holds no database connection, so this is decoupled from the pool.
       * Default 5000 (SOCKETIO_CLIENTS_DEFAULT): measured with Throat's socketio worker, a
       * process holds 15,000 idle clients, but a mass disconnect costs time that grows with
       * the square of the clients (python-socketio scans every room per disconnect: 18,805
       * leaving at once kept it busy 58 s); at 5,000 that is seconds. Each client costs memory (plan/capacity.ts) and open files.
       */
      clients: count(1).optional(),
      /** The former name of `clients` (`--worker-connections`); give one of the two. */
      workerConnections: count(1).optional(),
      /** Pooled connections per process: a number, or "auto" (a fair share of what is left). */
      poolSize,
      ...taskSize,
    })
    .superRefine((w, ctx) => {
      if (w.workerConnections !== undefined && w.clients !== undefined && w.workerConnections !== w.clients) {
        const message = `the former name of throat:workers.socketio.clients (${w.clients}); keep one of the two`;
        ctx.addIssue({ code: "custom", path: ["workerConnections"], message });
      }
    })
    // One number from here on: --worker-connections is the clients a process holds.
    .transform(({ workerConnections, clients, ...w }) => {
      const held = clients ?? workerConnections ?? SOCKETIO_CLIENTS_DEFAULT;
      return { ...w, clients: held, workerConnections: held };
    })
    .prefault({}),
});

export const settingsSchema = z.strictObject({
  /** `test` (Docker) or `prod` (AWS). Derived from the stack name; set it only for other names. */
  profile: z.enum(["test", "prod"]).optional(),
  /** The site's host name (Throat's site.server_name). */
  siteName: z.string().min(1).optional(),
  /** An existing Throat image reference. One of image / appSource. */
  image: z.string().min(1).optional(),
  /** A Throat checkout to build the image from (a path, relative to the project). */
  appSource: z.string().min(1).optional(),
  /** The `./throat.py route list` output to route by; default: the copy in this project. */
  routeList: z.string().min(1).default("throat/route-list.txt"),
  workers: workersSchema.prefault({}),
  pool: z
    .strictObject({
      /** Seconds before peewee recycles an idle pooled connection. */
      staleTimeout: count(1).default(300),
      /**
       * Seconds a request waits for a free pooled connection. 0 means fail at once ("Exceeded
       * maximum connections"), what deploy.md warns about: then worker connections must not
       * exceed the pool size. (The rendered config omits peewee's `timeout` for 0: peewee reads
       * a 0 there as "wait forever".)
       */
      timeout: count(0).default(10),
    })
    .prefault({}),
  database: z
    .strictObject({
      /** PostgreSQL max_connections. We set it (parameter group on RDS, -c on Docker). */
      maxConnections: count(10).default(100),
      /** superuser_reserved_connections (3) + RDS's rds_superuser_reserved (2 on prod). Default by profile. */
      reservedConnections: count(0).optional(),
      /** Connections kept free for operators (psql, monitoring, a console). */
      headroom: count(0).default(5),
      /** Connections the migration task holds while old workers still run. */
      migrationConnections: count(1).default(1),
      /**
       * PostgreSQL major version (RDS engine version and parameter group family; Docker image tag).
       * YAML reads an unquoted `16` as a number: taken as "16".
       */
      engineVersion: z
        .preprocess((v) => (typeof v === "number" ? String(v) : v), z.enum(["14", "15", "16", "17"]))
        .default("16"),
      /** RDS instance class (prod). */
      instanceClass: z.string().default("db.t4g.small"),
      /** RDS storage in GiB (prod). */
      allocatedStorage: count(20).default(20),
      /**
       * RDS storage autoscaling ceiling in GiB (prod): RDS grows the disk when it runs low, up
       * to this, instead of the database stopping on a full disk. 0 turns it off. Default 100
       * (five times the default disk); must be >= allocatedStorage.
       */
      maxAllocatedStorage: count(0).default(100),
      /**
       * RDS applies instance changes (class, storage, Multi-AZ, engine version) during the
       * `pulumi up` that makes them (prod). Default true: an operator picks the moment by running
       * `up`, and the stack's state then tells the truth; with false they wait silently for the
       * weekly maintenance window. A class change restarts the instance either way (a Multi-AZ
       * failover, about a minute). Static parameters (max_connections) still need a reboot.
       */
      applyImmediately: z.boolean().default(true),
      /** RDS Multi-AZ standby (prod). */
      multiAz: z.boolean().default(false),
      /** RDS automated backup retention in days (prod; at least 1). */
      backupRetentionDays: count(1).default(7),
      pgbouncer: z
        .strictObject({
          /** Run PgBouncer between the workers and PostgreSQL (test profile only). */
          enabled: z.boolean().default(false),
          /** Server connections PgBouncer opens to PostgreSQL (default_pool_size). */
          poolSize: count(1).default(20),
          /** Client connections PgBouncer accepts (max_client_conn); default: the app's peak. */
          maxClientConnections: count(1).optional(),
        })
        .prefault({}),
    })
    .prefault({}),
  deploy: z
    .strictObject({
      /**
       * How many tasks a rolling deploy may run, in percent of the desired count (ECS
       * maximumPercent). The budget counts every service at max replicas times this.
       * Docker replaces a container by starting the new one first: 200.
       */
      maxPercent: z.number().int().min(100).max(200).default(200),
    })
    .prefault({}),
  edge: z
    .strictObject({
      /** `nginx` (test profile) or `alb` (prod profile). Default by profile. */
      kind: z.enum(["nginx", "alb"]).optional(),
      /** Proxies in front of the edge that append to X-Forwarded-For (a CDN: 1). */
      outerProxies: count(0).default(0),
      /** Published HTTP port (test profile). Default: derived from the stack name. */
      httpPort: z.number().int().min(1).max(65535).optional(),
      /** Published HTTPS port (test profile). Default: httpPort + 1. */
      httpsPort: z.number().int().min(1).max(65535).optional(),
      /** ACM certificate ARN for the ALB's HTTPS listener (prod: required). */
      certificateArn: z.string().startsWith("arn:").optional(),
      /** nginx read timeout for websockets, seconds: well above socket.io's 25 s ping interval. */
      websocketTimeout: count(30).default(3600),
    })
    .prefault({}),
  storage: z
    .strictObject({
      /**
       * Keep the user files when the stack is destroyed (`retainOnDelete`): the Docker volumes
       * on test, the S3 bucket on prod. Default by profile: false on test (throw-away test
       * servers, per-PR stacks destroyed with their pull request), true on prod, where a
       * `pulumi destroy` must not take what users posted with it.
       */
      retainOnDelete: z.boolean().optional(),
    })
    .prefault({}),
  /** PEM certificate for the nginx edge; without it a test stack makes a self-signed one. */
  tlsCertificate: z.string().optional(),
  /** PEM private key for tlsCertificate: a secret (`pulumi config set --secret`). */
  tlsKey: z.string().optional(),
  /** Flask's secret key: a secret; default a random one made by @pulumi/random. */
  secretKey: z.string().optional(),
  /**
   * The largest request body, in bytes: Throat's site.upload_max_size and app.max_content_length
   * (Flask's MAX_CONTENT_LENGTH, Throat's own default only 10 MiB) and nginx's
   * client_max_body_size, all from this one value, so no layer refuses what another accepts.
   * Default 16 MiB: Throat's default site.upload_max_size. (The ALB has no body limit.)
   */
  uploadMaxSize: count(1024).default(16 * 1024 * 1024),
  /**
   * Throat's own config.yaml sections (site, auth, ratelimit, app, ...), merged into every worker
   * kind's config.yaml. Keys the stack owns (database, Redis, proxies, upload sizes, debug, mail,
   * ...) are refused, naming the stack key to use (components/plan/throatSettings.ts).
   */
  app: z.record(z.string(), z.unknown()).default({}),
  /**
   * SMTP for password recovery and email confirmation (Throat's `mail` section). Unset: no mail,
   * and on prod no SMTP egress. The password is `throat:mailPassword`, a secret.
   */
  mail: z
    .strictObject({
      /** SMTP server host name. */
      server: z.string().min(1),
      /** SMTP port: 587 (submission with STARTTLS) is the usual one; 25 is often blocked on AWS. */
      port: z.number().int().min(1).max(65535).default(587),
      /** STARTTLS (Flask-Mail MAIL_USE_TLS). */
      useTls: z.boolean().default(true),
      /** SMTP login; needs throat:mailPassword (Flask-Mail logs in only with both). */
      username: z.string().min(1).optional(),
      /** Sender address of the mails Throat sends. */
      defaultFrom: z.string().min(3),
    })
    .optional(),
  /** SMTP password for throat:mail.username: a secret, reaching the app only as MAIL_PASSWORD. */
  mailPassword: z.string().optional(),
  redis: z
    .strictObject({
      /** ElastiCache node type (prod). */
      nodeType: z.string().default("cache.t4g.micro"),
      /**
       * Cache nodes (prod): 2 = a primary and a replica in another zone with automatic
       * failover; 1 halves the cost, and a node failure then drops sessions and the socket.io
       * queue until ElastiCache replaces the node.
       */
      nodes: count(1).max(6).default(2),
      /**
       * Days ElastiCache keeps daily automatic snapshots (prod); 0 turns them off. Sessions and
       * the socket.io queue survive a lost replication group only from a snapshot.
       */
      snapshotRetentionDays: count(0).max(35).default(1),
    })
    .prefault({}),
  aws: z
    .strictObject({
      /** Use this VPC instead of creating one; then both subnet lists are required. */
      vpcId: z.string().optional(),
      /** Public subnets of throat:aws.vpcId (two or more) for the ALB. */
      publicSubnetIds: z.array(z.string()).min(2).optional(),
      /** Private subnets of throat:aws.vpcId (two or more) for the tasks, database and cache. */
      privateSubnetIds: z.array(z.string()).min(2).optional(),
      /** Availability zones for a new VPC. */
      availabilityZones: count(2).max(8).default(2),
      /** CloudWatch log retention in days: one of LOG_RETENTION_DAYS. */
      logRetentionDays: count(1).default(30),
      /**
       * NAT gateways of a new VPC: "perZone" (a zone's outage cuts no other zone off from ECR,
       * Secrets Manager and Logs) or 1 (one gateway for every zone: about a third of a
       * two-zone stack's fixed network cost, at the price of that zone's outage).
       */
      natGateways: z.union([z.literal(1), z.literal("perZone")]).default("perZone"),
      /**
       * VPC endpoints in a new VPC: an S3 gateway endpoint (free; ECR layers come from S3) and
       * interface endpoints for ECR (api, dkr), CloudWatch Logs and Secrets Manager, so image
       * pulls, log lines and secret reads stop paying NAT data processing. Interface endpoints
       * bill per zone-hour: worth it when NAT traffic is high. Default off.
       */
      vpcEndpoints: z.boolean().default(false),
      /** ECS Container Insights (per-task metrics, billed as custom metrics). */
      containerInsights: z.boolean().default(true),
      /** Tasks of the static nginx tier (prod): one per zone of a two-zone VPC. */
      staticTasks: count(1).default(2),
      /** Days the ALB access logs stay in their S3 bucket (a lifecycle rule deletes them). */
      accessLogDays: count(1).default(90),
    })
    .prefault({}),
  /** Alarms (prod): an SNS topic, CloudWatch alarms and a dashboard. See plan/alarms.ts. */
  alerts: z
    .strictObject({
      /** An address subscribed to the alarm topic (SNS asks it to confirm once). */
      email: z.email().optional(),
      /** Alarm when RDS DatabaseConnections pass this percent of the budget's planned peak. */
      databaseConnectionsPercent: count(1).max(100).default(90),
      /** Alarm when RDS FreeStorageSpace falls below this percent of allocatedStorage. */
      freeStoragePercent: count(1).max(90).default(10),
      /** Alarm when the database's (and each service's) average CPU stays above this percent. */
      cpuPercent: count(1).max(100).default(80),
      /** Alarm when 5xx answers pass this percent of the ALB's requests (over 5 minutes). */
      http5xxPercent: count(1).max(100).default(5),
      /** Alarm when Redis DatabaseMemoryUsagePercentage passes this. */
      redisMemoryPercent: count(1).max(100).default(80),
    })
    .prefault({}),
  /** DNS (prod): a Route 53 hosted zone the stack writes the site's records into. */
  dns: z
    .strictObject({
      /**
       * Route 53 hosted zone id (Z...): the stack makes the ACM certificate (DNS-validated) and
       * the site's alias records. Instead of throat:edge.certificateArn, never with it.
       */
      zoneId: z
        .string()
        .regex(/^Z[A-Z0-9]+$/, "a Route 53 hosted zone id (Z followed by capitals and digits)")
        .optional(),
    })
    .prefault({}),
});

export type RawSettings = z.infer<typeof settingsSchema>;
/**
 * CloudWatch Logs PutRetentionPolicy: "Possible values are: 1, 3, 5, 7, 14, 30, 60, 90, 120,
 * 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, and 3653."
 */
export const LOG_RETENTION_DAYS = [
  1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653,
];

/** Keys whose values must be Pulumi secrets. */
export const secretKeys = ["tlsKey", "secretKey", "mailPassword"] as const;
