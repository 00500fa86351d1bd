// Provider rules for the mock runtime (see ../../offline/providerRules.ts): what the Docker engine and
// the pulumi-docker provider would answer, and what they would refuse at `pulumi up`.
// Rules that span resources (a name or a port taken twice) are kept per program run: each
// run installs a fresh mock monitor, which keys the run's state.
import { createHash } from "node:crypto";
import * as path from "node:path";
import { contextDigest } from "../resourceInputs";
import { revealSecrets } from "../secrets";
import * as pulumi from "@pulumi/pulumi";
// The distribution reference grammar: one definition, quoted there; the settings check throat:image with it.
import { IMAGE_REFERENCE } from "../../../components/settings/limits";
import { world } from "./world";

export const CONTAINER = "docker:index/container:Container";
export const NETWORK = "docker:index/network:Network";
export const VOLUME = "docker:index/volume:Volume";
export const IMAGE = "docker:index/image:Image";
export const REMOTE_IMAGE = "docker:index/remoteImage:RemoteImage";

/** moby's name pattern for containers and volumes. */
const OBJECT_NAME = /^[a-zA-Z0-9][a-zA-Z0-9_.-]+$/;
/** Networks every engine has; they cannot carry network-scoped aliases. */
const PREDEFINED_NETWORKS = ["bridge", "host", "none"];
/** Docker's restart policies. */
const RESTART_POLICIES = ["no", "on-failure", "always", "unless-stopped"];

export class DockerRuleError extends Error {
  constructor(type: string, name: string, problem: string) {
    super(`${type} "${name}": ${problem}`);
    this.name = "DockerRuleError";
  }
}

type Inputs = Record<string, unknown>;
interface Port {
  internal?: number;
  external?: number;
  ip?: string;
  protocol?: string;
}
interface NetworkAttachment {
  name?: string;
  aliases?: string[];
}
interface Upload {
  file?: string;
  content?: string;
  contentBase64?: string;
  source?: string;
}

/** One program run's view of the Docker host: what its resources have claimed so far. */
export class DockerHost {
  private readonly containers = new Map<string, string>();
  private readonly networks = new Map<string, string>();
  private readonly ports = new Map<string, { ip: string; owner: string }[]>();

  check(type: string, name: string, inputs: Inputs): void {
    const fail = (problem: string) => {
      throw new DockerRuleError(type, name, problem);
    };
    if (type === NETWORK) this.checkNetwork(name, inputs, fail);
    if (type === VOLUME && inputs.name !== undefined && !OBJECT_NAME.test(String(inputs.name))) {
      fail(`volume name "${String(inputs.name)}" is invalid: Docker allows [a-zA-Z0-9][a-zA-Z0-9_.-]+`);
    }
    if (type === IMAGE && !IMAGE_REFERENCE.test(String(inputs.imageName)))
      fail(`imageName "${String(inputs.imageName)}" is not a valid image reference (repository names are lower case)`);
    if (type === REMOTE_IMAGE && !IMAGE_REFERENCE.test(String(inputs.name)))
      fail(`name "${String(inputs.name)}" is not a valid image reference (repository names are lower case)`);
    if (type === CONTAINER) this.checkContainer(name, inputs, fail);
  }

  private checkNetwork(name: string, inputs: Inputs, fail: (p: string) => never): void {
    const physical = physicalName(NETWORK, name, inputs);
    if (PREDEFINED_NETWORKS.includes(physical))
      fail(`network name "${physical}" is one of Docker's predefined networks`);
    const owner = this.networks.get(physical);
    if (owner !== undefined)
      fail(
        `network name "${physical}" is already taken by network "${owner}" (Docker refuses duplicate network names)`,
      );
    this.networks.set(physical, name);
  }

