// The sync rules that keep sync rows off a gevent rule's `*` (components/plan/alb.ts,
// addSyncRules), and the rows the ALB still cannot keep there (plan.edge.spill).
import { albDestination, ALB_MAX_RULES, checkAlbRules, planAlbRules } from "../../components/plan/alb";
import { parseRouteList, samplePath } from "../../components/plan/routes";
import { albSyncLines, routeEntries } from "../../scripts/plan/routeTable";
import { plan, ROUTE_LIST } from "../support/settings";

const header = ROUTE_LIST.split("\n").slice(0, 2).join("\n");
/** A route list of [rule, endpoint, gevent] rows. */
const routeList = (rows: Array<[string, string, boolean]>) =>
  parseRouteList(
    rows.reduce(
      (t, [rule, endpoint, gevent]) =>
        `${t}${rule.padEnd(80)}${endpoint.padEnd(35)}${"POST".padEnd(12)}${gevent ? "gevent" : ""}\n`,
      `${header}\n`,
    ),
  );

describe("the project's route list", () => {
  const table = parseRouteList(ROUTE_LIST);
  const { rules, spill } = planAlbRules(table);

  it("sends the upload delete row to sync, ahead of the gevent upload rule", () => {
    expect(albDestination(rules, "/do/upload/pics/delete/abc.png")).toBe("sync");
    expect(albDestination(rules, "/do/upload/pics")).toBe("gevent");
    const sync = rules.find((r) => r.target === "sync" && r.pathPatterns.includes("/do/upload/*/delete/*"))!;
    const gevent = rules.find((r) => r.target === "gevent" && r.pathPatterns.includes("/do/upload/*"))!;
    expect(sync.priority).toBeLessThan(gevent.priority);
    expect(spill.map((s) => s.rule)).not.toContain("/do/upload/<sub>/delete/<name>");
  });

  it("lists only the sync rows that share their path with a gevent row, each with why", () => {
    expect(spill.map((s) => [s.rule, s.endpoint, s.servedBy])).toEqual([
      ["/api/v3/register", "apiv3.register_params", "gevent"],
      ["/submit/<ptype>", "subs.submit", "gevent"],
      ["/submit/<ptype>/<sub>", "subs.submit", "gevent"],
    ]);
    for (const s of spill) {
      expect(s.why).toMatch(/^the same path is gevent row \S+ \(POST\): a path pattern cannot tell them apart$/);
      expect(rules.find((r) => r.name === s.albRule)?.target).toBe(s.servedBy);
    }
  });

  it("keeps within ALB's quotas: 100 rules with the default, 5 values and 5 wildcards a rule", () => {
    expect(rules.length + 1).toBeLessThanOrEqual(ALB_MAX_RULES);
    for (const r of rules) {
      expect(r.pathPatterns.length).toBeLessThanOrEqual(5);
      expect(r.pathPatterns.join("").replace(/[^*?]/g, "").length).toBeLessThanOrEqual(5);
    }
    expect(checkAlbRules(rules, table, spill)).toEqual([]);
  });

  it("checkAlbRules names a sync row left on gevent, and a sync rule that takes a gevent route", () => {
    const withoutSync = rules.filter((r) => r.target !== "sync");
    expect(checkAlbRules(withoutSync, table, spill)).toEqual([
      "/do/upload/<sub>/delete/<name> (do.sub_upload_delete) reaches gevent, must reach sync",
      "/do/upload/<sub>/delete/<name> (do.sub_upload_delete): some of its paths reach gevent (rule gevent-do-0), must reach sync",
    ]);
    const greedy = { name: "greedy", priority: 999, target: "sync" as const, pathPatterns: ["/login/with-token/*"] };
    expect(checkAlbRules([...rules, greedy], table, spill)).toContain(
      "rule greedy (sync) takes paths of gevent route /login/with-token/<token>",
    );
  });
});

