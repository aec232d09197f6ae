/**
 * Builds {@link TopologyObjects} from a flat list of API objects (a fixture
 * scenario or a diag bundle) the way `collectTopology` would from the API:
 * same scoping, no I/O.
 *
 * @module
 */

import type { ResourceClaim, ResourceSlice } from "../../lib/topology/dra.ts";
import type {
  ClusterTopology,
  ClusterTopologyBinding,
  Node,
  Pod,
  PodCliqueSet,
  PodGang,
} from "../../lib/grove/types.ts";
import type { KubeObject } from "../../lib/kube/types.ts";
import type { CollectTopologyOptions, TopologyObjects } from "./collect.ts";

/**
 * Sorts objects by kind and applies the namespace / PCS scope.
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
  const inNs = (o: KubeObject) =>
    opts.namespace === undefined || o.metadata.namespace === opts.namespace;
  const of = <T>(kind: string) => objects.filter((o) => o.kind === kind) as unknown as T[];
  const wantWorkloads = !opts.cluster || opts.pcs !== undefined;
  return {
    namespace: opts.namespace,
    podCliqueSets: wantWorkloads
      ? of<PodCliqueSet>("PodCliqueSet").filter((p) =>
        inNs(p) && (!opts.pcs || p.metadata.name === opts.pcs)
      )
      : [],
    podGangs: wantWorkloads ? of<PodGang>("PodGang").filter(inNs) : [],
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
