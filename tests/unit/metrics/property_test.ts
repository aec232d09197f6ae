// Property tests: quantiles are monotone in q and stay within bucket bounds;
// random mutations of real scrapes never throw anything but PromParseError.
import { assert } from "../../helpers/assert.ts";
import { bucketQuantile } from "../../../lib/metrics/histogram.ts";
import { parsePrometheusText, PromParseError } from "../../../lib/metrics/prom_parser.ts";

const { fc } = await import("../../../lib/deps_lazy/fast_check.ts");

const bucketsArb = fc.tuple(
  fc.uniqueArray(fc.double({ min: 1e-6, max: 1e4, noNaN: true }), { minLength: 1, maxLength: 12 }),
  fc.array(fc.nat({ max: 1000 }), { minLength: 13, maxLength: 13 }),
).map(([bounds, incs]) => {
  const sorted = [...bounds].sort((a, b) => a - b);
  let cum = 0;
  const buckets = sorted.map((le, i) => ({ le, count: cum += incs[i] }));
  buckets.push({ le: Infinity, count: cum + incs[12] });
  return buckets;
});

Deno.test("property: quantiles are monotone in q", () => {
  fc.assert(
    fc.property(
      bucketsArb,
      fc.double({ min: 0.001, max: 1, noNaN: true }),
      fc.double({ min: 0.001, max: 1, noNaN: true }),
      (buckets, q1, q2) => {
        const [lo, hi] = q1 <= q2 ? [q1, q2] : [q2, q1];
        const a = bucketQuantile(lo, buckets);
        const b = bucketQuantile(hi, buckets);
        if (Number.isNaN(a) || Number.isNaN(b)) return buckets[buckets.length - 1].count === 0;
        return a <= b + 1e-9 * Math.max(1, Math.abs(b));
      },
    ),
    { numRuns: 2000 },
  );
});

Deno.test("property: a quantile lies within [0, highest finite bound] and inside its bucket", () => {
  fc.assert(
    fc.property(bucketsArb, fc.double({ min: 0.001, max: 1, noNaN: true }), (buckets, q) => {
      const v = bucketQuantile(q, buckets);
      const total = buckets[buckets.length - 1].count;
      if (total === 0) return Number.isNaN(v);
      const maxFinite = buckets[buckets.length - 2].le;
      if (!(v >= 0 && v <= maxFinite * (1 + 1e-12))) return false;
      // the bucket holding rank q*total bounds the result
      const rank = q * total;
      const i = buckets.findIndex((b) => b.count >= rank);
      if (i === buckets.length - 1) return v === maxFinite;
      const lo = i === 0 ? 0 : buckets[i - 1].le;
      return v >= lo * (1 - 1e-12) && v <= buckets[i].le * (1 + 1e-12);
    }),
    { numRuns: 2000 },
  );
});

const sample = Deno.readTextFileSync(
  new URL("../../../fixtures/metrics-samples/vllm-0.11_v1_metrics_scrape1.txt", import.meta.url),
).slice(0, 6000);
const alphabet = [
  '"',
  "{",
  "}",
  "=",
  ",",
  "\\",
  "\n",
  "\r",
  " ",
  "#",
  "e",
  "+",
  "-",
  ".",
  "x",
  "\u0000",
  "\u00e9",
];

Deno.test("property: random mutations of a real scrape throw only PromParseError, lenient never throws", () => {
  fc.assert(
    fc.property(
      fc.array(
        fc.tuple(fc.nat({ max: sample.length }), fc.nat({ max: 3 }), fc.constantFrom(...alphabet)),
        { minLength: 1, maxLength: 8 },
      ),
      fc.nat({ max: sample.length }),
      (edits, cut) => {
        let t = sample.slice(0, Math.max(cut, 1));
        for (const [pos, del, ch] of edits) {
          const p = Math.min(pos, t.length);
          t = t.slice(0, p) + ch + t.slice(p + del);
        }
        try {
          parsePrometheusText(t, { source: "pod/x" });
        } catch (e) {
          if (!(e instanceof PromParseError)) throw e;
          assert(e.line >= 1 && /line \d+: /.test(e.message));
        }
        const l = parsePrometheusText(t, { lenient: true });
        return l.sampleCount >= 0;
      },
    ),
    { numRuns: 500 },
  );
});
