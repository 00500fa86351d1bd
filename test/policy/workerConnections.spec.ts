// async-workers-set-worker-connections on hand-made ECS task definitions and Docker containers.
import { asyncWorkerConnections } from "../../policy/workerConnections";
import { messages, resource } from "./support";
import { T } from "../../policy/types";

const ecs = (name: string, environment: Record<string, string>) =>
  resource(T.taskDefinition, `throat-prod-${name}`, {
    family: `throat-prod-${name}`,
    containerDefinitions: JSON.stringify([
      { name, environment: Object.entries(environment).map(([n, value]) => ({ name: n, value })), secrets: [] },
    ]),
  });
const docker = (name: string, env: Record<string, string>) =>
  resource(T.container, name, { envs: Object.entries(env).map(([k, v]) => `${k}=${v}`) });
const check = (...rs: ReturnType<typeof resource>[]) => messages(rs, [asyncWorkerConnections]);

test("async workers with their worker connections, sync workers without: passes", async () => {
  expect(
    await check(
      ecs("gevent", { WORKER_TYPE: "gevent", WORKER_CONNECTIONS: "40" }),
      ecs("socketio", { WORKER_TYPE: "socketio", WORKER_CONNECTIONS: "200" }),
      ecs("sync", { WORKER_TYPE: "sync", WORKER_COUNT: "4" }),
    ),
  ).toEqual([]);
});

test("gevent without WORKER_CONNECTIONS", async () => {
  expect(await check(ecs("gevent", { WORKER_TYPE: "gevent" }))).toEqual([
    "Task definition throat-prod-gevent, container gevent runs a gevent worker without WORKER_CONNECTIONS, so gunicorn accepts its default of 1000 concurrent requests, far more than the database pool serves. Set WORKER_CONNECTIONS to at most the pool size (throat:workers.gevent.workerConnections).",
  ]);
});

test("gevent with gunicorn's default written out", async () => {
  expect(await check(ecs("gevent", { WORKER_TYPE: "gevent", WORKER_CONNECTIONS: "1000" }))).toEqual([
    "Task definition throat-prod-gevent, container gevent runs a gevent worker with WORKER_CONNECTIONS 1000, gunicorn's default, far more than the database pool serves. Set WORKER_CONNECTIONS to at most the pool size (throat:workers.gevent.workerConnections).",
  ]);
});

test.each(["0", "-5", "forty", ""])("socketio with WORKER_CONNECTIONS %p", async (value) => {
  expect(await check(ecs("socketio", { WORKER_TYPE: "socketio", WORKER_CONNECTIONS: value }))).toEqual([
    `Task definition throat-prod-socketio, container socketio runs a socketio worker with WORKER_CONNECTIONS "${value}", which is not a positive integer. Set WORKER_CONNECTIONS to at most the pool size (throat:workers.socketio.workerConnections).`,
  ]);
});

test("Docker containers are held to the same rule", async () => {
  expect(
    await check(
      docker("throat-test-gevent-0", { WORKER_TYPE: "gevent", CONFIG_NAME: "test-gevent" }),
      docker("throat-test-socketio-0", { WORKER_TYPE: "socketio", WORKER_CONNECTIONS: "100" }),
    ),
  ).toEqual([
    "Docker container throat-test-gevent-0 runs a gevent worker without WORKER_CONNECTIONS, so gunicorn accepts its default of 1000 concurrent requests, far more than the database pool serves. Set WORKER_CONNECTIONS to at most the pool size (throat:workers.gevent.workerConnections).",
  ]);
});
