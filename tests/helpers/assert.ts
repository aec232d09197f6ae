/**
 * The assertions our tests use, on top of `node:assert/strict` (no @std here).
 *
 * @module
 */

import nodeAssert from "node:assert/strict";

/** Asserts a truthy value. */
export function assert(value: unknown, message?: string): asserts value {
  nodeAssert.ok(value, message);
}

/** Deep strict equality. */
export function assertEquals<T>(actual: T, expected: T, message?: string): void {
  nodeAssert.deepStrictEqual(actual, expected, message);
}

/** Deep strict inequality. */
export function assertNotEquals<T>(actual: T, expected: T, message?: string): void {
  nodeAssert.notDeepStrictEqual(actual, expected, message);
}

/** String matches a regular expression. */
export function assertMatch(actual: string, re: RegExp, message?: string): void {
  nodeAssert.match(actual, re, message);
}

/** String does not match a regular expression. */
export function assertNotMatch(actual: string, re: RegExp, message?: string): void {
  nodeAssert.doesNotMatch(actual, re, message);
}

/** String contains a substring. */
export function assertStringIncludes(actual: string, expected: string, message?: string): void {
  if (!actual.includes(expected)) {
    nodeAssert.fail(
      message ?? `expected text to include ${JSON.stringify(expected)}, got:\n${actual}`,
    );
  }
}

/** Numbers are within `tolerance` (absolute) of each other. */
export function assertAlmostEquals(actual: number, expected: number, tolerance = 1e-7): void {
  if (!(Math.abs(actual - expected) <= tolerance)) {
    nodeAssert.fail(`expected ${actual} to be within ${tolerance} of ${expected}`);
  }
}

// deno-lint-ignore no-explicit-any
type ErrorClass<E> = new (...args: any[]) => E;

/** Asserts that `fn` throws (an instance of `cls`, when given) and returns the error. */
export function assertThrows<E extends Error = Error>(fn: () => unknown, cls?: ErrorClass<E>): E {
  try {
    fn();
  } catch (e) {
    if (cls && !(e instanceof cls)) {
      nodeAssert.fail(
        `expected ${cls.name}, got ${(e as Error)?.constructor?.name}: ${(e as Error)?.message}`,
      );
    }
    return e as E;
  }
  return nodeAssert.fail("expected the function to throw");
}

/** Asserts that the promise rejects (with an instance of `cls`, when given) and returns the error. */
export async function assertRejects<E extends Error = Error>(
  fn: () => Promise<unknown>,
  cls?: ErrorClass<E>,
): Promise<E> {
  try {
    await fn();
  } catch (e) {
    if (cls && !(e instanceof cls)) {
      nodeAssert.fail(
        `expected ${cls.name}, got ${(e as Error)?.constructor?.name}: ${(e as Error)?.message}`,
      );
    }
    return e as E;
  }
  return nodeAssert.fail("expected the promise to reject");
}
