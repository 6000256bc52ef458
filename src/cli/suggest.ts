/** "Did you mean" for a mistyped command or flag: a module of its own, light enough for `tpuseg --help`. */

/** Edit distance, for "did you mean". */
function distance(a: string, b: string): number {
  let row = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const next = [i];
    for (let j = 1; j <= b.length; j++) next[j] = Math.min(row[j]! + 1, next[j - 1]! + 1, row[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
    row = next;
  }
  return row[b.length]!;
}

/** The closest of `known` to `word` (a typo or a prefix of it), if one is close enough to be meant. */
export function closest(word: string, known: readonly string[]): string | undefined {
  const scored = known.map((k) => ({ k, d: (k.startsWith(word) || word.startsWith(k)) && Math.min(word.length, k.length) >= 2 ? 0.5 : distance(word, k) })).sort((x, y) => x.d - y.d);
  const best = scored[0];
  return best !== undefined && best.d <= Math.max(1, Math.floor(word.length / 3)) ? best.k : undefined;
}

export const didYouMean = (word: string, known: readonly string[], prefix = ''): string => {
  const c = closest(word, known);
  return c === undefined ? '' : ` (did you mean ${prefix}${c}?)`;
};
