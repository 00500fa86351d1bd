// What the two Lambda functions (migrationRunner.ts, rolloutCheckRunner.ts) use of the AWS SDK v3
// ECS client, typed here so tsc checks their source without the SDK installed: Lambda's nodejs
// runtime provides `@aws-sdk/client-ecs`. Only types: the functions' packaged code imports nothing
// of ours (lambdaArchive.ts refuses a runtime import), so this file holds no values.

/** An SDK v3 command: a class per operation holding its input. */
export type CommandClass = new (input: Record<string, unknown>) => object;

/** The ECSClient's one method the functions call (the migration runner's CloudWatchLogsClient too). */
export interface EcsClient {
  send(command: object): Promise<Record<string, unknown>>;
}

/** Lambda's context object: the part the functions read. */
export interface LambdaContext {
  getRemainingTimeInMillis(): number;
}

export type Sleep = (ms: number) => Promise<void>;
