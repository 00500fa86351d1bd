# The deploy-time route check (issue 21): before the migration, the new image's own route list
# is compared with the one the stack planned its routing from (throat:routeList). A route added,
# removed or given another gevent note would otherwise be served by the wrong worker kind
# (a long gevent request killed on a sync worker's timeout) without any error at deploy time.
# Run by the migration from /throat, in the new release's image, after config.yaml is in place:
#   python3 stack/check_routes.py stack/expected-routes.tsv
# Standard library only (the image has nothing else for the stack). Exit codes: 0 the routes are
# as planned; 3 they drifted (the rows are listed with the fix); 4 the list could not be read.
# The expected file (rendered by components/plan/routeCheck.ts) has one tab-separated row per
# route: rule, endpoint, methods, note, kind. The kind is re-derived here by the plan's rules.
import re
import subprocess
import sys

DRIFTED = 3
UNREADABLE = 4
FIX = (
    "Fix: write the new image's list to the file throat:routeList names "
    "(docker run --rm <image> python3 throat.py route list > <that file>), "
    "review how the routing changes (npm run plan), then pulumi up."
)


def kind_of(rule, note):
    """Where a route must be served: the same rules as components/plan/routes.ts."""
    if rule.startswith("/static/"):
        return "static"
    if rule == "/socket.io" or rule.startswith("/socket.io/"):
        return "socketio"
    return "gevent" if note == "gevent" else "sync"


def parse_route_list(text):
    """Rows of `throat.py route list`: column starts from its header line, as the plan reads it."""
    lines = text.splitlines()
    header = next((i for i, l in enumerate(lines) if l.split() == ["Rule", "Endpoint", "Methods", "Notes"]), None)
    if header is None:
        raise ValueError('no header line "Rule  Endpoint  Methods  Notes"')
    cols = [lines[header].index(c) for c in ("Endpoint", "Methods", "Notes")]
    rows = []
    for n, line in enumerate(lines[header + 1 :], start=header + 2):
        if not line.strip() or set(line.strip()) == {"-"}:
            continue
        rule, endpoint = line[: cols[0]].strip(), line[cols[0] : cols[1]].strip()
        methods, note = line[cols[1] : cols[2]].strip(), line[cols[2] :].strip()
        if not rule.startswith("/") or not endpoint or not methods:
            raise ValueError("line %d: cannot read %r as rule / endpoint / methods" % (n, line.strip()))
        # Flask lists a rule's methods in no fixed order (a set): compared sorted.
        methods = ", ".join(sorted(m.strip() for m in methods.split(",")))
        # The plan keeps only whether the Notes column says gevent.
        rows.append((rule, endpoint, methods, "gevent" if re.search(r"\bgevent\b", note) else ""))
    if not rows:
        raise ValueError("the table has no routes")
    # A rule served by several endpoints goes to gevent if any of them needs it, as in the plan.
    gevent_rules = {r[0] for r in rows if r[3] == "gevent"}
    return [r + (kind_of(r[0], "gevent" if r[0] in gevent_rules else ""),) for r in rows]


def read_expected(path):
    rows = []
    with open(path) as f:
        for line in f:
            if line.startswith("#") or not line.strip():
                continue
            rule, endpoint, methods, note, kind = line.rstrip("\n").split("\t")
            rows.append((rule, endpoint, methods, note, kind))
    return rows


def show(row):
    rule, endpoint, methods, note, kind = row
    return "%s (%s, %s%s) -> %s" % (rule, endpoint, methods, ", " + note if note else "", kind)


def drift(expected, actual):
    """One line per drifted row: added, removed, note changed (hence routed elsewhere), methods changed."""
    old = {(r[0], r[1]): r for r in expected}
    new = {(r[0], r[1]): r for r in actual}
    lines = []
    for key in sorted(set(old) | set(new)):
        a, b = old.get(key), new.get(key)
        if a is None:
            lines.append("added: %s" % show(b))
        elif b is None:
            lines.append("removed: %s" % show(a))
        elif a[4] != b[4]:
            lines.append("routed elsewhere: %s %s: note %r -> %r, %s -> %s" % (key[0], key[1], a[3], b[3], a[4], b[4]))
        elif a[3] != b[3]:
            lines.append("note changed: %s %s: %r -> %r" % (key[0], key[1], a[3], b[3]))
        elif a[2] != b[2]:
            lines.append("methods changed: %s %s: %s -> %s" % (key[0], key[1], a[2], b[2]))
    return lines


def main(argv):
    if len(argv) != 2:
        print("usage: check_routes.py <expected routes file>", file=sys.stderr)
        return UNREADABLE
    try:
        expected = read_expected(argv[1])
        run = subprocess.run(
            [sys.executable, "throat.py", "route", "list"], stdout=subprocess.PIPE, stderr=subprocess.PIPE
        )
        if run.returncode != 0:
            raise ValueError("python3 throat.py route list exited %d: %s" % (run.returncode, run.stderr.decode()[-2000:]))
        actual = parse_route_list(run.stdout.decode())
    except (OSError, ValueError) as e:
        print("route check: cannot read the image's route list: %s" % e, file=sys.stderr)
        return UNREADABLE
    lines = drift(expected, actual)
    if lines:
        print("route check: this image's routes differ from the list the stack was planned from", file=sys.stderr)
        print("(throat:routeList), so some would reach the wrong worker kind:", file=sys.stderr)
        for line in lines:
            print("  " + line, file=sys.stderr)
        print(FIX, file=sys.stderr)
        return DRIFTED
    print("route check: %d routes as planned" % len(actual))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
