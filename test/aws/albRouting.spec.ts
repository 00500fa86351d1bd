// The ALB as registered routes every rule of the route list to the right target group. The rules
// are rebuilt from the ListenerRule resources (priority, path patterns, the target group each
// forwards to), not from the plan, and evaluated as ALB does (components/plan/alb.ts:
// albDestination, lowest priority first, case-sensitive, `*` and `?`).
import type { AlbRule } from "../../components/plan/alb";
import { albDestination } from "../../components/plan/alb";
import { destinationOfRoute, parseRouteList, samplePath } from "../../components/plan/routes";
import type { Destination } from "../../components/plan/routes";
import { ASYNC_KEEPALIVE } from "../../components/plan/workers";
import type { ProgramRun, RecordedResource } from "../../scripts/offline/mockRuntime";
import { ofType } from "../support/runStack";
import { dependenciesOfType, prodPlan, routeListText, RUN_TIMEOUT, runProd, T, PREFIX } from "./support";

const plan = prodPlan();
const routes = parseRouteList(routeListText(plan));
let run: ProgramRun;
let registered: AlbRule[];
let defaultTarget: Destination;

/** A target group's kind, from the Name tag the Edge gives it (`${PREFIX}-<kind>`). */
const kindOf = (tg: RecordedResource): Destination =>
  String((tg.inputs.tags as Record<string, string>).Name).replace(`${PREFIX}-`, "") as Destination;

/** The one target group a rule or listener forwards to, checked against the ARN it was given. */
function forwardTarget(r: RecordedResource, action: { type: string; targetGroupArn?: string }): Destination {
  expect(action.type).toBe("forward");
  const groups = dependenciesOfType(run, r, T.targetGroup);
  expect(groups).toHaveLength(1);
  // The mock provider's ARN carries the auto-named group's name: the same group, not just a dependency.
  expect(action.targetGroupArn).toContain(`:targetgroup/${groups[0]!.name}-`);
  return kindOf(groups[0]!);
}

beforeAll(async () => {
  run = await runProd();
  const https = ofType(run, T.listener).find((l) => l.inputs.port === 443)!;
  registered = ofType(run, T.listenerRule).map((r) => {
    // Every rule hangs off the HTTPS listener.
    expect(dependenciesOfType(run, r, T.listener).map((l) => l.urn)).toEqual([https.urn]);
    const conditions = r.inputs.conditions as Array<{ pathPattern?: { values: string[] } }>;
    expect(conditions).toHaveLength(1);
    const actions = r.inputs.actions as Array<{ type: string; targetGroupArn?: string }>;
    expect(actions).toHaveLength(1);
    return {
      name: r.name,
      priority: Number(r.inputs.priority),
      pathPatterns: conditions[0]!.pathPattern!.values,
      target: forwardTarget(r, actions[0]!) as AlbRule["target"],
    };
  });
  const defaults = https.inputs.defaultActions as Array<{ type: string; targetGroupArn?: string }>;
  expect(defaults).toHaveLength(1);
  defaultTarget = forwardTarget(https, defaults[0]!);
}, RUN_TIMEOUT);

/** Where the registered ALB sends a path: a rule's target group, or the listener's default. */
const destination = (path: string): Destination => {
  const d = albDestination(registered, path);
  return d === "sync" ? defaultTarget : d;
};

test("the HTTPS listener's default action forwards to the sync target group", () => {
  expect(defaultTarget).toBe("sync");
  // A sync rule forwards to that same group: ahead of a gevent rule whose `*` would take a sync row.
  expect(registered.filter((r) => r.target === "sync").map((r) => r.pathPatterns)).toEqual([["/do/upload/*/delete/*"]]);
});

test("one registered rule per plan rule, same priorities and patterns", () => {
  expect(registered.map((r) => [r.priority, r.pathPatterns, r.target]).sort()).toEqual(
    plan.edge.albRules!.map((r) => [r.priority, r.pathPatterns, r.target]).sort(),
  );
});

test.each(routes.routes.filter((r) => r.gevent).map((r) => [r.rule, samplePath(r.rule)]))(
  "gevent route %s (%s) reaches the gevent target group",
  (_rule, path) => {
    expect(destination(path)).toBe("gevent");
  },
);

