/** The candidate closest to a mistyped word (edit distance), for "did you mean" in errors. */
function distance(a: string, b: string): number {
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const row = [i];
    for (let j = 1; j <= b.length; j++) {
      row[j] = Math.min(prev[j]! + 1, row[j - 1]! + 1, prev[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
    }
    prev = row;
  }
  return prev[b.length]!;
}

export function nearest(word: string, candidates: readonly string[]): string {
  let best = candidates[0] ?? '';
  let bestDistance = Infinity;
  for (const c of candidates) {
    // A word that starts like the candidate ("--snap" for "--snapshot") is nearer than any edit distance says.
    const d = c.startsWith(word) ? 0 : distance(word, c);
    if (d < bestDistance) [best, bestDistance] = [c, d];
  }
  return best;
}
