// The `test` stack as Pulumi.test.yaml configures it, run once under mocks: what each tier
// registers, what reaches each container, in which order `pulumi up` would create them, and
// what never leaves the stack in plain text.
import * as pulumi from "@pulumi/pulumi";
import { planFromConfig, PROJECT_ROOT } from "../../components/load";
import type { Plan } from "../../components/plan";
import { resolveEnv } from "../../components/plan/appConfig";
import { dockerNames, EDGE_PATHS } from "../../components/plan/names";
import type { ProgramRun } from "../../scripts/offline/mockRuntime";
import { mockState } from "../../scripts/offline/providerRules";
import { readStackConfig } from "../../scripts/offline/stackFile";
import { named, runStack } from "../support/runStack";
import { containers, envOf, isSecretValue, labelOf, uploadsOf } from "./support";

let run: ProgramRun;
let plan: Plan;
let names: ReturnType<typeof dockerNames>;

beforeAll(async () => {
  const file = readStackConfig(PROJECT_ROOT, "test");
  plan = planFromConfig("test", file.config, file.secretKeys);
  names = dockerNames(plan.settings, plan.workers);
  run = await runStack("test");
});

const childrenOf = (component: string) => {
  const parent = run.resources.find((r) => r.type === component);
  if (!parent) throw new Error(`no ${component}`);
  return run.resources
    .filter((r) => r.parent === parent.urn)
    .map((r) => `${r.type} ${r.name}`)
    .sort();
};
const workerContainers = () => containers(run).filter((c) => labelOf(c, "throat.tier") === "worker");
const secretEnvNames = ["DATABASE_PASSWORD", "APP_SECRET_KEY"];

describe("resources per tier", () => {
  test("each tier is a throat:docker component under the DockerStack, registering its outputs", () => {
    const stack = named(run, "throat");
    expect(stack.type).toBe("throat:docker:DockerStack");
    const tiers = run.resources.filter((r) => r.parent === stack.urn);
    expect(tiers.map((r) => r.type).sort()).toEqual(
      ["AppSecrets", "Database", "Edge", "Images", "Migration", "Network", "Redis", "UserFiles", "Workers"].map(
        (t) => `throat:docker:${t}`,
      ),
    );
    // Every custom resource hangs under a tier: nothing is parented to the stack or left at the root.
    for (const r of run.resources.filter((x) => x.custom)) expect(tiers.map((t) => t.urn)).toContain(r.parent);
  });

  test("network: one bridge network named for the stack", () => {
    expect(childrenOf("throat:docker:Network")).toEqual([`docker:index/network:Network ${names.network}`]);
    expect(named(run, names.network).inputs).toMatchObject({ name: names.network, driver: "bridge" });
  });

  test("database: PostgreSQL of the configured version, its volume and its password; no PgBouncer", () => {
    expect(childrenOf("throat:docker:Database")).toEqual(
      [
        `docker:index/container:Container ${names.postgres}`,
        `docker:index/remoteImage:RemoteImage ${names.postgres}-image`,
        `docker:index/volume:Volume ${names.postgresVolume}`,
        `random:index/randomPassword:RandomPassword ${names.postgres}-password`,
      ].sort(),
    );
    expect(named(run, `${names.postgres}-image`).inputs).toMatchObject({
      name: `postgres:${plan.settings.database.engineVersion}`,
      keepLocally: true,
    });
    expect(named(run, names.postgres).inputs.volumes).toEqual([
      { volumeName: names.postgresVolume, containerPath: "/var/lib/postgresql/data" },
    ]);
    expect(run.resources.some((r) => r.type === "throat:docker:PgBouncer" || r.name.includes("pgbouncer"))).toBe(false);
  });

  test("redis: the official redis:7 image and one container", () => {
    expect(childrenOf("throat:docker:Redis")).toEqual([
      `docker:index/container:Container ${names.redis}`,
      `docker:index/remoteImage:RemoteImage ${names.redis}-image`,
    ]);
    expect(named(run, `${names.redis}-image`).inputs).toMatchObject({ name: "redis:7", keepLocally: true });
  });

  test("images: the configured Throat reference, kept locally, and the edge built from nginx/ on top of it", () => {
    const throat = named(run, `${plan.settings.namePrefix}-throat-image`);
    expect(throat.type).toBe("docker:index/remoteImage:RemoteImage");
    expect(throat.inputs).toMatchObject({ name: "throat:latest", keepLocally: true });
    const edge = named(run, `${plan.settings.namePrefix}-edge-image`);
    expect(edge.type).toBe("docker:index/image:Image");
    expect(edge.inputs).toMatchObject({
      skipPush: true,
      build: { context: `${PROJECT_ROOT}/nginx`, args: { THROAT_IMAGE: "throat:latest" } },
    });
  });

  test("migration: one container running the plan's command to completion", () => {
    expect(childrenOf("throat:docker:Migration")).toEqual([`docker:index/container:Container ${names.migration}`]);
    expect(named(run, names.migration).inputs).toMatchObject({
      command: plan.migration.argv,
      attach: true,
      mustRun: false,
      restart: "no",
    });
  });

  test("workers: one container per planned replica of each kind, with the plan's alias", () => {
    for (const w of plan.workers) {
      const ofKind = workerContainers().filter((c) => labelOf(c, "throat.worker") === w.kind);
      expect(ofKind).toHaveLength(w.replicas.max);
      const aliases = ofKind.map((c) => (c.inputs.networksAdvanced as { name: string; aliases: string[] }[])[0]);
      expect(aliases).toEqual(
        Array.from({ length: w.replicas.max }, (_, i) => ({ name: names.network, aliases: [names.alias(w.kind, i)] })),
      );
    }
    expect(childrenOf("throat:docker:Workers")).toHaveLength(plan.workers.reduce((n, w) => n + w.replicas.max, 0));
  });

  test("edge: one container, and a self-signed certificate for the site when no tlsKey is configured", () => {
    expect(childrenOf("throat:docker:Edge")).toEqual(
      [
        `docker:index/container:Container ${names.edge}`,
        `tls:index/privateKey:PrivateKey ${plan.settings.namePrefix}-tls-key`,
        `tls:index/selfSignedCert:SelfSignedCert ${plan.settings.namePrefix}-tls-cert`,
      ].sort(),
    );
    expect(named(run, `${plan.settings.namePrefix}-tls-cert`).inputs).toMatchObject({
      subject: { commonName: plan.settings.siteName },
      dnsNames: [plan.settings.siteName],
    });
  });
});

