/**
 * `topology` as a library: where a workload's pods landed against the
 * cluster topology, placement warnings with recommendations, and (with
 * `cluster: true`) free GPUs and fragmentation by domain.
 *
 * @module
 */

import type { Kube } from "../../lib/kube/types.ts";
import { collectTopology } from "./collect.ts";
import { buildTopologyReport, type TopologyReport } from "./report.ts";

export type { GroveObjects } from "../../lib/grove/snapshot.ts";
export { collectTopology, type CollectTopologyOptions, type TopologyObjects } from "./collect.ts";
export { topologyObjectsFrom } from "./from_objects.ts";
export {
  buildTopologyReport,
  type ClusterCapacity,
  type DomainView,
  FIT_SHAPES,
  type GangPlacement,
  type GangSpan,
  LOW_SCORE_DEFAULT,
  narrowestPackKey,
  type NodeView,
  type PcsPlacement,
  type PlacementLabel,
  type PlacementWarning,
  type PodPlacement,
  type ResolvedPack,
  resolvePack,
  type TopologyReport,
  type TopologyReportOptions,
} from "./report.ts";
export { gpuBar, renderTopology } from "./render.ts";
export { watchTopology, type WatchTopologyOptions } from "./watch.ts";

/** Options of {@link topology}. */
export interface TopologyOptions {
  /** Namespace of the workloads (default: the client's); `null` for all namespaces. */
  namespace?: string | null;
  /** One PodCliqueSet; omitted shows every one in the namespace. */
  pcs?: string;
  /** Whole-cluster capacity: free GPUs per domain, pods that fit, fragmentation. */
  cluster?: boolean;
  /** Placement scores below this are flagged (default 0.7). */
  lowScore?: number;
  /** The present (default now). */
  now?: Date | number;
}

/**
 * Collects and builds a topology report (one list per kind, concurrently).
 *
 * @example
 * ```ts ignore
 * import { topology } from "./mod.ts";
 * const r = await topology(kube, { pcs: "qwen" });
 * for (const w of r.warnings) console.log(w.message, "->", w.recommendation);
 * const c = await topology(kube, { cluster: true });
 * console.log(c.cluster?.fragmentation.strandedGpus);
 * ```
 */
export async function topology(kube: Kube, opts: TopologyOptions = {}): Promise<TopologyReport> {
  const namespace = opts.namespace === null ? undefined : opts.namespace ?? kube.namespace;
  const objects = await collectTopology(kube, {
    namespace,
    pcs: opts.pcs,
    cluster: opts.cluster,
  });
  return buildTopologyReport(objects, {
    now: opts.now ?? Date.now(),
    pcs: opts.pcs,
    cluster: opts.cluster,
    lowScore: opts.lowScore,
  });
}
