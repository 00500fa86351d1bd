// A container's filesystem on this machine: its own root folder, where containers would not
// share a disk. The image's folders are copied as trees of symlinks (`cp -as`: directories
// are the container's own, files link to the image's read-only sources), so whatever a
// process writes lands in its container's root, never in another's. Volumes are the only
// shared folders: one host folder per volume, linked at each container's mount point, filled
// from the image on first mount as Docker fills a new, empty volume.
import { execFileSync } from "node:child_process";
import { existsSync, mkdirSync, readdirSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import type { Mount } from "./registered";

export class VolumeStore {
  private readonly dirs = new Map<string, string>();
  constructor(private readonly base: string) {}

  /** The volume's host folder, and whether it was just created (empty). */
  dir(name: string): { path: string; fresh: boolean } {
    const known = this.dirs.get(name);
    if (known) return { path: known, fresh: false };
    const path = join(this.base, name);
    mkdirSync(path, { recursive: true });
    this.dirs.set(name, path);
    return { path, fresh: true };
  }

  names(): string[] {
    return [...this.dirs.keys()];
  }

  path(name: string): string {
    const p = this.dirs.get(name);
    if (!p) throw new Error(`no volume ${name}; have ${this.names().join(", ")}`);
    return p;
  }
}

export interface ContainerRoot {
  root: string;
  /** The host path of a path inside the container. */
  host(containerPath: string): string;
  /** A config file's text with its absolute container paths made host paths. */
  rewritePaths(text: string): string;
}

/**
 * `image`: container path -> host folder holding what the image has there. `files`: the
 * container's uploaded files. `mounts`: its volumes.
 */
export function containerRoot(
  root: string,
  image: Record<string, string>,
  files: Record<string, string>,
  mounts: Mount[],
  volumes: VolumeStore,
): ContainerRoot {
  const host = (p: string) => join(root, p);
  for (const [path, source] of Object.entries(image)) {
    mkdirSync(host(path), { recursive: true });
    execFileSync("cp", ["-as", `${resolve(source)}/.`, host(path)]);
  }
  for (const m of mounts) {
    const target = host(m.containerPath);
    const volume = volumes.dir(m.volumeName);
    // Docker: a new volume gets the image's content at its mount point, ownership included.
    if (volume.fresh && existsSync(target)) execFileSync("cp", ["-rL", `${target}/.`, volume.path]);
    rmSync(target, { recursive: true, force: true });
    mkdirSync(dirname(target), { recursive: true });
    symlinkSync(volume.path, target);
  }
  const prefixes = [...Object.keys(image), ...mounts.map((m) => m.containerPath)].sort((a, b) => b.length - a.length);
  const escaped = prefixes.map((p) => p.replace(/[.*+?^${}()|[\]\\/]/g, "\\$&"));
  const pattern = new RegExp(`(^|[\\s"'=:])(${escaped.join("|")})(?=/|$|[\\s"'])`, "gm");
  const rewritePaths = (text: string) =>
    prefixes.length ? text.replace(pattern, (_m, lead: string, path: string) => `${lead}${host(path)}`) : text;
  for (const [path, content] of Object.entries(files)) {
    mkdirSync(dirname(host(path)), { recursive: true });
    rmSync(host(path), { force: true });
    // Only config files name paths; this machine has no /throat, so they point into the root.
    writeFileSync(host(path), path.endsWith(".yaml") ? rewritePaths(content) : content);
  }
  return { root, host, rewritePaths };
}

/** What start_all.sh does with CONFIG_NAME: configs/$CONFIG_NAME/* over the working directory. */
export function applyConfigName(workdir: string, configName: string | undefined): void {
  if (!configName) return;
  const dir = join(workdir, "configs", configName);
  if (!existsSync(dir))
    throw new Error(
      `CONFIG_NAME=${configName}: the container has no ${join("configs", configName)}/ (nothing uploaded there)`,
    );
  rmSync(join(workdir, "config.yaml"), { force: true });
  for (const f of readdirSync(dir)) execFileSync("cp", ["-r", join(dir, f), workdir]);
}
