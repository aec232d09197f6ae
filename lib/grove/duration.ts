/**
 * Go durations (`metav1.Duration`, as in `terminationDelay: 4h`) and
 * kubectl-style ages.
 *
 * Durations are numbers of milliseconds throughout (fractions allowed for
 * sub-millisecond inputs such as `1500us`).
 *
 * @module
 */

import { UsageError } from "../errors.ts";

const UNIT_MS: Record<string, number> = {
  ns: 1e-6,
  us: 1e-3,
  "\u00b5s": 1e-3, // micro sign
  "\u03bcs": 1e-3, // Greek mu
  ms: 1,
  s: 1000,
  m: 60_000,
  h: 3_600_000,
};

const SECOND = 1000;
const MINUTE = 60 * SECOND;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

/**
 * Parses a Go duration string (`time.ParseDuration` syntax): a sequence of
 * decimal numbers with optional fraction and a unit (`ns`, `us`, `µs`, `ms`,
 * `s`, `m`, `h`), with an optional sign; `0` alone is allowed. Returns
 * milliseconds. Throws a {@link UsageError} naming the input and the valid
 * form when the string is not a duration; `what` names the field or flag
 * in that message.
 *
 * @example
 * ```ts
 * import { parseGoDuration } from "./duration.ts";
 * parseGoDuration("1h30m"); // 5400000
 * parseGoDuration("1.5h"); // 5400000
 * parseGoDuration("300ms"); // 300
 * ```
 */
export function parseGoDuration(input: string, what = "duration"): number {
  const s = input.trim();
  const fail = (why: string): never => {
    throw new UsageError(
      `invalid ${what} ${JSON.stringify(input)}: ${why}`,
      'use a Go duration such as "4h", "1h30m", "90s" or "300ms" (units: ns, us, ms, s, m, h)',
    );
  };
  if (s === "") fail("empty string");
  let i = 0;
  let sign = 1;
  if (s[0] === "-" || s[0] === "+") {
    sign = s[0] === "-" ? -1 : 1;
    i = 1;
  }
  if (s.slice(i) === "0") return 0;
  if (i === s.length) fail("missing number");
  let total = 0;
  const re = /(\d*)(?:\.(\d*))?([^\d.]*)/y;
  while (i < s.length) {
    re.lastIndex = i;
    const m = re.exec(s);
    if (!m || m[0] === "") fail(`unexpected ${JSON.stringify(s.slice(i))}`);
    const [whole, intPart, fracPart, unit] = m!;
    if (intPart === "" && (fracPart === undefined || fracPart === "")) {
      fail(`missing number before ${JSON.stringify(unit || s.slice(i))}`);
    }
    if (unit === "") fail(`missing unit after ${JSON.stringify(whole)}`);
    const factor = UNIT_MS[unit];
    if (factor === undefined) fail(`unknown unit ${JSON.stringify(unit)}`);
    const value = Number(`${intPart || "0"}.${fracPart || "0"}`);
    total += value * factor;
    i += whole.length;
  }
  if (!Number.isFinite(total)) fail("out of range");
  return sign * total;
}

/**
 * Formats milliseconds the way Go's `time.Duration.String()` does:
 * `4h0m0s`, `1h30m0s`, `1m30s`, `1.5s`, `300ms`, `0s`.
 *
 * @example
 * ```ts
 * import { formatGoDuration } from "./duration.ts";
 * formatGoDuration(4 * 3600_000); // "4h0m0s"
 * formatGoDuration(300); // "300ms"
 * ```
 */
export function formatGoDuration(ms: number): string {
  if (ms === 0) return "0s";
  const neg = ms < 0;
  let rest = Math.abs(ms);
  let out: string;
  if (rest < SECOND) {
    if (rest >= 1) out = `${trimNum(rest)}ms`;
    else if (rest >= 1e-3) out = `${trimNum(rest * 1e3)}µs`;
    else out = `${trimNum(rest * 1e6)}ns`;
  } else {
    const h = Math.floor(rest / HOUR);
    rest -= h * HOUR;
    const m = Math.floor(rest / MINUTE);
    rest -= m * MINUTE;
    const sec = `${trimNum(rest / SECOND)}s`;
    out = h > 0 ? `${h}h${m}m${sec}` : m > 0 ? `${m}m${sec}` : sec;
  }
  return neg ? `-${out}` : out;
}

