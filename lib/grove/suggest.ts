/**
 * "Did you mean": close names for an unknown PodCliqueSet, by prefix,
 * substring and edit distance. Pure; reusable by every command that takes a
 * PodCliqueSet name.
 *
 * @module
 */

/**
 * Levenshtein edit distance between two strings.
 *
 * @example
 * ```ts
 * import { editDistance } from "./suggest.ts";
 * editDistance("qwen-dissag", "qwen-disagg"); // 2
 * ```
 */
export function editDistance(a: string, b: string): number {
  if (a === b) return 0;
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const cur = [i];
    for (let j = 1; j <= b.length; j++) {
      cur[j] = Math.min(
        prev[j] + 1,
        cur[j - 1] + 1,
        prev[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1),
      );
    }
    prev = cur;
  }
  return prev[b.length];
}

/**
 * The candidates close to `name`, best first, at most `max`: names that
 * start with it or contain it, or that it starts with, then names within an
 * edit distance of about a third of its length (at least 2).
 *
 * @example
 * ```ts
 * import { closeNames } from "./suggest.ts";
 * closeNames("qwen", ["qwen-disagg", "llama-agg", "qwen-agg"]); // ["qwen-agg", "qwen-disagg"]
 * ```
 */
export function closeNames(name: string, candidates: readonly string[], max = 5): string[] {
  const n = name.toLowerCase();
  const limit = Math.max(2, Math.floor(n.length / 3));
  const scored: { c: string; score: number }[] = [];
  for (const c of new Set(candidates)) {
    const l = c.toLowerCase();
    if (c === name) continue;
    let score: number | undefined;
    if (l.startsWith(n) || n.startsWith(l)) score = Math.abs(l.length - n.length) / 100;
    else if (l.includes(n)) score = 0.5 + l.length / 1000;
    else {
      const d = editDistance(n, l);
      if (d <= limit) score = 1 + d;
    }
    if (score !== undefined) scored.push({ c, score });
  }
  return scored
    .sort((a, b) => a.score - b.score || a.c.localeCompare(b.c))
    .slice(0, max)
    .map((x) => x.c);
}
