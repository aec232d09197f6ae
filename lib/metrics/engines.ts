/**
 * Inference engines: how to find their metrics endpoint on a pod, how to
 * recognise them from a scrape, and which metric names mean TTFT, ITL, E2E,
 * queue time, running and waiting requests, KV-cache usage and token
 * counters for each of them.
 *
 * Names checked against the engines' sources and our samples
 * (fixtures/metrics-samples): vLLM V1 `vllm/v1/metrics/loggers.py` (0.11+:
 * `inter_token_latency_seconds` for ITL, `request_time_per_output_token_seconds`
 * for TPOT, `kv_cache_usage_perc`, `prefix_cache_{queries,hits}_total`; the
 * removed `time_per_output_token_seconds` and `gpu_cache_usage_perc` are read
 * from older engines), SGLang `srt/metrics/collector.py` (`num_running_reqs`,
 * `num_queue_reqs`, `token_usage`, `cache_hit_rate`), TensorRT-LLM
 * `tensorrt_llm/metrics/collector.py` (exported by `trtllm-serve` at
 * `/prometheus/metrics`: `trtllm_` names in current releases, unprefixed
 * names such as `time_to_first_token_seconds` in older ones; `trtllm:` when
 * passed through Dynamo), Dynamo frontend `lib/llm/src/http/service/metrics.rs`
 * (prefix `dynamo_frontend`, changed by `DYN_METRICS_PREFIX` or
 * `--metrics-prefix` on the frontend).
 *
 * @module
 */

import type { ParsedScrape } from "./prom_parser.ts";

/** Engines we know. */
export type EngineKind = "vllm" | "sglang" | "trtllm" | "dynamo-frontend";

/** Where each normalised metric lives for one engine (candidates, first found wins). */
export interface EngineMetricNames {
  /** Time to first token histogram (family name, without `_bucket`). */
  ttft: string[];
  /** Inter-token latency histogram (time between consecutive tokens). */
  itl: string[];
  /** Time per output token histogram (per request: decode time / output tokens). */
  tpot: string[];
  /** End-to-end request latency histogram. */
  e2e: string[];
  /** Queue time histogram. */
  queueTime: string[];
  /** Running requests gauge (sample name). */
  running: string[];
  /** Waiting requests gauge (sample name). */
  waiting: string[];
  /** KV-cache usage gauge, 0..1 (sample name). */
  kvUsage: string[];
  /** Prompt token counter (sample name) or histogram `_sum`. */
  promptTokens: string[];
  /** Generation token counter (sample name) or histogram `_sum`. */
  generationTokens: string[];
  /** Prefix-cache lookups counter (tokens queried), with {@link prefixCacheHits}. */
  prefixCacheQueries: string[];
  /** Prefix-cache hits counter (tokens found). */
  prefixCacheHits: string[];
  /** Prefix-cache hit rate gauge, 0..1 (engines without the counters). */
  prefixCacheHitRate: string[];
}

/** What we know about an engine. */
export interface EngineSpec {
  /** Engine id. */
  kind: EngineKind;
  /** Display name. */
  title: string;
  /** Metric name prefixes that identify it in a scrape. */
  prefixes: string[];
  /** Default HTTP port of its metrics endpoint. */
  defaultPort: number;
  /** Path of its metrics endpoint. */
  path: string;
  /** Metric names. */
  metrics: EngineMetricNames;
}

/** TensorRT-LLM names: `trtllm_` (trtllm-serve), `trtllm:` (through Dynamo), unprefixed (older trtllm-serve). */
function trt(name: string): string[] {
  return [`trtllm_${name}`, `trtllm:${name}`, name];
}

/** Metric names that, unprefixed, only TensorRT-LLM's own server exports. */
const TRTLLM_UNPREFIXED = new Set([
  "time_to_first_token_seconds_bucket",
  "time_per_output_token_seconds_bucket",
  "e2e_request_latency_seconds_bucket",
  "request_queue_time_seconds_bucket",
  "kv_cache_utilization",
  "kv_cache_hit_rate",
  "num_requests_running",
  "num_requests_waiting",
]);

/** The default Dynamo frontend metric prefix (without the trailing `_`). */
export const DYNAMO_FRONTEND_PREFIX = "dynamo_frontend";

/**
 * The spec of an engine, with the Dynamo frontend's names under a custom
 * prefix (`DYN_METRICS_PREFIX`, `--metrics-prefix`) when one is given.
 *
 * @example
 * ```ts
 * import { engineSpec } from "./engines.ts";
 * engineSpec("dynamo-frontend", "llm").metrics.ttft; // ["llm_time_to_first_token_seconds"]
 * ```
 */
