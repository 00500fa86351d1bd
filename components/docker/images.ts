// The two images the stack runs: Throat (an existing reference, or built from a checkout) and
// the edge (nginx/ plus Throat's static assets, copied out of that same Throat image so the
// assets nginx serves always match the code the workers run).
import * as path from "node:path";
import * as docker from "@pulumi/docker";
import * as pulumi from "@pulumi/pulumi";
import { PROJECT_ROOT } from "../projectRoot";
import type { Settings } from "../settings";
import { imageRepository } from "./common";

export interface ImagesArgs {
  /** throat:image (a reference) or throat:appSource (a checkout to build). */
  image: Settings["image"];
  /** Prefixes the images' logical and repository names (the settings' namePrefix). */
  namePrefix: string;
}

/**
 * What names one exact image. A reference with a registry or namespace (`ghcr.io/x/throat:1`,
 * `example/throat:1`) is asked of the registry (manifest digest); a bare local name
 * (`throat:latest`, what `docker build -t throat .` makes) of the Docker host (image id).
 */
export function imageIdentity(ref: string, parent: pulumi.Resource): pulumi.Output<string> {
  if (ref.includes("/")) return docker.getRegistryImageOutput({ name: ref }, { parent }).sha256Digest;
  return docker.getRemoteImageOutput({ name: ref }, { parent }).id;
}

export class Images extends pulumi.ComponentResource {
  /** The Throat image's id: containers run it, so a new image replaces them. */
  readonly throat: pulumi.Output<string>;
  /** The edge image's id. */
  readonly edge: pulumi.Output<string>;

  constructor(name: string, args: ImagesArgs, opts?: pulumi.ComponentResourceOptions) {
    super("throat:docker:Images", name, {}, opts);
    const s = args;

    let reference: pulumi.Output<string>;
    if ("ref" in s.image) {
      // keepLocally: destroying a test stack must not delete an image the host still uses.
      // pullTriggers: the provider pulls (and reads the id) only when the RemoteImage is created
      // or replaced; on a tag such as throat:latest it never notices a rebuild ("This resource
      // will *not* pull new layers of the image automatically unless used in conjunction with
      // docker.RegistryImage data source to update the pullTriggers field", pulumi-docker
      // RemoteImage docs). So the image's identity is read at every `pulumi up`: the local
      // image id for a local name, the registry's digest for a registry reference.
      const identity = imageIdentity(s.image.ref, this);
      const remote = new docker.RemoteImage(
        `${s.namePrefix}-throat-image`,
        { name: s.image.ref, keepLocally: true, pullTriggers: [identity] },
        { parent: this },
      );
      reference = remote.name;
      this.throat = remote.imageId;
    } else {
      const built = new docker.Image(
        `${s.namePrefix}-throat-image`,
        {
          imageName: `${imageRepository(s.namePrefix, "throat")}:latest`,
          build: { context: path.resolve(PROJECT_ROOT, s.image.source) },
          skipPush: true,
        },
        { parent: this },
      );
      reference = built.imageName;
      // For an image that is never pushed, repoDigest is the local image id.
      this.throat = built.repoDigest;
    }

    const edge = new docker.Image(
      `${s.namePrefix}-edge-image`,
      {
        imageName: `${imageRepository(s.namePrefix, "edge")}:latest`,
        build: {
          context: path.join(PROJECT_ROOT, "nginx"),
          // THROAT_IMAGE is what the Dockerfile copies the assets from. The id changes the
          // build args whenever the image behind a moving tag (throat:latest) changes, so the
          // edge is rebuilt with the new assets.
          args: { THROAT_IMAGE: reference, THROAT_IMAGE_ID: this.throat },
        },
        skipPush: true,
      },
      { parent: this },
    );
    this.edge = edge.repoDigest;
    this.registerOutputs({ throat: this.throat, edge: this.edge });
  }
}
