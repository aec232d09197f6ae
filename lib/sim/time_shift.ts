/**
 * Moves recorded timestamps to the present: every RFC 3339 timestamp in a
 * scenario is shifted by `now - recordedAt`, so ages and countdowns look the
 * same on any date. Pure functions.
 *
 * @module
 */

const TS_RE = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(\.\d+)?(Z|[+-]\d{2}:\d{2})$/;
const TS_IN_TEXT_RE = /\b\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d+)?(?:Z|[+-]\d{2}:\d{2})/g;

/** Shifts one RFC 3339 timestamp by `deltaMs`, keeping its precision; other strings come back unchanged. */
export function shiftTimestamp(s: string, deltaMs: number): string {
  const m = TS_RE.exec(s);
  if (!m) return s;
  const t = Date.parse(s);
  if (Number.isNaN(t)) return s;
  const iso = new Date(t + deltaMs).toISOString(); // always .sssZ
  const base = iso.slice(0, 19);
  const frac = m[7];
  if (!frac) return `${base}Z`;
  // keep the number of fraction digits (events use microseconds)
  const ms = iso.slice(20, 23);
  const digits = frac.length - 1;
  const f = digits <= 3 ? ms.slice(0, digits) : ms + frac.slice(4).padEnd(digits - 3, "0");
  return `${base}.${f}Z`;
}

function looksLikeTimestamp(v: string): boolean {
  return v.length >= 20 && v.length <= 35 && v.charCodeAt(4) === 45 && v.charCodeAt(10) === 84;
}

/** Returns a deep copy of a JSON value with every RFC 3339 timestamp string shifted by `deltaMs`. */
export function shiftTimestamps<T>(value: T, deltaMs: number): T {
  if (deltaMs === 0) return value;
  const walk = (v: unknown): unknown => {
    if (typeof v === "string") return looksLikeTimestamp(v) ? shiftTimestamp(v, deltaMs) : v;
    if (Array.isArray(v)) return v.map(walk);
    if (v !== null && typeof v === "object") {
      const out: Record<string, unknown> = {};
      for (const k in v) out[k] = walk((v as Record<string, unknown>)[k]);
      return out;
    }
    return v;
  };
  return walk(value) as T;
}

/** Shifts every RFC 3339 timestamp that appears in a text (log lines) by `deltaMs`. */
export function shiftTextTimestamps(text: string, deltaMs: number): string {
  if (deltaMs === 0) return text;
  return text.replace(TS_IN_TEXT_RE, (s) => shiftTimestamp(s, deltaMs));
}

/** The shift that moves `recordedAt` to `now`, rounded to whole seconds. */
export function shiftDelta(recordedAt: string, now: number): number {
  const t = Date.parse(recordedAt);
  return Math.round((now - t) / 1000) * 1000;
}