export function engineSpec(kind: EngineKind, metricPrefix?: string): EngineSpec {
  const spec = ENGINES[kind];
  if (kind !== "dynamo-frontend" || !metricPrefix || metricPrefix === DYNAMO_FRONTEND_PREFIX) {
    return spec;
  }
  const from = `${DYNAMO_FRONTEND_PREFIX}_`;
  const to = `${metricPrefix.replace(/_+$/, "")}_`;
  const metrics = Object.fromEntries(
    Object.entries(spec.metrics).map(([k, names]) => [
      k,
      (names as string[]).map((n) => n.startsWith(from) ? to + n.slice(from.length) : n),
    ]),
  ) as unknown as EngineMetricNames;
  return { ...spec, prefixes: [to], metrics };
}

/** The engines, in detection order. */
export const ENGINES: Readonly<Record<EngineKind, EngineSpec>> = {
  "vllm": {
    kind: "vllm",
    title: "vLLM",
    prefixes: ["vllm:"],
    defaultPort: 8000,
    path: "/metrics",
    metrics: {
      ttft: ["vllm:time_to_first_token_seconds"],
      itl: ["vllm:inter_token_latency_seconds", "vllm:time_per_output_token_seconds"],
      tpot: ["vllm:request_time_per_output_token_seconds"],
      e2e: ["vllm:e2e_request_latency_seconds"],
      queueTime: ["vllm:request_queue_time_seconds"],
      running: ["vllm:num_requests_running"],
      waiting: ["vllm:num_requests_waiting"],
      kvUsage: ["vllm:kv_cache_usage_perc", "vllm:gpu_cache_usage_perc"],
      promptTokens: ["vllm:prompt_tokens_total"],
      generationTokens: ["vllm:generation_tokens_total"],
      prefixCacheQueries: [
        "vllm:prefix_cache_queries_total",
        "vllm:gpu_prefix_cache_queries_total",
      ],
      prefixCacheHits: ["vllm:prefix_cache_hits_total", "vllm:gpu_prefix_cache_hits_total"],
      prefixCacheHitRate: ["vllm:gpu_prefix_cache_hit_rate"],
    },
  },
  "sglang": {
    kind: "sglang",
    title: "SGLang",
    prefixes: ["sglang:"],
    defaultPort: 30000,
    path: "/metrics",
    metrics: {
      ttft: ["sglang:time_to_first_token_seconds"],
      itl: ["sglang:inter_token_latency_seconds"],
      tpot: ["sglang:time_per_output_token_seconds"],
      e2e: ["sglang:e2e_request_latency_seconds"],
      queueTime: ["sglang:queue_time_seconds"],
      running: ["sglang:num_running_reqs"],
      waiting: ["sglang:num_queue_reqs"],
      kvUsage: ["sglang:token_usage"],
      promptTokens: ["sglang:prompt_tokens_total"],
      generationTokens: ["sglang:generation_tokens_total"],
      prefixCacheQueries: [],
      prefixCacheHits: [],
      prefixCacheHitRate: ["sglang:cache_hit_rate"],
    },
  },
  "trtllm": {
    kind: "trtllm",
    title: "TensorRT-LLM",
    prefixes: ["trtllm_", "trtllm:"],
    defaultPort: 8000,
    path: "/prometheus/metrics",
    metrics: {
      ttft: trt("time_to_first_token_seconds"),
      itl: [],
      tpot: trt("time_per_output_token_seconds"),
      e2e: trt("e2e_request_latency_seconds"),
      queueTime: trt("request_queue_time_seconds"),
      running: trt("num_requests_running"),
      waiting: trt("num_requests_waiting"),
      kvUsage: trt("kv_cache_utilization"),
      promptTokens: trt("prompt_tokens_total"),
      generationTokens: trt("generation_tokens_total"),
      prefixCacheQueries: [],
      prefixCacheHits: [],
      prefixCacheHitRate: trt("kv_cache_hit_rate"),
    },
  },
  "dynamo-frontend": {
    kind: "dynamo-frontend",
    title: "Dynamo frontend",
    prefixes: ["dynamo_frontend_"],
    defaultPort: 8000,
    path: "/metrics",
    metrics: {
      ttft: ["dynamo_frontend_time_to_first_token_seconds"],
      itl: ["dynamo_frontend_inter_token_latency_seconds"],
      tpot: [],
      e2e: ["dynamo_frontend_request_duration_seconds"],
      queueTime: [],
      running: ["dynamo_frontend_inflight_requests"],
      waiting: ["dynamo_frontend_queued_requests"],
      kvUsage: [],
      promptTokens: ["dynamo_frontend_input_sequence_tokens_sum"],
      generationTokens: [
        "dynamo_frontend_output_tokens_total",
        "dynamo_frontend_output_sequence_tokens_sum",
      ],
      prefixCacheQueries: [],
      prefixCacheHits: [],
      prefixCacheHitRate: [],
    },
  },
};

