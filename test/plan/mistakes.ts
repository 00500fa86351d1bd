// Stack files as operators get them wrong, each with the key (or stack name / file) its
// refusal must name. Shared by the offline-plan table test and docs/common-mistakes.md's check.
// The lists are in mistakes/, by what went wrong.
import type { Mistake } from "./mistakes/shape";
import { LOOK_RIGHT_AND_ARE_NOT, MUST_EXPLAIN } from "./mistakes/misleading";
import { REFUSED_VALUES } from "./mistakes/refusedValues";
import { CONFIGURES_NOTHING, PROFILE_CANNOT_HONOUR } from "./mistakes/unhonoured";

export { fileText, PROD_BASE, type Mistake } from "./mistakes/shape";

export const MISTAKES: Mistake[] = [
  ...CONFIGURES_NOTHING,
  ...PROFILE_CANNOT_HONOUR,
  ...REFUSED_VALUES,
  ...LOOK_RIGHT_AND_ARE_NOT,
  ...MUST_EXPLAIN,
];