// Every other route: sync, with two exceptions the plan makes on purpose. /static/... is the
// static tier's. And a sync-capable route on a gevent worker is harmless (docs/throat-contract.md,
// Routing), so the plan leaves a sync row there when path patterns cannot tell it from a gevent
// one, and lists it (plan.edge.spill): the same rule with a gevent endpoint for another method.
const spilled = plan.edge.spill!.map((s) => s.rule);
test.each(
  routes.routes.filter((r) => !r.gevent).map((r) => [r.rule, samplePath(r.rule), destinationOfRoute(routes, r.rule)]),
)("route %s (%s) reaches %s", (rule, path, want) => {
  const got = destination(path);
  if (spilled.includes(rule)) expect(got).toBe("gevent");
  else expect(got).toBe(want);
});

test("the sync rows sent to gevent are exactly the plan's spill, each sharing its path with a gevent row", () => {
  const onGevent = [
    ...new Set(
      routes.routes.filter((r) => !r.gevent && destination(samplePath(r.rule)) === "gevent").map((r) => r.rule),
    ),
  ].sort();
  expect(onGevent).toEqual(["/api/v3/register", "/submit/<ptype>", "/submit/<ptype>/<sub>"]);
  expect([...new Set(spilled)].sort()).toEqual(onGevent);
  for (const rule of onGevent) expect(routes.geventRules).toContain(rule);
  // The row a gevent `*` used to take reaches sync through the registered rules.
  expect(destination("/do/upload/pics/delete/a.png")).toBe("sync");
  expect(destination("/do/upload/pics")).toBe("gevent");
});

test.each([
  ["/socket.io", "socketio"],
  ["/socket.io/", "socketio"],
  ["/socket.io/x", "socketio"],
  ["/static/x", "static"],
  ["/static/gen/app.js", "static"],
  // Case-sensitive and anchored: these are not the socket.io or static prefixes.
  ["/Socket.io/x", "sync"],
  ["/socket.iox", "sync"],
  ["/STATIC/x", "sync"],
  ["/x/static/y", "sync"],
  ["/", "sync"],
])("%s reaches %s", (path, want) => {
  expect(destination(path)).toBe(want);
});

test("HTTP redirects to HTTPS; the ALB closes idle connections before gunicorn does", () => {
  const http = ofType(run, T.listener).find((l) => l.inputs.port === 80)!;
  expect(http.inputs.defaultActions).toEqual([
    expect.objectContaining({
      type: "redirect",
      redirect: expect.objectContaining({ protocol: "HTTPS", port: "443", statusCode: "HTTP_301" }),
    }),
  ]);
  const https = ofType(run, T.listener).find((l) => l.inputs.port === 443)!;
  expect(https.inputs.certificateArn).toBe(plan.settings.edge.certificateArn);
  expect(https.inputs.protocol).toBe("HTTPS");
  const alb = ofType(run, T.alb)[0]!;
  expect(alb.inputs.idleTimeout).toBe(60);
  expect(Number(alb.inputs.idleTimeout)).toBeLessThan(ASYNC_KEEPALIVE);
  expect(alb.inputs.internal).toBe(false);
  expect(alb.inputs.xffHeaderProcessingMode).toBe("append");
});

test("target groups: ip targets on the app port, tuned deregistration, sticky socket.io", () => {
  const groups = Object.fromEntries(ofType(run, T.targetGroup).map((tg) => [kindOf(tg), tg.inputs]));
  expect(Object.keys(groups).sort()).toEqual(["gevent", "socketio", "static", "sync"]);
  for (const kind of ["sync", "gevent", "socketio"]) {
    expect(groups[kind]).toMatchObject({ targetType: "ip", port: 5000, protocol: "HTTP" });
  }
  expect(groups.static).toMatchObject({
    targetType: "ip",
    port: 80,
    healthCheck: expect.objectContaining({ path: "/nginx-health" }),
  });
  // Worker checks must not go through the database (docs/throat-contract.md, Health): Flask's static route.
  const staticRoute = plan.routes.routes.find((r) => r.endpoint === "static")!;
  const flaskStatic = new RegExp(`^${staticRoute.rule.replace(/<path:\w+>/, ".+")}$`);
  for (const kind of ["sync", "gevent", "socketio"]) {
    const path = String((groups[kind]!.healthCheck as { path: string }).path);
    expect(path).toMatch(flaskStatic);
  }
  expect(groups.sync!.deregistrationDelay).toBe(30);
  expect(groups.gevent!.deregistrationDelay).toBe(30);
  expect(groups.socketio!.deregistrationDelay).toBe(120);
  expect(groups.socketio!.stickiness).toEqual(expect.objectContaining({ type: "lb_cookie", enabled: true }));
  for (const kind of ["sync", "gevent", "static"]) expect(groups[kind]!.stickiness).toBeUndefined();
});
