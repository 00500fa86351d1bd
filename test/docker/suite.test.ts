// test/docker's specs (*.spec.ts) in one jest file: one module registry for all (test/support/suite.ts).
import { runSpecs } from "../support/suite";

runSpecs(__dirname);
