// Where Throat keeps what its users upload, and how browsers get it back: Throat's `storage`
// section, plus what the targets need to place it (volumes and mount paths on Docker; bucket
// prefixes, the asset prefix and the CDN on AWS). Facts from Throat's source
// (docs/throat-contract.md, Storage):
// - LOCAL writes uploads to `storage.uploads.path` and thumbnails to `storage.thumbnails.path`
//   on the local disk of whichever process took the request, and at start (every worker kind
//   and the migration) creates the uploads folder without its parents.
// - Pages link to `storage.uploads.url` + name and `storage.thumbnails.url` + name; the
//   built-in defaults are a third-party domain, so both are always set here.
// - S3: one bucket (`storage.container`), the kinds told apart by `filename_prefix`; boto3's
//   default credential chain (the ECS task role); `storage.acl` is sent with every PutObject.
import type { Settings } from "../settings";
import { STATIC_PREFIX } from "./routes";

export type UserFileKind = "uploads" | "thumbnails";
export const USER_FILE_KINDS: readonly UserFileKind[] = ["uploads", "thumbnails"];

/** The Throat image's working directory (docs/throat-contract.md, The image: the app runs as `app` in /throat). */
export const APP_WORKDIR = "/throat";

/**
 * Throat's own folders for user files, inside its image. They exist there, owned by the app's
 * user (the image copies the checkout with --chown=app:app). That is why the Docker volumes
 * mount exactly here: Docker fills a new, empty volume with the image's content at the mount
 * point, ownership included ("If you start a container which creates a new volume, and the
 * container has files or directories in the directory to be mounted, Docker copies the
 * directory's contents into the volume", docs.docker.com/engine/storage/volumes/). A mount
 * point the image lacks would be created root-owned, and the app could not write there.
 */
export const LOCAL_FOLDERS: Record<UserFileKind, string> = {
  uploads: `${APP_WORKDIR}/app/static/stor`,
  thumbnails: `${APP_WORKDIR}/app/static/thumbs`,
};

/**
 * Where the edge serves each kind: under /static/, which the nginx edge serves from disk and
 * never sends to gunicorn (not Throat's own /uploads/<page> route, which lists a user's files).
 */
export const LOCAL_URL_PATHS: Record<UserFileKind, string> = {
  uploads: `${STATIC_PREFIX}stor/`,
  thumbnails: `${STATIC_PREFIX}thumbs/`,
};

/** S3 key prefixes: one bucket for uploads, thumbnails and the static assets of every release. */
export const S3_PREFIXES: Record<UserFileKind | "assets", string> = {
  // Uploads at the bucket root: Throat's S3Storage.get and delete (app/storage.py) name the key
  // without filename_prefix, so only unprefixed uploads can be found (a sub's upload quota sums
  // their sizes) and deleted. Thumbnails are never deleted: a missed lookup re-stores the same
  // content-named file.
  uploads: "",
  thumbnails: "thumbs/",
  // Every release's /static/ tree, never deleted on deploy (see ASSET_PUBLISHER).
  assets: "static/",
};

/**
 * With S3 Object Ownership "bucket owner enforced" (ACLs disabled), "All S3 PUT requests must
 * either specify the bucket-owner-full-control canned ACL or not specify an ACL, or these
 * requests will fail" (S3 user guide, object-ownership-error-responses). Throat always sends
 * `storage.acl` (default "private"), so it must be this one.
 */
export const S3_ACL = "bucket-owner-full-control";

export interface DockerUserFileVolume {
  kind: UserFileKind;
  /** The Docker volume's name (stack-prefixed: test stacks never share one). */
  name: string;
  /** Mount point in every Throat container (workers and the migration), read-write. */
  appPath: string;
  /** Mount point in the nginx edge, read-only, below its static root. */
  edgeSubdir: string;
}

export interface StoragePlan {
  /** Throat's `storage` section, the same in every kind's config.yaml. */
  section: Record<string, unknown>;
  /** Plain environment for the deploy-time parts (`{{name}}` placeholders the AWS target fills). */
  env: Record<string, string>;
  /** `pulumi destroy` keeps the user files (volumes, bucket). */
  retainOnDelete: boolean;
  /** The URL prefix of each kind, as pages link to it (on prod with `{{filesHost}}`). */
  urls: Record<UserFileKind, string>;
  /** test: one named volume per kind. */
  volumes: DockerUserFileVolume[];
  /** prod: the bucket's layout and what the tasks may do in it. */
  s3?: {
    prefixes: typeof S3_PREFIXES;
    /** Object actions the app's tasks need, per prefix (and nothing on other keys). */
    appActions: string[];
    /** The migration task also publishes the release's static assets under prefixes.assets. */
    assetActions: string[];
  };
}

