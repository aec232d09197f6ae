/**
 * Builds {@link HealthObjects} from a flat list of API objects (a fixture
 * scenario or a diag bundle) the way `collectHealth` would from the API.
 *
 * @module
 */

import { selectGroveObjects } from "../../lib/grove/snapshot.ts";
import type { Event } from "../../lib/grove/types.ts";
import type { KubeObject } from "../../lib/kube/types.ts";
import type { CollectHealthOptions, HealthObjects } from "./collect.ts";

/**
 * Picks the Grove objects of the namespace / PCS scope (the one selector,
 * `selectGroveObjects`) and the Warning events of the namespace.
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
  return {
    namespace: opts.namespace,
    ...selectGroveObjects(objects, { namespace: opts.namespace, name: opts.pcs || undefined }),
    // All events: the report keeps the Warnings and counts the Normal ones it hides.
    events: (objects as unknown as Event[]).filter((e) =>
      e.kind === "Event" &&
      (opts.namespace === undefined || e.metadata.namespace === opts.namespace)
    ),
    missing: [],
    resourceVersions: {},
  };
}
