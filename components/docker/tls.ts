// The edge's certificate: the operator's (throat:tlsCertificate + the secret throat:tlsKey), or
// a self-signed one for the site name, so every test stack serves HTTPS. Throat's session cookie
// is always Secure: without TLS a browser keeps it only on localhost and logins fail.
import * as pulumi from "@pulumi/pulumi";
import * as tls from "@pulumi/tls";
import type { Settings } from "../settings";

export interface TlsMaterial {
  certificatePem: pulumi.Input<string>;
  /** Always a secret. */
  privateKeyPem: pulumi.Output<string>;
}

/** What the certificate depends on: the site name, the name prefix, whether throat:tlsKey is set. */
export type EdgeTlsSettings = Pick<Settings, "siteName" | "namePrefix"> & {
  secrets: Pick<Settings["secrets"], "tlsKey">;
};

export function edgeTls(s: EdgeTlsSettings, parent: pulumi.Resource): TlsMaterial {
  if (s.secrets.tlsKey) {
    const config = new pulumi.Config("throat");
    return { certificatePem: config.require("tlsCertificate"), privateKeyPem: config.requireSecret("tlsKey") };
  }
  const key = new tls.PrivateKey(`${s.namePrefix}-tls-key`, { algorithm: "ECDSA", ecdsaCurve: "P256" }, { parent });
  const cert = new tls.SelfSignedCert(
    `${s.namePrefix}-tls-cert`,
    {
      privateKeyPem: key.privateKeyPem,
      subject: { commonName: s.siteName },
      dnsNames: [s.siteName],
      validityPeriodHours: 24 * 365,
      // A `pulumi up` in the last 30 days of validity replaces the certificate.
      earlyRenewalHours: 24 * 30,
      allowedUses: ["digital_signature", "key_encipherment", "server_auth"],
    },
    { parent },
  );
  return { certificatePem: cert.certPem, privateKeyPem: pulumi.secret(key.privateKeyPem) };
}
