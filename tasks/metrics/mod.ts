/**
 * `metrics` as a library: scrape the engines of a PodCliqueSet (through the
 * API server's pod proxy, or pod IPs), build the typed report (throughput,
 * TTFT/TPOT quantiles, KV cache, SLA marks), render it, or keep scraping.
 *
 * @module
 */

export {
  collectMetrics,
  type CollectMetricsOptions,
  type MetricsCollected,
  type ScrapeOutcome,
  watchMetrics,
} from "./collect.ts";
export {
  buildMetricsReport,
  type LatencyMs,
  type MetricsReport,
  type MetricsReportOptions,
  type MetricsSummary,
  type PodMetrics,
  type RoleMetrics,
  type SlaMark,
  type ThroughputBasis,
  throughputBasis,
} from "./report.ts";
export { type MetricsRenderOptions, renderMetrics } from "./render.ts";
export { metrics, type MetricsOptions } from "./run.ts";
export type { StoredPlan } from "./plan.ts";
export type { RoleClass } from "./targets.ts";
