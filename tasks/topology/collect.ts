/**
 * The I/O of `topology`: one list per kind, issued concurrently. Nodes and
 * cluster-wide pods may be forbidden to a namespaced user; the result then
 * says what is missing instead of failing.
 *
 * @module
 */

import { GroveError } from "../../lib/errors.ts";
import { groveMissing, listOptional, listPodsForGpus, pcsNotFound } from "../../lib/grove/list.ts";
import { partOfSelector } from "../../lib/grove/labels.ts";
import type { GroveObjects } from "../../lib/grove/snapshot.ts";
import type {
  ClusterTopology,
  ClusterTopologyBinding,
  Node,
  Pod,
  PodCliqueSet,
  PodGang,
} from "../../lib/grove/types.ts";
import { Resources } from "../../lib/kube/resources.ts";
import type { ResourceClaim, ResourceSlice } from "../../lib/topology/dra.ts";
import { NODE_FIELDS, OBJECT_FIELDS, TOPOLOGY_POD_FIELDS } from "../../lib/kube/fields.ts";
import type { Kube, ListOptions } from "../../lib/kube/types.ts";

/** The objects a topology report is built from. */
export interface TopologyObjects extends Pick<GroveObjects, "podCliqueSets" | "podGangs"> {
  /** Namespace of the workloads; undefined with all namespaces. */
  namespace?: string;
  /** Pods: cluster-wide when allowed (to count every pod's GPUs), else the namespace's. */
  pods: Pod[];
  /** Nodes (empty when forbidden). */
  nodes: Node[];
  /** ClusterTopologyBindings. */
  bindings: ClusterTopologyBinding[];
  /** Legacy ClusterTopologies. */
  legacy: ClusterTopology[];
  /** DRA ResourceClaims (same scope as the pods; empty when DRA is not served or not readable). */
  resourceClaims?: ResourceClaim[];
  /** DRA ResourceSlices (empty when DRA is not served or not readable). */
  resourceSlices?: ResourceSlice[];
  /** True when listing nodes was forbidden. */
  nodesForbidden: boolean;
  /** `cluster` when pods of every namespace were listed, `namespace` otherwise. */
  podsScope: "cluster" | "namespace";
  /** What could not be read, in words. */
  missing: string[];
  /** resourceVersion of each list that was read, by kind key (for watches). */
  resourceVersions?: Record<string, string>;
}

/** Options of {@link collectTopology}. */
export interface CollectTopologyOptions {
  /** Namespace of the workloads; undefined lists all namespaces. */
  namespace?: string;
  /** Only this PodCliqueSet. */
  pcs?: string;
  /** Whole-cluster view: workloads are optional. */
  cluster?: boolean;
}

/**
 * Lists what `topology` needs, concurrently: PodCliqueSets and PodGangs (in
 * scope), pods (all namespaces when allowed), nodes, ClusterTopologyBindings
 * and legacy ClusterTopologies. Request count is constant in cluster size.
 *
 * @example
 * ```ts ignore
 * import { collectTopology } from "./collect.ts";
 * const objects = await collectTopology(kube, { namespace: "inference", pcs: "qwen" });
 * ```
 */