describe("what reaches the containers", () => {
  test("PostgreSQL runs with the plan's max_connections and reserved connections", () => {
    const command = named(run, names.postgres).inputs.command;
    expect(command).toEqual([
      "postgres",
      "-c",
      `max_connections=${plan.budget.database.maxConnections}`,
      "-c",
      `superuser_reserved_connections=${plan.budget.database.reservedConnections}`,
    ]);
  });

  test("each worker's environment is the plan's launch env plus its resolved app env, plus the two secrets", () => {
    const endpoints = { databaseHost: names.postgres, databasePort: "5432", redisHost: names.redis, redisPort: "6379" };
    for (const c of workerContainers()) {
      const w = plan.workers.find((x) => x.kind === labelOf(c, "throat.worker"))!;
      const env = envOf(c);
      const plain = Object.fromEntries(Object.entries(env).filter(([k]) => !secretEnvNames.includes(k)));
      expect(plain).toEqual({ ...w.launchEnv, ...resolveEnv(plan.app.env, endpoints) });
      expect(
        Object.keys(env)
          .filter((k) => secretEnvNames.includes(k))
          .sort(),
      ).toEqual(Object.keys(plan.app.secretEnv).sort());
    }
  });

  test("DATABASE_PASSWORD and APP_SECRET_KEY reach containers only as secrets", async () => {
    const password = envOf(named(run, names.postgres)).POSTGRES_PASSWORD!;
    const secretKey = envOf(workerContainers()[0]!).APP_SECRET_KEY!;
    // The password is a generated random value of the Database tier, not config: the database
    // container and every app container take it from that one RandomPassword, as its (secret)
    // result, so PostgreSQL's role and what the app logs in with cannot differ.
    const generator = named(run, `${names.postgres}-password`);
    expect(generator.type).toBe("random:index/randomPassword:RandomPassword");
    expect(run.resources.find((r) => r.urn === generator.parent)?.type).toBe("throat:docker:Database");
    expect(generator.inputs).toMatchObject({ special: false });
    expect(Number(generator.inputs.length)).toBeGreaterThanOrEqual(32);
    const result = mockState(generator.type, generator.name, generator.inputs).result as pulumi.Output<string>;
    await expect(pulumi.isSecret(result)).resolves.toBe(true);
    expect(password).toBe(await new Promise<string>((resolve) => result.apply(resolve)));
    for (const c of [named(run, names.postgres), named(run, names.migration), ...workerContainers()]) {
      expect(c.propertyDependencies.envs).toContain(generator.urn);
    }
    for (const c of [named(run, names.migration), ...workerContainers()]) {
      expect(envOf(c).DATABASE_PASSWORD).toBe(password);
    }
    for (const c of [...workerContainers(), named(run, names.migration), named(run, names.postgres)]) {
      expect(c.secretInputs).toContain("envs");
      const envs = c.rawInputs.envs as unknown[];
      for (const entry of envs) {
        const text = isSecretValue(entry) ? String((entry as { value: unknown }).value) : String(entry);
        const holdsSecret = text.includes(password) || text.includes(secretKey);
        // Every entry that holds a secret value is itself wrapped as a secret; no plain entry holds one.
        expect({ entry: text.split("=")[0], secret: isSecretValue(entry) }).toEqual({
          entry: text.split("=")[0],
          secret: holdsSecret,
        });
      }
    }
  });

  test("each worker gets its kind's config.yaml, uploaded where CONFIG_NAME looks", () => {
    for (const c of workerContainers()) {
      const file = plan.app.configFiles[labelOf(c, "throat.worker") as "sync"];
      expect(uploadsOf(c)).toEqual({ [`/throat/${file.path}`]: { file: `/throat/${file.path}`, content: file.text } });
      expect(envOf(c).CONFIG_NAME).toBe(file.name);
    }
  });

  test("the migration connects straight to PostgreSQL with the sync workers' configuration", () => {
    const m = named(run, names.migration);
    const config = plan.app.configFiles.sync;
    expect(envOf(m)).toMatchObject({
      DATABASE_HOST: names.postgres,
      DATABASE_PORT: "5432",
      CONFIG_NAME: plan.migration.configName,
    });
    expect(uploadsOf(m)[`/throat/${config.path}`]?.content).toBe(config.text);
    expect(m.inputs.command).toEqual(plan.migration.argv);
    // The route check runs from the files uploaded where the prod image carries them.
    expect((m.inputs.command as string[])[2]).toContain(
      "python3 stack/check_routes.py stack/expected-routes.tsv && exec ",
    );
    expect(uploadsOf(m)["/throat/stack/expected-routes.tsv"]?.content).toBe(
      plan.migration.generatedFiles["stack/expected-routes.tsv"],
    );
    expect(uploadsOf(m)["/throat/stack/check_routes.py"]?.content).toContain("def drift(expected, actual):");
  });

  test("the edge gets the plan's nginx files and the certificate where http.conf points, the key as a 0600 secret", () => {
    const edge = named(run, names.edge);
    const uploads = uploadsOf(edge);
    for (const [file, text] of Object.entries(plan.edge.nginxFiles))
      expect(uploads[`/etc/nginx/${file}`]?.content).toBe(text);
    expect(uploads[EDGE_PATHS.tls.certificatePath]?.content).toMatch(/^-----BEGIN CERTIFICATE-----/);
    expect(uploads[EDGE_PATHS.tls.keyPath]).toMatchObject({
      content: expect.stringMatching(/^-----BEGIN PRIVATE KEY-----/),
      permissions: "0600",
    });
    expect(edge.secretInputs).toEqual(["uploads"]);
    const rawUploads = named(run, names.edge).rawInputs.uploads as { file: string; content: unknown }[];
    expect(rawUploads.filter((u) => isSecretValue(u.content)).map((u) => u.file)).toEqual([EDGE_PATHS.tls.keyPath]);
  });

  test("only the edge publishes ports: the configured HTTP and HTTPS ports", () => {
    const publishing = containers(run).filter((c) => c.inputs.ports !== undefined);
    expect(publishing.map((c) => c.name)).toEqual([names.edge]);
    expect(named(run, names.edge).inputs.ports).toEqual([
      { internal: 80, external: plan.settings.edge.httpPort },
      { internal: 443, external: plan.settings.edge.httpsPort },
    ]);
  });

  test("every long-running container has a healthcheck that `pulumi up` waits on, and restarts unless stopped", () => {
    for (const c of containers(run).filter((x) => x.name !== names.migration)) {
      expect(c.inputs).toMatchObject({
        wait: true,
        restart: "unless-stopped",
        healthcheck: { tests: expect.arrayContaining(["CMD"]) },
      });
    }
  });
});

