// The user files of a test stack: one named volume per kind (uploads, thumbnails), mounted
// read-write at Throat's own folders in every Throat container (each worker and the
// migration: Throat creates the uploads folder at start in every one of them) and read-only
// into the nginx edge, which serves them under /static/ (plan/storage.ts).
//
// `pulumi destroy` removes a volume unless throat:storage.retainOnDelete is true: then Pulumi
// forgets it and the files stay on the host ("retainOnDelete: the resource is not deleted
// from the provider when removed from the program", Pulumi resource options docs).
import * as docker from "@pulumi/docker";
import * as pulumi from "@pulumi/pulumi";
import { EDGE_PATHS } from "../plan/names";
import type { StoragePlan } from "../plan/storage";

export interface UserFilesArgs {
  /** The plan's volumes and whether `pulumi destroy` keeps them. */
  storage: Pick<StoragePlan, "volumes" | "retainOnDelete">;
  /** The settings' stack name, for the throat.stack label. */
  stack: string;
}

export class UserFiles extends pulumi.ComponentResource {
  readonly volumes: docker.Volume[];
  /** For every Throat container (workers, migration). */
  readonly appMounts: docker.types.input.ContainerVolume[];
  /** For the edge: the same volumes, read-only, where its /static/ location looks. */
  readonly edgeMounts: docker.types.input.ContainerVolume[];

  constructor(name: string, args: UserFilesArgs, opts?: pulumi.ComponentResourceOptions) {
    super("throat:docker:UserFiles", name, {}, opts);
    const { storage } = args;
    this.volumes = storage.volumes.map(
      (v) =>
        // Fixed name, as the database's volume: a replaced volume would hand its files to
        // nobody. Its inputs never change.
        new docker.Volume(
          v.name,
          {
            name: v.name,
            labels: [
              { label: "throat.stack", value: args.stack },
              { label: "throat.files", value: v.kind },
            ],
          },
          { parent: this, deleteBeforeReplace: true, retainOnDelete: storage.retainOnDelete },
        ),
    );
    this.appMounts = storage.volumes.map((v, i) => ({ volumeName: this.volumes[i]!.name, containerPath: v.appPath }));
    this.edgeMounts = storage.volumes.map((v, i) => ({
      volumeName: this.volumes[i]!.name,
      containerPath: `${EDGE_PATHS.staticRoot}/${v.edgeSubdir}`,
      readOnly: true,
    }));
    this.registerOutputs({ volumes: this.volumes.map((v) => v.name) });
  }
}
