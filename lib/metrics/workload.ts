/**
 * The workload an engine serves, from its `/metrics`: request lengths
 * (prompt and generation token histograms), finished requests and token
 * counters. `replan` turns these into the ISL/OSL it asks AIConfigurator
 * about.
 *
 * Names, from the engines' sources: vLLM V1 `vllm:request_prompt_tokens` and
 * `vllm:request_generation_tokens` (histograms), `vllm:request_success_total`;
 * SGLang `sglang:prompt_tokens_histogram` and
 * `sglang:generation_tokens_histogram` (only with `--collect-tokens-histogram`),
 * `sglang:num_requests_total`; Dynamo frontend
 * `dynamo_frontend_input_sequence_tokens` and
 * `dynamo_frontend_output_sequence_tokens` (histograms),
 * `dynamo_frontend_requests_total`; TensorRT-LLM exports no length
 * histograms, only token and request counters. Without histograms the mean
 * length is the token counter over the request counter.
 *
 * @module
 */

import { type EngineKind, ENGINES, firstPresent, sumSamples } from "./engines.ts";
import { type Histogram, histogramsOf, mergeHistograms } from "./histogram.ts";
import type { ParsedScrape } from "./prom_parser.ts";

/** Metric names of the workload, per engine (candidates, first found wins). */
export interface WorkloadMetricNames {
  /** Prompt length histogram (family name). */
  promptLength: string[];
  /** Generation length histogram (family name). */
  generationLength: string[];
  /** Finished requests counter (sample name). */
  requests: string[];
}

/** Workload metric names of each engine. */
export const WORKLOAD_METRICS: Readonly<Record<EngineKind, WorkloadMetricNames>> = {
  "vllm": {
    promptLength: ["vllm:request_prompt_tokens"],
    generationLength: ["vllm:request_generation_tokens"],
    requests: ["vllm:request_success_total"],
  },
  "sglang": {
    promptLength: ["sglang:prompt_tokens_histogram"],
    generationLength: ["sglang:generation_tokens_histogram"],
    requests: ["sglang:num_requests_total"],
  },
  "trtllm": {
    promptLength: [],
    generationLength: [],
    requests: ["trtllm_request_success_total", "trtllm:request_success_total"],
  },
  "dynamo-frontend": {
    promptLength: ["dynamo_frontend_input_sequence_tokens"],
    generationLength: ["dynamo_frontend_output_sequence_tokens"],
    requests: ["dynamo_frontend_requests_total"],
  },
};

/** The workload part of one scrape. */
export interface WorkloadSnapshot {
  /** Prompt lengths (summed over the pod's series); absent when not exported. */
  promptLength?: Histogram;
  /** Generation lengths; absent when not exported. */
  generationLength?: Histogram;
  /** Finished requests (all outcomes); NaN when not exported. */
  requests: number;
  /** Prompt tokens counter (NaN when absent). */
  promptTokens: number;
  /** Generation tokens counter (NaN when absent). */
  generationTokens: number;
}

function histogram(scrape: ParsedScrape, names: readonly string[]): Histogram | undefined {
  const name = firstPresent(scrape, names) ??
    names.find((n) => scrape.bySample.has(`${n}_count`));
  if (!name) return undefined;
  const hs = histogramsOf(scrape, name);
  return hs.length ? mergeHistograms(hs) : undefined;
}

/**
 * The workload of one scrape of `engine`.
 *
 * @example
 * ```ts
 * import { parsePrometheusText } from "./prom_parser.ts";
 * import { workloadOf } from "./workload.ts";
 * const text = 'vllm:request_prompt_tokens_bucket{le="+Inf"} 3\nvllm:request_prompt_tokens_count 3\nvllm:request_prompt_tokens_sum 300\n';
 * workloadOf(parsePrometheusText(text), "vllm").promptLength?.count; // 3
 * ```
 */
export function workloadOf(scrape: ParsedScrape, engine: EngineKind): WorkloadSnapshot {
  const w = WORKLOAD_METRICS[engine];
  const m = ENGINES[engine].metrics;
  const out: WorkloadSnapshot = {
    requests: sumSamples(scrape, w.requests),
    promptTokens: sumSamples(scrape, m.promptTokens),
    generationTokens: sumSamples(scrape, m.generationTokens),
  };
  const p = histogram(scrape, w.promptLength);
  const g = histogram(scrape, w.generationLength);
  if (p) out.promptLength = p;
  if (g) out.generationLength = g;
  return out;
}
