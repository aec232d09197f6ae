// Engine metric names of today's engines (issue 26 item 9): vLLM's TPOT and
// ITL apart, KV usage and prefix-cache counters; SGLang's queue, running and
// cache hit rate; trtllm-serve's unprefixed and trtllm_ names; a Dynamo
// frontend whose prefix was changed with DYN_METRICS_PREFIX or --metrics-prefix.
import { assert, assertEquals } from "../../helpers/assert.ts";
import { detectEngineFromScrape, engineSpec, podEndpoint } from "../../../lib/metrics/engines.ts";
import { parsePrometheusText } from "../../../lib/metrics/prom_parser.ts";
import { snapshotOf, windowStats } from "../../../lib/metrics/snapshot.ts";

/** A histogram family with `n` observations all in the bucket of `le`. */
function hist(name: string, le: number, n: number, sum: number): string {
  return [
    `# TYPE ${name} histogram`,
    `${name}_bucket{le="${le / 2}"} 0`,
    `${name}_bucket{le="${le}"} ${n}`,
    `${name}_bucket{le="+Inf"} ${n}`,
    `${name}_sum ${sum}`,
    `${name}_count ${n}`,
  ].join("\n");
}

Deno.test("vLLM: ITL from inter_token_latency, TPOT from request_time_per_output_token, KV usage, prefix cache", () => {
  const text = (k: number) =>
    [
      hist("vllm:inter_token_latency_seconds", 0.02, 100 * k, 1.5 * k),
      hist("vllm:request_time_per_output_token_seconds", 0.04, 10 * k, 0.3 * k),
      "vllm:kv_cache_usage_perc 0.42",
      `vllm:prefix_cache_queries_total ${1000 * k}`,
      `vllm:prefix_cache_hits_total ${(k === 1 ? 100 : 700)}`,
      `vllm:generation_tokens_total ${500 * k}`,
    ].join("\n") + "\n";
  const a = snapshotOf(parsePrometheusText(text(1)), "vllm", 0);
  const b = snapshotOf(parsePrometheusText(text(2)), "vllm", 30_000);
  assert(a.histograms.itl && a.histograms.tpot, "both ITL and TPOT histograms are read");
  assertEquals(b.kvUsage, 0.42);
  const w = windowStats(a, b);
  assertEquals(w.latency.itl?.count, 100);
  assertEquals(w.latency.tpot?.count, 10);
  // window: (700-100) hits of (2000-1000) queries
  assertEquals(w.prefixCacheHitRate, 0.6);
  // lifetime, one scrape
  assertEquals(windowStats(undefined, a).prefixCacheHitRate, 0.1);
});

Deno.test("vLLM before 0.11: the removed names are still read", () => {
  const s = snapshotOf(
    parsePrometheusText(
      hist("vllm:time_per_output_token_seconds", 0.02, 5, 0.08) +
        "\nvllm:gpu_cache_usage_perc 0.7\n",
    ),
    "vllm",
    0,
  );
  assertEquals(s.histograms.itl?.count, 5);
  assertEquals(s.histograms.tpot, undefined);
  assertEquals(s.kvUsage, 0.7);
});

Deno.test("SGLang: num_running_reqs, num_queue_reqs, token_usage, cache_hit_rate", () => {
  const s = snapshotOf(
    parsePrometheusText(
      "sglang:num_running_reqs 7\nsglang:num_queue_reqs 2\nsglang:token_usage 0.3\nsglang:cache_hit_rate 0.25\n",
    ),
    "sglang",
    0,
  );
  assertEquals([s.running, s.waiting, s.kvUsage], [7, 2, 0.3]);
  assertEquals(windowStats(undefined, s).prefixCacheHitRate, 0.25);
});

Deno.test("TRT-LLM: unprefixed trtllm-serve names are detected and read; trtllm_ names too", () => {
  const unprefixed = parsePrometheusText(
    [
      hist("time_to_first_token_seconds", 0.2, 4, 0.6),
      hist("time_per_output_token_seconds", 0.02, 4, 0.05),
      "kv_cache_utilization 0.55",
      "num_requests_running 3",
    ].join("\n") + "\n",
  );
  assertEquals(detectEngineFromScrape(unprefixed), "trtllm");
  const s = snapshotOf(unprefixed, "trtllm", 0);
  assertEquals(s.histograms.ttft?.count, 4);
  assertEquals(s.histograms.tpot?.count, 4, "TRT-LLM's per-output-token histogram is TPOT");
  assertEquals(s.histograms.itl, undefined);
  assertEquals([s.kvUsage, s.running], [0.55, 3]);
  const prefixed = parsePrometheusText(
    "trtllm_kv_cache_utilization 0.1\ntrtllm_kv_cache_hit_rate 0.9\n",
  );
  assertEquals(detectEngineFromScrape(prefixed), "trtllm");
  assertEquals(windowStats(undefined, snapshotOf(prefixed, "trtllm", 0)).prefixCacheHitRate, 0.9);
  // A vLLM scrape with a few unprefixed process metrics stays vLLM.
  assertEquals(
    detectEngineFromScrape(
      parsePrometheusText("vllm:num_requests_running 1\nnum_requests_running 1\n"),
    ),
    "vllm",
  );
  assertEquals(engineSpec("trtllm").path, "/prometheus/metrics");
});

Deno.test("Dynamo frontend: DYN_METRICS_PREFIX and --metrics-prefix move the names", () => {
  const env = podEndpoint({
    metadata: { name: "f" },
    spec: {
      containers: [{
        name: "frontend",
        image: "nvcr.io/nvidia/ai-dynamo/dynamo-frontend:0.6.1",
        env: [{ name: "DYN_METRICS_PREFIX", value: "llm" }],
        ports: [{ containerPort: 8000 }],
      }],
    },
  });
  assertEquals(env?.metricPrefix, "llm");
  const arg = podEndpoint({
    metadata: { name: "f" },
    spec: {
      containers: [{
        name: "frontend",
        image: "nvcr.io/nvidia/ai-dynamo/dynamo-frontend:0.6.1",
        args: ["--metrics-prefix", "edge"],
        ports: [{ containerPort: 8000 }],
      }],
    },
  });
  assertEquals(arg?.metricPrefix, "edge");
  const scrape = parsePrometheusText(
    hist("llm_time_to_first_token_seconds", 0.2, 3, 0.3) + "\nllm_inflight_requests 4\n",
  );
  assertEquals(detectEngineFromScrape(scrape), undefined, "unknown without the prefix");
  assertEquals(detectEngineFromScrape(scrape, "llm"), "dynamo-frontend");
  const s = snapshotOf(scrape, "dynamo-frontend", 0, "llm");
  assertEquals(s.histograms.ttft?.count, 3);
  assertEquals(s.running, 4);
});
