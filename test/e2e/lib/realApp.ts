// Where the real Throat and its stubs come from, for the real-app e2e files
// (realThroat*.e2e.test.ts).
//
// - THROAT_APP_DIR: a Throat tree as the image holds it under /throat (Phuks-co/throat);
//   default: ../shared/throat-app beside the project, when it is there (CI has it, read-only).
// - THROAT_STUBS: the stand-ins for the few libraries Debian does not package (first on
//   PYTHONPATH); default: ../shared/throat-local/stubs beside the project.
// - THROAT_REAL_APP=0 turns the real-app files off (to time the suite without them).
//
// Under CI=true a real-app file never skips: a missing tree fails the run, loudly. Elsewhere (a
// user's clone has no ../shared/) each file says once that it is skipped and why.
import { existsSync } from "node:fs";
import { join, resolve } from "node:path";

const BESIDE_PROJECT = resolve(__dirname, "..", "..", "..", "..", "shared");

export interface RealApp {
  appDir: string;
  stubs: string;
}

function locate(): RealApp | string {
  if (process.env.THROAT_REAL_APP === "0") return "THROAT_REAL_APP=0 turns the real-app tests off";
  const appDir = process.env.THROAT_APP_DIR ?? join(BESIDE_PROJECT, "throat-app");
  const stubs = process.env.THROAT_STUBS ?? join(BESIDE_PROJECT, "throat-local", "stubs");
  if (!existsSync(join(appDir, "throat.py")))
    return `no Throat tree at ${appDir} (set THROAT_APP_DIR to a Phuks-co/throat checkout)`;
  if (!existsSync(join(stubs, "sitecustomize.py")))
    return `no Throat stubs at ${stubs} (set THROAT_STUBS to the throat-local kit's stubs/)`;
  return { appDir, stubs };
}

/**
 * The real app for `file`, or undefined (the file's tests are skipped, with one message why).
 * Under CI=true, throws instead: CI must never skip a real-app test.
 */
export function realApp(file: string): RealApp | undefined {
  const found = locate();
  if (typeof found !== "string") return found;
  if (process.env.CI === "true" && process.env.THROAT_REAL_APP !== "0")
    throw new Error(`${file}: CI=true, and the real Throat is missing: ${found}. CI must run the real-app tests.`);
  console.warn(`${file}: the real-Throat tests are skipped: ${found}.`);
  return undefined;
}

/** `describe` when the real app is there, `describe.skip` otherwise (after realApp's one message). */
export const describeWith = (app: RealApp | undefined): jest.Describe => (app ? describe : describe.skip);

/**
 * Python lines that put a script inside the real app's request context with Throat's storage
 * module imported (`storage`), PIL's Image and werkzeug's FileStorage at hand; the script's own
 * lines follow, indented by four spaces.
 */
export const STORAGE_IN_APP = [
  "from PIL import Image",
  "from werkzeug.datastructures import FileStorage",
  "from app import create_app",
  "app = create_app()",
  "with app.test_request_context():",
  "    from app import storage",
];