describe("order and replacement", () => {
  const urnOf = (name: string) => named(run, name).urn;

  test("the migration waits for PostgreSQL and Redis", () => {
    expect(named(run, names.migration).dependencies).toEqual(
      expect.arrayContaining([urnOf(names.postgres), urnOf(names.redis)]),
    );
  });

  test("every worker waits for the migration, PostgreSQL and Redis", () => {
    for (const c of workerContainers()) {
      expect(c.dependencies).toEqual(
        expect.arrayContaining([urnOf(names.migration), urnOf(names.postgres), urnOf(names.redis)]),
      );
    }
  });

  test("no worker input comes from the migration, PostgreSQL or Redis: replacing one of them never deletes the workers first", () => {
    // Pulumi deletes first those dependents whose input properties come from a resource it
    // replaces delete-first; plain dependsOn edges only order. (The network is different: a
    // new network must take its containers with it.)
    const deleteFirst = [names.postgres, names.redis, names.migration].map(urnOf);
    for (const c of workerContainers()) {
      const { propertyDependencies } = c;
      expect(propertyDependencies.networksAdvanced).toContain(urnOf(names.network));
      expect(
        Object.entries(propertyDependencies).filter(([, urns]) => urns.some((u) => deleteFirst.includes(u))),
      ).toEqual([]);
    }
  });

  test("the edge waits for every worker and carries their ids, so a new worker set restarts nginx", () => {
    const edge = named(run, names.edge);
    expect(edge.dependencies).toEqual(expect.arrayContaining(workerContainers().map((c) => c.urn)));
    expect(labelOf(edge, "throat.upstreams")).toBe(
      workerContainers()
        .map((c) => `${c.name}-id`)
        .sort()
        .join(","),
    );
  });

  test("workers are replaced new-before-old: explicit deleteBeforeReplace false and no fixed name", () => {
    for (const c of workerContainers()) {
      expect(c.deleteBeforeReplace).toBe(false);
      expect(c.deleteBeforeReplaceDefined).toBe(true);
      expect(c.inputs.name).toBeUndefined();
    }
  });

  test("fixed-name resources go before their replacement comes", () => {
    for (const n of [names.network, names.postgresVolume, names.postgres, names.redis, names.migration, names.edge]) {
      expect({ n, dbr: named(run, n).deleteBeforeReplace, name: named(run, n).inputs.name }).toEqual({
        n,
        dbr: true,
        name: n,
      });
    }
  });
});

