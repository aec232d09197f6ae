/**
 * `health` as a library: per PodGang its cliques against minAvailable,
 * issues (pending pods and why, crash loops, scheduling failures) and the
 * countdown to gang termination.
 *
 * @module
 */

import type { Kube } from "../../lib/kube/types.ts";
import { collectHealth } from "./collect.ts";
import { buildHealthReport, type HealthReport } from "./report.ts";

export type { GroveObjects } from "../../lib/grove/snapshot.ts";
export { collectHealth, type CollectHealthOptions, type HealthObjects } from "./collect.ts";
export { healthObjectsFrom } from "./from_objects.ts";
export {
  buildHealthReport,
  type CliqueHealth,
  type CliqueVerdict,
  type CountdownView,
  type GangHealth,
  type GangStatus,
  type HealthIssue,
  type HealthReport,
  type HealthReportOptions,
} from "./report.ts";
export { countdownLine, renderHealth } from "./render.ts";
export { watchHealth, type WatchHealthOptions } from "./watch.ts";

/** Options of {@link health}. */
export interface HealthOptions {
  /** Namespace (default: the client's); `null` for all namespaces. */
  namespace?: string | null;
  /** One PodCliqueSet; omitted checks every one in scope. */
  pcs?: string;
  /** The present (default now). */
  now?: Date | number;
}

/**
 * Collects and builds a health report. `report.healthy` is false when any
 * gang is Degraded or UNHEALTHY (the CLI then exits with code 3).
 *
 * @example
 * ```ts ignore
 * import { health } from "./mod.ts";
 * const r = await health(kube, { pcs: "qwen" });
 * if (!r.healthy) console.log(r.summary.atRisk, r.summary.nextTermination);
 * ```
 */
export async function health(kube: Kube, opts: HealthOptions = {}): Promise<HealthReport> {
  const namespace = opts.namespace === null ? undefined : opts.namespace ?? kube.namespace;
  const objects = await collectHealth(kube, { namespace, pcs: opts.pcs });
  return buildHealthReport(objects, { now: opts.now ?? Date.now(), pcs: opts.pcs });
}