/** Deploy-time placeholders of the storage env, filled by the AWS target. */
export interface StorageEndpoints {
  /** The bucket's name. */
  bucket: string;
  /** The CDN's host name (CloudFront distribution domain). */
  filesHost: string;
}

export function planStorage(s: Settings): StoragePlan {
  const retainOnDelete = s.storage.retainOnDelete ?? s.profile === "prod";
  if (s.profile === "prod") {
    const urls = {
      uploads: `https://{{filesHost}}/${S3_PREFIXES.uploads}`,
      thumbnails: `https://{{filesHost}}/${S3_PREFIXES.thumbnails}`,
    };
    return {
      section: {
        provider: "S3",
        acl: S3_ACL,
        uploads: { filename_prefix: S3_PREFIXES.uploads },
        thumbnails: { filename_prefix: S3_PREFIXES.thumbnails },
      },
      // Known only once the bucket and the distribution exist; Throat reads any key from the
      // environment (STORAGE_CONTAINER, STORAGE_UPLOADS_URL, ...); strings stay strings.
      env: {
        STORAGE_CONTAINER: "{{bucket}}",
        STORAGE_UPLOADS_URL: urls.uploads,
        STORAGE_THUMBNAILS_URL: urls.thumbnails,
      },
      retainOnDelete,
      urls,
      volumes: [],
      s3: {
        prefixes: S3_PREFIXES,
        // Throat: upload_fileobj (PutObject, with the ACL header: PutObjectAcl), head_object
        // (GetObject) to find an existing file, delete_object for a sub's deleted upload.
        // Uploads live at the root (see S3_PREFIXES), so these apply to the whole bucket except
        // the release assets under static/, which an explicit deny keeps the migration's alone.
        appActions: ["s3:PutObject", "s3:PutObjectAcl", "s3:GetObject", "s3:DeleteObject"],
        assetActions: ["s3:PutObject"],
      },
    };
  }
  const origin = `https://${s.siteName}${s.edge.httpsPort === 443 ? "" : `:${s.edge.httpsPort}`}`;
  const urls = { uploads: `${origin}${LOCAL_URL_PATHS.uploads}`, thumbnails: `${origin}${LOCAL_URL_PATHS.thumbnails}` };
  return {
    section: {
      provider: "LOCAL",
      // The edge serves the files; Throat's own file server is for development.
      server: false,
      uploads: { path: LOCAL_FOLDERS.uploads, url: urls.uploads },
      thumbnails: { path: LOCAL_FOLDERS.thumbnails, url: urls.thumbnails },
    },
    env: {},
    retainOnDelete,
    urls,
    volumes: USER_FILE_KINDS.map((kind) => ({
      kind,
      name: `${s.namePrefix}-${kind}`,
      appPath: LOCAL_FOLDERS[kind],
      edgeSubdir: LOCAL_FOLDERS[kind].slice(`${APP_WORKDIR}/app/static/`.length),
    })),
  };
}

/**
 * prod, point 4 of issue 9 (no asset 404 across a release). Webpack names assets by content
 * hash under /static/gen/, and a page links only to its own release's files. So before any
 * service rolls, the migration task (the new release's image) copies the image's /static/ tree
 * to the bucket under `static/`; nothing ever deletes there. The static tier serves its own
 * image's files and asks the CDN (that bucket) for any other release's: old pages during a
 * deploy, new pages while old static tasks drain, and a rolled-back release all find theirs.
 * The publisher is a file the app image carries (throat/stack/ in this repository, /throat/stack/
 * in the image: components/aws/appImageContext.ts), so the command a reviewer reads is one line.
 */
export const ASSET_PUBLISHER = "stack/publish_static.py";

/** The image's static tree, what the edge image copies too (nginx/Dockerfile). */
export const APP_STATIC_DIR = `${APP_WORKDIR}/app/static/`;

/**
 * The prod migration's shell command: the publish goes in as the step before the last (Throat's
 * migration), so it runs after the config and the route check and publishes nothing for an image
 * the check refuses. Every step must succeed before a service rolls (components/aws/migration.ts).
 */
export function withAssetPublish(argv: readonly string[]): string[] {
  const [shell, flag, command] = argv;
  if (argv.length !== 3 || flag !== "-c" || command === undefined)
    throw new Error(`migration argv: expected [shell, "-c", command], got ${JSON.stringify(argv)}`);
  const steps = command.split(" && ");
  const publish = `python3 ${ASSET_PUBLISHER} ${S3_PREFIXES.assets} ${APP_STATIC_DIR}`;
  return [shell!, flag, [...steps.slice(0, -1), publish, ...steps.slice(-1)].join(" && ")];
}
