// The second deploy and the destroy of prod, against AWS's documented refusals
// (scripts/offline/rules/lifecycle.ts): two mock runs compared, or one run destroyed.
import { ProgramFailure, type ProgramRun } from "../../scripts/offline/mockRuntime";
import { changedResources, destroyRefusals, updateRefusals } from "../../scripts/offline/rules/lifecycle";
import { ofType } from "../support/runStack";
import { RUN_TIMEOUT, runProd, T, PREFIX } from "./support";

let pg16: ProgramRun;
let pg17: ProgramRun;
beforeAll(async () => {
  pg16 = await runProd();
  pg17 = await runProd({
    database: { maxConnections: 400, instanceClass: "db.t4g.large", multiAz: true, engineVersion: "17" },
  });
}, RUN_TIMEOUT);

test("16 -> 17: RDS accepts the major upgrade, and the new family's group is a new resource", () => {
  expect(updateRefusals(pg16, pg17)).toEqual([]);
  const instance = ofType(pg17, T.rds)[0]!;
  expect(instance.inputs).toMatchObject({ engineVersion: "17", allowMajorVersionUpgrade: true });
  // A new logical name per family: created before the instance moves to it, the old one deleted
  // at the end of the update, never replaced in place while the instance still uses it.
  const groups = (r: ProgramRun) => ofType(r, T.parameterGroup).map((g) => g.urn);
  expect(groups(pg17).filter((u) => groups(pg16).includes(u))).toEqual([]);
  expect(changedResources(pg16, pg17).map((r) => r.type)).toEqual(expect.arrayContaining([T.rds, T.parameterGroup]));
});

test("the mock refuses a major upgrade without the flag, as RDS does", () => {
  const without = {
    ...pg17,
    resources: pg17.resources.map((r) =>
      r.type === T.rds ? { ...r, inputs: { ...r.inputs, allowMajorVersionUpgrade: undefined } } : r,
    ),
  };
  expect(updateRefusals(pg16, without)).toEqual([
    expect.stringMatching(/AllowMajorVersionUpgrade flag must be present/),
  ]);
});

test("instance changes apply at `pulumi up`, storage grows by itself", () => {
  expect(ofType(pg16, T.rds)[0]!.inputs).toMatchObject({
    applyImmediately: true,
    maxAllocatedStorage: 100,
    allocatedStorage: 20,
  });
});

test("destroy: a re-created stack's final snapshot does not collide, the image repository goes with its images", () => {
  // What a destroyed predecessor of the same name left, and what every deploy pushes.
  const world = { existingSnapshots: [`${PREFIX}-final`], repositoriesWithImages: [PREFIX] };
  expect(destroyRefusals(pg16, world)).toEqual([]);
  const instance = ofType(pg16, T.rds)[0]!;
  const random = pg16.resources.find((r) => r.type === T.randomId)!;
  expect(instance.propertyDependencies.finalSnapshotIdentifier).toContain(random.urn);
  expect(ofType(pg16, T.ecr)[0]!.inputs.forceDelete).toBe(true);
});

test(
  "`pulumi up` reads what runs now from the stack's outputs and refuses a rollout that cannot fit, before any resource",
  async () => {
    const tight = { deploy: { maxPercent: 100 } };
    const before = await runProd(tight);
    const socketio3 = {
      ...tight,
      workers: {
        sync: { replicas: { min: 2, max: 6 }, processes: 4, threads: 1, cpu: 1024, memory: 2048 },
        gevent: { replicas: { min: 1, max: 3 }, workerConnections: 40 },
        socketio: { replicas: 3, workerConnections: 200 },
      },
    };
    // The same change on a stack never deployed fits: only the rollout overflows.
    await expect(runProd(socketio3)).resolves.toBeDefined();
    const err = await runProd(socketio3, { world: { previousOutputs: before.outputs } }).catch(
      (e: ProgramFailure) => e,
    );
    expect(err).toBeInstanceOf(ProgramFailure);
    expect((err as ProgramFailure).message).toMatch(
      /throat:database\.maxConnections: the change from what runs now cannot be made in one deploy.*\n[\s\S]*Deploy it in two steps: first set throat:workers\.socketio\.poolSize: 81/,
    );
    expect((err as ProgramFailure).resources.filter((r) => r.custom)).toEqual([]);
  },
  RUN_TIMEOUT,
);
