/**
 * Which pods of a PodCliqueSet to scrape, their role, worker identity, GPUs
 * and metrics endpoint. Pure.
 *
 * @module
 */

import { templateDraGpus } from "../../lib/topology/dra.ts";
import { type PodEndpoint, podEndpoint } from "../../lib/metrics/engines.ts";
import { cliqueRoles, type RoleClass, roleClass as classOfRole } from "../../lib/grove/roles.ts";
import { crashLoops, isPodReady, podGpus, podRef, podRestarts } from "../../lib/grove/relations.ts";
import type { Pod, PodClique } from "../../lib/grove/types.ts";

/** One pod of the PodCliqueSet with everything the metrics report needs. */
export interface PodTarget {
  /** Pod name. */
  pod: string;
  /** Namespace. */
  namespace: string;
  /**
   * Role: the clique's roleName (else template name); the leader and worker
   * cliques of one multi-node engine in a scaling group share one role
   * (see lib/grove/roles.ts).
   */
  role: string;
  /** Full PodClique name. */
  clique: string;
  /** PCS replica index. */
  replica: number;
  /**
   * Worker identity: the pods of one multi-node engine (a scaling-group
   * replica's cliques of one role) form one worker; any other pod is one worker.
   */
  worker: string;
  /** Node the pod runs on. */
  node?: string;
  /** Pod IP (for `--direct`). */
  podIP?: string;
  /** GPUs requested: `nvidia.com/gpu`, plus DRA GPU devices of the claim templates it names. */
  gpus: number;
  /** Ready condition. */
  ready: boolean;
  /** Pod phase. */
  phase: string;
  /** Container restarts. */
  restarts: number;
  /** A container is in CrashLoopBackOff. */
  crashLooping: boolean;
  /** Metrics endpoint, undefined when the pod has no metrics port. */
  endpoint?: PodEndpoint;
  /** PodGang. */
  gang?: string;
}

/**
 * Builds the scrape targets of a PodCliqueSet from its pods and cliques,
 * sorted by role then pod name.
 *
 * @example
 * ```ts
 * import { podTargets } from "./targets.ts";
 * podTargets("demo", [], []); // []
 * ```
 */
export function podTargets(
  pcs: string,
  pods: readonly Pod[],
  cliques: readonly PodClique[],
  fallbackPort?: number,
  claimTemplates?: unknown,
): PodTarget[] {
  const roles = cliqueRoles(pcs, cliques);
  const out: PodTarget[] = [];
  for (const pod of pods) {
    if (pod.metadata.deletionTimestamp) continue;
    const ref = podRef(pod);
    if (!ref || ref.pcs !== pcs) continue;
    const clique = ref.clique ?? pod.metadata.name;
    const info = roles.get(clique);
    let role: string;
    let worker = pod.metadata.name;
    if (info) {
      role = info.role;
      if (info.groupWorker && ref.scalingGroup) {
        worker = `${ref.scalingGroup}-${ref.scalingGroupReplica ?? 0}/${role}`;
      }
    } else if (ref.scalingGroup) {
      // No PodClique object: fall back to the group as the unit.
      const prefix = `${pcs}-${ref.replica ?? 0}-`;
      role = ref.scalingGroup.startsWith(prefix)
        ? ref.scalingGroup.slice(prefix.length)
        : ref.scalingGroup;
      worker = `${ref.scalingGroup}-${ref.scalingGroupReplica ?? 0}/${role}`;
    } else {
      role = ref.cliqueTemplate ?? clique;
    }
    const phase = pod.status?.phase ?? "Unknown";
    out.push({
      pod: pod.metadata.name,
      namespace: pod.metadata.namespace ?? "",
      role,
      clique,
      replica: ref.replica ?? 0,
      worker,
      node: pod.spec?.nodeName,
      podIP: pod.status?.podIP,
      gpus: podGpus(pod) + templateDraGpus(pod.spec, claimTemplates),
      ready: isPodReady(pod),
      phase,
      restarts: podRestarts(pod),
      crashLooping: crashLoops(pod).length > 0,
      endpoint: podEndpoint(pod as Parameters<typeof podEndpoint>[0], fallbackPort),
      gang: ref.gang,
    });
  }
  return out.sort((a, b) => a.role.localeCompare(b.role) || a.pod.localeCompare(b.pod));
}

/** Serving role class used by the diagnosis rules (see lib/grove/roles.ts). */
export type { RoleClass };

/**
 * Classifies a role name: `prefill`/`pleader`/`pworker` → prefill,
 * `decode`/`dleader`/`dworker` → decode, `frontend`/`router` → frontend,
 * anything else (aggregated serving) → worker.
 *
 * @example
 * ```ts
 * import { roleClass } from "./targets.ts";
 * roleClass("prefill-workers"); // "prefill"
 * ```
 */
export function roleClass(role: string): RoleClass {
  return classOfRole(role);
}
