/**
 * Synthesized engine metrics for simulated pods that have no recorded
 * scrapes (the generated `large` scenario): deterministic per pod, counters
 * and histogram buckets growing with time, in each engine's real metric
 * names and text format. Plugged into the simulator as its `proxyHandler`.
 *
 * @module
 */

import type { KubeObject } from "../kube/types.ts";
import { type EngineKind, podEndpoint, type PodLike } from "../metrics/engines.ts";
import type { ProxyHandler } from "./context.ts";

const MODEL = "Qwen/Qwen3-32B-FP8";

/** Latency bucket bounds (vLLM's TTFT buckets; also used for E2E and queue time). */
const TTFT_BUCKETS = [
  0.001,
  0.005,
  0.01,
  0.02,
  0.04,
  0.06,
  0.08,
  0.1,
  0.25,
  0.5,
  0.75,
  1,
  2.5,
  5,
  7.5,
  10,
  20,
  40,
  80,
  160,
  640,
  2560,
];
const ITL_BUCKETS = [
  0.01,
  0.025,
  0.05,
  0.075,
  0.1,
  0.15,
  0.2,
  0.3,
  0.4,
  0.5,
  0.75,
  1,
  2.5,
  5,
  7.5,
  10,
  20,
  40,
  80,
];

/** Deterministic 32-bit hash of a string (FNV-1a). */
function hash(s: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) {
    h ^= s.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

/** A value in [lo, hi) chosen by the pod name and a salt. */
function pick(name: string, salt: string, lo: number, hi: number): number {
  return lo + (hash(`${name}/${salt}`) / 2 ** 32) * (hi - lo);
}

/** Standard normal CDF (Abramowitz-Stegun 7.1.26 on erf). */
function normCdf(x: number): number {
  const z = Math.abs(x) / Math.SQRT2;
  const t = 1 / (1 + 0.3275911 * z);
  const erf = 1 -
    (((((1.061405429 * t - 1.453152027) * t) + 1.421413741) * t - 0.284496736) * t +
        0.254829592) * t * Math.exp(-z * z);
  return x >= 0 ? (1 + erf) / 2 : (1 - erf) / 2;
}

function lognormCdf(x: number, median: number, sigma: number): number {
  return x <= 0 ? 0 : normCdf(Math.log(x / median) / sigma);
}

interface Hist {
  name: string;
  help: string;
  bounds: number[];
  median: number;
  sigma: number;
  count: number;
}

/** The per-pod parameters, deterministic from the pod name. */
export interface SynthProfile {
  /** Requests per second. */
  reqPerSec: number;
  /** Prompt tokens per request. */
  inputTokens: number;
  /** Output tokens per request. */
  outputTokens: number;
  /** Median TTFT, s. */
  ttft: number;
  /** Median ITL, s. */
  itl: number;
  /** KV-cache usage 0..1. */
  kv: number;
  /** Running requests. */
  running: number;
  /** Waiting requests. */
  waiting: number;
}

/**
 * The synthetic profile of a pod.
 *
 * @example
 * ```ts
 * import { synthProfile } from "./metrics_synth.ts";
 * synthProfile("demo-0-decode-0-dleader-abcde").reqPerSec > 0; // true
 * ```
 */
export function synthProfile(pod: string): SynthProfile {
  return {
    reqPerSec: Math.round(pick(pod, "rps", 2, 6) * 100) / 100,
    inputTokens: Math.round(pick(pod, "isl", 3000, 5000)),
    outputTokens: Math.round(pick(pod, "osl", 800, 1200)),
    ttft: pick(pod, "ttft", 0.25, 0.45),
    itl: pick(pod, "itl", 0.025, 0.04),
    kv: Math.round(pick(pod, "kv", 0.4, 0.95) * 10000) / 10000,
    running: Math.round(pick(pod, "run", 20, 128)),
    waiting: Math.round(pick(pod, "wait", 0, 8)),
  };
}

function fmt(x: number): string {
  return Number.isInteger(x) ? `${x}.0` : String(x);
}

function histLines(
  h: Hist,
  labels: string,
  leLast: boolean,
  out: string[],
): void {
  out.push(`# HELP ${h.name} ${h.help}`, `# TYPE ${h.name} histogram`);
  const sep = labels ? "," : "";
  for (const b of [...h.bounds, Infinity]) {
    const c = b === Infinity ? h.count : Math.floor(h.count * lognormCdf(b, h.median, h.sigma));
    const le = b === Infinity ? "+Inf" : fmt(b);
    out.push(
      leLast
        ? `${h.name}_bucket{${labels}${sep}le="${le}"} ${fmt(c)}`
        : `${h.name}_bucket{le="${le}"${sep}${labels}} ${fmt(c)}`,
    );
  }
  const mean = h.median * Math.exp(h.sigma * h.sigma / 2);
  out.push(`${h.name}_count{${labels}} ${fmt(h.count)}`);
  out.push(`${h.name}_sum{${labels}} ${h.count * mean}`);
}

/**
 * The metrics text of a pod at `elapsedSec` seconds after its start.
 * Counters are monotone in time.
 *
 * @example
 * ```ts
 * import { synthMetricsText } from "./metrics_synth.ts";
 * synthMetricsText("p", "vllm", 60).includes("vllm:generation_tokens_total"); // true
 * ```
 */
export function synthMetricsText(
  pod: string,
  engine: EngineKind,
  elapsedSec: number,
  latencyScale = 1,
): string {
  const base = synthProfile(pod);
  const p = { ...base, ttft: base.ttft * latencyScale, itl: base.itl * latencyScale };
  const t = Math.max(0, elapsedSec);
  const reqs = Math.floor(p.reqPerSec * t);
  const tokensOut = Math.floor(p.reqPerSec * p.outputTokens * t);
  const tokensIn = Math.floor(p.reqPerSec * p.inputTokens * t);
  const out: string[] = [];
  const hists = (prefix: string, itlName: string, e2eName: string, queueName?: string): Hist[] => [
    {
      name: `${prefix}time_to_first_token_seconds`,
      help: "Histogram of time to first token in seconds.",
      bounds: TTFT_BUCKETS,
      median: p.ttft,
      sigma: 0.5,
      count: reqs,
    },
    {
      name: `${prefix}${itlName}`,
      help: "Histogram of inter-token latency in seconds.",
      bounds: ITL_BUCKETS,
      median: p.itl,
      sigma: 0.25,
      count: tokensOut - reqs,
    },
    {
      name: `${prefix}${e2eName}`,
      help: "Histogram of e2e request latency in seconds.",
      bounds: TTFT_BUCKETS,
      median: p.ttft + p.itl * p.outputTokens,
      sigma: 0.2,
      count: reqs,
    },
    ...(queueName
      ? [{
        name: `${prefix}${queueName}`,
        help: "Histogram of time spent in WAITING phase for request.",
        bounds: TTFT_BUCKETS.slice(8),
        median: 0.01,
        sigma: 1,
        count: reqs,
      }]
      : []),
  ];
  const gauge = (name: string, help: string, labels: string, v: number) =>
    out.push(`# HELP ${name} ${help}`, `# TYPE ${name} gauge`, `${name}{${labels}} ${fmt(v)}`);
  const counter = (name: string, help: string, labels: string, v: number) =>
    out.push(`# HELP ${name} ${help}`, `# TYPE ${name} counter`, `${name}{${labels}} ${fmt(v)}`);
  if (engine === "vllm") {
    const l = `engine="0",model_name="${MODEL}"`;
    gauge(
      "vllm:num_requests_running",
      "Number of requests in model execution batches.",
      l,
      p.running,
    );
    gauge("vllm:num_requests_waiting", "Number of requests waiting to be processed.", l, p.waiting);
    gauge("vllm:kv_cache_usage_perc", "KV-cache usage. 1 means 100 percent usage.", l, p.kv);
    counter("vllm:prompt_tokens_total", "Number of prefill tokens processed.", l, tokensIn);
    counter("vllm:generation_tokens_total", "Number of generation tokens processed.", l, tokensOut);
    for (
      const h of hists(
        "vllm:",
        "inter_token_latency_seconds",
        "e2e_request_latency_seconds",
        "request_queue_time_seconds",
      )
    ) {
      histLines(h, l, false, out);
    }
  } else if (engine === "sglang") {
    const g = `engine_type="unified",model_name="${MODEL}",pp_rank="0",tp_rank="0"`;
    const l = `model_name="${MODEL}"`;
    counter("sglang:prompt_tokens_total", "Number of prefill tokens processed.", l, tokensIn);
    counter(
      "sglang:generation_tokens_total",
      "Number of generation tokens processed.",
      l,
      tokensOut,
    );
    gauge("sglang:num_running_reqs", "The number of running requests.", g, p.running);
    gauge("sglang:token_usage", "The token usage.", g, p.kv);
    gauge("sglang:num_queue_reqs", "The number of requests in the waiting queue.", g, p.waiting);
    for (
      const h of hists("sglang:", "inter_token_latency_seconds", "e2e_request_latency_seconds")
    ) {
      histLines(h, l, false, out);
    }
  } else if (engine === "trtllm") {
    const l = `model_name="${MODEL}",engine_type="trtllm"`;
    counter(
      "trtllm_request_success_total",
      "Count of successfully processed requests.",
      `${l},finished_reason="stop"`,
      reqs,
    );
    for (
      const h of hists(
        "trtllm_",
        "time_per_output_token_seconds",
        "e2e_request_latency_seconds",
        "request_queue_time_seconds",
      )
    ) {
      histLines(h, l, false, out);
    }
  } else {
    const l = `model="${MODEL}"`;
    gauge("dynamo_frontend_inflight_requests", "Number of inflight requests", l, p.running * 2);
    gauge(
      "dynamo_frontend_queued_requests",
      "Number of requests in HTTP processing queue",
      l,
      p.waiting,
    );
    counter(
      "dynamo_frontend_output_tokens_total",
      "Total number of output tokens generated (updates in real-time)",
      l,
      tokensOut,
    );
    for (
      const h of hists(
        "dynamo_frontend_",
        "inter_token_latency_seconds",
        "request_duration_seconds",
      )
    ) {
      histLines(h, l, true, out);
    }
  }
  return out.join("\n") + "\n";
}

/** Options of {@link synthMetricsHandler}. */
export interface SynthMetricsOptions {
  /** True for pods with recorded scrapes: the handler leaves them to the simulator. */
  recorded?: (namespace: string, pod: string) => boolean;
  /** Clock, epoch ms (default Date.now). */
  now?: () => number;
  /** Extra latency per answer, ms (benchmarks). */
  latencyMs?: number;
  /**
   * Images (substring or RegExp) of a "slow" engine build: its pods report
   * TTFT and inter-token latency `slowFactor` times higher, so metrics-gated
   * rollouts can be exercised (default: any image containing `slow`).
   */
  slowImages?: (string | RegExp)[];
  /** Latency multiplier of slow images (default 8). */
  slowFactor?: number;
}

/**
 * A simulator `proxyHandler` serving synthesized metrics for running pods
 * with a metrics port and no recorded scrapes. Elapsed time counts from the
 * pod's `status.startTime` (else its creation), so counters grow.
 *
 * @example
 * ```ts ignore
 * import { startSimCluster } from "./server.ts";
 * import { synthMetricsHandler } from "./metrics_synth.ts";
 * let sim: Awaited<ReturnType<typeof startSimCluster>> | undefined;
 * sim = await startSimCluster({
 *   scenario: "large",
 *   proxyHandler: synthMetricsHandler({ recorded: (ns, p) => !!sim?.scenario.metrics.has(`${ns}/${p}`) }),
 * });
 * ```
 */
export function synthMetricsHandler(opts: SynthMetricsOptions = {}): ProxyHandler {
  const now = opts.now ?? Date.now;
  return async (namespace: string, pod: string, port: string, path: string, obj: KubeObject) => {
    if (opts.recorded?.(namespace, pod)) return undefined;
    if (obj.status?.phase !== "Running") return undefined;
    const ep = podEndpoint(obj as PodLike);
    if (!ep || String(ep.port) !== port) return undefined;
    if (path.replace(/\/$/, "") !== ep.path) return undefined;
    if (opts.latencyMs) await new Promise((r) => setTimeout(r, opts.latencyMs));
    const start = Date.parse(obj.status?.startTime ?? obj.metadata.creationTimestamp ?? "");
    const elapsed = Number.isNaN(start) ? 3600 : (now() - start) / 1000;
    const slow = opts.slowImages ?? ["slow"];
    const images = ((obj.spec?.containers ?? []) as { image?: string }[]).map((c) => c.image ?? "");
    const isSlow = images.some((img) =>
      slow.some((s) => (typeof s === "string" ? img.includes(s) : s.test(img)))
    );
    const scale = isSlow ? opts.slowFactor ?? 8 : 1;
    return new Response(synthMetricsText(pod, ep.engine ?? "vllm", elapsed, scale), {
      status: 200,
      headers: { "content-type": "text/plain; version=0.0.4; charset=utf-8" },
    });
  };
}
