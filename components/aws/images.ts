// The images tier: one ECR repository and the images ECS runs from it, each referenced by digest
// (repository@sha256:...) so that a rebuild is a new task definition and a rollout:
//   throat  the Throat image, built from throat:appSource, or the existing throat:image
//   app     throat + the plan's config files (appImageContext.ts): every worker kind and the migration
//   edge    nginx/ built with THROAT_IMAGE: the static tier serves the app's own static files
import * as path from "node:path";
import * as pulumi from "@pulumi/pulumi";
import * as docker from "@pulumi/docker";
import * as ecr from "@pulumi/aws/ecr";
import type { Settings } from "../settings";
import { PROJECT_ROOT } from "../projectRoot";
import { writeContext } from "./appImageContext";

/** Fargate's default platform (the task definitions pin X86_64 too). */
export const IMAGE_PLATFORM = "linux/amd64";
/** Where the generated app image context is written, relative to the project (gitignored). */
export const BUILD_DIR = ".build";

/** The images named `name`; the stack names it `<namePrefix>-images`. */
export interface ImagesArgs {
  /**
   * settings.namePrefix: the ECR repository's name, and the `<namePrefix>`, `<namePrefix>-app`,
   * ... logical names the repository and the builds had before the component took narrow args
   * (naming them from `name` would change their URNs).
   */
  namePrefix: string;
  /** throat:image (`ref`) or throat:appSource (`source`): where the Throat image comes from. */
  image: Settings["image"];
  /**
   * The app image's build context: `dir` relative to the project (the stack gives
   * `<BUILD_DIR>/<stack>/app-image`) and its files (appImageContext.ts renderAppImageContext).
   */
  appImageContext: { dir: string; files: Record<string, string> };
}

export class Images extends pulumi.ComponentResource {
  readonly repositoryArn: pulumi.Output<string>;
  /** The image every worker kind and the migration run. */
  readonly app: pulumi.Output<string>;
  /** The static tier's nginx image. */
  readonly edge: pulumi.Output<string>;

  constructor(name: string, args: ImagesArgs, opts?: pulumi.ComponentResourceOptions) {
    super("throat:aws:Images", name, {}, opts);
    const prefix = args.namePrefix;
    const parent = { parent: this };

    const repo = new ecr.Repository(
      `${prefix}`,
      {
        name: prefix,
        // Tags are moved on every build (throat, app, edge); tasks pin digests, never tags.
        imageTagMutability: "MUTABLE",
        imageScanningConfiguration: { scanOnPush: true },
        // `pulumi destroy` deletes the repository with its images (else DeleteRepository fails:
        // RepositoryNotEmptyException). Every image in it is rebuilt from throat:image /
        // throat:appSource and this project by the next `pulumi up`; nothing a user posted is here.
        forceDelete: true,
      },
      parent,
    );
    // A rollback (circuit breaker) needs the previous digests: keep the last 30 untagged images.
    new ecr.LifecyclePolicy(
      `${prefix}`,
      {
        repository: repo.name,
        policy: JSON.stringify({
          rules: [
            {
              rulePriority: 1,
              description: "keep the last 30 untagged images (rollbacks)",
              selection: { tagStatus: "untagged", countType: "imageCountMoreThan", countNumber: 30 },
              action: { type: "expire" },
            },
          ],
        }),
      },
      parent,
    );

    const token = ecr.getAuthorizationTokenOutput({ registryId: repo.registryId }, parent);
    const registry = { server: repo.repositoryUrl, username: token.userName, password: pulumi.secret(token.password) };
    // Paths relative to the project: Pulumi runs the program there, and a relative path keeps
    // the inputs the same on every machine. docker.Image reads `dockerfile` relative to that
    // directory too, not to the context.
    const build = (logical: string, tag: string, context: string, buildArgs: Record<string, pulumi.Input<string>>) =>
      new docker.Image(
        logical,
        {
          imageName: pulumi.interpolate`${repo.repositoryUrl}:${tag}`,
          build: { context, dockerfile: path.join(context, "Dockerfile"), platform: IMAGE_PLATFORM, args: buildArgs },
          registry,
        },
        parent,
      ).repoDigest;

    const throat: pulumi.Output<string> =
      "source" in args.image
        ? build(`${prefix}-throat`, "throat", args.image.source, {})
        : pulumi.output(args.image.ref);

    const contextDir = args.appImageContext.dir;
    writeContext(path.join(PROJECT_ROOT, contextDir), args.appImageContext.files);
    this.app = build(`${prefix}-app`, "app", contextDir, { THROAT_IMAGE: throat });
    this.edge = build(`${prefix}-edge`, "edge", "nginx", { THROAT_IMAGE: throat });
    this.repositoryArn = repo.arn;
    this.registerOutputs({ app: this.app, edge: this.edge });
  }
}
