/**
 * Engine snapshots: the few normalised values we keep from one scrape (so
 * memory is bounded by the number of pods, not by scrape size or history),
 * and window statistics from two snapshots.
 *
 * @module
 */

import { type EngineKind, engineSpec, firstPresent, maxSamples, sumSamples } from "./engines.ts";
import {
  counterDelta,
  deltaHistogram,
  type Histogram,
  histogramMean,
  histogramQuantile,
  histogramsOf,
  mergeHistograms,
} from "./histogram.ts";
import type { ParsedScrape } from "./prom_parser.ts";
import { workloadOf, type WorkloadSnapshot } from "./workload.ts";

/** The latency histograms we report. */
export type LatencyKey = "ttft" | "itl" | "tpot" | "e2e" | "queueTime";

/** Latency keys in report order. */
export const LATENCY_KEYS: readonly LatencyKey[] = ["ttft", "itl", "tpot", "e2e", "queueTime"];

/** The normalised content of one scrape. */
export interface EngineSnapshot {
  /** Engine. */
  engine: EngineKind;
  /** Scrape time, epoch ms. */
  atMs: number;
  /** Latency histograms (summed over the pod's series); absent when not exported. */
  histograms: Partial<Record<LatencyKey, Histogram>>;
  /** Metric families found without any `_bucket` series. */
  histogramsWithoutBuckets: string[];
  /** Requests running (sum over series). */
  running: number;
  /** Requests waiting (sum over series). */
  waiting: number;
  /** KV-cache usage 0..1 (max over series). */
  kvUsage: number;
  /** Prompt tokens counter. */
  promptTokens: number;
  /** Generation tokens counter. */
  generationTokens: number;
  /** Prefix-cache queries counter (NaN or absent when not exported). */
  prefixQueries?: number;
  /** Prefix-cache hits counter (NaN or absent when not exported). */
  prefixHits?: number;
  /** Prefix-cache hit rate gauge 0..1 (NaN or absent when not exported). */
  prefixHitRate?: number;
  /** Request lengths and finished requests (what `replan` reads). */
  workload?: WorkloadSnapshot;
}

/**
 * Extracts a snapshot of `engine`'s metrics from a scrape.
 *
 * @example
 * ```ts
 * import { parsePrometheusText } from "./prom_parser.ts";
 * import { snapshotOf } from "./snapshot.ts";
 * snapshotOf(parsePrometheusText("vllm:num_requests_running 3\n"), "vllm", 0).running; // 3
 * ```
 */
export function snapshotOf(
  scrape: ParsedScrape,
  engine: EngineKind,
  atMs: number,
  metricPrefix?: string,
): EngineSnapshot {
  const m = engineSpec(engine, metricPrefix).metrics;
  const histograms: Partial<Record<LatencyKey, Histogram>> = {};
  const without: string[] = [];
  for (const key of LATENCY_KEYS) {
    const name = firstPresent(scrape, m[key]) ??
      m[key].find((n) => scrape.bySample.has(`${n}_count`));
    if (!name) continue;
    const hs = histogramsOf(scrape, name);
    if (hs.length === 0) continue;
    const merged = mergeHistograms(hs);
    if (merged.buckets.length === 0) without.push(name);
    histograms[key] = merged;
  }
  return {
    engine,
    atMs,
    histograms,
    histogramsWithoutBuckets: without,
    running: sumSamples(scrape, m.running),
    waiting: sumSamples(scrape, m.waiting),
    kvUsage: maxSamples(scrape, m.kvUsage),
    promptTokens: sumSamples(scrape, m.promptTokens),
    generationTokens: sumSamples(scrape, m.generationTokens),
    prefixQueries: sumSamples(scrape, m.prefixCacheQueries),
    prefixHits: sumSamples(scrape, m.prefixCacheHits),
    prefixHitRate: maxSamples(scrape, m.prefixCacheHitRate),
    workload: workloadOf(scrape, engine),
  };
}

/** Latency statistics over a window. */
export interface LatencyStats {
  /** Observations in the window. */
  count: number;
  /** Mean seconds (from `_sum`/`_count`). */
  mean: number | null;
  /** Median seconds. */
  p50: number | null;
  /** 90th percentile seconds. */
  p90: number | null;
  /** 99th percentile seconds. */
  p99: number | null;
}

