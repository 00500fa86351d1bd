// A failed migration fails the update and starts no worker: the program, run in its own
// process where the migration container exits 1, ends with an error that names the migration,
// and neither a worker container nor the edge reached the engine.
import { spawnSync } from "node:child_process";
import * as path from "node:path";
import { PROJECT_ROOT } from "../../components/load";
import { stackNames } from "./support";
import { TSX_NODE, tsxArgs } from "../support/tsx";

const names = stackNames("test");

let result: { status: number | null; stdout: string; stderr: string };
beforeAll(() => {
  result = spawnSync(TSX_NODE, tsxArgs(path.join(__dirname, "failedMigration.program.ts")), {
    cwd: PROJECT_ROOT,
    encoding: "utf8",
    timeout: 60_000,
  });
}, 70_000);

const reached = () => result.stdout.split("\n").filter(Boolean);

test("the program fails with an error naming the migration, its exit code and how to rerun it", () => {
  expect(result.status).not.toBe(0);
  expect(result.stderr).toContain(`Migration container ${names.migration} exited with code 1`);
  expect(result.stderr).toContain(`docker logs ${names.migration}`);
  expect(result.stderr).toMatch(/pulumi up --replace 'urn:pulumi:test::throat::/);
});

test("the migration ran after the database and Redis; no worker and no edge reached the engine", () => {
  // The program got as far as the worker tier: the workers are missing because of the gate.
  expect(reached()).toContain("throat:docker:Workers throat-workers");
  const containers = reached().filter((l) => l.startsWith("docker:index/container:Container "));
  expect(containers.map((l) => l.split(" ")[1]).sort()).toEqual([names.migration, names.postgres, names.redis]);
});
