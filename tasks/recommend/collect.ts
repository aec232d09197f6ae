/**
 * The I/O of `recommend`: health's six lists, the cluster's GPU picture
 * (pods of every namespace, nodes, topology), stored plans, then two bounded
 * follow-ups: the previous container's log of each crash-looping pod (only
 * those) and one metrics scrape of each set that has a stored plan.
 *
 * @module
 */

import { PLAN_LABEL } from "../../lib/aic/plan.ts";
import type { ClusterTopology, ClusterTopologyBinding, Node, Pod } from "../../lib/grove/types.ts";
import { crashLoops } from "../../lib/grove/relations.ts";
import { Resources } from "../../lib/kube/resources.ts";
import type { Kube, KubeObject } from "../../lib/kube/types.ts";
import { collectHealth, type HealthObjects } from "../health/collect.ts";
import { collectMetrics, type MetricsCollected } from "../metrics/collect.ts";
import { listOptional, listPodsForGpus } from "../../lib/grove/list.ts";
import type { TopologyObjects } from "../topology/collect.ts";

/** The previous log of one crash-looping container. */
export interface CrashLog {
  /** Namespace. */
  namespace: string;
  /** Pod. */
  pod: string;
  /** Container. */
  container: string;
  /** The last lines of the previous container's log (tail). */
  tail?: string;
  /** Why the log could not be read. */
  error?: string;
}

/** Everything a recommend report is built from. */
export interface RecommendObjects {
  /** Namespace; undefined for all. */
  namespace?: string;
  /** One PodCliqueSet, when asked for. */
  pcs?: string;
  /** What `health` reads. */
  health: HealthObjects;
  /** What `topology` reads (sets and gangs shared with health). */
  topology: TopologyObjects;
  /** Previous logs of crash-looping containers. */
  crashLogs: CrashLog[];
  /** Stored plans (ConfigMaps labelled grove.io/aic-plan) in scope. */
  planConfigMaps: KubeObject[];
  /** One scrape per set with a stored plan (for compare). */
  planMetrics: MetricsCollected[];
  /** What could not be read, in words. */
  missing: string[];
}

/** Options of {@link collectRecommend}. */
export interface CollectRecommendOptions {
  /** Namespace; undefined reads every namespace. */
  namespace?: string;
  /** One PodCliqueSet. */
  pcs?: string;
  /** Log tail lines read per crash-looping container (default 50). */
  logTailLines?: number;
  /** Concurrent follow-up reads (logs, scrapes; default 4). */
  concurrency?: number;
  /** Timeout of one metrics scrape, ms (default 5000). */
  scrapeTimeoutMs?: number;
  /** Metrics port for pods that name none. */
  fallbackPort?: number;
  /** Stops scrapes. */
  signal?: AbortSignal;
}

/** Runs `fn` over `items` with at most `limit` in flight, keeping order. */
export async function mapBounded<T, R>(
  items: T[],
  limit: number,
  fn: (t: T) => Promise<R>,
): Promise<R[]> {
  const out: R[] = new Array(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      out[i] = await fn(items[i]);
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(limit, items.length)) }, worker));
  return out;
}

/**
 * Reads what `recommend` needs: 6 lists (health) + 5 (pods of every
 * namespace, nodes, ClusterTopologyBindings, ClusterTopologies, plan
 * ConfigMaps), then one log read per crash-looping container and one
 * scrape round per set with a stored plan.
 */
export async function collectRecommend(
  kube: Kube,
  opts: CollectRecommendOptions,
): Promise<RecommendObjects> {
  const ns = opts.namespace;
  const [health, pods, nodes, bindings, legacy, plans] = await Promise.all([
    collectHealth(kube, { namespace: ns, pcs: opts.pcs }),
    listPodsForGpus(kube, ns ?? kube.namespace),
    listOptional<Node>(kube, Resources.nodes),
    listOptional<ClusterTopologyBinding>(kube, Resources.clustertopologybindings),
    listOptional<ClusterTopology>(kube, Resources.clustertopologies),
    listOptional<KubeObject>(kube, Resources.configmaps, {
      namespace: ns,
      labelSelector: opts.pcs ? `${PLAN_LABEL}=${opts.pcs}` : PLAN_LABEL,
    }),
  ]);
  const missing = [...health.missing];
  if (nodes.failure) {
    missing.push(
      "nodes: cannot list nodes, so no fragmentation, free-GPU or cordoned-node findings",
    );
  }
  if (pods.scope === "namespace") {
    missing.push("pods of other namespaces: not readable, free GPUs may be overstated");
  }
  if (plans.failure) missing.push("configmaps: cannot list stored plans, so no SLA findings");
  const topology: TopologyObjects = {
    namespace: ns,
    podCliqueSets: health.podCliqueSets,
    podGangs: health.podGangs,
    pods: pods.items as Pod[],
    nodes: nodes.items,
    bindings: bindings.items,
    legacy: legacy.items,
    nodesForbidden: nodes.failure === "forbidden",
    podsScope: pods.scope,
    missing: [],
  };
  const limit = opts.concurrency ?? 4;
  const looping = health.pods.flatMap((p) =>
    crashLoops(p).map((c) => ({ pod: p, container: c.container }))
  );
  const crashLogs = await mapBounded(looping, limit, async ({ pod, container }) => {
    const base = { namespace: pod.metadata.namespace ?? "", pod: pod.metadata.name, container };
    try {
      const tail = await kube.logs(base.namespace, base.pod, {
        container,
        previous: true,
        tailLines: opts.logTailLines ?? 50,
      });
      return { ...base, tail };
    } catch (e) {
      return { ...base, error: e instanceof Error ? e.message : String(e) };
    }
  });
  const sets = new Set(
    health.podCliqueSets.map((p) => `${p.metadata.namespace}/${p.metadata.name}`),
  );
  const planned = plans.items.filter((cm) =>
    sets.has(`${cm.metadata.namespace}/${cm.metadata.labels?.[PLAN_LABEL]}`)
  ).sort((a, b) =>
    `${a.metadata.namespace}/${a.metadata.name}`.localeCompare(
      `${b.metadata.namespace}/${b.metadata.name}`,
    )
  );
  const scraped = await mapBounded(planned, limit, async (cm) => {
    const pcs = cm.metadata.labels![PLAN_LABEL];
    try {
      return await collectMetrics(kube, {
        pcs,
        namespace: cm.metadata.namespace ?? "",
        windowMs: 0,
        placement: true,
        concurrency: limit,
        timeoutMs: opts.scrapeTimeoutMs,
        fallbackPort: opts.fallbackPort,
        signal: opts.signal,
      });
    } catch (e) {
      missing.push(
        `metrics of ${cm.metadata.namespace}/${pcs}: ${
          e instanceof Error ? e.message : String(e)
        }; no SLA finding for it`,
      );
      return undefined;
    }
  });
  return {
    namespace: ns,
    pcs: opts.pcs,
    health,
    topology,
    crashLogs,
    planConfigMaps: planned,
    planMetrics: scraped.filter((s): s is MetricsCollected => s !== undefined),
    missing,
  };
}
