// Assertion helpers for the metrics tests (node:assert/strict, as the project convention says).
import * as a from "node:assert/strict";

/** Fails with `msg` unless `cond` holds. */
export function assert(cond: unknown, msg?: string): asserts cond {
  a.ok(cond, msg);
}
/** Deep strict equality. */
export function assertEquals<T>(actual: T, expected: T, msg?: string): void {
  a.deepStrictEqual(actual, expected, msg);
}
/** Asserts `fn` throws an instance of `E`; returns it. */
export function assertThrows<E extends Error>(
  fn: () => unknown,
  E: new (...args: never[]) => E,
  includes?: string,
): E {
  try {
    fn();
  } catch (e) {
    a.ok(e instanceof E, `expected ${E.name}, got ${e}`);
    if (includes) {
      a.ok(
        String((e as Error).message).includes(includes),
        `"${(e as Error).message}" should include "${includes}"`,
      );
    }
    return e as E;
  }
  throw new a.AssertionError({ message: `expected ${E.name} to be thrown` });
}
