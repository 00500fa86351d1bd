// A sync replica dying mid-stream costs no request: nginx retries an idempotent request that
// failed on a dead upstream on the next one (proxy_next_upstream), and stops sending there.
import { plan } from "../support/settings";
import { startHarness, type Harness } from "./harness";
import { mapLimited, outcome } from "./lib/concurrency";
import { plainGetRoute, SLOW, type RouteAnswer } from "./lib/standin";
import { httpRequest, isAlive, processTree } from "./support";

const p = plan("test-failover", { workers: { sync: { replicas: 2, processes: 2 } } });
const REQUESTS = 400;
const CONCURRENCY = 4;
const KILL_AFTER = 100;

describe("losing a sync replica under traffic", () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness(p);
  }, 3 * SLOW);
  afterAll(() => h?.stop(), SLOW);

  test(
    `${REQUESTS} GETs through nginx, one sync replica SIGKILLed after ${KILL_AFTER}: all 200`,
    async () => {
      const [victim, survivor] = h.byKind("sync");
      if (!victim || !survivor) throw new Error("the plan should run two sync replicas");
      const victimTree = processTree([h.group.get(victim.name).pid]);
      const survivorPids = h.workerPids(survivor.name);
      // A short hold keeps requests in flight on the victim when it dies: those are retried.
      const route = plainGetRoute(p.routes.routes, false).rule;
      let done = 0;
      let killed: Promise<void> | undefined;
      const results = await mapLimited(Array.from({ length: REQUESTS }), CONCURRENCY, async () => {
        const result = await outcome(() => httpRequest(`${h.httpsUrl}${route}?hold=0.02`, { timeoutMs: SLOW }));
        if (++done === KILL_AFTER) killed = h.kill(victim.name, "SIGKILL");
        return result;
      });
      await killed;
      expect(results.filter((r) => r.status !== 200)).toEqual([]);
      expect(victimTree.filter(isAlive)).toEqual([]);
      // nginx did meet the dead replica mid-stream (and retried elsewhere): its error log names it.
      const upstreamErrors = h
        .log("nginx")
        .split("\n")
        .filter((l) => l.includes("upstream") && l.includes(victim.hostPort));
      expect(upstreamErrors.length).toBeGreaterThan(0);
      // What comes next is the survivor's.
      const served = await Promise.all(
        Array.from({ length: 8 }, () => httpRequest(`${h.httpsUrl}${route}`).then((r) => r.json<RouteAnswer>().pid)),
      );
      for (const pid of served) expect(survivorPids).toContain(pid);
    },
    3 * SLOW,
  );
});
