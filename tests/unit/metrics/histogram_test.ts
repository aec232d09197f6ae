import { assert, assertEquals } from "../../helpers/assert.ts";
import {
  bucketQuantile,
  counterDelta,
  counterRate,
  deltaHistogram,
  type Histogram,
  histogramMean,
  histogramsOf,
  mergeHistograms,
} from "../../../lib/metrics/histogram.ts";
import { parsePrometheusText } from "../../../lib/metrics/prom_parser.ts";

const b = (pairs: [number, number][]) => pairs.map(([le, count]) => ({ le, count }));
const H = (pairs: [number, number][], sum = 0): Histogram => ({
  labels: {},
  buckets: b(pairs),
  count: pairs[pairs.length - 1]?.[1] ?? 0,
  sum,
});

Deno.test("histogram_quantile: interpolation, first bucket from 0, +Inf rank, no observations", () => {
  const bs = b([[1, 10], [2, 20], [4, 40], [Infinity, 40]]);
  assertEquals(bucketQuantile(0.5, bs), 2.0);
  assertEquals(bucketQuantile(0.25, bs), 1.0);
  assertEquals(bucketQuantile(0.125, bs), 0.5);
  assertEquals(bucketQuantile(0.75, bs), 3);
  // a rank inside +Inf returns the highest finite bound
  assertEquals(bucketQuantile(0.99, b([[1, 1], [Infinity, 100]])), 1);
  assert(Number.isNaN(bucketQuantile(0.5, b([[1, 0], [Infinity, 0]]))));
  assert(Number.isNaN(bucketQuantile(0.5, [])));
  // no +Inf bucket: NaN (as PromQL)
  assert(Number.isNaN(bucketQuantile(0.5, b([[1, 1], [2, 2]]))));
  assertEquals(bucketQuantile(-0.1, bs), -Infinity);
  assertEquals(bucketQuantile(1.1, bs), Infinity);
  assert(Number.isNaN(bucketQuantile(NaN, bs)));
  // first bound <= 0 returns that bound
  assertEquals(bucketQuantile(0.1, b([[0, 5], [1, 10], [Infinity, 10]])), 0);
  // non-monotonic input is fixed up, unsorted input is sorted
  assertEquals(bucketQuantile(0.5, b([[Infinity, 40], [2, 20], [1, 10], [4, 39]])), 2);
});

Deno.test("histogramsOf groups by labels minus le and falls back to the +Inf bucket for count", () => {
  const s = parsePrometheusText(
    [
      'h_bucket{a="x",le="1"} 1',
      'h_bucket{a="x",le="+Inf"} 2',
      'h_bucket{a="y",le="1"} 3',
      'h_bucket{a="y",le="+Inf"} 3',
      'h_sum{a="y"} 1',
      'h_count{a="y"} 3',
      "",
    ].join("\n"),
  );
  const hs = histogramsOf(s, "h");
  assertEquals(hs.map((h) => [h.labels, h.count]), [[{ a: "x" }, 2], [{ a: "y" }, 3]]);
  assert(Number.isNaN(hs[0].sum));
  const m = mergeHistograms(hs);
  assertEquals(m.buckets, b([[1, 4], [Infinity, 5]]));
  assertEquals(m.count, 5);
});

Deno.test("histograms without buckets: count and mean work, quantiles are NaN", () => {
  const s = parsePrometheusText("h_count 4\nh_sum 2\n");
  const [h] = histogramsOf(s, "h");
  assertEquals(h.buckets, []);
  assertEquals(histogramMean(h), 0.5);
  assert(Number.isNaN(bucketQuantile(0.5, h.buckets)));
});

Deno.test("delta of two scrapes, and counter reset takes the second scrape", () => {
  const a = H([[1, 5], [Infinity, 10]], 8);
  const c = H([[1, 8], [Infinity, 16]], 12);
  const d = deltaHistogram(a, c);
  assertEquals(d.reset, false);
  assertEquals(d.histogram.buckets, b([[1, 3], [Infinity, 6]]));
  assertEquals([d.histogram.count, d.histogram.sum], [6, 4]);
  const restarted = H([[1, 1], [Infinity, 2]], 1);
  const r = deltaHistogram(a, restarted);
  assertEquals(r.reset, true);
  assertEquals(r.histogram.buckets, restarted.buckets);
  // a bucket lower while count is higher still means a reset
  const odd = H([[1, 4], [Infinity, 12]], 9);
  assertEquals(deltaHistogram(a, odd).reset, true);
});

Deno.test("counter delta and rate with reset semantics", () => {
  assertEquals(counterDelta(10, 25), 15);
  assertEquals(counterDelta(10, 4), 4);
  assertEquals(counterRate(0, 60, 30), 2);
  assert(Number.isNaN(counterRate(0, 60, 0)));
  assert(Number.isNaN(counterDelta(NaN, 1)));
});

Deno.test("mergeHistograms with different bucket layouts stays cumulative", () => {
  const m = mergeHistograms([H([[1, 1], [Infinity, 2]]), H([[2, 3], [Infinity, 3]])]);
  assertEquals(m.buckets, b([[1, 4], [2, 5], [Infinity, 5]]));
});
