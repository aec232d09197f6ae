/**
 * Comparing outputs taken at different moments.
 *
 * @module
 */

/** Output without the parts that move with the clock (ages, countdowns). */
export function normalise(out: string): string {
  const text = out.replace(/\b\d+(\.\d+)?(d|h|m|s|ms)(\d+(h|m|s))?\b/g, "<t>");
  try {
    return JSON.stringify(
      JSON.parse(out),
      (
        k,
        v,
      ) => (/age|ms$|remaining|elapsed|seconds|deadline/i.test(k) || /(At|Time|Timestamp)$/.test(k)
        ? undefined
        : v),
    );
  } catch {
    return text;
  }
}
