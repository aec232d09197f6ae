/**
 * The I/O of `health`: one list per kind (PodCliqueSets, PodCliques,
 * PodCliqueScalingGroups, PodGangs, pods, Warning events), concurrently,
 * filtered on the server.
 *
 * @module
 */

import { LabelKeys, MANAGED_BY_GROVE, partOfSelector } from "../../lib/grove/labels.ts";
import type {
  Event,
  Pod,
  PodClique,
  PodCliqueScalingGroup,
  PodCliqueSet,
  PodGang,
} from "../../lib/grove/types.ts";
import { Resources } from "../../lib/kube/resources.ts";
import { OBJECT_FIELDS, POD_FIELDS } from "../../lib/kube/fields.ts";
import type { Kube, ListOptions } from "../../lib/kube/types.ts";
import { groveMissing, pcsNotFound } from "../../lib/grove/list.ts";
import { listOptional } from "../../lib/grove/list.ts";
import type { GroveObjects } from "../../lib/grove/snapshot.ts";

/** The objects a health report is built from. */
export interface HealthObjects extends GroveObjects {
  /** Namespace; undefined for all namespaces. */
  namespace?: string;
  /** Warning events of the namespace(s) (all events with `events: "all"`). */
  events: Event[];
  /** What could not be read, in words. */
  missing: string[];
  /** resourceVersion of each list, by kind key (for watches). */
  resourceVersions: Record<string, string>;
}

/** Options of {@link collectHealth}. */
export interface CollectHealthOptions {
  /** Namespace; undefined lists all namespaces. */
  namespace?: string;
  /** One PodCliqueSet; undefined means all in scope. */
  pcs?: string;
  /** `all` lists Normal events too (`--events all`); else only Warnings are listed. */
  events?: "warning" | "all";
}

/** List options per kind for a health collection (shared with the watch). */
export function healthListOptions(opts: CollectHealthOptions): Record<string, ListOptions> {
  const ns = opts.namespace;
  const sel = opts.pcs ? partOfSelector(opts.pcs) : `${LabelKeys.managedBy}=${MANAGED_BY_GROVE}`;
  // each item cut down to what the report reads, as it arrives (lib/kube/fields.ts)
  const fields = OBJECT_FIELDS;
  return {
    podcliquesets: {
      namespace: ns,
      fields,
      ...(opts.pcs ? { fieldSelector: `metadata.name=${opts.pcs}` } : {}),
    },
    podcliques: { namespace: ns, labelSelector: sel, fields },
    podcliquescalinggroups: { namespace: ns, labelSelector: sel, fields },
    podgangs: { namespace: ns, labelSelector: sel, fields },
    pods: { namespace: ns, labelSelector: sel, fields: POD_FIELDS },
    events: opts.events === "all"
      ? { namespace: ns, fields }
      : { namespace: ns, fieldSelector: "type=Warning", fields },
  };
}

/**
 * Lists what `health` needs, six requests whatever the cluster size.
 * Events are optional: when forbidden the report says so.
 *
 * @example
 * ```ts ignore
 * import { collectHealth } from "./collect.ts";
 * const objects = await collectHealth(kube, { namespace: "inference", pcs: "qwen" });
 * ```
 */
export async function collectHealth(
  kube: Kube,
  opts: CollectHealthOptions,
): Promise<HealthObjects> {
  const lo = healthListOptions(opts);
  const [pcs, pclq, pcsg, pg, pods, events] = await Promise.all([
    listOptional<PodCliqueSet>(kube, Resources.podcliquesets, lo.podcliquesets),
    listOptional<PodClique>(kube, Resources.podcliques, lo.podcliques),
    listOptional<PodCliqueScalingGroup>(
      kube,
      Resources.podcliquescalinggroups,
      lo.podcliquescalinggroups,
    ),
    listOptional<PodGang>(kube, Resources.podgangs, lo.podgangs),
    kube.list<Pod>(Resources.pods, lo.pods),
    listOptional<Event>(kube, Resources.events, lo.events),
  ]);
  if (pcs.failure === "absent") throw groveMissing(kube, Resources.podcliquesets, pcs.error);
  for (const l of [pcs, pclq, pg]) if (l.failure === "forbidden") throw l.error!;
  if (opts.pcs !== undefined && pcs.items.length === 0) {
    throw await pcsNotFound(kube, opts.pcs, opts.namespace);
  }
  const missing: string[] = [];
  if (events.failure) {
    missing.push(
      "events: cannot list events, so scheduling failures come from pod conditions only",
    );
  }
  if (pcsg.failure === "forbidden") {
    missing.push("podcliquescalinggroups.grove.io: forbidden, scaling group countdowns not shown");
  }
  return {
    namespace: opts.namespace,
    podCliqueSets: pcs.items,
    podCliques: pclq.items,
    scalingGroups: pcsg.items,
    podGangs: pg.items,
    pods: pods.items,
    events: events.items,
    missing,
    resourceVersions: {
      podcliquesets: pcs.resourceVersion,
      podcliques: pclq.resourceVersion,
      podcliquescalinggroups: pcsg.resourceVersion,
      podgangs: pg.resourceVersion,
      pods: pods.resourceVersion,
      events: events.resourceVersion,
    },
  };
}
