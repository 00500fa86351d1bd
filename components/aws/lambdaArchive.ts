// A Lambda function's code as a Pulumi archive, from one of our TypeScript source files
// (migrationRunner.ts, rolloutCheckRunner.ts). Written as TypeScript so tsc type-checks and eslint
// lints them with the rest and their tests import them; transpiled here, at program time, with
// the compiler the project already has (typescript's transpileModule: no bundler, no build step).
// The function gets one file, index.js, so its source may import only types: anything else would
// be missing in Lambda, and is refused here.
// The compiler is 9 MB of JavaScript: it is loaded only when a source has changed since its last
// transpile (kept in node_modules/.cache/throat/lambda/), not by every program run or mock test.
import { createHash } from "node:crypto";
import { mkdirSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import * as path from "node:path";
import * as pulumi from "@pulumi/pulumi";
import type * as Ts from "typescript";
import { PROJECT_ROOT } from "../projectRoot";
import { LAMBDA_MAX_TIMEOUT } from "./limits";

/** The modules Lambda's nodejs runtime provides. */
const RUNTIME_MODULES = ["@aws-sdk/client-ecs"];

/** Transpiled sources, one file per source version. */
export const LAMBDA_CACHE_DIR = path.join(PROJECT_ROOT, "node_modules", ".cache", "throat", "lambda");
const TS_VERSION = (JSON.parse(readFileSync(require.resolve("typescript/package.json"), "utf8")) as { version: string })
  .version;

/** The CommonJS Lambda runs for `sourceFile` (index.js, handler `index.handler`). */
export function lambdaJavaScript(sourceFile: string): string {
  const source = readFileSync(sourceFile, "utf8");
  // Everything the output depends on: the compiler's version, the code below that calls it
  // (its options and checks), the source.
  const key = createHash("sha256")
    .update(JSON.stringify([TS_VERSION, transpile.toString(), RUNTIME_MODULES, source]))
    .digest("hex");
  const cached = path.join(LAMBDA_CACHE_DIR, `${key}.js`);
  try {
    return readFileSync(cached, "utf8");
  } catch {
    // Not transpiled yet.
  }
  const js = transpile(sourceFile, source);
  try {
    mkdirSync(LAMBDA_CACHE_DIR, { recursive: true });
    writeFileSync(`${cached}.${process.pid}.tmp`, js);
    renameSync(`${cached}.${process.pid}.tmp`, cached);
  } catch {
    // A read-only tree: transpile again next time.
  }
  return js;
}

/** Transpiles and checks one source; throws what makes it unfit for Lambda. */
function transpile(sourceFile: string, source: string): string {
  // Loaded here, on a cache miss only (see the top of the file).
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const ts = require("typescript") as typeof Ts;
  const out = ts.transpileModule(source, {
    fileName: sourceFile,
    compilerOptions: {
      module: ts.ModuleKind.CommonJS,
      // Lambda's nodejs22.x runtime runs ES2022 as is.
      target: ts.ScriptTarget.ES2022,
      esModuleInterop: true,
      removeComments: false,
    },
    reportDiagnostics: true,
  });
  const errors = (out.diagnostics ?? []).map((d) => ts.flattenDiagnosticMessageText(d.messageText, "\n"));
  if (errors.length) throw new Error(`${sourceFile} does not transpile: ${errors.join("; ")}`);
  const required = [...out.outputText.matchAll(/require\("([^"]+)"\)/g)].map((m) => m[1]!);
  const missing = required.filter((m) => !RUNTIME_MODULES.includes(m));
  if (missing.length) {
    throw new Error(`${sourceFile} imports ${missing.join(", ")} at run time; Lambda gets index.js alone`);
  }
  return out.outputText;
}

/** The function's code: index.js, transpiled from `sourceFile`. */
export function lambdaArchive(sourceFile: string): pulumi.asset.AssetArchive {
  return new pulumi.asset.AssetArchive({ "index.js": new pulumi.asset.StringAsset(lambdaJavaScript(sourceFile)) });
}

/**
 * What every one of the stack's runner functions shares: `sourceFile` as index.js on the
 * runtime its JavaScript targets, the longest timeout Lambda allows (a runner waits on ECS), and
 * the smallest memory (it only polls).
 */
export function runnerFunctionArgs(sourceFile: string) {
  return {
    runtime: "nodejs22.x",
    handler: "index.handler",
    code: lambdaArchive(sourceFile),
    timeout: LAMBDA_MAX_TIMEOUT,
    memorySize: 128,
  };
}