/** Statistics of one pod over a window. */
export interface WindowStats {
  /** Window length in seconds (0 for a single scrape: lifetime values). */
  seconds: number;
  /** A counter reset (restart) happened within the window. */
  reset: boolean;
  /** Latencies. */
  latency: Partial<Record<LatencyKey, LatencyStats>>;
  /** Increase of latency histograms (for summing over pods). */
  deltas: Partial<Record<LatencyKey, Histogram>>;
  /** Prompt tokens per second (null without a window or counter). */
  promptTokensPerSec: number | null;
  /** Generation tokens per second. */
  generationTokensPerSec: number | null;
  /** Running requests at the second scrape. */
  running: number | null;
  /** Waiting requests at the second scrape. */
  waiting: number | null;
  /** KV-cache usage 0..1 at the second scrape. */
  kvUsage: number | null;
  /**
   * Prefix-cache hit rate 0..1: hits over queries in the window (lifetime
   * without a window), else the engine's own hit-rate gauge.
   */
  prefixCacheHitRate?: number | null;
}

/** NaN and infinities become null (JSON-safe). */
export function finiteOrNull(x: number): number | null {
  return Number.isFinite(x) ? x : null;
}

/**
 * Latency statistics of a histogram (a delta or a lifetime histogram).
 *
 * @example
 * ```ts
 * import { latencyStats } from "./snapshot.ts";
 * latencyStats({ labels: {}, buckets: [{ le: 1, count: 2 }, { le: Infinity, count: 2 }], count: 2, sum: 1 }).mean; // 0.5
 * ```
 */
export function latencyStats(h: Histogram): LatencyStats {
  return {
    count: Number.isFinite(h.count) ? h.count : 0,
    mean: finiteOrNull(histogramMean(h)),
    p50: finiteOrNull(histogramQuantile(0.5, h)),
    p90: finiteOrNull(histogramQuantile(0.9, h)),
    p99: finiteOrNull(histogramQuantile(0.99, h)),
  };
}

/**
 * Window statistics from two snapshots of one pod (or lifetime values from
 * one snapshot when `prev` is undefined).
 *
 * @example
 * ```ts
 * import { parsePrometheusText } from "./prom_parser.ts";
 * import { snapshotOf, windowStats } from "./snapshot.ts";
 * const a = snapshotOf(parsePrometheusText("vllm:generation_tokens_total 10\n"), "vllm", 0);
 * const b = snapshotOf(parsePrometheusText("vllm:generation_tokens_total 70\n"), "vllm", 30_000);
 * windowStats(a, b).generationTokensPerSec; // 2
 * ```
 */
export function windowStats(prev: EngineSnapshot | undefined, cur: EngineSnapshot): WindowStats {
  const seconds = prev ? (cur.atMs - prev.atMs) / 1000 : 0;
  let reset = false;
  const latency: Partial<Record<LatencyKey, LatencyStats>> = {};
  const deltas: Partial<Record<LatencyKey, Histogram>> = {};
  for (const key of LATENCY_KEYS) {
    const c = cur.histograms[key];
    if (!c) continue;
    const p = prev?.histograms[key];
    let h = c;
    if (p) {
      const d = deltaHistogram(p, c);
      if (d.reset) reset = true;
      h = d.histogram;
    }
    deltas[key] = h;
    latency[key] = latencyStats(h);
  }
  const rate = (a: number | undefined, b: number): number | null => {
    if (a === undefined || !(seconds > 0)) return null;
    if (b < a) reset = true;
    return finiteOrNull(counterDelta(a, b) / seconds);
  };
  return {
    seconds,
    reset,
    latency,
    deltas,
    promptTokensPerSec: rate(prev?.promptTokens, cur.promptTokens),
    generationTokensPerSec: rate(prev?.generationTokens, cur.generationTokens),
    running: finiteOrNull(cur.running),
    waiting: finiteOrNull(cur.waiting),
    kvUsage: finiteOrNull(cur.kvUsage),
    prefixCacheHitRate: prefixRate(prev, cur),
  };
}

function prefixRate(prev: EngineSnapshot | undefined, cur: EngineSnapshot): number | null {
  const q = cur.prefixQueries ?? NaN;
  const h = cur.prefixHits ?? NaN;
  if (Number.isFinite(q) && Number.isFinite(h)) {
    const pq = prev?.prefixQueries;
    const ph = prev?.prefixHits;
    const windowed = pq !== undefined && ph !== undefined && Number.isFinite(pq) &&
      Number.isFinite(ph) && q >= pq && h >= ph;
    const dq = windowed ? q - pq! : q;
    const dh = windowed ? h - ph! : h;
    if (dq > 0) return Math.min(1, dh / dq);
  }
  return finiteOrNull(cur.prefixHitRate ?? NaN);
}
