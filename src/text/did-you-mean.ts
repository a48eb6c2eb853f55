/**
 * Did you mean: the candidate nearest to a misspelled word (Damerau–Levenshtein distance, optimal string
 * alignment: insertions, deletions, substitutions and swaps of two neighbours each cost 1), when it is near
 * enough to be a likely slip: at most 2 edits, and fewer than half the word's length. Case is ignored.
 *
 * @param word - what the user typed
 * @param candidates - the valid words
 * @returns the nearest candidate, or undefined when none is near
 * @example
 * didYouMean("instrumnet", ["instrument", "scale"]); // => "instrument"
 */
export function didYouMean(word: string, candidates: Iterable<string>): string | undefined {
  const w = word.toLowerCase();
  let best: string | undefined;
  let bestDistance = Infinity;
  for (const c of candidates) {
    const d = editDistance(w, c.toLowerCase());
    if (d < bestDistance) [best, bestDistance] = [c, d];
  }
  return bestDistance <= 2 && 2 * bestDistance < w.length ? best : undefined;
}

/** "; did you mean …?" for a message, or "" when no candidate is near. */
export function didYouMeanHint(word: string, candidates: Iterable<string>, show: (c: string) => string = (c) => JSON.stringify(c)): string {
  const c = didYouMean(word, candidates);
  return c === undefined ? "" : `; did you mean ${show(c)}?`;
}

function editDistance(a: string, b: string): number {
  const rows = Array.from({ length: a.length + 1 }, (_, i) => [i, ...Array<number>(b.length).fill(0)]);
  for (let j = 1; j <= b.length; j++) rows[0]![j] = j;
  for (let i = 1; i <= a.length; i++)
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let d = Math.min(rows[i - 1]![j]! + 1, rows[i]![j - 1]! + 1, rows[i - 1]![j - 1]! + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) d = Math.min(d, rows[i - 2]![j - 2]! + 1);
      rows[i]![j] = d;
    }
  return rows[a.length]![b.length]!;
}
