/**
 * A fixed wall clock for tests that run the CLI in process: `Date.now()`
 * and `new Date()` return the given instant (timers still run on real
 * time), so reports with ages and countdowns are the same on every run.
 *
 * @module
 */

/**
 * Runs `fn` with the wall clock fixed at `at` (epoch ms) and restores it
 * afterwards. Start servers (TLS certificates are checked against the real
 * clock) before calling it.
 */
export async function withFixedClock<T>(at: number, fn: () => Promise<T>): Promise<T> {
  const RealDate = globalThis.Date;
  class FixedDate extends RealDate {
    constructor(...args: unknown[]) {
      super(...((args.length === 0 ? [at] : args) as [string | number | Date]));
    }
    static override now(): number {
      return at;
    }
  }
  globalThis.Date = FixedDate as DateConstructor;
  try {
    return await fn();
  } finally {
    globalThis.Date = RealDate;
  }
}
