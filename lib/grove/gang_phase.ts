/**
 * The phase of a PodGang as users mean it. Grove's operator writes `Pending` when it creates a
 * PodGang and leaves later phases to the scheduler backend; with the default `kube` backend
 * (kube-scheduler) nothing ever writes `Running`. So a gang still `Pending`
 * whose pods all exist, are bound and Ready counts as running, marked as read from its pods.
 *
 * @module
 */

import { isPodReady } from "./relations.ts";
import type { Pod, PodGang } from "./types.ts";

/** A gang's phase and where it comes from. */
export interface GangPhase {
  /** `Running` (written or read from the pods), or the phase written (`Unknown` without one). */
  phase: string;
  /** `status` when the phase is the one written; `pods` when read from the gang's pods. */
  source: "status" | "pods";
}

/**
 * The phase of `gang` given its pods.
 *
 * @example
 * ```ts
 * import { gangPhase } from "./gang_phase.ts";
 * const pod = { metadata: { name: "p" }, spec: { nodeName: "n", containers: [] },
 *   status: { phase: "Running", conditions: [{ type: "Ready", status: "True" }] } };
 * gangPhase({ metadata: { name: "g" }, status: { phase: "Pending" },
 *   spec: { podgroups: [{ name: "a", minReplicas: 1, podReferences: [{ name: "p" }] }] } },
 *   [pod]); // { phase: "Running", source: "pods" }
 * ```
 */
export function gangPhase(gang: PodGang, pods: Pod[]): GangPhase {
  const written = typeof gang.status?.phase === "string" && gang.status.phase
    ? gang.status.phase
    : "Unknown";
  // only a written Pending is read from the pods: a gang with no status at all has not been
  // reconciled yet, and says so as Unknown
  if (written !== "Pending") return { phase: written, source: "status" };
  const groups = Array.isArray(gang.spec?.podgroups) ? gang.spec.podgroups : [];
  const expected = groups.reduce((s, g) => s + (g.podReferences?.length ?? 0), 0);
  const minimum = groups.reduce((s, g) => s + (Number(g.minReplicas) || 0), 0);
  const live = pods.filter((p) => !p.metadata.deletionTimestamp);
  const want = Math.max(expected, minimum, 1);
  if (live.length >= want && live.every((p) => p.spec?.nodeName && isPodReady(p))) {
    return { phase: "Running", source: "pods" };
  }
  return { phase: written, source: "status" };
}
