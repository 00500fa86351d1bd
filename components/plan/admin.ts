// Throat's CLI (`python3 throat.py <args>`: `admin add <user>`, `default add <sub>`, `recount`)
// as a one-off command in the image, for `npm run throat`. Like the migration, a one-off
// overrides the image's default command, so it applies CONFIG_NAME's config.yaml itself; the
// arguments travel as the shell's positional parameters ("$@"), never inside the script, so
// no argument is ever parsed as shell.
export const ADMIN_SCRIPT = 'cp "configs/$CONFIG_NAME/config.yaml" config.yaml && exec python3 throat.py "$@"';

export function adminArgv(args: readonly string[]): string[] {
  if (args.length === 0) throw new Error("no throat.py arguments: e.g. npm run throat -- --stack prod admin add alice");
  // "$0" of `sh -c` is the name in its error messages.
  return ["/bin/sh", "-c", ADMIN_SCRIPT, "throat.py", ...args];
}

/** What `npm run throat` needs to run a command against a deployed stack (the `admin` stack output). */
export type AdminTarget =
  | {
      profile: "prod";
      region: string;
      clusterArn: string;
      /** The migration's task definition family: its latest revision runs the command. */
      taskDefinitionFamily: string;
      container: string;
      subnets: string[];
      securityGroups: string[];
      logGroup: string;
      /** awslogs-stream-prefix: a task's stream is <prefix>/<container>/<task id>. */
      logStreamPrefix: string;
    }
  | {
      profile: "test";
      /** The stack's Docker network: the database and Redis answer there by name. */
      network: string;
      /** Labels of the running sync workers, whose environment and config the command reuses. */
      workerLabels: Record<string, string>;
      /** The Throat image's working directory (config files live under configs/ there). */
      workdir: string;
    };
