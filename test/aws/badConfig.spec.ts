// A configuration AWS would refuse stops the program before it registers any resource, with
// a message that names the config key to change: end to end, through the real program. The
// settings and the plan check it, so a refused run leaves nothing pending that could disturb
// the next run in this process (the mock runtime is process-global).
import { ProgramFailure } from "../../scripts/offline/mockRuntime";
import { errorOf, PROD_REQUIRED, settings } from "../support/settings";
import { RUN_TIMEOUT, runProd } from "./support";

const workers = (sync: Record<string, unknown>) => ({
  sync: { replicas: { min: 2, max: 6 }, processes: 4, threads: 1, ...sync },
  gevent: { replicas: { min: 1, max: 3 }, workerConnections: 40 },
  socketio: { replicas: 2, workerConnections: 200 },
});

test(
  "an invalid Fargate size names throat:workers.sync.cpu / memory and the sizes that fit",
  async () => {
    await expect(runProd({ workers: workers({ cpu: 256, memory: 8192 }) })).rejects.toThrow(
      "throat:workers.sync.cpu / throat:workers.sync.memory: Fargate has no task size 256 CPU / 8192 MiB; with 256 CPU, memory must be 512, 1024, 2048 MiB; 8192 MiB pairs with CPU 1024, 2048, 4096",
    );
  },
  RUN_TIMEOUT,
);

test(
  "the same size for the async kinds names their keys",
  async () => {
    await expect(
      runProd({
        workers: {
          ...workers({ cpu: 1024, memory: 2048 }),
          gevent: { replicas: 1, workerConnections: 40, cpu: 512, memory: 512 },
        },
      }),
    ).rejects.toThrow(
      /throat:workers\.gevent\.cpu \/ throat:workers\.gevent\.memory: Fargate has no task size 512 CPU \/ 512 MiB/,
    );
  },
  RUN_TIMEOUT,
);

test(
  "socket.io workers need a fixed count on AWS",
  async () => {
    await expect(
      runProd({
        workers: {
          ...workers({ cpu: 1024, memory: 2048 }),
          socketio: { replicas: { min: 1, max: 3 }, workerConnections: 100 },
        },
      }),
    ).rejects.toThrow(/throat:workers\.socketio\.replicas: got min 1, max 3/);
  },
  RUN_TIMEOUT,
);

test(
  "subnet ids without the VPC they belong to are refused",
  async () => {
    await expect(
      runProd({ aws: { publicSubnetIds: ["subnet-a", "subnet-b"], privateSubnetIds: ["subnet-c", "subnet-d"] } }),
    ).rejects.toThrow(/without throat:aws\.vpcId/);
  },
  RUN_TIMEOUT,
);

test(
  "CloudWatch's retention values only, with the nearest one suggested",
  async () => {
    await expect(runProd({ aws: { logRetentionDays: 8 } })).rejects.toThrow(
      /throat:aws\.logRetentionDays: got 8; .*\(nearest: 7\)/,
    );
  },
  RUN_TIMEOUT,
);

test(
  "PgBouncer on prod is refused through the real program, before anything is registered",
  async () => {
    const failure = await runProd({ database: { maxConnections: 60, pgbouncer: { enabled: true } } }).then(
      () => undefined,
      (e: ProgramFailure) => e,
    );
    expect(failure).toBeInstanceOf(ProgramFailure);
    expect(failure!.message).toMatch(/throat:database\.pgbouncer is refused on the prod profile/);
    expect(failure!.resources).toEqual([]);
  },
  RUN_TIMEOUT,
);

test("every settings problem is reported at once", () => {
  const msg = errorOf(() =>
    settings("prod", {
      ...PROD_REQUIRED,
      workers: { socketio: { replicas: { min: 1, max: 2 } } },
      aws: { logRetentionDays: 10, publicSubnetIds: ["subnet-0a0a0001", "subnet-0a0a0002"] },
    }),
  );
  expect(msg).toMatch(/has 3 configuration problem/);
  for (const key of ["throat:workers.socketio.replicas", "throat:aws.logRetentionDays", "throat:aws.publicSubnetIds"])
    expect(msg).toContain(key);
});

test(
  "a valid configuration after refused ones runs clean (the mock runtime is process-global)",
  async () => {
    const run = await runProd();
    expect(run.resources.length).toBeGreaterThan(100);
  },
  RUN_TIMEOUT,
);
