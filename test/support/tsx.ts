// How the tests run a TypeScript script in a process of its own, as `npm run plan` does (tsx):
// `node --import tsx <script>` is what the tsx command runs, minus the second node process the
// command starts to run it in (about 0.2 s a run). tsx is found from the process's cwd.
export const TSX_NODE = process.execPath;

/** Arguments for TSX_NODE that run `script` with `args`. */
export const tsxArgs = (script: string, ...args: string[]): string[] => ["--import", "tsx", script, ...args];
