import { destinationOfRoute, parseRouteList, samplePath } from "../../components/plan/routes";
import { errorOf, ROUTE_LIST } from "../support/settings";

describe("route table from ./throat.py route list", () => {
  const table = parseRouteList(ROUTE_LIST);

  it("reads every route of the real list", () => {
    const dataLines = ROUTE_LIST.split("\n")
      .slice(2)
      .filter((l) => l.trim());
    expect(table.routes).toHaveLength(dataLines.length);
    expect(table.routes.find((r) => r.endpoint === "apiv3.get_messages")).toEqual({
      rule: "/api/v3/messages",
      endpoint: "apiv3.get_messages",
      methods: ["GET"],
      gevent: false,
    });
    expect(table.routes.find((r) => r.endpoint === "auth.login")).toEqual({
      rule: "/login",
      endpoint: "auth.login",
      methods: ["POST", "GET"],
      gevent: true,
    });
  });

  it("finds the gevent routes the Notes column marks", () => {
    const marked = ROUTE_LIST.split("\n")
      .filter((l) => /\sgevent\s*$/.test(l))
      .map((l) => l.split(/\s+/)[0]);
    expect(table.geventRules).toEqual([...new Set(marked)].sort());
    expect(table.geventRules).toContain("/do/upload/<sub>");
    expect(table.geventRules).toHaveLength(21);
  });

  it("sends each rule to its worker kind", () => {
    expect(destinationOfRoute(table, "/login")).toBe("gevent");
    expect(destinationOfRoute(table, "/submit/<ptype>/<sub>")).toBe("gevent");
    expect(destinationOfRoute(table, "/all/new")).toBe("sync");
    expect(destinationOfRoute(table, "/socket.io")).toBe("socketio");
    expect(destinationOfRoute(table, "/static/x.css")).toBe("static");
  });

  it("finds columns from the header, so a wider table still parses", () => {
    const wide =
      "Rule                                                                                          Endpoint     Methods   Notes\n---\n/x/<int:id>                                                                                   a.b          GET       gevent\n";
    expect(parseRouteList(wide).routes).toEqual([
      { rule: "/x/<int:id>", endpoint: "a.b", methods: ["GET"], gevent: true },
    ]);
  });

  it("refuses text that is not a route list, naming the problem", () => {
    expect(errorOf(() => parseRouteList("hello\n", "my.txt"))).toMatch(/my\.txt: no header line/);
    const header = ROUTE_LIST.split("\n").slice(0, 2).join("\n");
    expect(errorOf(() => parseRouteList(`${header}\nnot-a-rule\n`, "my.txt"))).toMatch(
      /my\.txt, line 3: cannot read "not-a-rule"/,
    );
    expect(errorOf(() => parseRouteList(`${header}\n`, "my.txt"))).toMatch(/no routes/);
  });

  it("refuses a gevent route under /static/ or /socket.io", () => {
    const header = ROUTE_LIST.split("\n").slice(0, 2).join("\n");
    const line = `${"/static/upload".padEnd(80)}${"x.y".padEnd(35)}${"POST".padEnd(12)}gevent`;
    expect(errorOf(() => parseRouteList(`${header}\n${line}\n`))).toMatch(/gevent route \/static\/upload lies under/);
  });

  it("fills parameters with sample values", () => {
    expect(samplePath("/admin/users/<int:page>")).toBe("/admin/users/7");
    expect(samplePath("/do/upload/<sub>")).toBe("/do/upload/sample-sub");
    expect(samplePath("/api/v3/post/<_sub>/<int:_pid>/comment/<cid>/vote")).toBe(
      "/api/v3/post/sample-sub/7/comment/sample-cid/vote",
    );
    expect(samplePath("/wiki/<path:slug>")).toBe("/wiki/slug/deep");
  });
});
