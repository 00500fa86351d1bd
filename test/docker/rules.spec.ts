// The Docker provider rules of the mock runtime: plausible outputs, and the documented refusals
// of Docker and pulumi-docker, so a plan that `pulumi up` would fail on fails offline first.
import * as pulumi from "@pulumi/pulumi";
import {
  check,
  CONTAINER,
  DockerHost,
  IMAGE,
  NETWORK,
  physicalName,
  REMOTE_IMAGE,
  state,
  VOLUME,
} from "../../scripts/offline/rules/docker";

const web = (extra: Record<string, unknown> = {}) => ({
  image: "sha256:abc",
  networksAdvanced: [{ name: "app-net", aliases: ["web-0"] }],
  ...extra,
});

function hostWithNetwork(): DockerHost {
  const host = new DockerHost();
  host.check(NETWORK, "app-net", { name: "app-net" });
  return host;
}

describe("refusals", () => {
  test("a ulimit whose soft limit exceeds its hard one, or nofile above the kernel's nr_open", () => {
    const host = hostWithNetwork();
    host.check(CONTAINER, "ok", web({ ulimits: [{ name: "nofile", soft: 70000, hard: 70000 }] }));
    expect(() =>
      host.check(CONTAINER, "soft", web({ ulimits: [{ name: "nofile", soft: 70001, hard: 70000 }] })),
    ).toThrow(/ulimit nofile: soft 70001 above hard 70000/);
    expect(() => host.check(CONTAINER, "huge", web({ ulimits: [{ name: "nofile", soft: 1, hard: 2000000 }] }))).toThrow(
      /above the kernel's nr_open 1048576/,
    );
  });

  test("a container name taken twice in one run", () => {
    const host = hostWithNetwork();
    host.check(CONTAINER, "a", web({ name: "db" }));
    expect(() => host.check(CONTAINER, "b", web({ name: "db" }))).toThrow(
      /container name "db" is already in use by container "a"/,
    );
  });

  test("auto-named containers get distinct names", () => {
    const host = hostWithNetwork();
    host.check(CONTAINER, "web-0", web());
    host.check(CONTAINER, "web-1", web());
    expect(physicalName(CONTAINER, "web-0", {})).toMatch(/^web-0-[0-9a-f]{7}$/);
  });

  test("names with characters Docker refuses", () => {
    const host = hostWithNetwork();
    expect(() => host.check(CONTAINER, "x", web({ name: "throat test" }))).toThrow(
      /container name "throat test" is invalid/,
    );
    expect(() => host.check(CONTAINER, "y", web({ name: "-leading" }))).toThrow(/is invalid/);
    expect(() => host.check(VOLUME, "v", { name: "data/dir" })).toThrow(/volume name "data\/dir" is invalid/);
    expect(() => host.check(IMAGE, "i", { imageName: "Throat-Test-App:latest" })).toThrow(
      /not a valid image reference/,
    );
    expect(() => host.check(REMOTE_IMAGE, "r", { name: "Postgres:16" })).toThrow(/not a valid image reference/);
    host.check(IMAGE, "ok", { imageName: "123456789012.dkr.ecr.eu-west-1.amazonaws.com/some-app:latest" });
    host.check(REMOTE_IMAGE, "ok", { name: "postgres:16" });
  });

  test("a published port used twice, including 0.0.0.0 against one address", () => {
    const host = hostWithNetwork();
    host.check(CONTAINER, "edge", web({ name: "edge", ports: [{ internal: 443, external: 8443 }] }));
    expect(() =>
      host.check(
        CONTAINER,
        "edge2",
        web({ name: "edge2", ports: [{ internal: 443, external: 8443, ip: "127.0.0.1" }] }),
      ),
    ).toThrow(/port 127\.0\.0\.1:8443\/tcp is already allocated to container "edge"/);
    host.check(CONTAINER, "dns", web({ name: "dns", ports: [{ internal: 53, external: 8443, protocol: "udp" }] }));
    expect(() =>
      host.check(
        CONTAINER,
        "twice",
        web({
          name: "twice",
          ports: [
            { internal: 80, external: 9000 },
            { internal: 81, external: 9000 },
          ],
        }),
      ),
    ).toThrow(/9000\/tcp is already allocated/);
  });

  test("a network alias on a network the program did not create, or on a predefined network", () => {
    const host = hostWithNetwork();
    expect(() =>
      host.check(CONTAINER, "w", { image: "x", networksAdvanced: [{ name: "other-net", aliases: ["w"] }] }),
    ).toThrow(/network "other-net" is not a network this program created/);
    expect(() =>
      host.check(CONTAINER, "v", { image: "x", networksAdvanced: [{ name: "bridge", aliases: ["v"] }] }),
    ).toThrow(/only on user-defined networks/);
    expect(() => host.check(NETWORK, "n2", { name: "app-net" })).toThrow(/already taken/);
  });

  test("provider input rules: wait needs a healthcheck, logs needs attach, one upload source, restart policies", () => {
    const host = hostWithNetwork();
    expect(() => host.check(CONTAINER, "a", web({ wait: true }))).toThrow(/no healthcheck/);
    expect(() => host.check(CONTAINER, "b", web({ logs: true }))).toThrow(/logs needs attach/);
    expect(() =>
      host.check(CONTAINER, "c", web({ uploads: [{ file: "/x", content: "a", contentBase64: "YQ==" }] })),
    ).toThrow(/exactly one of content/);
    expect(() => host.check(CONTAINER, "d", web({ restart: "sometimes" }))).toThrow(/restart "sometimes"/);
    expect(() => host.check(CONTAINER, "e", web({ rm: true, restart: "always" }))).toThrow(
      /--rm with a restart policy/,
    );
  });

  test("check() keeps one host per run and looks through secret-wrapped inputs", async () => {
    await pulumi.runtime.setMocks(
      { newResource: (a) => ({ id: a.name, state: {} }), call: () => ({}) },
      "p",
      "s",
      false,
    );
    check(NETWORK, "net", { name: "net" });
    const wrapped = {
      "4dabf18193072939515e22adb298388d": "1b47061264138c4ac30d75fd1eb44270",
      value: [{ file: "/k", content: "secret" }],
    };
    check(CONTAINER, "app", { name: "app", image: "x", networksAdvanced: [{ name: "net" }], uploads: wrapped });
    expect(() => check(CONTAINER, "app2", { name: "app", image: "x" })).toThrow(/already in use/);
    await pulumi.runtime.setMocks(
      { newResource: (a) => ({ id: a.name, state: {} }), call: () => ({}) },
      "p",
      "s",
      false,
    );
    check(NETWORK, "net", { name: "net" });
    check(CONTAINER, "app", { name: "app", image: "x", networksAdvanced: [{ name: "net" }] });
  });
});