  private checkContainer(name: string, inputs: Inputs, fail: (p: string) => never): void {
    const physical = physicalName(CONTAINER, name, inputs);
    if (!OBJECT_NAME.test(physical))
      fail(`container name "${physical}" is invalid: Docker allows [a-zA-Z0-9][a-zA-Z0-9_.-]+`);
    const owner = this.containers.get(physical);
    if (owner !== undefined) fail(`container name "${physical}" is already in use by container "${owner}"`);

    const restart = inputs.restart as string | undefined;
    if (restart !== undefined && !RESTART_POLICIES.includes(restart))
      fail(`restart "${restart}" is not one of ${RESTART_POLICIES.join(", ")}`);
    if (inputs.rm === true && restart !== undefined && restart !== "no")
      fail(`rm and restart "${restart}" conflict: Docker refuses --rm with a restart policy`);
    if (inputs.wait === true && !inputs.healthcheck)
      fail("wait is true but there is no healthcheck: the provider waits for a health state that never comes");
    if (inputs.logs === true && inputs.attach !== true) fail("logs needs attach: true");

    // `docker run --ulimit nofile=soft:hard`: the soft limit may not exceed the hard one
    // (setrlimit(2): EINVAL), and the kernel's fs.nr_open (1048576 by default) bounds nofile.
    for (const u of (inputs.ulimits as { name: string; soft: number; hard: number }[] | undefined) ?? []) {
      if (u.soft > u.hard) fail(`ulimit ${u.name}: soft ${u.soft} above hard ${u.hard}`);
      if (u.name === "nofile" && u.hard > 1048576)
        fail(`ulimit nofile: hard ${u.hard} above the kernel's nr_open 1048576`);
    }

    for (const u of (inputs.uploads as Upload[] | undefined) ?? []) {
      const sources = [u.content, u.contentBase64, u.source].filter((v) => v !== undefined && v !== "").length;
      if (sources !== 1)
        fail(`upload ${u.file}: exactly one of content, contentBase64 or source must be set (got ${sources})`);
    }

    for (const n of (inputs.networksAdvanced as NetworkAttachment[] | undefined) ?? []) {
      const net = String(n.name);
      const aliases = n.aliases ?? [];
      if (PREDEFINED_NETWORKS.includes(net)) {
        if (aliases.length)
          fail(
            `network aliases ${aliases.join(", ")} on "${net}": Docker supports network-scoped aliases only on user-defined networks`,
          );
      } else if (!this.networks.has(net)) {
        fail(
          `network "${net}" is not a network this program created${aliases.length ? ` (aliases ${aliases.join(", ")})` : ""}`,
        );
      }
    }

    const claimed: [string, { ip: string; owner: string }][] = [];
    for (const p of (inputs.ports as Port[] | undefined) ?? []) {
      if (p.external === undefined) continue;
      if (!Number.isInteger(p.external) || p.external < 1 || p.external > 65535)
        fail(`published port ${p.external} is outside 1..65535`);
      const key = `${p.external}/${p.protocol ?? "tcp"}`;
      const ip = p.ip ?? "0.0.0.0";
      const taken = [...(this.ports.get(key) ?? []), ...claimed.filter(([k]) => k === key).map(([, v]) => v)].find(
        (b) => b.ip === ip || b.ip === "0.0.0.0" || ip === "0.0.0.0",
      );
      if (taken) fail(`port ${ip}:${key} is already allocated to container "${taken.owner}"`);
      claimed.push([key, { ip, owner: physical }]);
    }

    this.containers.set(physical, name);
    for (const [key, binding] of claimed) this.ports.set(key, [...(this.ports.get(key) ?? []), binding]);
  }
}

const hosts = new WeakMap<object, DockerHost>();
const outsideRuns = {};

/** The host state of the run in progress (one per mock monitor). */
function currentHost(): DockerHost {
  const key = (pulumi.runtime.getMonitor() as object | undefined) ?? outsideRuns;
  let host = hosts.get(key);
  if (!host) hosts.set(key, (host = new DockerHost()));
  return host;
}

