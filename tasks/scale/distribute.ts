/**
 * Proportional distribution of a total over roles by the largest-remainder
 * method (Hamilton): each role gets the floor of its exact share, and the
 * units left over go to the largest fractional remainders. Pure.
 *
 * @module
 */

/** One role's share of a proportional distribution. */
export interface Share {
  /** Role name. */
  role: string;
  /** Weight (current count). */
  weight: number;
  /** Exact share `total * weight / sum(weights)`. */
  exact: number;
  /** Whole-number result. */
  target: number;
  /** True when this role got one of the left-over units. */
  roundedUp: boolean;
}

/**
 * Distributes `total` over `weights` in proportion, by largest remainder.
 * Ties in the remainder go to the larger weight, then to the earlier role.
 * When every weight is 0 the total is spread evenly.
 *
 * @example
 * ```ts
 * import { largestRemainder } from "./distribute.ts";
 * largestRemainder(5, [{ role: "prefill", weight: 2 }, { role: "decode", weight: 2 }])
 *   .map((s) => s.target); // [3, 2]
 * largestRemainder(10, [{ role: "a", weight: 1 }, { role: "b", weight: 2 }])
 *   .map((s) => s.target); // [3, 7]
 * ```
 */
export function largestRemainder(
  total: number,
  weights: { role: string; weight: number }[],
): Share[] {
  const sum = weights.reduce((s, w) => s + Math.max(0, w.weight), 0);
  const shares: Share[] = weights.map((w) => {
    const exact = sum > 0
      ? (total * Math.max(0, w.weight)) / sum
      : weights.length
      ? total / weights.length
      : 0;
    return { role: w.role, weight: w.weight, exact, target: Math.floor(exact), roundedUp: false };
  });
  let left = total - shares.reduce((s, x) => s + x.target, 0);
  const order = shares
    .map((s, i) => ({ s, i }))
    .sort((a, b) =>
      (b.s.exact - b.s.target) - (a.s.exact - a.s.target) || b.s.weight - a.s.weight || a.i - b.i
    );
  for (const { s } of order) {
    if (left <= 0) break;
    if (s.exact - s.target <= 1e-9) continue;
    s.target++;
    s.roundedUp = true;
    left--;
  }
  // floating point: any unit still left goes in order
  for (const { s } of order) {
    if (left <= 0) break;
    s.target++;
    s.roundedUp = true;
    left--;
  }
  return shares;
}

/** A one-line account of how a distribution rounded, e.g. `prefill 2.5 -> 3 (rounded up), decode 2.5 -> 2`. */
export function describeRounding(shares: Share[]): string {
  const fmt = (x: number) => (Number.isInteger(x) ? String(x) : x.toFixed(2).replace(/0$/, ""));
  const exact = shares.every((s) => Math.abs(s.exact - s.target) < 1e-9);
  const parts = shares.map((s) =>
    Math.abs(s.exact - s.target) < 1e-9
      ? `${s.role} ${s.target}`
      : `${s.role} ${fmt(s.exact)} -> ${s.target}${s.roundedUp ? " (rounded up)" : ""}`
  );
  return exact ? `exact split: ${parts.join(", ")}` : `largest remainder: ${parts.join(", ")}`;
}
