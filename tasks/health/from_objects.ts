/**
 * Builds {@link HealthObjects} from a flat list of API objects (a fixture
 * scenario or a diag bundle) the way `collectHealth` would from the API.
 *
 * @module
 */

import { LabelKeys } from "../../lib/grove/labels.ts";
import type {
  Event,
  Pod,
  PodClique,
  PodCliqueScalingGroup,
  PodCliqueSet,
  PodGang,
} from "../../lib/grove/types.ts";
import type { KubeObject } from "../../lib/kube/types.ts";
import type { CollectHealthOptions, HealthObjects } from "./collect.ts";

/**
 * Sorts objects by kind and applies the namespace / PCS scope.
 *
 * @example
 * ```ts
 * import { healthObjectsFrom } from "./from_objects.ts";
 * healthObjectsFrom([], { namespace: "inference" }).pods.length; // 0
 * ```
 */
export function healthObjectsFrom(
  objects: KubeObject[],
  opts: CollectHealthOptions,
): HealthObjects {
  const inScope = (o: KubeObject) =>
    (opts.namespace === undefined || o.metadata.namespace === opts.namespace) &&
    (!opts.pcs || o.metadata.labels?.[LabelKeys.partOf] === opts.pcs);
  const of = <T>(kind: string) => objects.filter((o) => o.kind === kind) as unknown as T[];
  return {
    namespace: opts.namespace,
    podCliqueSets: of<PodCliqueSet>("PodCliqueSet").filter((p) =>
      (opts.namespace === undefined || p.metadata.namespace === opts.namespace) &&
      (!opts.pcs || p.metadata.name === opts.pcs)
    ),
    podCliques: of<PodClique>("PodClique").filter(inScope),
    scalingGroups: of<PodCliqueScalingGroup>("PodCliqueScalingGroup").filter(inScope),
    podGangs: of<PodGang>("PodGang").filter(inScope),
    pods: of<Pod>("Pod").filter(inScope),
    // All events: the report keeps the Warnings and counts the Normal ones it hides.
    events: of<Event>("Event").filter((e) =>
      opts.namespace === undefined || e.metadata.namespace === opts.namespace
    ),
    missing: [],
    resourceVersions: {},
  };
}
