// SITE_TRUSTED_PROXY_COUNT: how many proxies in front of the app append to X-Forwarded-For.
// Werkzeug's ProxyFix takes the address that many hops from the right: too low and every user
// shares a proxy's address (one rate limit for all), too high and a client forges its own.
import type { Settings } from "../settings";

export interface ProxyChain {
  /** Every hop that appends to X-Forwarded-For, outermost first. */
  hops: string[];
  trustedProxyCount: number;
}

export function planProxies(s: Settings): ProxyChain {
  const outer = Array.from(
    { length: s.edge.outerProxies },
    (_, i) => `outer proxy ${i + 1} (throat:edge.outerProxies)`,
  );
  // The edge appends the address it received the request from: nginx with
  // $proxy_add_x_forwarded_for, the ALB by design. nginx serving /static/ behind the ALB on
  // prod never forwards to the app, so it is not a hop.
  const edge = s.edge.kind === "alb" ? "AWS application load balancer" : "nginx edge";
  const hops = [...outer, edge];
  return { hops, trustedProxyCount: hops.length };
}
