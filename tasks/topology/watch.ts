/**
 * `topology --watch` as an async generator of reports: collect once, then
 * watch pods, nodes, PodGangs and PodCliqueSets from the lists'
 * resourceVersions (through `lib/watch`) and rebuild after every burst of
 * changes.
 *
 * @module
 */

import type { Node, Pod, PodCliqueSet, PodGang } from "../../lib/grove/types.ts";
import { Resources } from "../../lib/kube/resources.ts";
import type { Kube, KubeObject } from "../../lib/kube/types.ts";
import { listWatch, type WatchTarget } from "../../lib/watch/list_watch.ts";
import { collectTopology, type CollectTopologyOptions, topologyListOptions } from "./collect.ts";
import { buildTopologyReport, type TopologyReport, type TopologyReportOptions } from "./report.ts";

type Key = "podcliquesets" | "podgangs" | "pods" | "nodes";

/** Options of {@link watchTopology}. */
export interface WatchTopologyOptions {
  /** Stops the watch. */
  signal?: AbortSignal;
  /** The clock (default `Date.now`). */
  now?: () => number;
  /** Quiet time after a change before a new report, ms (default 150). */
  debounceMs?: number;
}

/**
 * Yields a topology report now and after every change of pods, nodes,
 * PodGangs or PodCliqueSets.
 *
 * @example
 * ```ts ignore
 * import { watchTopology } from "./watch.ts";
 * for await (const r of watchTopology(kube, { namespace: "inference", pcs: "qwen" }, {})) {
 *   console.log(r.warnings.length);
 * }
 * ```
 */
export async function* watchTopology(
  kube: Kube,
  opts: CollectTopologyOptions & Omit<TopologyReportOptions, "now">,
  w: WatchTopologyOptions = {},
): AsyncGenerator<TopologyReport> {
  const now = w.now ?? Date.now;
  const first = await collectTopology(kube, opts);
  const lo = topologyListOptions(opts, first.podsScope);
  const rv = first.resourceVersions ?? {};
  const targets: WatchTarget<Key>[] = [];
  const initial: Partial<Record<Key, { items: KubeObject[]; resourceVersion: string }>> = {};
  const add = (key: Key, items: KubeObject[]) => {
    if (rv[key] === undefined) return;
    targets.push({ key, resource: Resources[key], options: lo[key] });
    initial[key] = { items, resourceVersion: rv[key] };
  };
  add("podcliquesets", first.podCliqueSets);
  add("podgangs", first.podGangs);
  add("pods", first.pods);
  add("nodes", first.nodes);
  for await (
    const snap of listWatch<Key>(kube, targets, {
      signal: w.signal,
      debounceMs: w.debounceMs,
      initial,
    })
  ) {
    const o = snap.objects;
    const objects = {
      ...first,
      podCliqueSets: (o.podcliquesets ?? first.podCliqueSets) as PodCliqueSet[],
      podGangs: (o.podgangs ?? first.podGangs) as PodGang[],
      pods: (o.pods ?? first.pods) as Pod[],
      nodes: (o.nodes ?? first.nodes) as Node[],
    };
    try {
      yield buildTopologyReport(objects, { ...opts, now: now() });
    } catch (e) {
      // A watched PodCliqueSet that was deleted: report it without workloads.
      if (opts.pcs && snap.sequence > 0) {
        yield buildTopologyReport({ ...objects, podCliqueSets: [] }, {
          ...opts,
          pcs: undefined,
          cluster: true,
          now: now(),
        });
      } else throw e;
    }
  }
}
