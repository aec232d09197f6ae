// The expected values of fixtures/metrics-samples/README.md, to 0.1%.
import { assert, assertEquals } from "../../helpers/assert.ts";
import { mergePidSeries, parsePrometheusText } from "../../../lib/metrics/prom_parser.ts";
import {
  counterRate,
  deltaHistogram,
  histogramMean,
  histogramQuantile,
  histogramsOf,
  mergeHistograms,
} from "../../../lib/metrics/histogram.ts";
import { detectEngineFromScrape } from "../../../lib/metrics/engines.ts";
import { snapshotOf, windowStats } from "../../../lib/metrics/snapshot.ts";

const dir = new URL("../../../fixtures/metrics-samples/", import.meta.url);
const read = (f: string) => Deno.readTextFileSync(new URL(f, dir));
const s1 = parsePrometheusText(read("vllm-0.11_v1_metrics_scrape1.txt"));
const s2 = parsePrometheusText(read("vllm-0.11_v1_metrics_scrape2.txt"));
const sg = mergePidSeries(parsePrometheusText(read("sglang-0.5_metrics.txt")));
const dy = parsePrometheusText(read("dynamo-frontend_metrics.txt"));

function close(actual: number, expected: number, what: string) {
  const rel = Math.abs(actual - expected) / Math.abs(expected);
  assert(rel <= 0.001, `${what}: got ${actual}, expected ${expected} (rel err ${rel})`);
}

function delta(name: string) {
  return deltaHistogram(
    mergeHistograms(histogramsOf(s1, name)),
    mergeHistograms(histogramsOf(s2, name)),
  );
}

const vllmExpected: [string, number, number, Record<string, number>][] = [
  ["vllm:time_to_first_token_seconds", 131, 0.434878, {
    0.5: 0.380102,
    0.9: 0.749138,
    0.99: 2.254375,
  }],
  ["vllm:inter_token_latency_seconds", 127746, 0.029580, {
    0.5: 0.034407,
    0.9: 0.046918,
    0.99: 0.049733,
  }],
  ["vllm:e2e_request_latency_seconds", 131, 29.280184, { 0.5: 28.402778, 0.99: 39.757407 }],
];

for (const [name, count, mean, qs] of vllmExpected) {
  Deno.test(`vLLM delta of two scrapes: ${name}`, () => {
    const d = delta(name);
    assertEquals(d.reset, false);
    assertEquals(d.histogram.count, count);
    close(histogramMean(d.histogram), mean, `${name} mean`);
    for (const [q, v] of Object.entries(qs)) {
      close(histogramQuantile(Number(q), d.histogram), v, `${name} p${Number(q) * 100}`);
    }
  });
}

Deno.test("vLLM queue time: all observations below the first bucket, interpolation from 0", () => {
  const d = delta("vllm:request_queue_time_seconds").histogram;
  close(histogramMean(d), 0.008023, "queue mean");
  close(histogramQuantile(0.5, d), 0.15, "queue p50");
});

Deno.test("vLLM token throughput and gauges", () => {
  const v = (s: typeof s1, n: string) => s.bySample.get(n)![0].value;
  close(
    counterRate(v(s1, "vllm:generation_tokens_total"), v(s2, "vllm:generation_tokens_total"), 30),
    4262.57,
    "generation tok/s",
  );
  close(
    counterRate(v(s1, "vllm:prompt_tokens_total"), v(s2, "vllm:prompt_tokens_total"), 30),
    17438.67,
    "prompt tok/s",
  );
  assertEquals(v(s2, "vllm:num_requests_running"), 128);
  assertEquals(v(s2, "vllm:num_requests_waiting"), 5);
  assertEquals(v(s2, "vllm:kv_cache_usage_perc"), 0.8902);
});

Deno.test("vLLM snapshots give the same numbers through windowStats", () => {
  const a = snapshotOf(s1, "vllm", 0);
  const b = snapshotOf(s2, "vllm", 30_000);
  const w = windowStats(a, b);
  close(w.latency.ttft!.p99!, 2.254375, "ttft p99");
  close(w.latency.itl!.p50!, 0.034407, "itl p50");
  close(w.generationTokensPerSec!, 4262.57, "gen tok/s");
  close(w.promptTokensPerSec!, 17438.67, "prompt tok/s");
  assertEquals([w.running, w.waiting, w.kvUsage], [128, 5, 0.8902]);
  assertEquals(w.reset, false);
});

const single: [typeof sg, string, number, number, number, number][] = [
  [sg, "sglang:time_to_first_token_seconds", 8842, 0.334950, 0.305306, 1.078958],
  [sg, "sglang:inter_token_latency_seconds", 8570836, 0.026628, 0.026364, 0.039928],
  [dy, "dynamo_frontend_time_to_first_token_seconds", 3975, 0.400216, 0.361841, 1.776636],
  [dy, "dynamo_frontend_inter_token_latency_seconds", 3844685, 0.030596, 0.033414, 0.053433],
];
for (const [scrape, name, count, mean, p50, p99] of single) {
  Deno.test(`single scrape lifetime values: ${name}`, () => {
    const h = mergeHistograms(histogramsOf(scrape, name));
    assertEquals(h.count, count);
    close(histogramMean(h), mean, `${name} mean`);
    close(histogramQuantile(0.5, h), p50, `${name} p50`);
    close(histogramQuantile(0.99, h), p99, `${name} p99`);
  });
}

Deno.test("engine detection from the samples", () => {
  assertEquals(detectEngineFromScrape(s1), "vllm");
  assertEquals(detectEngineFromScrape(sg), "sglang");
  assertEquals(detectEngineFromScrape(dy), "dynamo-frontend");
  assertEquals(detectEngineFromScrape(parsePrometheusText("process_open_fds 3\n")), undefined);
});

Deno.test("the samples parse strictly without notes", () => {
  for (const s of [s1, s2, sg, dy]) assertEquals(s.notes, []);
  assertEquals(s1.families.get("vllm:iteration_tokens_total")?.type, "histogram");
  assertEquals(s1.families.get("vllm:prompt_tokens_created")?.type, "gauge");
  assertEquals(
    s1.families.get("process_virtual_memory_bytes")?.samples[0].value,
    4.5318623232e10,
  );
});
