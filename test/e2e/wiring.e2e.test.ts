// The harness starts what the Docker target registers, so a mistake between the plan and the
// target fails the start, naming what is wrong (a plan read alone would have run fine), before
// any server runs: the failure lists no process log.
import { plan } from "../support/settings";
import { startHarness } from "./harness";
import { SLOW } from "./lib/standin";

test(
  "an app env value that names the wrong container of the network fails the start",
  async () => {
    const p = plan("test-wiring");
    // The database host filled with Redis's endpoint: the target would wire the app to Redis.
    p.app.env.DATABASE_HOST = "{{redisHost}}";
    const started = startHarness(p, { label: "test-wiring" });
    await expect(started).rejects.toThrow(
      /DATABASE_HOST:DATABASE_PORT is throat-test-wiring-redis:5432, which is no container of the stack's network/,
    );
    await expect(started).rejects.toMatchObject({ message: expect.not.stringContaining("----- postgres") });
  },
  2 * SLOW,
);

test(
  "a config file uploaded where CONFIG_NAME does not look fails the start",
  async () => {
    const p = plan("test-wiring");
    p.app.configFiles.gevent.path = "configs/elsewhere/config.yaml";
    const started = startHarness(p, { label: "test-wiring" });
    await expect(started).rejects.toThrow(
      /CONFIG_NAME=test-wiring-gevent: the container has no configs\/test-wiring-gevent\//,
    );
    await expect(started).rejects.toMatchObject({ message: expect.not.stringContaining("----- postgres") });
  },
  2 * SLOW,
);
