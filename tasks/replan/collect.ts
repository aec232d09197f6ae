/**
 * `replan`, I/O part: the stored plan, the PodCliqueSet with its live
 * PodCliques and scaling groups (what it runs now), and one or two scrape
 * rounds of its engines (what it serves).
 *
 * @module
 */

import { groveMissing } from "../../lib/grove/list.ts";
import { type DeployedRole, deployedRoles } from "../../lib/aic/drift.ts";
import type { Plan } from "../../lib/aic/plan.ts";
import { GroveError, isApiStatus, isNotServed } from "../../lib/errors.ts";
import { partOfSelector } from "../../lib/grove/labels.ts";
import type { PodClique, PodCliqueScalingGroup, PodCliqueSet } from "../../lib/grove/types.ts";
import { Resources } from "../../lib/kube/resources.ts";
import type { Kube } from "../../lib/kube/types.ts";
import { collectMetrics } from "../metrics/collect.ts";
import { readStoredPlan } from "../plan/store.ts";
import type { PodScrapes } from "./report.ts";

/** Options of {@link collectReplan}. */
export interface CollectReplanOptions {
  /** PodCliqueSet. */
  pcs: string;
  /** Namespace. */
  namespace: string;
  /** Time between the two scrapes, ms (0: one scrape, lifetime values). */
  windowMs: number;
  /** Scrape pod IPs directly. */
  direct?: boolean;
  /** Timeout of one scrape, ms. */
  timeoutMs?: number;
  /** Port for pods whose spec names no metrics port. */
  fallbackPort?: number;
  /** Stops waiting and scraping. */
  signal?: AbortSignal;
  /** Progress lines for stderr. */
  progress?: (line: string) => void;
}

/** What {@link collectReplan} returns. */
export interface ReplanObjects {
  /** The stored plan. */
  plan: Plan;
  /** The PodCliqueSet. */
  pcs: PodCliqueSet;
  /** Its roles now (live counts when the live objects could be listed). */
  running: DeployedRole[];
  /** Scrapes of the pods whose engine answered. */
  scrapes: PodScrapes[];
  /** Pods that could not be read, with why. */
  failed: { pod: string; error: string }[];
}

/** Reads the plan, the set and its engines. */
export async function collectReplan(
  kube: Kube,
  o: CollectReplanOptions,
): Promise<ReplanObjects> {
  const selector = partOfSelector(o.pcs);
  const [{ plan }, pcs, cliques, groups] = await Promise.all([
    readStoredPlan(kube, o.pcs, o.namespace),
    kube.get<PodCliqueSet>(Resources.podcliquesets, o.pcs, o.namespace).catch((e) => {
      if (isNotServed(e)) throw groveMissing(kube, Resources.podcliquesets, e);
      if (isApiStatus(e, 404)) {
        throw new GroveError(
          `podcliqueset "${o.pcs}" not found in namespace "${o.namespace}": replan reads what a running set serves`,
          {
            hint:
              `check the name with: kubectl get pcs -n ${o.namespace}; for a new deployment use kubectl grove generate`,
          },
        );
      }
      throw e;
    }),
    kube.list<PodClique>(Resources.podcliques, { namespace: o.namespace, labelSelector: selector })
      .then((l) => l.items, () => undefined),
    kube.list<PodCliqueScalingGroup>(Resources.podcliquescalinggroups, {
      namespace: o.namespace,
      labelSelector: selector,
    }).then((l) => l.items, () => undefined),
  ]);
  const running = deployedRoles(pcs, {
    cliques: cliques?.length ? cliques : undefined,
    groups: groups?.length ? groups : undefined,
  });
  const c = await collectMetrics(kube, {
    pcs: o.pcs,
    namespace: o.namespace,
    windowMs: o.windowMs,
    direct: o.direct,
    timeoutMs: o.timeoutMs,
    fallbackPort: o.fallbackPort,
    signal: o.signal,
    progress: o.progress,
  });
  const roleOf = new Map(c.targets.map((t) => [t.pod, t.role]));
  const scrapes: PodScrapes[] = [];
  const failed: { pod: string; error: string }[] = [];
  for (const [pod, s] of Object.entries(c.second)) {
    if (!s.snapshot || !s.engine) {
      failed.push({ pod, error: s.error ?? "no metrics" });
      continue;
    }
    const first = c.first[pod]?.snapshot;
    scrapes.push({
      pod,
      role: roleOf.get(pod) ?? "",
      engine: s.engine,
      ...(first ? { first } : {}),
      second: s.snapshot,
    });
  }
  scrapes.sort((a, b) => a.pod.localeCompare(b.pod));
  return { plan, pcs, running, scrapes, failed };
}
