/**
 * Histograms from parsed scrapes, deltas of two scrapes with counter-reset
 * handling, and quantiles with PromQL `histogram_quantile` semantics.
 *
 * @module
 */

import { type ParsedScrape, parsePromNumber, type Sample, seriesKey } from "./prom_parser.ts";

/** One cumulative bucket: observations `<= le`. */
export interface Bucket {
  /** Upper bound; `Infinity` for `+Inf`. */
  le: number;
  /** Cumulative count. */
  count: number;
}

/** A classic Prometheus histogram (one label set, `le` removed). */
export interface Histogram {
  /** Labels without `le`. */
  labels: Record<string, string>;
  /** Buckets sorted by `le` (may be empty: a histogram exported without buckets). */
  buckets: Bucket[];
  /** `_count` (or the `+Inf` bucket when `_count` is missing). */
  count: number;
  /** `_sum` (NaN when missing). */
  sum: number;
}

/** A histogram delta and whether a counter reset was detected. */
export interface HistogramDelta {
  /** The increase over the window. */
  histogram: Histogram;
  /** True when the second scrape was lower than the first (process restart). */
  reset: boolean;
}

/**
 * The histograms of family `name` in a scrape, one per label set minus `le`.
 * Works from sample names, so it needs no TYPE line.
 *
 * @example
 * ```ts
 * import { parsePrometheusText } from "./prom_parser.ts";
 * import { histogramsOf } from "./histogram.ts";
 * const s = parsePrometheusText('h_bucket{le="1"} 2\nh_bucket{le="+Inf"} 3\nh_count 3\nh_sum 4\n');
 * histogramsOf(s, "h")[0].count; // 3
 * ```
 */
export function histogramsOf(scrape: ParsedScrape, name: string): Histogram[] {
  const groups = new Map<string, Histogram>();
  const get = (s: Sample): Histogram => {
    const key = seriesKey(s.labels, "le");
    let h = groups.get(key);
    if (!h) {
      const labels: Record<string, string> = {};
      for (const [k, v] of Object.entries(s.labels)) if (k !== "le") labels[k] = v;
      h = { labels, buckets: [], count: NaN, sum: NaN };
      groups.set(key, h);
    }
    return h;
  };
  for (const s of scrape.bySample.get(`${name}_bucket`) ?? []) {
    const le = parsePromNumber(s.labels.le ?? "");
    if (le === undefined || Number.isNaN(le)) continue;
    get(s).buckets.push({ le, count: s.value });
  }
  for (const s of scrape.bySample.get(`${name}_count`) ?? []) get(s).count = s.value;
  for (const s of scrape.bySample.get(`${name}_sum`) ?? []) get(s).sum = s.value;
  const out: Histogram[] = [];
  for (const h of groups.values()) {
    h.buckets = coalesce(h.buckets);
    if (Number.isNaN(h.count) && h.buckets.length > 0) {
      const last = h.buckets[h.buckets.length - 1];
      if (last.le === Infinity) h.count = last.count;
    }
    out.push(h);
  }
  return out;
}

/** Sorts buckets and sums duplicates of the same bound. */
function coalesce(buckets: Bucket[]): Bucket[] {
  const sorted = [...buckets].sort((a, b) => a.le - b.le);
  const out: Bucket[] = [];
  for (const b of sorted) {
    const last = out[out.length - 1];
    if (last && last.le === b.le) last.count += b.count;
    else out.push({ le: b.le, count: b.count });
  }
  return out;
}

/**
 * Sums histograms (e.g. all pods of a role). Buckets are matched by bound;
 * a bound missing from one histogram takes that histogram's next higher
 * cumulative count, so mismatched layouts stay consistent.
 *
 * @example
 * ```ts
 * import { mergeHistograms } from "./histogram.ts";
 * const h = { labels: {}, buckets: [{ le: 1, count: 1 }, { le: Infinity, count: 2 }], count: 2, sum: 3 };
 * mergeHistograms([h, h]).count; // 4
 * ```
 */
export function mergeHistograms(hs: readonly Histogram[]): Histogram {
  const bounds = [...new Set(hs.flatMap((h) => h.buckets.map((b) => b.le)))].sort((a, b) => a - b);
  const buckets = bounds.map((le) => ({
    le,
    count: hs.reduce((acc, h) => acc + cumulativeAt(h.buckets, le), 0),
  }));
  return {
    labels: {},
    buckets,
    count: hs.reduce((a, h) => a + (Number.isNaN(h.count) ? 0 : h.count), 0),
    sum: hs.reduce((a, h) => a + (Number.isNaN(h.sum) ? 0 : h.sum), 0),
  };
}

function cumulativeAt(buckets: readonly Bucket[], le: number): number {
  for (const b of buckets) if (b.le >= le) return b.count;
  return buckets.length ? buckets[buckets.length - 1].count : 0;
}

/**
 * The increase of a counter between two scrapes with Prometheus `increase`
 * reset semantics: a lower second value means the process restarted, so the
 * second value is the increase.
 *
 * @example
 * ```ts
 * import { counterDelta } from "./histogram.ts";
 * counterDelta(100, 130); // 30
 * counterDelta(100, 7); // 7 (reset)
 * ```
 */
