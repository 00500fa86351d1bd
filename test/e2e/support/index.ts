// The e2e toolkit in one import: `import { ProcessGroup, startPostgres, ... } from "./support"`.
export * from "./gunicorn";
export * from "./http";
export * from "./nginx";
export * from "./ports";
export * from "./postgres";
export * from "./processes";
export * from "./redis";
export * from "./s3";
