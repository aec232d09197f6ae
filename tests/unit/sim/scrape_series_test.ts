// Recorded scrapes served as a series that keeps going at the recorded rate.
import { assert, assertEquals } from "../../helpers/assert.ts";
import { extrapolate, scrapeAt } from "../../../lib/sim/scrape_series.ts";
import { parsePrometheusText } from "../../../lib/metrics/prom_parser.ts";
import {
  deltaHistogram,
  histogramQuantile,
  histogramsOf,
  mergeHistograms,
} from "../../../lib/metrics/histogram.ts";

const dir = new URL("../../../fixtures/metrics-samples/", import.meta.url);
const read = (f: string) => Deno.readTextFileSync(new URL(f, dir));
const s1 = read("vllm-0.11_v1_metrics_scrape1.txt");
const s2 = read("vllm-0.11_v1_metrics_scrape2.txt");

function value(text: string, name: string): number {
  const samples = parsePrometheusText(text).bySample.get(name) ?? [];
  return samples.reduce((a, s) => a + s.value, 0);
}

Deno.test("scrapeAt: recorded scrapes in order, then counters move on by the last step", () => {
  assertEquals(scrapeAt([s1, s2], 0), s1);
  assertEquals(scrapeAt([s1, s2], 1), s2);
  const s3 = scrapeAt([s1, s2], 2);
  const s4 = scrapeAt([s1, s2], 3);
  for (const name of ["vllm:prompt_tokens_total", "vllm:generation_tokens_total"]) {
    const step = value(s2, name) - value(s1, name);
    assert(step > 0, `${name} grows in the samples`);
    assertEquals(value(s3, name), value(s2, name) + step);
    assertEquals(value(s4, name), value(s2, name) + 2 * step);
  }
  // gauges stay as last recorded
  assertEquals(value(s3, "vllm:num_requests_running"), value(s2, "vllm:num_requests_running"));
  // the third scrape parses strictly, like a real engine's
  parsePrometheusText(s3);
});

Deno.test("scrapeAt: a window over extrapolated scrapes gives the recorded window's quantiles", () => {
  const name = "vllm:time_to_first_token_seconds";
  const h = (t: string) => mergeHistograms(histogramsOf(parsePrometheusText(t), name));
  const recorded = deltaHistogram(h(s1), h(s2));
  const later = deltaHistogram(h(scrapeAt([s1, s2], 2)), h(scrapeAt([s1, s2], 3)));
  assertEquals(later.reset, false);
  assertEquals(later.histogram.count, recorded.histogram.count);
  for (const q of [0.5, 0.9, 0.99]) {
    assertEquals(histogramQuantile(q, later.histogram), histogramQuantile(q, recorded.histogram));
  }
});

Deno.test("extrapolate: labels with braces and spaces, gauges, _created, resets and one scrape", () => {
  const prev = [
    "# TYPE req counter",
    'req_total{path="/a }b",code="200"} 10',
    "req_created 1700000000",
    "# TYPE temp gauge",
    "temp 5",
    "# TYPE restarts counter",
    "restarts_total 9",
  ].join("\n");
  const cur = prev.replace(" 10", " 15").replace("temp 5", "temp 7").replace(" 9", " 2");
  const next = extrapolate(prev, cur, 2);
  assert(next.includes('req_total{path="/a }b",code="200"} 25'), next);
  assert(next.includes("req_created 1700000000"), next);
  assert(next.includes("temp 7"), next);
  assert(next.includes("restarts_total 2"), next); // a reset between the recordings: kept
  assertEquals(scrapeAt([cur], 5), cur);
  assertEquals(scrapeAt([], 0), "");
});
