/**
 * The I/O of `scale`: the PodCliqueSet, then one list per kind concurrently
 * (its PodCliques, PCSGs and PodGangs; all pods; nodes; topology objects).
 *
 * @module
 */

import { LabelKeys, partOfSelector } from "../../lib/grove/labels.ts";
import type {
  ClusterTopology,
  ClusterTopologyBinding,
  Node,
  PodClique,
  PodCliqueScalingGroup,
  PodGang,
} from "../../lib/grove/types.ts";
import { Resources } from "../../lib/kube/resources.ts";
import type { Kube } from "../../lib/kube/types.ts";
import type { ResourceClaim, ResourceSlice } from "../../lib/topology/dra.ts";
import { getPcs } from "../../lib/change/pcs.ts";
import { listOptional, listPodsForGpus } from "../../lib/grove/list.ts";
import type { ScaleInput } from "./plan.ts";

/** What {@link collectScale} read, plus remarks on what it could not. */
export interface ScaleCollected extends ScaleInput {
  /** Remarks (forbidden lists, narrowed scope). */
  notes: string[];
}

/**
 * Reads everything `planScale` needs: 1 get and 9 lists, issued
 * concurrently after the get; the count does not grow with the cluster.
 *
 * @example
 * ```ts ignore
 * import { connect } from "../../lib/kube/connect.ts";
 * import { collectScale } from "./collect.ts";
 * const input = await collectScale(await connect({}), "qwen", "inference");
 * ```
 */
export async function collectScale(
  kube: Kube,
  name: string,
  namespace: string,
): Promise<ScaleCollected> {
  const pcs = await getPcs(kube, namespace, name);
  const sel = { namespace, labelSelector: partOfSelector(name) };
  const [cliques, groups, gangs, pods, nodes, bindings, legacy, claims, slices] = await Promise
    .all([
      kube.list<PodClique>(Resources.podcliques, sel),
      kube.list<PodCliqueScalingGroup>(Resources.podcliquescalinggroups, sel),
      listOptional<PodGang>(kube, Resources.podgangs, sel),
      listPodsForGpus(kube, namespace),
      listOptional<Node>(kube, Resources.nodes),
      listOptional<ClusterTopologyBinding>(kube, Resources.clustertopologybindings),
      listOptional<ClusterTopology>(kube, Resources.clustertopologies),
      // DRA: GPUs allocated through ResourceClaims, published in ResourceSlices (optional).
      listOptional<ResourceClaim>(kube, Resources.resourceclaims, {}).then((all) =>
        all.failure === "forbidden"
          ? listOptional<ResourceClaim>(kube, Resources.resourceclaims, { namespace })
          : all
      ),
      listOptional<ResourceSlice>(kube, Resources.resourceslices),
    ]);
  const notes: string[] = [];
  if (nodes.failure === "forbidden") {
    notes.push("listing nodes is forbidden: free GPUs and placement cannot be analysed");
  }
  if (pods.scope === "namespace") {
    notes.push(
      "listing pods cluster-wide is forbidden: GPUs held by other namespaces are not counted (free GPUs may be overstated)",
    );
  }
  const mine = pods.items.filter((p) =>
    p.metadata.namespace === namespace && p.metadata.labels?.[LabelKeys.partOf] === name
  );
  return {
    pcs,
    cliques: cliques.items,
    groups: groups.items,
    gangs: gangs.items,
    pods: mine,
    nodes: nodes.items,
    allPods: pods.items.filter((p) =>
      p.status?.phase !== "Succeeded" && p.status?.phase !== "Failed"
    ),
    bindings: bindings.items,
    legacy: legacy.items,
    resourceClaims: claims.items,
    resourceSlices: slices.items,
    notes,
  };
}
