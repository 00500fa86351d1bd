// A Lambda function's code as a Pulumi archive, from one of our TypeScript source files
// (migrationRunner.ts, rolloutCheckRunner.ts). Written as TypeScript so tsc type-checks and eslint
// lints them with the rest and their tests import them; transpiled here, at program time, with
// the compiler the project already has (typescript's transpileModule: no bundler, no build step).
// The function gets one file, index.js, so its source may import only types: anything else would
// be missing in Lambda, and is refused here.
import { readFileSync } from "node:fs";
import * as pulumi from "@pulumi/pulumi";
import * as ts from "typescript";

/** The modules Lambda's nodejs runtime provides. */
const RUNTIME_MODULES = ["@aws-sdk/client-ecs"];

/** The CommonJS Lambda runs for `sourceFile` (index.js, handler `index.handler`). */
export function lambdaJavaScript(sourceFile: string): string {
  const out = ts.transpileModule(readFileSync(sourceFile, "utf8"), {
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
