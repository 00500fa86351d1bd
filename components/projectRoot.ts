// The project root on its own, with no imports of ours: components that build images from
// folders in the repository need it, and importing it from the loader (components/load.ts)
// would tie every component to settings parsing and the plan.
import * as path from "node:path";

/** The project root: where Pulumi.yaml and the default route list live. */
export const PROJECT_ROOT = path.resolve(__dirname, "..");
