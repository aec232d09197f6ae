/**
 * `metrics` as a library: scrape a PodCliqueSet's engines and return the
 * typed report ({@link metrics}).
 *
 * @module
 */

import type { Kube } from "../../lib/kube/types.ts";
import { collectMetrics, type CollectMetricsOptions } from "./collect.ts";
import { buildMetricsReport, type MetricsReport } from "./report.ts";

/** Library entry: options of {@link metrics}. */
export interface MetricsOptions extends Omit<CollectMetricsOptions, "placement"> {
  /** SLA on TTFT p99, ms. */
  slaTtftMs?: number;
  /** SLA on TPOT p99, ms. */
  slaTpotMs?: number;
  /** Report time (default: now). */
  now?: Date;
}

/**
 * Scrapes a PodCliqueSet's engines and returns the typed report.
 *
 * @example
 * ```ts ignore
 * import { connect } from "../../lib/kube/connect.ts";
 * import { metrics } from "./run.ts";
 * const r = await metrics(await connect({}), { pcs: "demo", namespace: "default", windowMs: 30_000 });
 * console.log(r.total.outputTokensPerSec);
 * ```
 */
export async function metrics(kube: Kube, opts: MetricsOptions): Promise<MetricsReport> {
  const c = await collectMetrics(kube, opts);
  return buildMetricsReport(c, {
    now: opts.now ?? new Date(),
    slaTtftMs: opts.slaTtftMs,
    slaTpotMs: opts.slaTpotMs,
  });
}
