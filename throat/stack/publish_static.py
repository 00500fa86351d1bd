"""Publishes a release's static files to the bucket before any service rolls (prod).

Usage: python3 stack/publish_static.py <key prefix> <static folder>
The bucket is STORAGE_CONTAINER, as the app's own storage reads it. Webpack names assets by
content hash, and a page links only to its own release's files, so every release's tree stays
in the bucket (nothing is deleted here) and a page of any release, old or rolled back, finds
its files (components/plan/storage.ts). Runs in the Throat image with the task role's
credentials (boto3's default chain); boto3 is there for Throat's S3 provider.
"""
import mimetypes
import os
import sys

import boto3

# Throat's user-file folders in the image hold nothing to publish.
USER_FILE_FOLDERS = ("stor", "thumbs")
# Hashed names never change content: a year; the other files: an hour.
HASHED_CACHE = "public, max-age=31536000, immutable"
PLAIN_CACHE = "public, max-age=3600"


def main(prefix, root):
    bucket = os.environ["STORAGE_CONTAINER"]
    s3 = boto3.client("s3")
    for folder, _, files in os.walk(root):
        for name in files:
            path = os.path.join(folder, name)
            rel = os.path.relpath(path, root)
            if rel.split(os.sep)[0] in USER_FILE_FOLDERS:
                continue
            kind = mimetypes.guess_type(name)[0] or "application/octet-stream"
            cache = HASHED_CACHE if rel.startswith("gen" + os.sep) else PLAIN_CACHE
            key = prefix + rel.replace(os.sep, "/")
            s3.upload_file(path, bucket, key, ExtraArgs={"ContentType": kind, "CacheControl": cache})


if __name__ == "__main__":
    if len(sys.argv) != 3:
        sys.exit("usage: publish_static.py <key prefix> <static folder>")
    main(sys.argv[1], sys.argv[2])
