/**
 * `status` as a library: the typed report of one PodCliqueSet or of all of
 * them, the pure report builder and renderer, and the watch generator.
 *
 * @module
 */

import type { Kube } from "../../lib/kube/types.ts";
import { collectStatus } from "./collect.ts";
import { buildStatusReport, type StatusReport } from "./report.ts";

export type { GroveObjects } from "../../lib/grove/snapshot.ts";
export {
  type CollectedStatus,
  collectStatus,
  type StatusKind,
  type StatusListSpec,
  statusListSpecs,
  type StatusQuery,
  statusScope,
} from "./collect.ts";
export {
  type BuildStatusOptions,
  buildStatusReport,
  type CliqueStatusInfo,
  type ConditionInfo,
  type GangStatusInfo,
  type LastErrorInfo,
  type PcsState,
  type PcsStatusInfo,
  type ScalingGroupStatusInfo,
  selectStatusObjects,
  type StatusObjects,
  type StatusReport,
  type StatusScope,
  type StatusSummary,
  type TerminationInfo,
  type UpdateInfo,
} from "./report.ts";
export { renderStatus, type StatusRenderOptions } from "./render.ts";
export { watchStatus, type WatchStatusOptions } from "./watch.ts";
export { closeNames } from "../../lib/grove/suggest.ts";

/** Options of {@link status}. */
export interface StatusOptions {
  /** The PodCliqueSet; omit it (or set `all`) for every PodCliqueSet. */
  name?: string;
  /** Namespace (default: the client's). */
  namespace?: string;
  /** Every PodCliqueSet of the namespace. */
  all?: boolean;
  /** Every namespace. */
  allNamespaces?: boolean;
  /** The present for ages and countdowns (default: now). */
  now?: Date | number;
}

/**
 * The status of a PodCliqueSet (or of every one): set replicas, update
 * progress, every clique's ready pods against minAvailable, PodGang phases
 * and placement scores. Five concurrent lists, whatever the cluster size.
 * Throws a `GroveError` for an unknown PodCliqueSet (with close names), a
 * cluster without Grove, or a refused list.
 *
 * @example
 * ```ts ignore
 * import { connect, status } from "./mod.ts";
 * const kube = await connect({ context: "prod" });
 * const report = await status(kube, { name: "qwen-disagg", namespace: "inference" });
 * for (const c of report.podCliqueSets[0].cliques) {
 *   if (c.belowMinAvailable) console.log(`${c.name}: ${c.ready}/${c.desired} (min ${c.minAvailable})`);
 * }
 * ```
 */
export async function status(kube: Kube, opts: StatusOptions = {}): Promise<StatusReport> {
  const objects = await collectStatus(kube, opts);
  return buildStatusReport(objects, { now: opts.now ?? Date.now() });
}
