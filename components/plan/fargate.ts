// Fargate task sizes: a prod worker service whose cpu/memory Fargate would refuse is a plan
// error naming throat:workers.<kind>.cpu / memory, long before ECS says "Invalid CPU or memory".
/**
 * Fargate task sizes (Amazon ECS developer guide, "Task CPU and memory", and
 * "Troubleshoot Amazon ECS task definition invalid CPU or memory errors"): "256 (.25 vCPU):
 * 512 MiB, 1 GB, 2 GB; 512 (.5 vCPU): 1 GB-4 GB; 1024 (1 vCPU): 2 GB-8 GB; 2048 (2 vCPU):
 * between 4 GB and 16 GB in 1-GB increments; 4096 (4 vCPU): between 8 GB and 30 GB in 1-GB
 * increments; 8192 (8 vCPU): between 16 GB and 60 GB in 4-GB increments; 16384 (16 vCPU):
 * between 32 GB and 120 GB in 8-GB increments" (the last two need Linux platform 1.4.0).
 */
const FARGATE_MEMORY: Record<number, { min: number; max: number; step: number } | number[]> = {
  256: [512, 1024, 2048],
  512: { min: 1024, max: 4096, step: 1024 },
  1024: { min: 2048, max: 8192, step: 1024 },
  2048: { min: 4096, max: 16384, step: 1024 },
  4096: { min: 8192, max: 30720, step: 1024 },
  8192: { min: 16384, max: 61440, step: 4096 },
  16384: { min: 32768, max: 122880, step: 8192 },
};

export const FARGATE_CPUS = Object.keys(FARGATE_MEMORY).map(Number);

/** The memory sizes (MiB) Fargate accepts with this CPU; empty when the CPU itself is invalid. */
export function fargateMemoryFor(cpu: number): number[] {
  const range = FARGATE_MEMORY[cpu];
  if (!range) return [];
  if (Array.isArray(range)) return range;
  const sizes: number[] = [];
  for (let m = range.min; m <= range.max; m += range.step) sizes.push(m);
  return sizes;
}

export function isFargatePair(cpu: number, memory: number): boolean {
  return fargateMemoryFor(cpu).includes(memory);
}

/** One sentence on what is wrong with a pair, for an error that names the config keys. */
export function describeFargatePair(cpu: number, memory: number): string | undefined {
  if (isFargatePair(cpu, memory)) return undefined;
  const sizes = fargateMemoryFor(cpu);
  if (!sizes.length) return `Fargate has no task size with ${cpu} CPU units; use one of ${FARGATE_CPUS.join(", ")}`;
  const cpusForMemory = FARGATE_CPUS.filter((c) => isFargatePair(c, memory));
  const range =
    sizes.length > 8
      ? `${sizes[0]}..${sizes[sizes.length - 1]} MiB in steps of ${sizes[1]! - sizes[0]!}`
      : `${sizes.join(", ")} MiB`;
  return `Fargate has no task size ${cpu} CPU / ${memory} MiB; with ${cpu} CPU, memory must be ${range}${cpusForMemory.length ? `; ${memory} MiB pairs with CPU ${cpusForMemory.join(", ")}` : ""}`;
}
