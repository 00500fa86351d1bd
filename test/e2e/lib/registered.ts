// What the Docker target registers for a plan, read back under Pulumi's mocks: every
// container's command, environment (secrets revealed: these are mock values), uploaded files,
// volume mounts, network aliases and published ports. The e2e harness starts its processes
// from this, not from the plan, so a wiring mistake between the plan and the target (a file
// uploaded to the wrong path, a volume missing from one container, an env value naming the
// wrong host) fails a test.
import type { Plan } from "../../../components/plan";
import type { WorkerKind } from "../../../components/settings";
import type { RecordedResource } from "../../../scripts/offline/mockRuntime";
import { cachedRun } from "../../support/stackRunCache";

const CONTAINER = "docker:index/container:Container";

export interface Mount {
  volumeName: string;
  containerPath: string;
  readOnly: boolean;
}

export interface RegisteredContainer {
  /** The container's name (fixed-name tiers) or its logical name (auto-named workers). */
  name: string;
  tier: string;
  kind?: WorkerKind;
  /** Command override; none: the image's default command. */
  command?: string[];
  env: Record<string, string>;
  /** Uploaded files by absolute path in the container. */
  files: Record<string, string>;
  mounts: Mount[];
  aliases: string[];
  ports: { internal: number; external: number }[];
}

export interface RegisteredStack {
  containers: RegisteredContainer[];
  byTier(tier: string): RegisteredContainer[];
  one(tier: string): RegisteredContainer;
}

/** The SMTP password a plan with throat:mailPassword hands the app as MAIL_PASSWORD. */
export const MAIL_PASSWORD = "e2e-smtp-password";

/**
 * The secrets the plan says the stack config holds, as a stack file would give them (the
 * target reads them from the config, marked secret): test values.
 */
function secretConfig(plan: Plan): { config: Record<string, string>; secretKeys: string[] } {
  const s = plan.settings;
  const config: Record<string, string> = {};
  if (s.secrets.secretKey) config["throat:secretKey"] = "e2e-secret-key-of-some-length";
  if (s.secrets.mailPassword) config["throat:mailPassword"] = MAIL_PASSWORD;
  if (s.secrets.tlsKey) config["throat:tlsKey"] = "e2e placeholder: the harness makes its own certificate";
  if (s.tlsCertificate) config["throat:tlsCertificate"] = s.tlsCertificate;
  return { config, secretKeys: Object.keys(config).filter((k) => k !== "throat:tlsCertificate") };
}

/**
 * The run is shared like runStack's (stackRunCache.ts), keyed by the whole plan: a file whose
 * code is unchanged since the last `npm test` loads neither Pulumi's SDK nor the target.
 */
export async function registeredDockerStack(plan: Plan): Promise<RegisteredStack> {
  const run = await cachedRun({ program: "DockerStack", plan }, async () => {
    const { runProgram } = await import("../../../scripts/offline/mockRuntime");
    return runProgram({
      stack: plan.settings.stack,
      ...secretConfig(plan),
      program: async () => {
        const { DockerStack } = await import("../../../components/docker");
        new DockerStack("throat", { plan });
        return {};
      },
    });
  });
  const containers = run.resources.filter((r) => r.type === CONTAINER).map(readContainer);
  const byTier = (tier: string) => containers.filter((c) => c.tier === tier);
  return {
    containers,
    byTier,
    one: (tier) => {
      const [c, ...more] = byTier(tier);
      if (!c || more.length)
        throw new Error(`registered stack: expected one ${tier} container, found ${byTier(tier).length}`);
      return c;
    },
  };
}

function readContainer(r: RecordedResource): RegisteredContainer {
  const i = r.inputs as {
    name?: string;
    command?: string[];
    envs?: string[];
    uploads?: { file: string; content?: string }[];
    volumes?: { volumeName: string; containerPath: string; readOnly?: boolean }[];
    networksAdvanced?: { aliases?: string[] }[];
    ports?: { internal: number; external: number }[];
    labels?: { label: string; value: string }[];
  };
  const label = (name: string) => i.labels?.find((l) => l.label === name)?.value;
  return {
    name: i.name ?? r.name,
    tier: label("throat.tier") ?? "",
    kind: label("throat.worker") as WorkerKind | undefined,
    command: i.command,
    env: Object.fromEntries((i.envs ?? []).map((e) => [e.slice(0, e.indexOf("=")), e.slice(e.indexOf("=") + 1)])),
    files: Object.fromEntries((i.uploads ?? []).map((u) => [u.file, u.content ?? ""])),
    mounts: (i.volumes ?? []).map((v) => ({
      volumeName: v.volumeName,
      containerPath: v.containerPath,
      readOnly: v.readOnly ?? false,
    })),
    aliases: (i.networksAdvanced ?? []).flatMap((n) => n.aliases ?? []),
    ports: i.ports ?? [],
  };
}

/**
 * The Throat image's default command for a worker container (docs/throat-contract.md, Environment):
 * start_all.sh turns WORKER_TYPE, WORKER_COUNT, THREAD_COUNT and WORKER_CONNECTIONS into the
 * gunicorn command line, listening on port 5000.
 */
export function imageCommand(env: Record<string, string>): string[] {
  const bind = ["--bind", "0.0.0.0:5000", "throat_prod:app"];
  const connections = env.WORKER_CONNECTIONS ? ["--worker-connections", env.WORKER_CONNECTIONS] : [];
  switch (env.WORKER_TYPE) {
    case "sync":
      return [
        "gunicorn",
        "-w",
        env.WORKER_COUNT ?? "2",
        "--threads",
        env.THREAD_COUNT ?? "1",
        "--worker-tmp-dir",
        "/dev/shm",
        ...bind,
      ];
    case "gevent":
      return ["gunicorn", "-w", "1", "--keep-alive", "65", ...connections, "--worker-class", "gevent", ...bind];
    case "socketio":
      return [
        "gunicorn",
        "-w",
        "1",
        "--keep-alive",
        "65",
        ...connections,
        "--worker-class",
        "geventwebsocket.gunicorn.workers.GeventWebSocketWorker",
        ...bind,
      ];
    default:
      throw new Error(
        `the image runs WORKER_TYPE sync, gevent or socketio; the container has ${JSON.stringify(env.WORKER_TYPE)}`,
      );
  }
}
