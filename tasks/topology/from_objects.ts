/**
 * Builds {@link TopologyObjects} from a flat list of API objects (a fixture
 * scenario or a diag bundle) the way `collectTopology` would from the API:
 * same scoping, no I/O.
 *
 * @module
 */

import { selectGroveObjects } from "../../lib/grove/snapshot.ts";
import type { ResourceClaim, ResourceSlice } from "../../lib/topology/dra.ts";
import type { ClusterTopology, ClusterTopologyBinding, Node, Pod } from "../../lib/grove/types.ts";
import type { KubeObject } from "../../lib/kube/types.ts";
import type { CollectTopologyOptions, TopologyObjects } from "./collect.ts";

/**
 * Sorts objects by kind: the PodCliqueSets and PodGangs of the namespace /
 * PCS scope (the one selector, `selectGroveObjects`), pods of every
 * namespace (they all take GPUs), nodes and topologies.
 *
 * @example
 * ```ts
 * import { topologyObjectsFrom } from "./from_objects.ts";
 * const o = topologyObjectsFrom([], { namespace: "inference" });
 * o.nodes.length; // 0
 * ```
 */
export function topologyObjectsFrom(
  objects: KubeObject[],
  opts: CollectTopologyOptions,
): TopologyObjects {
  const of = <T>(kind: string) => objects.filter((o) => o.kind === kind) as unknown as T[];
  const wantWorkloads = !opts.cluster || opts.pcs !== undefined;
  const grove = selectGroveObjects(objects, { namespace: opts.namespace, name: opts.pcs });
  return {
    namespace: opts.namespace,
    podCliqueSets: wantWorkloads ? grove.podCliqueSets : [],
    podGangs: wantWorkloads ? grove.podGangs : [],
    pods: of<Pod>("Pod"),
    nodes: of<Node>("Node"),
    bindings: of<ClusterTopologyBinding>("ClusterTopologyBinding"),
    legacy: of<ClusterTopology>("ClusterTopology"),
    resourceClaims: of<ResourceClaim>("ResourceClaim"),
    resourceSlices: of<ResourceSlice>("ResourceSlice"),
    nodesForbidden: false,
    podsScope: "cluster",
    missing: [],
  };
}
