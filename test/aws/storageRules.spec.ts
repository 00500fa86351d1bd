// The mock provider's S3 and CloudFront rules (scripts/offline/rules/aws.ts): what AWS refuses,
// and the outputs the user-file tier reads.
import { check, reset } from "../../scripts/offline/rules/aws";
import { state } from "../../scripts/offline/rules/awsState";
import { T } from "./support";

beforeEach(() => reset());

describe("S3 buckets", () => {
  test("bucket names: lower case, 3-63 characters; bucketPrefix at most 37", () => {
    expect(() => check(T.bucket, "ok", { bucketPrefix: "throat-prod-files-" })).not.toThrow();
    expect(() => check(T.bucket, "upper", { bucketPrefix: "Throat-prod-" })).toThrow(/lowercase letters/);
    expect(() => check(T.bucket, "long", { bucketPrefix: "x".repeat(38) })).toThrow(/longer than 37 characters/);
    expect(() => check(T.bucket, "named", { bucket: "ab" })).toThrow(/naming rules/);
  });

  test("no ACL on a bucket whose ACLs are disabled", () => {
    expect(() => check(T.bucket, "acl", { bucketPrefix: "b-", acl: "public-read" })).toThrow(/disables ACLs/);
  });

  test("the name, ARN and regional domain come from the prefix", () => {
    const s = state(T.bucket, "files", { bucketPrefix: "throat-prod-files-" });
    expect(String(s.bucket)).toMatch(/^throat-prod-files-[0-9a-f]{26}$/);
    expect(s.arn).toBe(`arn:aws:s3:::${String(s.bucket)}`);
    expect(String(s.bucketRegionalDomainName)).toMatch(
      new RegExp(`^${String(s.bucket)}\\.s3\\.[a-z0-9-]+\\.amazonaws\\.com$`),
    );
  });
});

describe("CloudFront", () => {
  test("origin access control: s3, always, sigv4", () => {
    expect(() =>
      check(T.oac, "ok", { originAccessControlOriginType: "s3", signingBehavior: "always", signingProtocol: "sigv4" }),
    ).not.toThrow();
    expect(() =>
      check(T.oac, "web", {
        originAccessControlOriginType: "website",
        signingBehavior: "always",
        signingProtocol: "sigv4",
      }),
    ).toThrow(/originAccessControlOriginType/);
    expect(() =>
      check(T.oac, "sign", {
        originAccessControlOriginType: "s3",
        signingBehavior: "sometimes",
        signingProtocol: "sigv4",
      }),
    ).toThrow(/signingBehavior/);
  });

  test("an OAC cannot sign for a website endpoint, nor sit beside an origin access identity", () => {
    const base = { defaultCacheBehavior: { targetOriginId: "files" } };
    expect(() =>
      check(T.distribution, "site", {
        ...base,
        origins: [
          { originId: "files", domainName: "b.s3-website-eu-west-1.amazonaws.com", originAccessControlId: "oac" },
        ],
      }),
    ).toThrow(/website endpoint/);
    expect(() =>
      check(T.distribution, "both", {
        ...base,
        origins: [
          {
            originId: "files",
            domainName: "b.s3.eu-west-1.amazonaws.com",
            originAccessControlId: "oac",
            s3OriginConfig: { originAccessIdentity: "oai" },
          },
        ],
      }),
    ).toThrow(/origin access identity/);
    expect(() =>
      check(T.distribution, "target", {
        defaultCacheBehavior: { targetOriginId: "nope" },
        origins: [{ originId: "files", domainName: "b.s3.eu-west-1.amazonaws.com" }],
      }),
    ).toThrow(/names no origin/);
  });
});
