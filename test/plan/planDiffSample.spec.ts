// docs/plan-diff-sample.md (linked from README's "Reviewing a change") shows a comment the tool made; this keeps its format the tool's:
// the same change, diffed now, has the same sections in the same order.
import { readFileSync } from "node:fs";
import * as path from "node:path";
import { planFromConfig, PROJECT_ROOT } from "../../components/load";
import { commentMarker, renderMarkdown } from "../../scripts/diff/render";
import { diffPlans } from "../../scripts/diff/planDiff";
import { planDocument } from "../../scripts/plan/document";
import { policyVerdict } from "../../scripts/diff/policyVerdict";
import { readStackConfig } from "../../scripts/offline/stackFile";
import { runStack } from "../support/runStack";

const sections = (markdown: string) => [
  ...new Set(
    markdown
      .split("\n")
      .filter((l) => /^(<!-- |### |\*\*[^*]+\*\*|> \*\*Warning)/.test(l))
      .map((l) =>
        l.startsWith("<!--") || l.startsWith("### ") ? l.split(/[:(]/)[0]! : l.match(/^(> )?\*\*[^*]+\*\*/)![0],
      ),
  ),
];

it("the sample comment has the sections the tool writes for that change", async () => {
  const page = readFileSync(path.join(PROJECT_ROOT, "docs/plan-diff-sample.md"), "utf8");
  const sample = page.split("````markdown\n")[1]!.split("\n````")[0]!;
  expect(sample.split("\n")[0]).toBe(commentMarker("prod"));

  const { config, secretKeys } = readStackConfig(PROJECT_ROOT, "prod");
  const workers = JSON.parse(config["throat:workers"]!);
  workers.gevent.replicas.max = 4;
  const doc = async (overrides: Record<string, unknown>) => {
    const run = await runStack("prod", overrides);
    const merged = {
      ...config,
      ...Object.fromEntries(Object.entries(overrides).map(([k, v]) => [`throat:${k}`, JSON.stringify(v)])),
    };
    const settings = Object.fromEntries(
      Object.entries(merged).map(([k, v]) => [k, v.startsWith("{") ? JSON.parse(v) : v]),
    );
    return { run, doc: planDocument(planFromConfig("prod", merged, secretKeys), run, settings) };
  };
  const base = await doc({});
  const next = await doc({ workers });
  const markdown = renderMarkdown({
    base: "HEAD",
    diff: diffPlans(base.doc, next.doc),
    policy: await policyVerdict(next.run.resources),
  });
  expect(sections(sample)).toEqual(sections(markdown));
  expect(sections(markdown)).toEqual(
    expect.arrayContaining([
      "**What it sets off**",
      "**Connection budget**",
      "**During the rolling deploy**",
      "**Workers**",
      "**Resources**",
      "**Policy pack**",
    ]),
  );
});