describe("outputs", () => {
  test("a container: its name (given or auto), an exit code 0 once a one-off ran", () => {
    expect(state(CONTAINER, "db", { name: "db", networksAdvanced: [{ name: "net" }] })).toMatchObject({
      name: "db",
      networkDatas: [{ networkName: "net" }],
    });
    expect(state(CONTAINER, "web-0", {}).name).toBe(physicalName(CONTAINER, "web-0", {}));
    expect(state(CONTAINER, "migrate", { mustRun: false, attach: true }).exitCode).toBe(0);
    expect(state(CONTAINER, "db", {})).not.toHaveProperty("exitCode");
  });

  test("images: ids and digests in Docker's formats", () => {
    expect(state(REMOTE_IMAGE, "pg", { name: "postgres:16" })).toMatchObject({
      imageId: expect.stringMatching(/^sha256:[0-9a-f]{64}$/),
      repoDigest: expect.stringMatching(/^postgres@sha256:[0-9a-f]{64}$/),
    });
    expect(state(IMAGE, "edge", { imageName: "edge:latest", build: { context: "." } }).repoDigest).toMatch(
      /^sha256:[0-9a-f]{64}$/,
    );
  });

  test("networks and volumes: names and local drivers", () => {
    expect(state(NETWORK, "n", { name: "n" })).toEqual({ name: "n", driver: "bridge", scope: "local" });
    expect(state(VOLUME, "v", { name: "v" })).toEqual({
      name: "v",
      driver: "local",
      mountpoint: "/var/lib/docker/volumes/v/_data",
    });
  });
});
