// A test stack with PgBouncer on: the pooler exists only then, is sized by the plan's budget,
// and stands between the workers and PostgreSQL while the migration still goes direct.
import { planFromConfig, PROJECT_ROOT } from "../../components/load";
import type { Plan } from "../../components/plan";
import { dockerNames } from "../../components/plan/names";
import type { ProgramRun } from "../../scripts/offline/mockRuntime";
import { named, runStack } from "../support/runStack";
import { containers, envOf, isSecretValue, labelOf, uploadsOf } from "./support";

const config = { database: { maxConnections: 100, pgbouncer: { enabled: true, poolSize: 25 } } };
let run: ProgramRun;
let plan: Plan;
let names: ReturnType<typeof dockerNames>;

beforeAll(async () => {
  plan = planFromConfig("test-pool", { "throat:database": JSON.stringify(config.database) }, []);
  names = dockerNames(plan.settings, plan.workers);
  run = await runStack("test-pool", config);
});

const workers = () => containers(run).filter((c) => labelOf(c, "throat.tier") === "worker");

test("PgBouncer is a component of the database tier: an image built from components/docker/pgbouncer and one container", () => {
  const component = run.resources.find((r) => r.type === "throat:docker:PgBouncer")!;
  expect(run.resources.find((r) => r.urn === component.parent)?.type).toBe("throat:docker:Database");
  const children = run.resources.filter((r) => r.parent === component.urn);
  expect(children.map((r) => `${r.type} ${r.name}`).sort()).toEqual([
    `docker:index/container:Container ${names.pgbouncer}`,
    `docker:index/image:Image ${names.pgbouncer}-image`,
  ]);
  expect(named(run, `${names.pgbouncer}-image`).inputs).toMatchObject({
    skipPush: true,
    build: { context: `${PROJECT_ROOT}/components/docker/pgbouncer` },
  });
});

test("pgbouncer.ini carries the budget's pool size and client limit, in transaction mode, in front of PostgreSQL", () => {
  const ini = uploadsOf(named(run, names.pgbouncer))["/etc/pgbouncer/pgbouncer.ini"]!.content!;
  const setting = (key: string) => new RegExp(`^${key} = (.*)$`, "m").exec(ini)?.[1];
  expect(plan.budget.pgbouncer).toBeDefined();
  expect(setting("default_pool_size")).toBe(String(plan.budget.pgbouncer!.poolSize));
  expect(setting("max_client_conn")).toBe(String(plan.budget.pgbouncer!.maxClientConnections));
  expect(setting("pool_mode")).toBe("transaction");
  expect(setting("throat")).toBe(`host=${names.postgres} port=5432 dbname=throat`);
});

test("the userlist holds the database password, as a secret only", () => {
  const password = envOf(named(run, names.postgres)).POSTGRES_PASSWORD!;
  const pgb = named(run, names.pgbouncer);
  expect(uploadsOf(pgb)["/etc/pgbouncer/userlist.txt"]?.content).toBe(`"throat" "${password}"\n`);
  const uploads = named(run, names.pgbouncer).rawInputs.uploads as { file: string; content: unknown }[];
  expect(uploads.filter((u) => isSecretValue(u.content)).map((u) => u.file)).toEqual(["/etc/pgbouncer/userlist.txt"]);
});

test("workers connect through PgBouncer and wait for it; the migration goes straight to PostgreSQL", () => {
  for (const w of workers()) {
    expect(envOf(w)).toMatchObject({ DATABASE_HOST: names.pgbouncer, DATABASE_PORT: "6432" });
    expect(w.dependencies).toContain(named(run, names.pgbouncer).urn);
  }
  expect(envOf(named(run, names.migration))).toMatchObject({ DATABASE_HOST: names.postgres, DATABASE_PORT: "5432" });
  expect(named(run, names.pgbouncer).dependencies).toContain(named(run, names.postgres).urn);
});
