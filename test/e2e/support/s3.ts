// An S3 API server on loopback (s3rver, npm) for the prod profile's user-file bucket, and the
// test-side rewrite that points Throat's boto3 at it.
//
// Why a rewrite: Throat's S3 provider calls boto3.client("s3") with no endpoint when no key is
// configured (app/storage.py), and so does the migration's asset publisher; Debian's boto3 1.26
// / botocore 1.29 predate AWS_ENDPOINT_URL. So a sitecustomize.py on PYTHONPATH, written here
// and never part of the stack or the image, gives every botocore "s3" client endpoint_url =
// $E2E_S3_ENDPOINT. It first runs the kit's own sitecustomize.py (which it shadows).
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { freePort } from "./ports";

interface S3rverInstance {
  run(): Promise<{ port: number }>;
  close(): Promise<void>;
}
type S3rverClass = new (options: Record<string, unknown>) => S3rverInstance;

export interface S3Server {
  endpoint: string;
  /** An object's bytes and content type, read back over the S3 API (404: undefined). */
  object(bucket: string, key: string): Promise<{ body: Buffer; contentType: string } | undefined>;
  /** Every key of a bucket (ListObjectsV2, all pages). */
  keys(bucket: string): Promise<string[]>;
  close(): Promise<void>;
}

export async function startS3(dir: string, buckets: string[]): Promise<S3Server> {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const S3rver = require("s3rver") as S3rverClass;
  const port = await freePort();
  const server = new S3rver({
    address: "127.0.0.1",
    port,
    silent: true,
    directory: dir,
    configureBuckets: buckets.map((name) => ({ name })),
  });
  await server.run();
  const endpoint = `http://127.0.0.1:${port}`;
  return {
    endpoint,
    object: async (bucket, key) => {
      const res = await fetch(`${endpoint}/${bucket}/${key.split("/").map(encodeURIComponent).join("/")}`);
      if (res.status === 404) return undefined;
      return { body: Buffer.from(await res.arrayBuffer()), contentType: res.headers.get("content-type") ?? "" };
    },
    keys: async (bucket) => {
      const keys: string[] = [];
      let token: string | undefined;
      do {
        const q = `list-type=2${token ? `&continuation-token=${encodeURIComponent(token)}` : ""}`;
        const xml = await (await fetch(`${endpoint}/${bucket}?${q}`)).text();
        for (const m of xml.matchAll(/<Key>([^<]*)<\/Key>/g)) keys.push(m[1]!.replace(/&amp;/g, "&"));
        token = /<NextContinuationToken>([^<]*)</.exec(xml)?.[1];
      } while (token);
      return keys;
    },
    close: () => server.close(),
  };
}

const SHIM = `"""Test-side only (test/e2e/support/s3.ts): botocore's s3 clients use $E2E_S3_ENDPOINT."""
import importlib.util as _u, os as _os
_kit = _os.environ.get("E2E_KIT_SITECUSTOMIZE")
if _kit:
    _spec = _u.spec_from_file_location("_kit_sitecustomize", _kit)
    _spec.loader.exec_module(_u.module_from_spec(_spec))
_endpoint = _os.environ.get("E2E_S3_ENDPOINT")
# Lazily, when botocore.session is first imported: importing it here would import ssl before
# gevent's monkey-patching in the workers (RecursionError in SSLContext.options).
import sys as _sys
import importlib.abc as _abc
import importlib.machinery as _m
def _patch(module):
    _create = module.Session.create_client
    def _create_client(self, service_name, *args, **kwargs):
        if service_name == "s3" and not kwargs.get("endpoint_url"):
            kwargs["endpoint_url"] = _endpoint
        return _create(self, service_name, *args, **kwargs)
    module.Session.create_client = _create_client
class _Finder(_abc.MetaPathFinder):
    def find_spec(self, name, path, target=None):
        if name != "botocore.session":
            return None
        spec = _m.PathFinder.find_spec(name, path)
        if spec is None or spec.loader is None:
            return spec
        run = spec.loader.exec_module
        def exec_module(module):
            run(module)
            _patch(module)
        spec.loader.exec_module = exec_module
        return spec
if _endpoint:
    _sys.meta_path.insert(0, _Finder())
`;

/** A PYTHONPATH entry (first on the path) holding the rewrite; env for it: s3ShimEnv. */
export function writeS3Shim(dir: string): string {
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, "sitecustomize.py"), SHIM);
  return dir;
}

export function s3ShimEnv(s3: S3Server, stubs: string): Record<string, string> {
  return {
    E2E_S3_ENDPOINT: s3.endpoint,
    E2E_KIT_SITECUSTOMIZE: join(stubs, "sitecustomize.py"),
    // What the ECS task role's credentials are on AWS: s3rver's own test keys.
    AWS_ACCESS_KEY_ID: "S3RVER",
    AWS_SECRET_ACCESS_KEY: "S3RVER",
    AWS_DEFAULT_REGION: "eu-west-1",
  };
}
