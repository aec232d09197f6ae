/**
 * The inference engines the scenarios run, as containers: name, image,
 * metrics sample files, and whether the pod serves metrics (leaders and
 * single pods do, followers do not). Each maps to its engine in
 * `lib/metrics/engines.ts`, which owns the metrics port and metric names.
 *
 * @module
 */

import { type EngineKind, ENGINES } from "../../metrics/engines.ts";

/** Inference engines a clique may run. */
export type Engine = "vllm" | "vllm-follower" | "sglang" | "sglang-follower" | "dynamo-frontend";

/** Container name, image and metrics samples of an engine. */
export interface EngineInfo {
  /** The engine in `lib/metrics/engines.ts`. */
  kind: EngineKind;
  /** True when the pod serves the engine's metrics (false for followers). */
  serves: boolean;
  /** Container name. */
  container: string;
  /** Default image. */
  image: string;
  /** Metrics sample files (fixtures/metrics-samples), in scrape order. */
  metrics?: string[];
}

/** Images and metrics samples per engine. */
export const SCENARIO_ENGINES: Record<Engine, EngineInfo> = {
  "vllm": {
    kind: "vllm",
    serves: true,
    container: "vllm",
    image: "nvcr.io/nvidia/ai-dynamo/vllm-runtime:0.6.1",
    metrics: ["vllm-0.11_v1_metrics_scrape1.txt", "vllm-0.11_v1_metrics_scrape2.txt"],
  },
  "vllm-follower": {
    kind: "vllm",
    serves: false,
    container: "vllm",
    image: "nvcr.io/nvidia/ai-dynamo/vllm-runtime:0.6.1",
  },
  "sglang": {
    kind: "sglang",
    serves: true,
    container: "sglang",
    image: "nvcr.io/nvidia/ai-dynamo/sglang-runtime:0.6.1",
    metrics: ["sglang-0.5_metrics.txt"],
  },
  "sglang-follower": {
    kind: "sglang",
    serves: false,
    container: "sglang",
    image: "nvcr.io/nvidia/ai-dynamo/sglang-runtime:0.6.1",
  },
  "dynamo-frontend": {
    kind: "dynamo-frontend",
    serves: true,
    container: "frontend",
    image: "nvcr.io/nvidia/ai-dynamo/dynamo-frontend:0.6.1",
    metrics: ["dynamo-frontend_metrics.txt"],
  },
};

/**
 * The HTTP port an engine's pod serves (health and metrics), the engine's
 * default from `lib/metrics/engines.ts`; undefined for followers.
 */
export function enginePort(e: Engine): number | undefined {
  const info = SCENARIO_ENGINES[e];
  return info.serves ? ENGINES[info.kind].defaultPort : undefined;
}
