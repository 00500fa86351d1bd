// The harness starts what the Docker target registers, so a mistake between the plan and the
// target fails the start, naming what is wrong (a plan read alone would have run fine).
import { plan } from "../support/settings";
import { startHarness } from "./harness";
import { SLOW } from "./lib/standin";

test(
  "an app env value that names the wrong container of the network fails the start",
  async () => {
    const p = plan("test-wiring");
    // The database host filled with Redis's endpoint: the target would wire the app to Redis.
    p.app.env.DATABASE_HOST = "{{redisHost}}";
    await expect(startHarness(p, { label: "test-wiring" })).rejects.toThrow(
      /DATABASE_HOST:DATABASE_PORT is throat-test-wiring-redis:5432, which is no container of the stack's network/,
    );
  },
  2 * SLOW,
);

test(
  "a config file uploaded where CONFIG_NAME does not look fails the start",
  async () => {
    const p = plan("test-wiring");
    p.app.configFiles.gevent.path = "configs/elsewhere/config.yaml";
    await expect(startHarness(p, { label: "test-wiring" })).rejects.toThrow(
      /CONFIG_NAME=test-wiring-gevent: the container has no configs\/test-wiring-gevent\//,
    );
  },
  2 * SLOW,
);
