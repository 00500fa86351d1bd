// What the AWS target registers for the prod stack, read back under Pulumi's mocks (the real
// program, index.ts, with Pulumi.prod.yaml): each worker kind's and the migration's container
// definition (command, environment, secrets by ARN), the secrets' values (mock values: the
// SecretVersion each ARN names), the RDS instance's role and database and its parameter group's
// max_connections, and the resolved bucket. The prod real-app e2e runs processes from these.
import type { ProgramRun, RecordedResource } from "../../../scripts/offline/mockRuntime";
import type { WorkerKind } from "../../../components/settings";
import { runStack } from "../../support/runStack";

export interface TaskContainer {
  command?: string[];
  env: Record<string, string>;
  /** Env var -> the secret's value, as ECS injects it. */
  secrets: Record<string, string>;
}

export interface RegisteredProd {
  workers: Record<WorkerKind, TaskContainer>;
  migration: TaskContainer;
  database: { user: string; password: string; name: string; maxConnections: number };
}

const byType = (run: ProgramRun, type: string) => run.resources.filter((r) => r.type === type);

export async function registeredProdStack(namePrefix: string): Promise<RegisteredProd> {
  const run = await runStack("prod");
  const versions = byType(run, "aws:secretsmanager/secretVersion:SecretVersion");
  // A valueFrom ARN names its secret (secret:<logical name>-<suffix>); the version holds the value.
  const secretValue = (arn: string) => {
    const v = versions.find((r) => arn.includes(`:secret:${r.name}-`));
    if (!v) throw new Error(`registered prod: no secret version for ${arn}`);
    return String(v.inputs.secretString);
  };
  const task = (family: string): TaskContainer => {
    const td = byType(run, "aws:ecs/taskDefinition:TaskDefinition").find((r) => r.inputs.family === family);
    if (!td) throw new Error(`registered prod: no task definition ${family}`);
    const [c] = JSON.parse(String(td.inputs.containerDefinitions)) as {
      command?: string[];
      environment: { name: string; value: string }[];
      secrets: { name: string; valueFrom: string }[];
    }[];
    return {
      command: c!.command,
      env: Object.fromEntries(c!.environment.map((e) => [e.name, e.value])),
      secrets: Object.fromEntries(c!.secrets.map((s) => [s.name, secretValue(s.valueFrom)])),
    };
  };
  const one = (type: string): RecordedResource => {
    const [r, ...more] = byType(run, type);
    if (!r || more.length) throw new Error(`registered prod: expected one ${type}`);
    return r;
  };
  const rds = one("aws:rds/instance:Instance").inputs as { username: string; password: string; dbName: string };
  const params = one("aws:rds/parameterGroup:ParameterGroup").inputs as {
    parameters: { name: string; value: string }[];
  };
  const maxConnections = Number(params.parameters.find((p) => p.name === "max_connections")?.value);
  return {
    workers: {
      sync: task(`${namePrefix}-sync`),
      gevent: task(`${namePrefix}-gevent`),
      socketio: task(`${namePrefix}-socketio`),
    },
    migration: task(`${namePrefix}-migrate`),
    database: { user: rds.username, password: rds.password, name: rds.dbName, maxConnections },
  };
}
