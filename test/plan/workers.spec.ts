import { GUNICORN_CMD_ARGS } from "../../components/plan/accessLog";
import { checkWorker, WorkerService } from "../../components/plan/workers";
import { plan } from "../support/settings";
import { ALB_IDLE_TIMEOUT } from "../../components/aws/alb";

const flag = (w: WorkerService, name: string) => {
  const i = w.argv.indexOf(name);
  return i < 0 ? undefined : w.argv[i + 1];
};

describe("worker services (deploy.md, docs/throat-contract.md)", () => {
  const p = plan("test", {
    workers: {
      sync: { replicas: 3, processes: 4, threads: 2 },
      gevent: { workerConnections: 30 },
      socketio: { workerConnections: 120 },
    },
    database: { maxConnections: 300 },
  });
  const byKind = Object.fromEntries(p.workers.map((w) => [w.kind, w])) as Record<string, WorkerService>;

  it("plans the three kinds", () => {
    expect(p.workers.map((w) => w.kind)).toEqual(["sync", "gevent", "socketio"]);
  });

  it("runs async kinds with exactly one gunicorn worker and their worker connections, never the 1000 default", () => {
    for (const kind of ["gevent", "socketio"]) {
      const w = byKind[kind]!;
      expect(flag(w, "-w")).toBe("1");
      expect(flag(w, "--worker-connections")).toBe(String(w.workerConnections));
      expect(w.launchEnv.WORKER_CONNECTIONS).toBe(String(w.workerConnections));
      expect(flag(w, "--keep-alive")).toBe("65");
    }
    expect(flag(byKind.gevent!, "--worker-class")).toBe("gevent");
    expect(flag(byKind.socketio!, "--worker-class")).toBe("geventwebsocket.gunicorn.workers.GeventWebSocketWorker");
    expect(byKind.gevent!.workerConnections).toBe(30);
  });

  it("runs sync workers with the image's WORKER_COUNT and THREAD_COUNT", () => {
    const w = byKind.sync!;
    expect(w.launchEnv).toMatchObject({ WORKER_TYPE: "sync", WORKER_COUNT: "4", THREAD_COUNT: "2" });
    expect(flag(w, "-w")).toBe("4");
    expect(flag(w, "--threads")).toBe("2");
    expect(w.argv).not.toContain("--worker-connections");
    expect(w.argv).toContain("/dev/shm");
  });

  it("gives gthread workers (threads > 1) a keep-alive above the ALB's idle timeout, in argv and the image's env", () => {
    const w = byKind.sync!;
    expect(Number(flag(w, "--keep-alive"))).toBeGreaterThan(ALB_IDLE_TIMEOUT);
    expect(w.launchEnv.GUNICORN_CMD_ARGS).toBe(`--keep-alive ${flag(w, "--keep-alive")} ${GUNICORN_CMD_ARGS}`);
    // The plain sync worker ignores keep-alive: nothing to set.
    const plain = plan("test").workers.find((x) => x.kind === "sync")!;
    expect(plain.argv).not.toContain("--keep-alive");
    // Only the access log (plan/accessLog.ts) travels in its GUNICORN_CMD_ARGS.
    expect(plain.launchEnv.GUNICORN_CMD_ARGS).toBe(GUNICORN_CMD_ARGS);
  });

  it("gives every kind its own CONFIG_NAME, bound to port 5000 with the production app", () => {
    for (const w of p.workers) {
      expect(w.launchEnv.CONFIG_NAME).toBe(`test-${w.kind}`);
      expect(w.configName).toBe(`test-${w.kind}`);
      expect(flag(w, "--bind")).toBe("0.0.0.0:5000");
      expect(w.argv.at(-1)).toBe("throat_prod:app");
      expect(w.launchEnv.WORKER_TYPE).toBe(w.kind);
    }
  });

  it("carries the replicas, the deploy peak and the connections a replica holds", () => {
    expect(byKind.sync!.replicas).toEqual({ min: 3, max: 3, peak: 6 });
    expect(byKind.sync!.connectionsPerReplica).toBe(4 * 2); // 4 processes x 2 threads
    expect(byKind.gevent!.connectionsPerReplica).toBe(byKind.gevent!.poolSize);
    const line = p.budget.server.lines.find((l) => l.consumer.startsWith("sync"))!;
    expect(line.connections).toBe(byKind.sync!.connectionsPerReplica * byKind.sync!.replicas.peak);
  });

  it("checkWorker catches an async worker without worker connections or with -w 2", () => {
    const g = byKind.gevent!;
    expect(checkWorker(g)).toEqual([]);
    const noConnections = {
      ...g,
      argv: g.argv.filter((a, i, all) => a !== "--worker-connections" && all[i - 1] !== "--worker-connections"),
    };
    expect(checkWorker(noConnections)).toEqual([
      expect.stringMatching(/--worker-connections is missing, so gunicorn allows 1000/),
    ]);
    const twoWorkers = { ...g, argv: g.argv.map((a, i, all) => (all[i - 1] === "-w" ? "2" : a)) };
    expect(checkWorker(twoWorkers)).toEqual([expect.stringMatching(/exactly one gunicorn worker \(-w 1\), got -w 2/)]);
  });
});

test("the migration runs with the sync workers' configuration and, on prod, their task size", () => {
  const p = plan("prod", { workers: { sync: { cpu: 1024, memory: 4096 } } });
  const sync = p.workers.find((w) => w.kind === "sync")!;
  expect(p.migration).toMatchObject({ configName: p.app.configFiles.sync.name, cpu: 1024, memory: 4096 });
  expect([sync.cpu, sync.memory]).toEqual([1024, 4096]);
});
