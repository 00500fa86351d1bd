import {
  albDestination,
  albPatternMatches,
  AlbRule,
  checkAlbRules,
  planAlbRules,
  rulePattern,
} from "../../components/plan/alb";
import { destinationOfRoute, parseRouteList, samplePath } from "../../components/plan/routes";
import { ROUTE_LIST } from "../support/settings";

const table = parseRouteList(ROUTE_LIST);
const header = ROUTE_LIST.split("\n").slice(0, 2).join("\n");
const withRoute = (rule: string) =>
  parseRouteList(`${ROUTE_LIST.trimEnd()}\n${rule.padEnd(80)}${"x.new".padEnd(35)}${"POST".padEnd(12)}gevent\n`);

describe("ALB path matching as AWS documents it", () => {
  it.each([
    ["/socket.io/*", "/socket.io/", true],
    ["/socket.io/*", "/socket.io", false],
    ["/static/*", "/static/css/a.css", true],
    ["/do/upload/*", "/do/upload/a/b", true],
    ["/login", "/Login", false],
    ["/login", "/login/", false],
    ["/a?c", "/abc", true],
    ["/a?c", "/abbc", false],
    ["/api/v3.1", "/api/v3x1", false],
  ])("%s matches %s: %s", (pattern, path, expected) => {
    expect(albPatternMatches(pattern, path)).toBe(expected);
  });
});

describe("ALB rules from the route table", () => {
  const { rules, spill } = planAlbRules(table);

  it("route every rule of the route list to its target group", () => {
    for (const route of table.routes) {
      const want = destinationOfRoute(table, route.rule);
      const got = albDestination(rules, samplePath(route.rule));
      expect([route.rule, got]).toEqual([route.rule, want]);
    }
    expect(albDestination(rules, "/socket.io")).toBe("socketio");
    expect(albDestination(rules, "/socket.io/?EIO=4&transport=polling".split("?")[0]!)).toBe("socketio");
    expect(albDestination(rules, "/static/gen/app.js")).toBe("static");
    expect(albDestination(rules, "/all/new")).toBe("sync");
  });

  it("keep within ALB's limits: 5 values a rule, unique priorities in 1..50000", () => {
    expect(rules.every((r) => r.pathPatterns.length <= 5 && r.pathPatterns.length > 0)).toBe(true);
    expect(new Set(rules.map((r) => r.priority)).size).toBe(rules.length);
    expect(rules.every((r) => r.priority >= 1 && r.priority <= 50000)).toBe(true);
    expect(checkAlbRules(rules, table, spill)).toEqual([]);
  });

  it("pack the 21 gevent rules into few rules", () => {
    const gevent = rules.filter((r) => r.target === "gevent");
    expect(gevent.flatMap((r) => r.pathPatterns)).toContain("/submit/*");
    expect(gevent.flatMap((r) => r.pathPatterns)).not.toContain("/submit/*/*"); // covered by /submit/*
    expect(gevent.length).toBeLessThanOrEqual(10);
  });

  it("start a new rule rather than pass 5 wildcards in one", () => {
    const many = ["/q/<a>/<b>/<c>/one", "/q/<d>/<e>/<f>/two"].reduce(
      (t, r) => `${t}${r.padEnd(80)}${"x.y".padEnd(35)}${"GET".padEnd(12)}gevent\n`,
      `${header}\n`,
    );
    const packed = planAlbRules(parseRouteList(many)).rules.filter((r) => r.target === "gevent");
    expect(packed.map((r) => r.pathPatterns)).toEqual([["/q/*/*/*/one"], ["/q/*/*/*/two"]]);
    const seven: AlbRule = { name: "seven", priority: 30001, target: "gevent", pathPatterns: ["/a/*/*/*", "/b/*/*/*"] };
    expect(checkAlbRules([...rules, seven], table)).toContain("rule seven: 6 wildcards, ALB allows 5 per rule");
  });

  it("turn parameters into *", () => {
    expect(rulePattern("/api/v3/post/<sub>/<int:pid>")).toBe("/api/v3/post/*/*");
  });

  it("stay put when a route is added: only its own group changes", () => {
    const before = new Map(rules.map((r) => [r.name, r]));
    const afterNewGroup = planAlbRules(withRoute("/newthing/<id>")).rules;
    const afterSameGroup = planAlbRules(withRoute("/do/newaction")).rules;
    for (const r of afterNewGroup.filter((x) => before.has(x.name))) expect(r).toEqual(before.get(r.name));
    expect(afterNewGroup.find((r) => r.pathPatterns.includes("/newthing/*"))).toBeDefined();
    const changed = afterSameGroup.filter((r) => JSON.stringify(r) !== JSON.stringify(before.get(r.name)));
    expect(changed.map((r) => r.name)).toEqual(["gevent-do-0"]);
    expect(changed[0]!.priority).toBe(before.get("gevent-do-0")!.priority);
  });

  it("checkAlbRules finds misroutes and broken limits", () => {
    const dropLogin = rules.map((r) => ({ ...r, pathPatterns: r.pathPatterns.filter((p) => p !== "/login") }));
    expect(checkAlbRules(dropLogin, table)).toContain("/login (auth.login) reaches sync, must reach gevent");
    const six: AlbRule = {
      name: "six",
      priority: 30000,
      target: "gevent",
      pathPatterns: ["/a", "/b", "/c", "/d", "/e", "/f"],
    };
    expect(checkAlbRules([...rules, six], table)).toContain("rule six: 6 path patterns, ALB allows 5");
    const dup: AlbRule = { name: "dup", priority: 10, target: "gevent", pathPatterns: ["/zzz"] };
    expect(checkAlbRules([...rules, dup], table)).toContain("rule dup: priority 10 used twice");
    const greedy: AlbRule = { name: "greedy", priority: 5, target: "gevent", pathPatterns: ["/*"] };
    expect(checkAlbRules([...rules, greedy], table)).toEqual(
      expect.arrayContaining(["/socket.io must reach socketio", "/static/css/x.css must reach static"]),
    );
  });

  it("a route list without gevent routes gives just the socket.io and static rules", () => {
    const plain = parseRouteList(`${header}\n${"/".padEnd(80)}${"home.index".padEnd(35)}${"GET".padEnd(12)}\n`);
    const { rules: plainRules, spill: plainSpill } = planAlbRules(plain);
    expect(plainRules.map((r) => r.name)).toEqual(["socketio", "static"]);
    expect(plainSpill).toEqual([]);
  });
});
