/**
 * Recorded `/metrics` scrapes served as a series that goes on: the n-th
 * request gets the n-th recorded scrape, and requests past the last one get
 * the last scrape with every counter (counters, histogram and summary
 * `_bucket`/`_sum`/`_count`) moved on by the step between the last two
 * scrapes, once per extra request. Gauges and `_created` stay as last
 * recorded. So a second `metrics` run against the simulator sees traffic at
 * the recorded rate, not a frozen engine with zero rates.
 *
 * @module
 */

const COUNTER_TYPES = new Set(["counter", "histogram", "summary", "gaugehistogram"]);
const SUFFIXES = ["_bucket", "_sum", "_count", "_total"];

/** The text served for the `index`-th request (0-based) of a recorded series. */
export function scrapeAt(scrapes: readonly string[], index: number): string {
  if (!scrapes.length) return "";
  const last = scrapes.length - 1;
  if (index <= last || scrapes.length < 2) return scrapes[Math.min(index, last)];
  return extrapolate(scrapes[last - 1], scrapes[last], index - last);
}

/** `cur` with each counter sample moved on by `steps` times its change since `prev`. */
export function extrapolate(prev: string, cur: string, steps: number): string {
  const types = new Map<string, string>();
  const before = new Map<string, number>();
  for (const line of prev.split("\n")) {
    const s = splitSample(line);
    if (s) before.set(s.key, s.value);
  }
  const out: string[] = [];
  for (const line of cur.split("\n")) {
    const t = /^#\s*TYPE\s+(\S+)\s+(\S+)/.exec(line);
    if (t) types.set(t[1], t[2].toLowerCase());
    const s = splitSample(line);
    if (!s || !isCounter(s.name, types)) {
      out.push(line);
      continue;
    }
    const p = before.get(s.key);
    const step = p === undefined ? 0 : s.value - p;
    // a reset between the recorded scrapes (step < 0) or a non-finite value: keep it as it is
    if (!(step > 0) || !Number.isFinite(s.value)) {
      out.push(line);
      continue;
    }
    out.push(`${s.key} ${formatValue(s.value + step * steps)}${s.rest}`);
  }
  return out.join("\n");
}

interface Sample {
  /** Metric name. */
  name: string;
  /** Everything before the value: name and labels. */
  key: string;
  value: number;
  /** A timestamp after the value, with its leading space, or "". */
  rest: string;
}

function splitSample(line: string): Sample | undefined {
  if (!line || line.startsWith("#")) return undefined;
  const close = line.lastIndexOf("}");
  const brace = line.indexOf("{");
  let key: string;
  let tail: string;
  if (brace >= 0 && close > brace) {
    key = line.slice(0, close + 1);
    tail = line.slice(close + 1).trim();
  } else {
    const sp = line.search(/\s/);
    if (sp < 0) return undefined;
    key = line.slice(0, sp);
    tail = line.slice(sp).trim();
  }
  const [v, ts] = tail.split(/\s+/);
  if (v === undefined || v === "") return undefined;
  const value = Number(v);
  if (Number.isNaN(value) && v !== "NaN") return undefined;
  const name = brace >= 0 && close > brace ? line.slice(0, brace) : key;
  return { name: name.trim(), key, value, rest: ts ? ` ${ts}` : "" };
}

function isCounter(name: string, types: Map<string, string>): boolean {
  if (name.endsWith("_created")) return false;
  const own = types.get(name);
  if (own) return COUNTER_TYPES.has(own);
  for (const suf of SUFFIXES) {
    if (name.endsWith(suf)) {
      const t = types.get(name.slice(0, -suf.length));
      if (t) return COUNTER_TYPES.has(t);
    }
  }
  return false;
}

function formatValue(v: number): string {
  return Number.isInteger(v) ? String(v) : String(Number(v.toPrecision(15)));
}
