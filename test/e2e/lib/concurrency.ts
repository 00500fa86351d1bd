// Bounded concurrency for request streams: `concurrency` lanes take the next item until
// none is left, so a test sends exactly `items.length` requests, never an open-ended loop.

/** Runs fn over items with at most `concurrency` in flight; results in item order. */
export async function mapLimited<T, R>(
  items: readonly T[],
  concurrency: number,
  fn: (item: T, index: number) => Promise<R>,
): Promise<R[]> {
  const results = new Array<R>(items.length);
  let next = 0;
  const lane = async () => {
    while (next < items.length) {
      const i = next++;
      results[i] = await fn(items[i]!, i);
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(concurrency, items.length)) }, lane));
  return results;
}

/** What a request came to: its status, or the error that replaced one. */
export interface Outcome {
  status: number;
  error?: string;
  body?: string;
}

/** Never rejects: a failed request is an outcome to count, not an exception that hides the others. */
export async function outcome(send: () => Promise<{ status: number; text(): string }>): Promise<Outcome> {
  try {
    const res = await send();
    return { status: res.status, body: res.status === 200 ? undefined : res.text().slice(0, 300) };
  } catch (error) {
    return { status: 0, error: (error as Error).message };
  }
}
