/**
 * `compare` as a library: a PodCliqueSet's stored plan against live engine
 * metrics ({@link compare}).
 *
 * @module
 */

import type { Kube } from "../../lib/kube/types.ts";
import { collectMetrics } from "../metrics/collect.ts";
import type { MetricsOptions } from "../metrics/run.ts";
import { buildCompareReport, type CompareReport } from "./report.ts";

/**
 * Compares a PodCliqueSet's stored plan with live engine metrics.
 *
 * @example
 * ```ts ignore
 * import { connect } from "../../lib/kube/connect.ts";
 * import { compare } from "./run.ts";
 * const r = await compare(await connect({}), { pcs: "demo", namespace: "default", windowMs: 30_000 });
 * console.log(r.status, r.recommendations.map((x) => x.command));
 * ```
 */
export async function compare(kube: Kube, opts: MetricsOptions): Promise<CompareReport> {
  const c = await collectMetrics(kube, { ...opts, placement: true });
  return buildCompareReport(c, {
    now: opts.now ?? new Date(),
    slaTtftMs: opts.slaTtftMs,
    slaTpotMs: opts.slaTpotMs,
  });
}