export async function collectTopology(
  kube: Kube,
  opts: CollectTopologyOptions,
): Promise<TopologyObjects> {
  const ns = opts.namespace;
  const wantWorkloads = !opts.cluster || opts.pcs !== undefined;
  const lo = topologyListOptions(opts, "cluster");
  const pcsOpts = lo.podcliquesets;
  const gangOpts = lo.podgangs;
  const [pcs, gangs, pods, nodes, bindings, legacy, claims, slices] = await Promise.all([
    wantWorkloads
      ? listOptional<PodCliqueSet>(kube, Resources.podcliquesets, pcsOpts)
      : Promise.resolve(undefined),
    wantWorkloads
      ? listOptional<PodGang>(kube, Resources.podgangs, gangOpts)
      : Promise.resolve(undefined),
    listPodsForGpus(kube, ns ?? kube.namespace, TOPOLOGY_POD_FIELDS),
    listOptional<Node>(kube, Resources.nodes, { fields: NODE_FIELDS }),
    listOptional<ClusterTopologyBinding>(kube, Resources.clustertopologybindings),
    listOptional<ClusterTopology>(kube, Resources.clustertopologies),
    // DRA (Kubernetes 1.34+): GPUs allocated through ResourceClaims, published in ResourceSlices.
    listOptional<ResourceClaim>(kube, Resources.resourceclaims, {}).then((all) =>
      all.failure === "forbidden" && (ns ?? kube.namespace) !== undefined
        ? listOptional<ResourceClaim>(kube, Resources.resourceclaims, {
          namespace: ns ?? kube.namespace,
        })
        : all
    ),
    listOptional<ResourceSlice>(kube, Resources.resourceslices),
  ]);
  if (pcs?.failure === "absent") throw groveMissing(kube, Resources.podcliquesets, pcs.error);
  if (pcs?.failure === "forbidden") throw pcs.error!;
  if (opts.pcs !== undefined && pcs && pcs.items.length === 0) {
    throw await pcsNotFound(kube, opts.pcs, ns);
  }
  if (opts.cluster && nodes.failure === "forbidden") {
    throw new GroveError(
      `topology --cluster needs to list nodes, and listing nodes (cluster-scoped) is forbidden for context "${kube.contextName}"`,
      {
        hint:
          `ask your cluster admin for 'list' on nodes (check with: kubectl auth can-i list nodes); ${
            opts.pcs ? "without --cluster" : "meanwhile, kubectl grove topology <podcliqueset>"
          } shows where your pods landed, by node name`,
        cause: nodes.error,
      },
    );
  }
  const missing: string[] = [];
  if (nodes.failure === "forbidden") {
    missing.push(
      "nodes: listing nodes is forbidden (cluster-scoped): no node labels (domains), GPU capacity or free GPUs; pods are shown by node name only (ask for 'list' on nodes: kubectl auth can-i list nodes)",
    );
  }
  if (pods.scope === "namespace") {
    missing.push(
      `pods of other namespaces: listing pods cluster-wide is forbidden, so GPUs used by other namespaces' pods are not counted (free GPUs may be overstated)`,
    );
  }
  if (slices.failure === "forbidden" || claims.failure === "forbidden") {
    missing.push(
      "resource.k8s.io: listing ResourceSlices or ResourceClaims is forbidden, so GPUs allocated through DRA are not counted",
    );
  }
  if (bindings.failure === "forbidden" && legacy.failure !== undefined) {
    missing.push("clustertopologybindings.grove.io: forbidden; levels inferred from node labels");
  }
  return {
    namespace: ns,
    podCliqueSets: pcs?.items ?? [],
    podGangs: gangs?.items ?? [],
    pods: pods.items,
    nodes: nodes.items,
    bindings: bindings.items,
    legacy: legacy.items,
    resourceClaims: claims.items,
    resourceSlices: slices.items,
    nodesForbidden: nodes.failure === "forbidden",
    podsScope: pods.scope,
    missing,
    resourceVersions: {
      ...(pcs ? { podcliquesets: pcs.resourceVersion } : {}),
      ...(gangs ? { podgangs: gangs.resourceVersion } : {}),
      pods: pods.resourceVersion,
      ...(nodes.failure ? {} : { nodes: nodes.resourceVersion }),
    },
  };
}

/** The list options `collectTopology` uses per kind (shared with the watch). */
export function topologyListOptions(
  opts: CollectTopologyOptions,
  podsScope: "cluster" | "namespace",
): Record<"podcliquesets" | "podgangs" | "pods" | "nodes", ListOptions> {
  const ns = opts.namespace;
  // each item cut down to what the report reads, as it arrives (lib/kube/fields.ts)
  const fields = OBJECT_FIELDS;
  return {
    podcliquesets: {
      namespace: ns,
      fields,
      ...(opts.pcs ? { fieldSelector: `metadata.name=${opts.pcs}` } : {}),
    },
    podgangs: {
      namespace: ns,
      fields,
      ...(opts.pcs ? { labelSelector: partOfSelector(opts.pcs) } : {}),
    },
    pods: podsScope === "cluster"
      ? { fields: TOPOLOGY_POD_FIELDS }
      : { namespace: ns, fields: TOPOLOGY_POD_FIELDS },
    nodes: { fields: NODE_FIELDS },
  };
}
