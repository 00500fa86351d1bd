// The Lambda functions' code is built from their TypeScript modules at program time
// (components/aws/lambdaArchive.ts): what Lambda gets is one index.js exporting `handler`, so a
// source that imports anything at run time but the SDK Lambda provides is refused up front.
import { mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { LAMBDA_CACHE_DIR, lambdaArchive, lambdaJavaScript } from "../../components/aws/lambdaArchive";

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

describe("the compiler is loaded only for a source that changed", () => {
  /** lambdaJavaScript(file) in a fresh module registry in which loading the compiler throws. */
  const withoutCompiler = (file: string): string => {
    let js = "";
    jest.isolateModules(() => {
      jest.doMock("typescript", () => {
        throw new Error("the compiler was loaded");
      });
      try {
        const fresh = jest.requireActual<typeof import("../../components/aws/lambdaArchive")>(
          "../../components/aws/lambdaArchive",
        );
        js = fresh.lambdaJavaScript(file);
      } finally {
        jest.dontMock("typescript");
      }
    });
    return js;
  };

  it("a source transpiled before comes from the cache, byte for byte", () => {
    const js = lambdaJavaScript(source("migrationRunner.ts"));
    expect(withoutCompiler(source("migrationRunner.ts"))).toBe(js);
  });

  it("an edited source is transpiled again", () => {
    const dir = mkdtempSync(path.join(tmpdir(), "throat-lambda-"));
    const file = path.join(dir, "edited.ts");
    writeFileSync(file, `export const handler = async (): Promise<number> => ${Date.now()};\n`);
    mkdirSync(LAMBDA_CACHE_DIR, { recursive: true });
    const before = new Set(readdirSync(LAMBDA_CACHE_DIR));
    try {
      expect(() => withoutCompiler(file)).toThrow("the compiler was loaded");
      expect(lambdaJavaScript(file)).toContain("const handler = async () =>");
      expect(withoutCompiler(file)).toBe(lambdaJavaScript(file));
    } finally {
      // This source is never seen again: leave the cache as it was.
      for (const f of readdirSync(LAMBDA_CACHE_DIR)) if (!before.has(f)) rmSync(path.join(LAMBDA_CACHE_DIR, f));
    }
  });
});
