// prod's user files and asset store, as registered: a private, encrypted, versioned bucket with
// public access blocked and ACLs disabled; CloudFront with origin access control as its only
// reader; task roles that may do only Throat's object actions on their own prefixes; Throat's
// S3 provider configured on that bucket and CDN; the CDN URL as a stack output.
import { parse } from "yaml";
import { S3_ACL, S3_PREFIXES } from "../../components/plan/storage";
import { CACHING_OPTIMIZED } from "../../components/aws/userFiles";
import type { ProgramRun, RecordedResource } from "../../scripts/offline/mockRuntime";
import { state } from "../../scripts/offline/rules/awsState";
import { ofType } from "../support/runStack";
import { containers, dependenciesOfType, envOf, one, prodPlan, RUN_TIMEOUT, runProd, T, PREFIX } from "./support";

const NAME = `${PREFIX}-files`;
let run: ProgramRun;
beforeAll(async () => {
  run = await runProd();
}, RUN_TIMEOUT);

const bucket = () => one(run, T.bucket, NAME);
const bucketState = () => state(T.bucket, bucket().name, bucket().inputs);
const cdnState = () => state(T.distribution, NAME, one(run, T.distribution, NAME).inputs);
/** The resource's `bucket` input came from the bucket itself. */
const onBucket = (r: RecordedResource) => expect(r.propertyDependencies.bucket).toEqual([bucket().urn]);
type Statement = {
  Sid?: string;
  Effect: string;
  Principal?: unknown;
  Action: string | string[];
  Resource: string | string[];
  Condition?: unknown;
};
const statements = (r: RecordedResource) =>
  (JSON.parse(String(r.inputs.policy)) as { Statement: Statement[] }).Statement;

describe("the bucket", () => {
  test("encrypted at rest (SSE-S3), versioned, all four public access switches on, ACLs disabled", () => {
    const encryption = one(run, T.bucketEncryption, NAME);
    onBucket(encryption);
    expect(encryption.inputs.rules).toEqual([
      { applyServerSideEncryptionByDefault: { sseAlgorithm: "AES256" }, bucketKeyEnabled: true },
    ]);
    const versioning = one(run, T.bucketVersioning, NAME);
    onBucket(versioning);
    expect(versioning.inputs.versioningConfiguration).toEqual({ status: "Enabled" });
    const block = one(run, T.bucketPublicAccess, NAME);
    onBucket(block);
    expect(block.inputs).toMatchObject({
      blockPublicAcls: true,
      blockPublicPolicy: true,
      ignorePublicAcls: true,
      restrictPublicBuckets: true,
    });
    const ownership = one(run, T.bucketOwnership, NAME);
    onBucket(ownership);
    expect(ownership.inputs.rule).toEqual({ objectOwnership: "BucketOwnerEnforced" });
    expect(bucket().inputs.acl).toBeUndefined();
  });

  test(
    "prod keeps it on destroy by default (retainOnDelete, no forceDestroy); asked otherwise, it goes",
    async () => {
      for (const type of [T.bucket, T.bucketVersioning, T.bucketPolicy])
        expect(one(run, type, NAME).retainOnDelete).toBe(true);
      expect(bucket().inputs.forceDestroy).toBe(false);
      const gone = await runProd({ storage: { retainOnDelete: false } });
      expect(one(gone, T.bucket, NAME).retainOnDelete).toBe(false);
      expect(one(gone, T.bucket, NAME).inputs.forceDestroy).toBe(true);
    },
    RUN_TIMEOUT,
  );

  test("its policy: CloudFront (this distribution only) reads the three prefixes; anything without TLS is denied", () => {
    const policy = one(run, T.bucketPolicy, NAME);
    onBucket(policy);
    const arn = String(bucketState().arn);
    const cdnArn = String(cdnState().arn);
    const [read, tls, ...more] = statements(policy);
    expect(more).toEqual([]);
    expect(read).toEqual({
      Sid: "CloudFrontReadsThroughOac",
      Effect: "Allow",
      Principal: { Service: "cloudfront.amazonaws.com" },
      Action: "s3:GetObject",
      Resource: [`${arn}/*`],
      Condition: { StringEquals: { "AWS:SourceArn": cdnArn } },
    });
    expect(tls).toMatchObject({
      Effect: "Deny",
      Principal: "*",
      Condition: { Bool: { "aws:SecureTransport": "false" } },
    });
    // Applied after the public access block, which S3 would otherwise race.
    expect(policy.dependencies).toEqual(
      expect.arrayContaining([one(run, T.bucketPublicAccess, NAME).urn, one(run, T.bucketOwnership, NAME).urn]),
    );
  });
});

