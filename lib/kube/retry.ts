/**
 * Retry policy of the client: which answers are retried, and how long to
 * wait (exponential backoff with jitter, honouring Retry-After). Pure.
 *
 * @module
 */

/** HTTP statuses a read is retried on. */
export const RETRYABLE_READ_STATUSES: ReadonlySet<number> = new Set([429, 500, 502, 503, 504]);

/** Tuning of the backoff. */
export interface BackoffOptions {
  /** First delay, ms (default 200). */
  baseMs?: number;
  /** Largest delay, ms (default 5000). */
  maxMs?: number;
  /** Attempts at most, the first included (default 6). */
  maxAttempts?: number;
}

/** Parses `Retry-After` (seconds or an HTTP date) into seconds, or undefined. */
export function parseRetryAfter(
  value: string | null,
  now: number = Date.now(),
): number | undefined {
  if (!value) return undefined;
  const v = value.trim();
  if (/^\d+$/.test(v)) return Number(v);
  const t = Date.parse(v);
  if (Number.isNaN(t)) return undefined;
  return Math.max(0, Math.ceil((t - now) / 1000));
}

/**
 * Whether a failed attempt may be retried.
 *
 * Reads are retried on 429/5xx and connection resets; writes only on 429
 * with Retry-After (the server did not process them).
 */
export function shouldRetry(
  isRead: boolean,
  failure: { status?: number; retryAfterSeconds?: number; reset?: boolean },
): boolean {
  if (failure.status === undefined) return isRead && !!failure.reset;
  if (isRead) return RETRYABLE_READ_STATUSES.has(failure.status);
  return failure.status === 429 && failure.retryAfterSeconds !== undefined;
}

/**
 * The delay before attempt `attempt + 1` (attempt counts from 1): Retry-After
 * when given, otherwise `base * 2^(attempt-1)` capped at `max`, with full
 * jitter in [50%, 100%].
 */
export function backoffDelay(
  attempt: number,
  retryAfterSeconds: number | undefined,
  opts: BackoffOptions = {},
  random: () => number = Math.random,
): number {
  if (retryAfterSeconds !== undefined) return retryAfterSeconds * 1000;
  const base = opts.baseMs ?? 200;
  const max = opts.maxMs ?? 5000;
  const d = Math.min(max, base * 2 ** (attempt - 1));
  return Math.round(d / 2 + random() * d / 2);
}
