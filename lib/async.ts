/**
 * Waiting that Ctrl-C can cut short: {@link sleep} and {@link raceSleep}.
 * Every poll loop, retry back-off and refresh tick of the tool waits through
 * these, so an aborted command stops at once instead of at the end of its
 * interval, and no timer is left behind to keep the process alive.
 *
 * @module
 */

/** What {@link raceSleep} returns when the time ran out (or the signal aborted) first. */
export const SLEPT: unique symbol = Symbol("slept");

/**
 * Resolves after `ms` milliseconds, or as soon as `signal` aborts (at once
 * when it already has, or when `ms` is not positive). Never rejects: the
 * caller checks `signal.aborted` when it matters why the wait ended.
 *
 * @example
 * ```ts
 * import { sleep } from "./async.ts";
 * const ac = new AbortController();
 * const started = Date.now();
 * setTimeout(() => ac.abort(), 10);
 * await sleep(60_000, ac.signal);
 * console.assert(Date.now() - started < 1_000);
 * ```
 */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal?.aborted || !(ms > 0)) return resolve();
    const timer = setTimeout(done, ms);
    function done() {
      clearTimeout(timer);
      signal?.removeEventListener("abort", done);
      resolve();
    }
    signal?.addEventListener("abort", done, { once: true });
  });
}

/**
 * Waits for `p`, but at most `ms` milliseconds: its value, or {@link SLEPT}
 * when the time ran out or `signal` aborted first. A rejection of `p` is
 * passed on. The timer is cleared either way; `p` itself is not cancelled
 * (keep it, as the watch loops do, to await it on the next round).
 *
 * @example
 * ```ts
 * import { raceSleep, SLEPT } from "./async.ts";
 * const never = new Promise<number>(() => {});
 * console.assert((await raceSleep(never, 5)) === SLEPT);
 * console.assert((await raceSleep(Promise.resolve(7), 60_000)) === 7);
 * ```
 */
export async function raceSleep<T>(
  p: Promise<T>,
  ms: number,
  signal?: AbortSignal,
): Promise<T | typeof SLEPT> {
  const timer = new AbortController();
  const onAbort = () => timer.abort();
  signal?.addEventListener("abort", onAbort, { once: true });
  if (signal?.aborted) timer.abort();
  try {
    return await Promise.race([p, sleep(ms, timer.signal).then((): typeof SLEPT => SLEPT)]);
  } finally {
    timer.abort();
    signal?.removeEventListener("abort", onAbort);
  }
}
