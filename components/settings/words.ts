// "Did you mean": the candidate nearest to a misspelt word, if it is near enough.

/** The closest candidate within about a third of the word's length in edits, case-insensitive. */
export function closestWord(word: string, candidates: readonly string[]): string | undefined {
  // An abbreviation or its long form: "maximum" for "max", "min" for "minimum".
  const lower = word.toLowerCase();
  const short = candidates.find(
    (c) =>
      c.length >= 3 && (lower.startsWith(c.toLowerCase()) || c.toLowerCase().startsWith(lower)) && lower.length >= 3,
  );
  if (short) return short;
  let best: string | undefined;
  let bestDistance = Math.max(2, Math.floor(word.length / 3)) + 1;
  for (const c of candidates) {
    const d = editDistance(word.toLowerCase(), c.toLowerCase());
    if (d < bestDistance) [best, bestDistance] = [c, d];
  }
  return best;
}

function editDistance(a: string, b: string): number {
  const row = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    let prev = row[0]!;
    row[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const cur = row[j]!;
      row[j] = Math.min(row[j]! + 1, row[j - 1]! + 1, prev + (a[i - 1] === b[j - 1] ? 0 : 1));
      prev = cur;
    }
  }
  return row[b.length]!;
}