/**
 * Detects the engine of a scrape from its metric names: the engine with the
 * most samples under its prefixes wins; undefined when none matches.
 *
 * @example
 * ```ts
 * import { parsePrometheusText } from "./prom_parser.ts";
 * import { detectEngineFromScrape } from "./engines.ts";
 * detectEngineFromScrape(parsePrometheusText("sglang:num_queue_reqs 1\n")); // "sglang"
 * ```
 */
export function detectEngineFromScrape(
  scrape: ParsedScrape,
  metricPrefix?: string,
): EngineKind | undefined {
  const counts = new Map<EngineKind, number>();
  const specs = Object.values(ENGINES).map((s) => engineSpec(s.kind, metricPrefix));
  let unprefixedTrt = 0;
  for (const [name, samples] of scrape.bySample) {
    let matched = false;
    for (const spec of specs) {
      if (spec.prefixes.some((p) => name.startsWith(p))) {
        counts.set(spec.kind, (counts.get(spec.kind) ?? 0) + samples.length);
        matched = true;
      }
    }
    if (!matched && TRTLLM_UNPREFIXED.has(name)) unprefixedTrt += samples.length;
  }
  let best: EngineKind | undefined;
  let bestN = 0;
  for (const [k, n] of counts) {
    if (n > bestN) {
      best = k;
      bestN = n;
    }
  }
  // trtllm-serve's older unprefixed names, when no engine prefix is present.
  if (!best && unprefixedTrt > 0) return "trtllm";
  return best;
}

/** Minimal pod shape used for detection. */
export interface PodLike {
  metadata: { name: string; labels?: Record<string, string>; annotations?: Record<string, string> };
  spec?: {
    containers?: {
      name: string;
      image?: string;
      command?: string[];
      args?: string[];
      env?: { name: string; value?: string }[];
      ports?: { name?: string; containerPort: number; protocol?: string }[];
    }[];
  };
}

/** Where to scrape a pod, and how sure we are of the engine. */
export interface PodEndpoint {
  /** Engine guessed from the pod spec (undefined: decide from the scrape). */
  engine?: EngineKind;
  /** Port to scrape. */
  port: number;
  /** HTTP path. */
  path: string;
  /** How the port was found: annotation, named port, engine port, config. */
  portSource: "annotation" | "named-port" | "engine-port" | "config";
  /** Dynamo frontend metric prefix set by `DYN_METRICS_PREFIX` or `--metrics-prefix`. */
  metricPrefix?: string;
}

/** The Dynamo frontend metric prefix a pod's containers set, if any. */
function dynamoPrefix(pod: PodLike): string | undefined {
  for (const c of pod.spec?.containers ?? []) {
    const argv = [...(c.command ?? []), ...(c.args ?? [])];
    for (let i = 0; i < argv.length; i++) {
      const a = argv[i];
      if (a === "--metrics-prefix" && argv[i + 1]) return argv[i + 1];
      if (a.startsWith("--metrics-prefix=")) return a.slice("--metrics-prefix=".length);
    }
    const env = (c.env ?? []).find((e) => e.name === "DYN_METRICS_PREFIX" && e.value);
    if (env?.value) return env.value;
  }
  return undefined;
}

/**
 * Guesses a pod's engine and metrics endpoint from its spec: the
 * `prometheus.io/port` / `prometheus.io/path` annotations, a container port
 * named `metrics`, `http` or `http-metrics`, the engine's default port among
 * the container ports, then `fallbackPort` (config `metrics.port`). Returns
 * undefined when no port can be found.
 *
 * @example
 * ```ts
 * import { podEndpoint } from "./engines.ts";
 * podEndpoint({ metadata: { name: "p" }, spec: { containers: [{ name: "c", image: "lmsysorg/sglang:v0.5", ports: [{ containerPort: 30000 }] }] } });
 * // { engine: "sglang", port: 30000, path: "/metrics", portSource: "engine-port" }
 * ```
 */
