// The Lambda functions' code is built from their TypeScript modules at program time
// (components/aws/lambdaArchive.ts): what Lambda gets is one index.js exporting `handler`, so a
// source that imports anything at run time but the SDK Lambda provides is refused up front.
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { lambdaArchive, lambdaJavaScript } from "../../components/aws/lambdaArchive";

const source = (name: string) => path.join(__dirname, "../../components/aws", name);

describe("Lambda code as an archive", () => {
  it.each(["migrationRunner.ts", "rolloutCheckRunner.ts"])(
    "%s becomes CommonJS exporting handler, requiring only the runtime's ECS client",
    (file) => {
      const js = lambdaJavaScript(source(file));
      const module = { exports: {} as Record<string, unknown> };
      new Function("require", "module", "exports", js)(() => ({}), module, module.exports);
      expect(typeof module.exports.handler).toBe("function");
      expect(typeof module.exports.makeHandler).toBe("function");
      expect([...js.matchAll(/require\("([^"]+)"\)/g)].map((m) => m[1])).toEqual([]);
      expect(js).toContain('"@aws-sdk/client-ecs"');
      // Types are gone, so Lambda's nodejs runtime parses it.
      expect(js).not.toMatch(/import type|: LambdaContext/);
    },
  );

  it("is one file, index.js, holding that JavaScript", async () => {
    const archive = lambdaArchive(source("rolloutCheckRunner.ts"));
    const assets = (await archive.assets) as Record<string, { text: Promise<string> }>;
    expect(Object.keys(assets)).toEqual(["index.js"]);
    expect(await assets["index.js"]!.text).toBe(lambdaJavaScript(source("rolloutCheckRunner.ts")));
  });

  it("refuses a source that imports one of our modules at run time (missing in Lambda)", () => {
    const dir = mkdtempSync(path.join(tmpdir(), "throat-lambda-"));
    const file = path.join(dir, "bad.ts");
    writeFileSync(file, 'import { LAMBDA_MAX_TIMEOUT } from "./limits";\nexport const t = LAMBDA_MAX_TIMEOUT;\n');
    expect(() => lambdaJavaScript(file)).toThrow(/imports \.\/limits at run time; Lambda gets index\.js alone/);
  });
});
