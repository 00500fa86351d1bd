// DNS and TLS from a Route 53 hosted zone (throat:dns.zoneId): the stack requests the ACM
// certificate for the site name, proves it owns the name with the DNS record ACM asks for, waits
// until ACM issues it (CertificateValidation), and points the site name at the ALB with alias
// records. Without the key the listener uses throat:edge.certificateArn and the operator makes
// the DNS record (README, Production).
import * as pulumi from "@pulumi/pulumi";
import * as acm from "@pulumi/aws/acm";
import * as route53 from "@pulumi/aws/route53";

export class SiteCertificate extends pulumi.ComponentResource {
  /** Resolves once ACM has issued the certificate: the HTTPS listener uses this. */
  readonly arn: pulumi.Output<string>;

  constructor(
    name: string,
    args: { prefix: string; siteName: string; zoneId: string },
    opts?: pulumi.ComponentResourceOptions,
  ) {
    super("throat:aws:SiteCertificate", name, {}, opts);
    const parent = { parent: this };
    // Created before the old one goes: the listener moves to the new certificate first.
    const certificate = new acm.Certificate(
      `${args.prefix}-certificate`,
      {
        domainName: args.siteName,
        validationMethod: "DNS",
        tags: { Name: args.siteName },
      },
      { parent: this, deleteBeforeReplace: false },
    );
    // One name, so one validation record (ACM: a CNAME under the name it validates).
    const option = certificate.domainValidationOptions.apply((o) => {
      if (!o[0]) throw new Error(`ACM returned no DNS validation record for ${args.siteName}`);
      return o[0];
    });
    const validation = new route53.Record(
      `${args.prefix}-certificate-validation`,
      {
        zoneId: args.zoneId,
        name: option.resourceRecordName,
        type: option.resourceRecordType,
        records: [option.resourceRecordValue],
        ttl: 300,
        // ACM gives the same record to a replacement certificate of the same name.
        allowOverwrite: true,
      },
      parent,
    );
    const issued = new acm.CertificateValidation(
      `${args.prefix}-certificate`,
      {
        certificateArn: certificate.arn,
        validationRecordFqdns: [validation.fqdn],
      },
      parent,
    );
    this.arn = issued.certificateArn;
    this.registerOutputs({ arn: this.arn });
  }
}

export class SiteRecords extends pulumi.ComponentResource {
  constructor(
    name: string,
    args: {
      prefix: string;
      siteName: string;
      zoneId: string;
      alb: { dnsName: pulumi.Input<string>; zoneId: pulumi.Input<string> };
    },
    opts?: pulumi.ComponentResourceOptions,
  ) {
    super("throat:aws:SiteRecords", name, {}, opts);
    new route53.Record(
      `${args.prefix}-site`,
      {
        zoneId: args.zoneId,
        name: args.siteName,
        type: "A",
        aliases: [{ name: args.alb.dnsName, zoneId: args.alb.zoneId, evaluateTargetHealth: true }],
      },
      { parent: this },
    );
    this.registerOutputs({});
  }
}