export function podEndpoint(pod: PodLike, fallbackPort?: number): PodEndpoint | undefined {
  const ep = findEndpoint(pod, fallbackPort);
  if (!ep) return undefined;
  const prefix = dynamoPrefix(pod);
  return prefix ? { ...ep, metricPrefix: prefix } : ep;
}

function findEndpoint(pod: PodLike, fallbackPort?: number): PodEndpoint | undefined {
  const containers = pod.spec?.containers ?? [];
  const text = containers.map((c) =>
    [c.image ?? "", ...(c.command ?? []), ...(c.args ?? [])].join(" ").toLowerCase()
  ).join(" ");
  let engine: EngineKind | undefined;
  if (/dynamo[._-]frontend|dynamo\.frontend/.test(text)) engine = "dynamo-frontend";
  else if (/sglang/.test(text)) engine = "sglang";
  else if (/trtllm|tensorrt/.test(text)) engine = "trtllm";
  else if (/vllm/.test(text)) engine = "vllm";
  const ports = containers.flatMap((c) => c.ports ?? []).filter((p) =>
    !p.protocol || p.protocol === "TCP"
  );
  if (!engine) {
    if (ports.some((p) => p.containerPort === 30000)) engine = "sglang";
  }
  const ann = pod.metadata.annotations ?? {};
  const path = ann["prometheus.io/path"] ?? (engine ? ENGINES[engine].path : "/metrics");
  const annPort = Number(ann["prometheus.io/port"]);
  if (Number.isInteger(annPort) && annPort > 0) {
    return { engine, port: annPort, path, portSource: "annotation" };
  }
  const named = ports.find((p) => p.name === "metrics" || p.name === "http-metrics") ??
    ports.find((p) => p.name === "http");
  if (named) return { engine, port: named.containerPort, path, portSource: "named-port" };
  const known = engine
    ? ports.find((p) => p.containerPort === ENGINES[engine!].defaultPort)
    : ports.find((p) => p.containerPort === 8000 || p.containerPort === 30000);
  if (known) {
    return {
      engine: engine ?? (known.containerPort === 30000 ? "sglang" : undefined),
      port: known.containerPort,
      path,
      portSource: "engine-port",
    };
  }
  if (ports.length === 1) {
    return { engine, port: ports[0].containerPort, path, portSource: "named-port" };
  }
  if (fallbackPort) return { engine, port: fallbackPort, path, portSource: "config" };
  return undefined;
}

/**
 * The first candidate name with samples in the scrape.
 *
 * @example
 * ```ts
 * import { parsePrometheusText } from "./prom_parser.ts";
 * import { firstPresent } from "./engines.ts";
 * firstPresent(parsePrometheusText("b 1\n"), ["a", "b"]); // "b"
 * ```
 */
export function firstPresent(scrape: ParsedScrape, names: readonly string[]): string | undefined {
  return names.find((n) => scrape.bySample.has(n) || scrape.bySample.has(`${n}_bucket`));
}

/**
 * Sum of all series of a sample name (e.g. requests running across engines).
 * NaN when absent.
 *
 * @example
 * ```ts
 * import { parsePrometheusText } from "./prom_parser.ts";
 * import { sumSamples } from "./engines.ts";
 * sumSamples(parsePrometheusText('r{e="0"} 2\nr{e="1"} 3\n'), ["r"]); // 5
 * ```
 */
export function sumSamples(scrape: ParsedScrape, names: readonly string[]): number {
  const n = names.find((x) => scrape.bySample.has(x));
  if (!n) return NaN;
  return scrape.bySample.get(n)!.reduce((a, s) => a + s.value, 0);
}

/**
 * Maximum over all series of a sample name (e.g. KV-cache usage). NaN when absent.
 *
 * @example
 * ```ts
 * import { parsePrometheusText } from "./prom_parser.ts";
 * import { maxSamples } from "./engines.ts";
 * maxSamples(parsePrometheusText('k{e="0"} 0.2\nk{e="1"} 0.9\n'), ["k"]); // 0.9
 * ```
 */
export function maxSamples(scrape: ParsedScrape, names: readonly string[]): number {
  const n = names.find((x) => scrape.bySample.has(x));
  if (!n) return NaN;
  return scrape.bySample.get(n)!.reduce((a, s) => Math.max(a, s.value), -Infinity);
}
