import { albPathPattern, covers, flaskRulePattern, overlaps } from "../../components/plan/pathOverlap";

const alb = albPathPattern;
const flask = flaskRulePattern;

describe("overlaps: some path matches both", () => {
  it.each([
    // An ALB `*` spans `/`: the gevent upload rule takes the sync delete route.
    [alb("/do/upload/*"), flask("/do/upload/<sub>/delete/<name>"), true],
    [alb("/do/upload/*/delete/*"), flask("/do/upload/<sub>"), false],
    [alb("/do/upload/*/delete/*"), flask("/do/upload/<sub>/delete/<name>"), true],
    // A Flask parameter is one or more characters, never `/`...
    [alb("/a/*/b"), flask("/a/<x>"), false],
    [alb("/a/"), flask("/a/<x>"), false],
    [alb("/a/?"), flask("/a/<x>"), true],
    // ...except the path converter.
    [alb("/a/*/b"), flask("/a/<path:p>"), true],
    [alb("/submit/*"), flask("/submit/<ptype>"), true],
    [alb("/login"), flask("/login/oidc"), false],
    [alb("/login*"), flask("/login/oidc"), true],
    [alb("/Login"), flask("/login"), false],
    [alb("/x?z"), alb("/xy*"), true],
    [alb("/x?z"), alb("/xyy*"), false],
  ])("%#: %j and %j: %s", (a, b, expected) => {
    expect(overlaps(a, b)).toBe(expected);
    expect(overlaps(b, a)).toBe(expected);
  });
});

describe("covers: every path B matches, A matches", () => {
  it.each([
    [alb("/do/upload/*"), flask("/do/upload/<sub>/delete/<name>"), true],
    [alb("/do/upload/*/delete/*"), flask("/do/upload/<sub>/delete/<name>"), true],
    [flask("/do/upload/<sub>/delete/<name>"), alb("/do/upload/*/delete/*"), false],
    [alb("/a/*"), flask("/a/<path:p>"), true],
    [flask("/a/<x>"), flask("/a/<path:p>"), false],
    [flask("/a/<path:p>"), flask("/a/<x>"), true],
    [alb("/a/?"), flask("/a/<x>"), false],
    [alb("/a/*"), alb("/a"), false],
    [alb("*"), alb("/anything/*?"), true],
    [alb("/a*b"), alb("/a*"), false],
  ])("%#: %j covers %j: %s", (a, b, expected) => {
    expect(covers(a, b)).toBe(expected);
  });

  it("a pattern covers itself and overlaps itself", () => {
    for (const p of [alb("/x/*/y?"), flask("/u/<name>/<path:rest>")]) {
      expect(covers(p, p)).toBe(true);
      expect(overlaps(p, p)).toBe(true);
    }
  });
});