describe("rows the ALB cannot keep on sync", () => {
  it("a sync row whose own pattern would take a gevent route stays listed, with that route", () => {
    const table = routeList([
      ["/a/<x>", "a.gevent", true],
      ["/a/<x>/b/c", "a.deep", true],
      ["/a/<x>/<y>", "a.sync", false],
    ]);
    const { rules, spill } = planAlbRules(table);
    expect(rules.filter((r) => r.target === "sync")).toEqual([]);
    expect(spill).toEqual([
      {
        rule: "/a/<x>/<y>",
        endpoint: "a.sync",
        servedBy: "gevent",
        albRule: "gevent-a-0",
        why: "its pattern /a/*/* would also take gevent route /a/<x>/b/c",
      },
    ]);
  });

  it("a pattern past 5 wildcards is listed, not registered", () => {
    const table = routeList([
      ["/w/<a>", "w.gevent", true],
      ["/w/<a>/<b>/<c>/<d>/<e>/<f>", "w.sync", false],
    ]);
    const { rules, spill } = planAlbRules(table);
    expect(rules.filter((r) => r.target === "sync")).toEqual([]);
    expect(spill.map((s) => s.why)).toEqual(["its pattern /w/*/*/*/*/*/* has 6 wildcards; ALB allows 5 per rule"]);
  });

  it("past the listener's 100 rules, the groups that do not fit are listed; the rest reach sync", () => {
    const groups = Array.from({ length: 60 }, (_, i) => `g${String(i).padStart(2, "0")}`);
    const table = routeList(
      groups.flatMap((g): Array<[string, string, boolean]> => [
        [`/${g}/<x>`, `${g}.gevent`, true],
        [`/${g}/<x>/edit/<y>`, `${g}.edit`, false],
      ]),
    );
    const { rules, spill } = planAlbRules(table);
    expect(rules.length + 1).toBe(ALB_MAX_RULES);
    const synced = rules.filter((r) => r.target === "sync");
    expect(synced).toHaveLength(ALB_MAX_RULES - 1 - 2 - groups.length);
    expect(spill).toHaveLength(groups.length - synced.length);
    for (const s of spill) expect(s.why).toMatch(/^no room for its sync rule: ALB allows 100 rules per listener/);
    for (const g of groups) {
      const listed = spill.some((s) => s.endpoint === `${g}.edit`);
      expect([g, albDestination(rules, samplePath(`/${g}/<x>/edit/<y>`))]).toEqual([g, listed ? "gevent" : "sync"]);
      expect(albDestination(rules, samplePath(`/${g}/<x>`))).toBe("gevent");
    }
    expect(checkAlbRules(rules, table, spill)).toEqual([]);
  });
});

describe("the route table print (prod)", () => {
  const prod = plan("prod");
  const entries = new Map(routeEntries(prod).map((e) => [e.rule, e]));

  it("names the sync rule the delete row reaches, and the spill of each rule", () => {
    const sync = prod.edge.albRules!.find((r) => r.target === "sync")!;
    expect(entries.get("/do/upload/<sub>/delete/<name>")).toEqual({
      rule: "/do/upload/<sub>/delete/<name>",
      kind: "sync",
      edge: `ALB rule ${sync.name} (priority ${sync.priority})`,
    });
    expect(entries.get("/submit/<ptype>")!.spill).toEqual([
      expect.stringMatching(/^subs\.submit -> gevent \(ALB rule gevent-submit-0\): the same path is gevent row/),
    ]);
    expect(entries.get("/login")!.spill).toBeUndefined();
  });

  it("prints the sync rules and every spilled row with why", () => {
    const lines = albSyncLines(prod);
    expect(lines[0]).toMatch(/^ {2}\/do\/upload\/\*\/delete\/\* +-> sync +\(ALB rule sync-do-0, priority \d+\)$/);
    expect(lines).toContain("  sync rows the ALB cannot keep on sync (3):");
    for (const s of prod.edge.spill!)
      expect(lines.some((l) => l.includes(`${s.rule} ${s.endpoint} -> gevent`))).toBe(true);
    expect(albSyncLines(plan("test"))).toEqual([]);
  });
});
