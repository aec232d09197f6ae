/**
 * Which pods of a PodCliqueSet to scrape, their role, worker identity, GPUs
 * and metrics endpoint. Pure.
 *
 * @module
 */

import { type PodEndpoint, podEndpoint } from "../../lib/metrics/engines.ts";
import {
  cliqueRole,
  crashLoops,
  isPodReady,
  podGpus,
  podRef,
  podRestarts,
} from "../../lib/grove/relations.ts";
import type { Pod, PodClique } from "../../lib/grove/types.ts";

/** One pod of the PodCliqueSet with everything the metrics report needs. */
export interface PodTarget {
  /** Pod name. */
  pod: string;
  /** Namespace. */
  namespace: string;
  /** Role: the scaling group's template name for a member clique, else the clique's roleName or template name. */
  role: string;
  /** Full PodClique name. */
  clique: string;
  /** PCS replica index. */
  replica: number;
  /** Worker identity: pods of one scaling-group replica form one worker; a standalone clique pod is one worker. */
  worker: string;
  /** Node the pod runs on. */
  node?: string;
  /** Pod IP (for `--direct`). */
  podIP?: string;
  /** GPUs requested. */
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
): PodTarget[] {
  const roleOfClique = new Map<string, string>();
  for (const c of cliques) roleOfClique.set(c.metadata.name, cliqueRole(c));
  const out: PodTarget[] = [];
  for (const pod of pods) {
    if (pod.metadata.deletionTimestamp) continue;
    const ref = podRef(pod);
    if (!ref || ref.pcs !== pcs) continue;
    const clique = ref.clique ?? pod.metadata.name;
    let role: string;
    let worker: string;
    if (ref.scalingGroup) {
      const prefix = `${pcs}-${ref.replica ?? 0}-`;
      role = ref.scalingGroup.startsWith(prefix)
        ? ref.scalingGroup.slice(prefix.length)
        : ref.scalingGroup;
      worker = `${ref.scalingGroup}-${ref.scalingGroupReplica ?? 0}`;
    } else {
      role = roleOfClique.get(clique) ?? ref.cliqueTemplate ?? clique;
      worker = pod.metadata.name;
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
      gpus: podGpus(pod),
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

/** Serving role class used by the diagnosis rules. */
export type RoleClass = "prefill" | "decode" | "frontend" | "worker";

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
  const r = role.toLowerCase();
  if (/prefill|^p(leader|worker)/.test(r)) return "prefill";
  if (/decode|^d(leader|worker)/.test(r)) return "decode";
  if (/frontend|router|gateway|ingress/.test(r)) return "frontend";
  return "worker";
}
