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

import { parsePrometheusText, type Sample, seriesKey } from "../metrics/prom_parser.ts";

const COUNTER_TYPES = new Set(["counter", "histogram", "summary", "gaugehistogram"]);

/** The text served for the `index`-th request (0-based) of a recorded series. */
export function scrapeAt(scrapes: readonly string[], index: number): string {
  if (!scrapes.length) return "";
  const last = scrapes.length - 1;
  if (index <= last || scrapes.length < 2) return scrapes[Math.min(index, last)];
  return extrapolate(scrapes[last - 1], scrapes[last], index - last);
}

/**
 * `cur` with each counter sample moved on by `steps` times its change since
 * `prev`. Both are read with the project's Prometheus parser (lenient); only
 * the lines of moved samples are rewritten, everything else is kept as is.
 */
export function extrapolate(prev: string, cur: string, steps: number): string {
  const key = (x: Sample) => `${x.name}{${seriesKey(x.labels)}}`;
  const before = new Map<string, number>();
  for (const fam of parsePrometheusText(prev, { lenient: true }).families.values()) {
    for (const x of fam.samples) before.set(key(x), x.value);
  }
  const lines = cur.split("\n");
  for (const fam of parsePrometheusText(cur, { lenient: true }).families.values()) {
    if (!COUNTER_TYPES.has(fam.type)) continue;
    for (const x of fam.samples) {
      if (x.name.endsWith("_created")) continue;
      const p = before.get(key(x));
      const step = p === undefined ? 0 : x.value - p;
      // a reset between the recorded scrapes (step < 0) or a non-finite value: keep it as it is
      if (!(step > 0) || !Number.isFinite(x.value)) continue;
      lines[x.line - 1] = sampleLine(x, x.value + step * steps);
    }
  }
  return lines.join("\n");
}

/** A sample written back in the text format with a new value. */
function sampleLine(x: Sample, value: number): string {
  const labels = Object.entries(x.labels).map(([k, v]) =>
    `${k}="${v.replace(/\\/g, "\\\\").replace(/"/g, '\\"').replace(/\n/g, "\\n")}"`
  );
  return `${x.name}${labels.length ? `{${labels.join(",")}}` : ""} ${formatValue(value)}${
    x.timestampMs !== undefined ? ` ${x.timestampMs}` : ""
  }`;
}

function formatValue(v: number): string {
  return Number.isInteger(v) ? String(v) : String(Number(v.toPrecision(15)));
}