/**
 * Formats milliseconds compactly, dropping zero units: `4h`, `1h30m`,
 * `2h15m`, `90s` is `1m30s`, `300ms`, `0s`. One precision rule for every
 * duration shown: from a minute up whole seconds (`24m1s`, never `24m1.012s`),
 * from an hour up whole minutes (`2h28m`, never `2h28m28s`). Parses back with
 * {@link parseGoDuration}.
 *
 * @example
 * ```ts
 * import { formatDuration } from "./duration.ts";
 * formatDuration(8_100_000); // "2h15m"
 * ```
 */
export function formatDuration(ms: number): string {
  if (ms === 0) return "0s";
  const neg = ms < 0;
  let rest = Math.abs(ms);
  if (rest < SECOND) return `${neg ? "-" : ""}${trimNum(rest)}ms`;
  if (rest >= HOUR) rest = Math.round(rest / MINUTE) * MINUTE;
  else if (rest >= MINUTE) rest = Math.round(rest / SECOND) * SECOND;
  const h = Math.floor(rest / HOUR);
  rest -= h * HOUR;
  const m = Math.floor(rest / MINUTE);
  rest -= m * MINUTE;
  const s = rest / SECOND;
  let out = "";
  if (h) out += `${h}h`;
  if (m) out += `${m}m`;
  if (s) out += `${trimNum(s)}s`;
  return neg ? `-${out}` : out;
}

/**
 * kubectl's age format (`HumanDuration` of k8s.io/apimachinery): about two
 * significant figures, e.g. `45s`, `5m12s`, `42m`, `3h15m`, `10h`, `3d4h`,
 * `120d`, `2y30d`; unlike kubectl, 1h to 3h reads `2h15m` (not `135m`), so an
 * age and a duration of the same length look the same. Slightly negative values (clock skew under 2 s) give
 * `0s`; more negative ones `<invalid>`.
 *
 * @example
 * ```ts
 * import { formatAge } from "./duration.ts";
 * formatAge(312_000); // "5m12s"
 * formatAge(11_700_000); // "3h15m"
 * ```
 */
export function formatAge(ms: number): string {
  const seconds = Math.trunc(ms / SECOND);
  if (seconds < -1) return "<invalid>";
  if (seconds < 0) return "0s";
  if (seconds < 120) return `${seconds}s`;
  const minutes = Math.trunc(ms / MINUTE);
  if (minutes < 10) {
    const s = seconds % 60;
    return s === 0 ? `${minutes}m` : `${minutes}m${s}s`;
  }
  if (minutes < 60) return `${minutes}m`;
  const hours = Math.trunc(ms / HOUR);
  if (hours < 8) {
    const m = minutes % 60;
    return m === 0 ? `${hours}h` : `${hours}h${m}m`;
  }
  if (hours < 48) return `${hours}h`;
  const days = Math.trunc(hours / 24);
  if (hours < 24 * 8) {
    const h = hours % 24;
    return h === 0 ? `${days}d` : `${days}d${h}h`;
  }
  if (hours < 24 * 365 * 2) return `${days}d`;
  const years = Math.trunc(days / 365);
  if (hours < 24 * 365 * 8) {
    const dy = days % 365;
    return dy === 0 ? `${years}y` : `${years}y${dy}d`;
  }
  return `${years}y`;
}

/**
 * Age of an RFC 3339 timestamp at `now`, in kubectl's format; `<unknown>`
 * when the timestamp is missing or unparsable (as kubectl prints).
 */
export function ageOf(timestamp: string | undefined | null, now: Date | number): string {
  if (!timestamp) return "<unknown>";
  const t = Date.parse(timestamp);
  if (Number.isNaN(t)) return "<unknown>";
  const n = typeof now === "number" ? now : now.getTime();
  return formatAge(n - t);
}

/** Milliseconds in a day, for callers computing countdowns. */
export const MS_PER_DAY: number = DAY;

function trimNum(n: number): string {
  // Up to 9 significant decimals, no trailing zeros (Go prints the shortest form).
  return String(Number(n.toFixed(9)));
}

/** A time as Kubernetes writes it: RFC 3339 in UTC, whole seconds (`2026-11-23T10:46:12Z`). */
export function rfc3339(t: Date | number): string {
  return new Date(t).toISOString().replace(/\.\d{3}Z$/, "Z");
}
