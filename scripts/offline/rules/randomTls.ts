// Outputs of the random and tls providers under mocks: plausible, stable values, secret
// where the real providers mark them secret (a password's `result`, a private key's PEM).
import { createHash } from "node:crypto";
import * as pulumi from "@pulumi/pulumi";

const hex = (...parts: string[]) => createHash("sha256").update(parts.join("/")).digest("hex");

export function state(type: string, name: string): Record<string, unknown> {
  if (type === "random:index/randomPassword:RandomPassword")
    return { result: pulumi.secret(`pw${hex(type, name).slice(0, 30)}`) };
  if (type === "random:index/randomId:RandomId") {
    const h = hex(type, name).slice(0, 8);
    return { hex: h, dec: String(parseInt(h, 16)), b64Url: Buffer.from(h, "hex").toString("base64url") };
  }
  if (type === "tls:index/privateKey:PrivateKey") {
    return {
      privateKeyPem: pulumi.secret(`-----BEGIN PRIVATE KEY-----\n${hex(type, name)}\n-----END PRIVATE KEY-----\n`),
      publicKeyPem: `-----BEGIN PUBLIC KEY-----\n${hex("public", name)}\n-----END PUBLIC KEY-----\n`,
    };
  }
  if (type === "tls:index/selfSignedCert:SelfSignedCert")
    return { certPem: `-----BEGIN CERTIFICATE-----\n${hex(type, name)}\n-----END CERTIFICATE-----\n` };
  return {};
}