describe("stack outputs", () => {
  test("the url is the site on the published HTTPS port", () => {
    expect(run.outputs.url).toBe(`https://${plan.settings.siteName}:${plan.settings.edge.httpsPort}`);
  });

  test("no output holds the database password, the secret key or the TLS key", () => {
    const secrets: string[] = [
      envOf(named(run, names.postgres)).POSTGRES_PASSWORD!,
      envOf(workerContainers()[0]!).APP_SECRET_KEY!,
      uploadsOf(named(run, names.edge))[EDGE_PATHS.tls.keyPath]!.content!,
    ];
    const text = JSON.stringify(run.outputs);
    for (const s of secrets) expect(text).not.toContain(s);
    expect(run.secretOutputs).toEqual([]);
  });
});

describe("open files for the socketio clients (plan/capacity.ts)", () => {
  const ulimitsOf = (name: string) => named(run, name).inputs.ulimits;
  test("each socketio container gets the plan's nofile, soft = hard; the HTTP workers keep Docker's", () => {
    const socketio = plan.workers.find((w) => w.kind === "socketio")!;
    expect(socketio.nofile).toBeGreaterThanOrEqual(plan.settings.workers.socketio.clients);
    for (const w of plan.workers) {
      for (let i = 0; i < w.replicas.max; i++) {
        const want =
          w.kind === "socketio" ? [{ name: "nofile", soft: socketio.nofile, hard: socketio.nofile }] : undefined;
        expect(ulimitsOf(names.alias(w.kind, i))).toEqual(want);
      }
    }
  });
  test("the nginx edge's nofile is its worker_rlimit_nofile", () => {
    expect(plan.edge.nginxFiles["throat/main.conf"]).toBe(`worker_rlimit_nofile ${plan.edge.nofile};\n`);
    expect(ulimitsOf(names.edge)).toEqual([{ name: "nofile", soft: plan.edge.nofile, hard: plan.edge.nofile }]);
  });
});
