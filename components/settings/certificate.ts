// Where the prod HTTPS listener's certificate comes from: exactly one of an ACM certificate made
// outside (throat:edge.certificateArn) or a Route 53 zone the stack validates one in
// (throat:dns.zoneId). Both would leave it unclear which certificate the listener serves.
import type { RawSettings } from "./schema";

export function certificateProblems(profile: "test" | "prod", s: RawSettings): string[] {
  if (profile !== "prod") return [];
  const arn = s.edge.certificateArn;
  const zone = s.dns.zoneId;
  const site = s.siteName ?? "the site name";
  if (arn && zone) {
    return [
      `throat:edge.certificateArn and throat:dns.zoneId are both set: set one. With throat:dns.zoneId the stack makes and ` +
        `validates the certificate for ${site} itself (pulumi config rm throat:edge); keep throat:edge.certificateArn to bring your own`,
    ];
  }
  if (!arn && !zone) {
    return [
      `throat:edge.certificateArn or throat:dns.zoneId is required on prod: the ARN of an ACM certificate for ${site} ` +
        `(pulumi config set throat:edge.certificateArn arn:aws:acm:...), or the Route 53 hosted zone of ${site} ` +
        `(pulumi config set --path throat:dns.zoneId Z...) to let the stack make one`,
    ];
  }
  return [];
}