export function check(type: string, name: string, inputs: Inputs): void {
  currentHost().check(type, name, revealSecrets(inputs) as Inputs);
}

/**
 * The name Docker ends up with: the given one, or Pulumi's auto-name (the logical name plus a
 * random suffix; here a stable hash, so a plan reads the same twice).
 */
export function physicalName(type: string, logical: string, inputs: Inputs): string {
  return typeof inputs.name === "string" ? inputs.name : `${logical}-${digest(type, logical).slice(0, 7)}`;
}

/** A build by what it builds: the context's files (relative to the program's directory) and options. */
function buildIdentity(build: unknown): unknown {
  const b = build as { context?: unknown; dockerfile?: unknown } | undefined;
  if (typeof b?.context !== "string") return build;
  const context = path.resolve(b.context);
  const dockerfile = typeof b.dockerfile === "string" ? path.relative(context, path.resolve(b.dockerfile)) : undefined;
  return { ...b, context: contextDigest(context) ?? b.context, dockerfile };
}

function digest(...parts: unknown[]): string {
  return createHash("sha256").update(JSON.stringify(parts)).digest("hex");
}

export function state(type: string, name: string, secretInputs: Inputs): Record<string, unknown> {
  const inputs = revealSecrets(secretInputs) as Inputs;
  switch (type) {
    case CONTAINER: {
      const physical = physicalName(type, name, inputs);
      const networks = (inputs.networksAdvanced as NetworkAttachment[] | undefined) ?? [];
      const h = digest(type, name);
      return {
        name: physical,
        hostname: h.slice(0, 12),
        networkDatas: networks.map((n, i) => ({
          networkName: n.name,
          ipAddress: `172.${18 + i}.${parseInt(h.slice(0, 2), 16)}.${(parseInt(h.slice(2, 4), 16) % 253) + 2}`,
          ipPrefixLength: 16,
        })),
        // A one-off the provider attached to has run to completion; the mock's runs succeed.
        ...(inputs.mustRun === false ? { exitCode: 0 } : {}),
      };
    }
    case NETWORK:
      return { name: physicalName(type, name, inputs), driver: inputs.driver ?? "bridge", scope: "local" };
    case VOLUME: {
      const volume = physicalName(type, name, inputs);
      return { name: volume, driver: "local", mountpoint: `/var/lib/docker/volumes/${volume}/_data` };
    }
    case IMAGE:
      // Never pushed: repoDigest is the local image id. Like a real build, it follows the build
      // context's content (the provider hashes it, pulumi/pulumi-docker#446), not where it lies.
      return {
        baseImageName: inputs.imageName,
        registryServer: "",
        repoDigest: `sha256:${digest(inputs.imageName, buildIdentity(inputs.build))}`,
      };
    case REMOTE_IMAGE: {
      // The provider pulls and reads the image only when the resource is created or replaced:
      // its id follows its inputs (name, pullTriggers), never a tag moved since.
      const ref = String(inputs.name);
      const repository = ref.replace(/[:@][^/]*$/, "");
      const id = inputs.pullTriggers === undefined ? digest(ref) : digest(ref, inputs.pullTriggers);
      return { imageId: `sha256:${id}`, repoDigest: `${repository}@sha256:${digest("manifest", ref)}` };
    }
    // Invokes: what the host and the registry hold now (rules/world.ts).
    case "docker:index/getRemoteImage:getRemoteImage": {
      const ref = String(inputs.name);
      return { id: world().localImages?.[ref] ?? `sha256:${digest("local", ref)}`, name: ref, repoDigest: "" };
    }
    case "docker:index/getRegistryImage:getRegistryImage": {
      const ref = String(inputs.name);
      return {
        id: ref,
        name: ref,
        sha256Digest: world().registryDigests?.[ref] ?? `sha256:${digest("registry", ref)}`,
      };
    }
    default:
      return {};
  }
}
