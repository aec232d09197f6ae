/**
 * Parsing of `--request-timeout` values the way kubectl accepts them:
 * `0` (no timeout), a bare number of seconds (`30`), or a Go duration
 * (`500ms`, `5s`, `1m`, `1h30m`).
 *
 * @module
 */

import { UsageError } from "../errors.ts";
import { parseGoDuration } from "../grove/duration.ts";

/**
 * Parses a request timeout into milliseconds; `0` means no timeout.
 *
 * @example
 * ```ts
 * import { parseRequestTimeout } from "./duration.ts";
 * parseRequestTimeout("1m30s"); // 90000
 * parseRequestTimeout("0"); // 0
 * ```
 */
export function parseRequestTimeout(value: string, flag = "--request-timeout"): number {
  const v = value.trim();
  if (/^\d+(\.\d+)?$/.test(v)) return Math.round(Number(v) * 1000);
  let total = NaN;
  try {
    total = parseGoDuration(v);
  } catch {
    // reported below with the flag's own wording
  }
  if (!Number.isFinite(total) || total < 0) {
    throw new UsageError(
      `invalid ${flag} "${value}": expected a duration like 0, 30, 5s, 1m or 1h30m`,
      `pass for example ${flag}=30s (0 means no timeout)`,
    );
  }
  return Math.round(total);
}

/** Formats milliseconds for messages: `30s`, `1m`, `1m30s`, `500ms`. */
export function formatTimeout(ms: number): string {
  if (ms < 1000) return `${ms}ms`;
  const s = Math.round(ms / 1000);
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const sec = s % 60;
  return `${h ? `${h}h` : ""}${m ? `${m}m` : ""}${sec || (!h && !m) ? `${sec}s` : ""}`;
}
