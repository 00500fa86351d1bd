// `npm test`'s jest part on two lanes at once, one per core: the unit project (pure plan and
// mock tests) and the e2e project (real servers on loopback). Each lane runs its files one at
// a time, so two e2e files never load the machine at once (failover and saturation measure
// timing), while the unit files fill the other core. Fails if either lane fails.
import { spawn } from "node:child_process";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const jest = join(root, "node_modules", ".bin", "jest");
const lane = (project) =>
  new Promise((resolve) => {
    const workers = project === "e2e" ? process.env.E2E_WORKERS ?? "1" : "1";
    const child = spawn(jest, ["--selectProjects", project, "--maxWorkers", workers, ...process.argv.slice(2)], {
      cwd: root,
      stdio: "inherit",
    });
    child.on("exit", (code, signal) => resolve(code ?? (signal ? 1 : 0)));
  });

const codes = await Promise.all([lane("unit"), lane("e2e")]);
process.exit(codes.some((c) => c !== 0) ? 1 : 0);
