/** Bounded-concurrency mapping. @module */

/**
 * Maps `items` with at most `limit` calls of `fn` in flight; results keep
 * the input order.
 *
 * @example
 * ```ts
 * import { mapLimit } from "./pool.ts";
 * await mapLimit([1, 2, 3], 2, (x) => Promise.resolve(x * 2)); // [2, 4, 6]
 * ```
 */
export async function mapLimit<T, R>(
  items: readonly T[],
  limit: number,
  fn: (item: T, index: number) => Promise<R>,
): Promise<R[]> {
  const out = new Array<R>(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      out[i] = await fn(items[i], i);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return out;
}
