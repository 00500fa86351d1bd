// Wall time and peak memory of a child command, repeated; reported as median and spread.
// Peak memory is the child's max RSS from GNU time (-f %M, KiB), so whatever the command
// loads is counted, not this process.
import { spawnSync } from "node:child_process";

export interface Sample {
  seconds: number;
  maxRssMiB: number;
}

export interface Summary {
  runs: number;
  seconds: { median: number; min: number; max: number };
  maxRssMiB: { median: number; min: number; max: number };
}

export function measure(cmd: string, args: string[], opts: { cwd: string; env?: NodeJS.ProcessEnv }): Sample {
  const started = process.hrtime.bigint();
  const r = spawnSync("/usr/bin/time", ["-f", "%M", cmd, ...args], {
    cwd: opts.cwd,
    env: opts.env ?? process.env,
    encoding: "utf8",
    maxBuffer: 64 * 1024 * 1024,
  });
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(" ")} exited ${r.status}: ${r.stderr.slice(-2000)}`);
  const kib = Number(r.stderr.trim().split("\n").at(-1));
  return { seconds, maxRssMiB: kib / 1024 };
}

export function summarize(samples: Sample[]): Summary {
  const stat = (xs: number[]) => {
    const s = [...xs].sort((a, b) => a - b);
    const mid = Math.floor(s.length / 2);
    const median = s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
    return { median: round(median), min: round(s[0]!), max: round(s.at(-1)!) };
  };
  return {
    runs: samples.length,
    seconds: stat(samples.map((x) => x.seconds)),
    maxRssMiB: stat(samples.map((x) => x.maxRssMiB)),
  };
}

export function round(x: number, digits = 2): number {
  return Number(x.toFixed(digits));
}

/** Runs each command once per round, interleaved, so machine noise hits all of them alike. */
export function interleaved(
  commands: Record<string, [string, string[]]>,
  rounds: number,
  cwd: string,
): Record<string, Summary> {
  const samples: Record<string, Sample[]> = Object.fromEntries(Object.keys(commands).map((k) => [k, []]));
  for (let i = 0; i < rounds; i++) {
    for (const [name, [cmd, args]] of Object.entries(commands)) samples[name]!.push(measure(cmd, args, { cwd }));
  }
  return Object.fromEntries(Object.entries(samples).map(([k, v]) => [k, summarize(v)]));
}
