// Runs Throat's own `python3 throat.py route list` in a release: an image (`docker run`) or a
// checkout. Throat builds its whole app to list the routes, so it needs a config.yaml; it gets
// the stack's own (the sync workers' file, as the deploy-time check runs it), because Throat
// settings the stack passes through (throat:app, e.g. site.sub_prefix) change the rules. The
// listing connects to nothing: peewee and Redis connect lazily, and storage is pointed at LOCAL
// scratch folders (an S3 config would otherwise need credentials).
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readdirSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import type { Settings } from "../../components/settings";
import { asStackConfigError } from "../../components/load";
import { planAppConfig } from "../../components/plan/appConfig";
import { planBudget } from "../../components/plan/budget";
import { planProxies } from "../../components/plan/proxies";
import { planWorkers } from "../../components/plan/workers";
import { shellLine } from "../plan/document";

export type ListingSource = { flag: "--image"; image: string } | { flag: "--checkout"; dir: string };

/** A listing that failed: the message names the flag and the fix. */
export class RoutesError extends Error {}

export const LIST_COMMAND = ["python3", "throat.py", "route", "list"];
/** Inside the image: the stack's config.yaml arrives on stdin, as the migration copies its own into place. */
const IMAGE_SCRIPT = `cat > config.yaml && exec ${LIST_COMMAND.join(" ")}`;

/** The config.yaml the listing runs with: the sync workers' file of this stack's plan. */
export function listingConfig(settings: Settings): string {
  return asStackConfigError(settings.stack, () => {
    const workers = planWorkers(settings, planBudget(settings));
    return planAppConfig(settings, workers, planProxies(settings)).configFiles.sync.text;
  });
}

/** Throat's environment overrides: storage on local scratch folders (Throat creates the uploads one). */
function storageEnv(root: string): Record<string, string> {
  return {
    STORAGE_PROVIDER: "LOCAL",
    STORAGE_UPLOADS_PATH: `${root}/uploads`,
    STORAGE_THUMBNAILS_PATH: `${root}/thumbnails`,
  };
}

export function describeSource(s: ListingSource): string {
  return s.flag === "--image" ? `--image ${s.image}` : `--checkout ${s.dir}`;
}

/** What the command runs, for the messages and the docs. */
export function commandLine(s: ListingSource): string[] {
  if (s.flag === "--checkout") return LIST_COMMAND;
  const env = Object.entries(storageEnv("/tmp")).flatMap(([k, v]) => ["-e", `${k}=${v}`]);
  // No network: the listing must not need one (and so cannot reach anything by mistake).
  return ["docker", "run", "--rm", "-i", "--network", "none", ...env, s.image, "/bin/sh", "-c", IMAGE_SCRIPT];
}

/** The command as a shell would take it (scripts/plan/document.ts quotes it). */
export function shownCommand(s: ListingSource): string {
  return shellLine(commandLine(s));
}

/** Throat's route list output (stdout), or a RoutesError saying what failed and what to do. */
export function listRoutes(source: ListingSource, configYaml: string, env: NodeJS.ProcessEnv): string {
  const what = describeSource(source);
  const argv = commandLine(source);
  let run;
  let scratch: string | undefined;
  try {
    if (source.flag === "--image") {
      run = spawnSync(argv[0]!, argv.slice(1), { input: configYaml, env, maxBuffer: 64 << 20, timeout: 600_000 });
    } else {
      scratch = checkoutCopy(source.dir, configYaml);
      run = spawnSync(argv[0]!, argv.slice(1), {
        cwd: scratch,
        env: { ...env, ...storageEnv(scratch) },
        maxBuffer: 64 << 20,
        timeout: 120_000,
      });
    }
  } finally {
    if (scratch) rmSync(scratch, { recursive: true, force: true });
  }
  const tool = argv[0]!;
  if (run.error) {
    const missing = (run.error as NodeJS.ErrnoException).code === "ENOENT";
    const fix =
      source.flag === "--image"
        ? "install the Docker CLI (and reach a Docker engine), or give --checkout <dir> with a Throat checkout"
        : "put Throat's Python (python3 with its packages, e.g. its virtualenv) first on PATH, or give --image <ref>";
    throw new RoutesError(`${what}: cannot run ${tool} (${missing ? "not found on PATH" : run.error.message}): ${fix}`);
  }
  if (run.status !== 0) {
    const tail = run.stderr.toString("utf8").trimEnd().split("\n").slice(-15).join("\n");
    const fix =
      source.flag === "--image"
        ? "check that a Docker engine answers (docker info), the image reference (docker pull / docker build -t), and that it is a Throat image (throat.py in its working directory)"
        : "check that the folder is a Throat checkout whose Python packages are installed for that python3";
    throw new RoutesError(
      `${what}: \`${shownCommand(source)}\` exited ${run.status ?? `on signal ${run.signal}`}: ${fix}.\n${tail}`,
    );
  }
  return run.stdout.toString("utf8");
}

/**
 * A scratch folder that is the checkout (each entry linked, nothing copied) with the stack's
 * config.yaml: the operator's checkout, and any config.yaml of theirs, is never written.
 */
function checkoutCopy(dir: string, configYaml: string): string {
  const root = resolve(dir);
  if (!existsSync(join(root, "throat.py")))
    throw new RoutesError(`--checkout ${dir}: no throat.py there; give the folder of a Throat checkout`);
  const scratch = mkdtempSync(join(tmpdir(), "throat-routes-"));
  for (const entry of readdirSync(root))
    if (entry !== "config.yaml") symlinkSync(join(root, entry), join(scratch, entry));
  writeFileSync(join(scratch, "config.yaml"), configYaml);
  return scratch;
}
