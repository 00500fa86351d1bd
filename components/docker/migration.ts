// The one-off migration: `python3 throat.py migration apply` against PostgreSQL itself, run to
// completion before any worker starts. How `pulumi up` waits for it and fails with it:
// - `attach: true` makes the provider create, start, then block until the container stops
//   (Docker's wait "not-running"); `mustRun: false` lets a stopped container count as created
//   instead of as a failed start. `wait` does not fit: it waits for *healthy*, which a
//   one-off never becomes.
// - The provider then records `exitCode` but does not fail on a non-zero one (its own
//   acceptance test expects `exit 123` to apply cleanly). So `dependencies()` below is an
//   output that throws unless the code is 0, and the workers take it as their `dependsOn`: a
//   failed migration rejects the workers' registration, the update fails, and no worker is
//   created or replaced.
// - It is `dependsOn`, not an input property, on purpose. The migration is replaced
//   delete-first (fixed name), and Pulumi then deletes first every dependent whose *input
//   properties* depend on it and would change: a property gate would take every worker down
//   before each migration. A `dependsOn` edge orders without that cascade.
import * as docker from "@pulumi/docker";
import * as pulumi from "@pulumi/pulumi";
import type { Plan } from "../plan";
import type { AppConfig } from "../plan/appConfig";
import { migrationFiles } from "../migrationFiles";
import { labels } from "./common";
import { THROAT_WORKDIR } from "../plan/names";

export interface MigrationArgs {
  /** The one-off's Docker name (`dockerNames().migration`). */
  containerName: string;
  /** The settings' stack name, for the labels. */
  stack: string;
  /** Throat's migration command and the configuration it applies. */
  migration: Plan["migration"];
  /** The plan's config files: the one named `migration.configName` is uploaded. */
  configFiles: AppConfig["configFiles"];
  image: pulumi.Input<string>;
  network: pulumi.Input<string>;
  volumes?: docker.types.input.ContainerVolume[];
  env: pulumi.Input<string>[];
  dependsOn: pulumi.Resource[];
}

export class Migration extends pulumi.ComponentResource {
  readonly container: docker.Container;
  private readonly failures: Record<number, string>;

  constructor(name: string, args: MigrationArgs, opts?: pulumi.ComponentResourceOptions) {
    super("throat:docker:Migration", name, {}, opts);
    const { migration, containerName } = args;
    this.failures = migration.failures;
    const config = Object.values(args.configFiles).find((f) => f.name === migration.configName);
    if (!config) throw new Error(`migration: the plan has no config file named ${migration.configName}`);

    this.container = new docker.Container(
      containerName,
      {
        name: containerName,
        image: args.image,
        command: migration.argv,
        envs: [...args.env, `CONFIG_NAME=${migration.configName}`],
        uploads: [
          // plan.migration.argv copies it over the root config itself (MIGRATION_ARGV).
          { file: `${THROAT_WORKDIR}/${config.path}`, content: config.text },
          // The stack's files the command runs (the route check), where the prod image has them.
          ...Object.entries(migrationFiles(migration)).map(([file, content]) => ({
            file: `${THROAT_WORKDIR}/${file}`,
            content,
          })),
        ],
        networksAdvanced: [{ name: args.network }],
        // Throat creates its uploads folder at start, the migration too: it mounts the store.
        volumes: args.volumes ?? [],
        attach: true,
        mustRun: false,
        restart: "no",
        labels: labels(args.stack, "migration"),
      },
      // The old, exited container holds the fixed name: remove it before the rerun.
      { parent: this, dependsOn: args.dependsOn, deleteBeforeReplace: true },
    );
    this.registerOutputs({ container: this.container.name });
  }

  /** For a worker's `dependsOn`: this migration and `others`, once it exited 0; rejects otherwise. */
  dependencies(others: pulumi.Resource[]): pulumi.Output<pulumi.Resource[]> {
    const c = this.container;
    return pulumi.all([c.exitCode, c.name, c.urn]).apply(([code, containerName, urn]) => {
      if (code !== 0) {
        const meaning = code === undefined ? undefined : this.failures[code];
        throw new pulumi.RunError(
          `Migration container ${containerName} exited with code ${code}, so no worker was started or replaced. ` +
            (meaning ? `Exit code ${code}: ${meaning}. ` : "") +
            `Read its output with \`docker logs ${containerName}\`, fix the cause, then run it again: pulumi up --replace '${urn}'`,
        );
      }
      return [c, ...others];
    });
  }
}
