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

/** The names of `known` close enough to `word` to be meant (a typo, a prefix), the closest ones (ties), at most `n`. */
export function closestFew(word: string, known: readonly string[], n = 3): string[] {
  const limit = Math.max(1, Math.floor(word.length / 3));
  // A prefix counts as near; a typo in a prefix (resnet51 for resnet50_v1) nearly as near as in the whole name.
  const score = (k: string): number => {
    if (k === word) return 0;
    if ((k.startsWith(word) || word.startsWith(k)) && Math.min(word.length, k.length) >= 2) return 0.5;
    return Math.min(distance(word, k), word.length >= 4 && k.length > word.length ? distance(word, k.slice(0, word.length)) + 0.25 : Infinity);
  };
  const near = known.map((k) => ({ k, d: score(k) })).filter((x) => x.d <= limit).sort((x, y) => x.d - y.d);
  return near.filter((x) => x.d === near[0]!.d)
    .slice(0, n)
    .map((x) => x.k);
}

/** The closest of `known` to `word` (a typo or a prefix of it), if one is close enough to be meant. */
export const closest = (word: string, known: readonly string[]): string | undefined => closestFew(word, known, 1)[0];

/** `a`, `a or b`, `a, b or c`. */
export const orList = (xs: readonly string[]): string => (xs.length <= 1 ? xs.join('') : `${xs.slice(0, -1).join(', ')} or ${xs[xs.length - 1]}`);

export const didYouMean = (word: string, known: readonly string[], prefix = ''): string => {
  const c = closest(word, known);
  return c === undefined ? '' : ` (did you mean ${prefix}${c}?)`;
};
