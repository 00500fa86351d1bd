// docs/common-mistakes.md shows the messages the offline plan really gives.
import { readFileSync } from "node:fs";
import * as path from "node:path";
import { PROJECT_ROOT } from "../../components/load";
import { commonMistakesBlock, markedBlock, PAGE } from "./commonMistakes";

test("docs/common-mistakes.md's list is the offline plan's own messages (regenerate: npx tsx test/plan/commonMistakes.ts --write)", async () => {
  const page = readFileSync(path.join(PROJECT_ROOT, PAGE), "utf8");
  expect(markedBlock(page)).toBe(await commonMistakesBlock());
});