export function counterDelta(prev: number, cur: number): number {
  if (!Number.isFinite(prev) || !Number.isFinite(cur)) return NaN;
  return cur >= prev ? cur - prev : cur;
}

/**
 * Per-second rate of a counter over `seconds`, reset-aware.
 *
 * @example
 * ```ts
 * import { counterRate } from "./histogram.ts";
 * counterRate(100, 160, 30); // 2
 * ```
 */
export function counterRate(prev: number, cur: number, seconds: number): number {
  if (!(seconds > 0)) return NaN;
  return counterDelta(prev, cur) / seconds;
}

/**
 * The increase of a histogram between two scrapes. When any bucket, the
 * count or the sum went down, the process restarted within the window and
 * the second scrape is taken as the increase (Prometheus `increase`
 * semantics).
 *
 * @example
 * ```ts
 * import { deltaHistogram } from "./histogram.ts";
 * const a = { labels: {}, buckets: [{ le: 1, count: 1 }, { le: Infinity, count: 2 }], count: 2, sum: 3 };
 * const b = { labels: {}, buckets: [{ le: 1, count: 4 }, { le: Infinity, count: 6 }], count: 6, sum: 9 };
 * deltaHistogram(a, b).histogram.count; // 4
 * ```
 */
export function deltaHistogram(prev: Histogram, cur: Histogram): HistogramDelta {
  let reset = cur.count < prev.count || cur.sum < prev.sum;
  if (!reset) {
    for (const b of cur.buckets) {
      const p = prev.buckets.find((x) => x.le === b.le);
      if (p && b.count < p.count) {
        reset = true;
        break;
      }
    }
  }
  if (reset) {
    return { histogram: { ...cur, buckets: cur.buckets.map((b) => ({ ...b })) }, reset };
  }
  return {
    reset,
    histogram: {
      labels: cur.labels,
      buckets: cur.buckets.map((b) => ({
        le: b.le,
        count: b.count - cumulativeAtOr(prev.buckets, b.le, 0),
      })),
      count: cur.count - (Number.isNaN(prev.count) ? 0 : prev.count),
      sum: cur.sum - (Number.isNaN(prev.sum) ? 0 : prev.sum),
    },
  };
}

function cumulativeAtOr(buckets: readonly Bucket[], le: number, dflt: number): number {
  const b = buckets.find((x) => x.le === le);
  return b ? b.count : dflt;
}

/**
 * The q-quantile of cumulative buckets with PromQL `histogram_quantile`
 * semantics: linear interpolation inside the bucket, the first bucket's
 * lower bound is 0 (or its upper bound when that is <= 0), a rank in the
 * `+Inf` bucket returns the highest finite bound, NaN without observations
 * or without a `+Inf` bucket; q < 0 gives -Infinity and q > 1 +Infinity.
 *
 * @example
 * ```ts
 * import { bucketQuantile } from "./histogram.ts";
 * bucketQuantile(0.5, [{ le: 1, count: 0 }, { le: 2, count: 10 }, { le: Infinity, count: 10 }]); // 1.5
 * ```
 */
export function bucketQuantile(q: number, input: readonly Bucket[]): number {
  if (Number.isNaN(q)) return NaN;
  if (q < 0) return -Infinity;
  if (q > 1) return Infinity;
  const buckets = coalesce(input.filter((b) => !Number.isNaN(b.le)));
  if (buckets.length < 2) return NaN;
  if (buckets[buckets.length - 1].le !== Infinity) return NaN;
  // enforce monotonic cumulative counts (PromQL does the same)
  let max = -Infinity;
  for (const b of buckets) {
    if (Number.isNaN(b.count)) return NaN;
    if (b.count < max) b.count = max;
    else max = b.count;
  }
  const observations = buckets[buckets.length - 1].count;
  if (!(observations > 0)) return NaN;
  let rank = q * observations;
  let b = 0;
  while (b < buckets.length - 1 && buckets[b].count < rank) b++;
  if (b === buckets.length - 1) return buckets[buckets.length - 2].le;
  if (b === 0 && buckets[0].le <= 0) return buckets[0].le;
  let start = 0;
  const end = buckets[b].le;
  let count = buckets[b].count;
  if (b > 0) {
    start = buckets[b - 1].le;
    count -= buckets[b - 1].count;
    rank -= buckets[b - 1].count;
  }
  return start + (end - start) * (rank / count);
}

/**
 * The q-quantile of a histogram (see {@link bucketQuantile}).
 *
 * @example
 * ```ts
 * import { histogramQuantile } from "./histogram.ts";
 * histogramQuantile(0.9, { labels: {}, buckets: [{ le: 1, count: 10 }, { le: Infinity, count: 10 }], count: 10, sum: 5 }); // 0.9
 * ```
 */
export function histogramQuantile(q: number, h: Histogram): number {
  return bucketQuantile(q, h.buckets);
}

/**
 * Mean observation (`_sum / _count`), NaN without observations.
 *
 * @example
 * ```ts
 * import { histogramMean } from "./histogram.ts";
 * histogramMean({ labels: {}, buckets: [], count: 4, sum: 2 }); // 0.5
 * ```
 */
export function histogramMean(h: Histogram): number {
  return h.count > 0 ? h.sum / h.count : NaN;
}
