// README's "Common mistakes" shows the messages the offline plan really gives.
import { readFileSync } from "node:fs";
import * as path from "node:path";
import { PROJECT_ROOT } from "../../components/load";
import { commonMistakesBlock, readmeBlock } from "./commonMistakes";

test("README's Common mistakes list is the offline plan's own messages (regenerate: npx tsx test/plan/commonMistakes.ts --write)", async () => {
  const readme = readFileSync(path.join(PROJECT_ROOT, "README.md"), "utf8");
  expect(readmeBlock(readme)).toBe(await commonMistakesBlock());
});