describe("CloudFront in front of it", () => {
  test("one S3 origin (the bucket's REST endpoint) signed by an origin access control", () => {
    const oac = one(run, T.oac, NAME);
    expect(oac.inputs).toMatchObject({
      originAccessControlOriginType: "s3",
      signingBehavior: "always",
      signingProtocol: "sigv4",
    });
    const cdn = one(run, T.distribution, NAME);
    expect(cdn.inputs.origins).toEqual([
      {
        originId: "files",
        domainName: String(bucketState().bucketRegionalDomainName),
        originAccessControlId: `${NAME}-id`,
      },
    ]);
    expect(cdn.propertyDependencies.origins).toEqual(expect.arrayContaining([oac.urn, bucket().urn]));
  });

  test("browsers: HTTPS only, GET and HEAD only, cached by the managed CachingOptimized policy", () => {
    const behaviour = one(run, T.distribution, NAME).inputs.defaultCacheBehavior as Record<string, unknown>;
    expect(behaviour).toMatchObject({
      targetOriginId: "files",
      viewerProtocolPolicy: "redirect-to-https",
      allowedMethods: ["GET", "HEAD"],
      cachedMethods: ["GET", "HEAD"],
      cachePolicyId: CACHING_OPTIMIZED,
    });
  });

  test("its URL is the filesUrl stack output", () => {
    expect(run.outputs.filesUrl).toBe(`https://${String(cdnState().domainName)}`);
  });
});

describe("task roles of least privilege", () => {
  const rolePolicy = (name: string) => statements(one(run, T.rolePolicy, name));
  const arn = () => String(bucketState().arn);

  test("workers: Throat's object actions on the user files of this bucket, never on the release assets", () => {
    // Throat's S3Storage.get/delete name an upload's key without filename_prefix, so uploads sit
    // at the root: a sub's deleted upload must be deletable there, its size readable.
    const actions = ["s3:PutObject", "s3:PutObjectAcl", "s3:GetObject", "s3:DeleteObject"];
    expect(rolePolicy(`${PREFIX}-app-task`)).toEqual([
      { Effect: "Allow", Action: actions, Resource: [`${arn()}/*`, `${arn()}/thumbs/*`] },
      { Sid: "ReleaseAssetsAreTheMigrations", Effect: "Deny", Action: actions, Resource: [`${arn()}/static/*`] },
    ]);
    const trust = JSON.parse(String(one(run, T.role, `${PREFIX}-app-task`).inputs.assumeRolePolicy)) as {
      Statement: Statement[];
    };
    expect(trust.Statement).toEqual([
      { Effect: "Allow", Principal: { Service: "ecs-tasks.amazonaws.com" }, Action: "sts:AssumeRole" },
    ]);
  });

  test("the migration: PutObject under static/ only (it publishes the release's assets)", () => {
    expect(rolePolicy(`${PREFIX}-migrate-task`)).toEqual([
      { Effect: "Allow", Action: ["s3:PutObject"], Resource: [`${arn()}/static/*`] },
    ]);
  });

  test("no access keys anywhere: no IAM user or key, no storage.key / secret in config or env", () => {
    expect(run.resources.filter((r) => /iam\/(user|accessKey)/.test(r.type))).toEqual([]);
    const plan = prodPlan();
    for (const file of Object.values(plan.app.configFiles))
      expect(Object.keys(file.values.storage ?? {})).not.toEqual(expect.arrayContaining(["key"]));
    for (const td of ofType(run, T.taskDefinition)) {
      const env = envOf(containers(td)[0]!);
      expect(Object.keys(env).filter((k) => /^STORAGE_(KEY|SECRET)$/.test(k))).toEqual([]);
    }
  });
});

describe("Throat's S3 provider on that bucket and CDN", () => {
  test("config.yaml: provider S3, the kinds' prefixes, the one ACL a bucket with ACLs disabled accepts", () => {
    for (const file of Object.values(prodPlan().app.configFiles)) {
      expect((parse(file.text) as { storage: unknown }).storage).toEqual({
        provider: "S3",
        acl: S3_ACL,
        uploads: { filename_prefix: S3_PREFIXES.uploads },
        thumbnails: { filename_prefix: S3_PREFIXES.thumbnails },
      });
    }
    expect(S3_ACL).toBe("bucket-owner-full-control");
  });

  test("every worker task and the migration get the bucket and the CDN URLs in their environment", () => {
    const host = String(cdnState().domainName);
    for (const family of ["sync", "gevent", "socketio", "migrate"]) {
      const env = envOf(containers(one(run, T.taskDefinition, `${PREFIX}-${family}`))[0]!);
      expect(env).toMatchObject({
        STORAGE_CONTAINER: String(bucketState().bucket),
        STORAGE_UPLOADS_URL: `https://${host}/`,
        STORAGE_THUMBNAILS_URL: `https://${host}/thumbs/`,
      });
    }
  });

  test("the migration publishes the release's assets to static/ before Throat's migration", () => {
    const [c] = containers(one(run, T.taskDefinition, `${PREFIX}-migrate`));
    expect(c!.command![2]).toMatch(
      /^cp "configs\/\$CONFIG_NAME\/config.yaml" config.yaml && python3 stack\/check_routes.py stack\/expected-routes.tsv && python3 stack\/publish_static.py static\/ \/throat\/app\/static\/ && exec python3 throat.py migration apply$/,
    );
    // The services roll only after that task succeeded (the Invocation), as for the migration.
    const invocation = one(run, T.invocation, `${PREFIX}-migrate`);
    expect(dependenciesOfType(run, invocation, T.taskDefinition).map((t) => t.name)).toEqual([`${PREFIX}-migrate`]);
  });
});
