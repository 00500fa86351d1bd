// A throw-away Redis on loopback: no persistence (nothing to clean up, no
// fsync stalls), protected mode on since it only listens on 127.0.0.1.
import { freePort } from "./ports";
import { type ProcessGroup, runCommand, waitForPort } from "./processes";

export interface RedisServer {
  name: string;
  host: string;
  port: number;
  /** redis://127.0.0.1:PORT, the form Throat's app.redis_url / cache.redis_url take. */
  url: string;
  /** Runs one redis-cli command, e.g. cli("PUBSUB", "CHANNELS"). */
  cli(...args: string[]): Promise<string>;
}

export async function startRedis(group: ProcessGroup, options: { name?: string } = {}): Promise<RedisServer> {
  const name = options.name ?? "redis";
  const port = await freePort();
  const dir = group.subdir(name);
  group.spawn(
    name,
    "redis-server",
    [
      "--bind",
      "127.0.0.1",
      "--port",
      String(port),
      "--save",
      "",
      "--appendonly",
      "no",
      "--dir",
      dir,
      "--daemonize",
      "no",
    ],
    { cwd: dir, backing: true },
  );
  await group.untilReady(name, waitForPort(port, 30_000));
  return {
    name,
    host: "127.0.0.1",
    port,
    url: `redis://127.0.0.1:${port}`,
    cli: (...args) => runCommand("redis-cli", ["-h", "127.0.0.1", "-p", String(port), ...args]),
  };
}
