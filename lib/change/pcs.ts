/**
 * What every rollout-family task shares: reading the PodCliqueSet with clear
 * errors, who is making a change, the mean placement score of its gangs.
 *
 * @module
 */

import { groveMissing } from "../grove/list.ts";
import { GroveError, isApiStatus, isNotServed } from "../errors.ts";
import { partOfSelector } from "../grove/labels.ts";
import type { PodCliqueSet } from "../grove/types.ts";
import { Resources } from "../kube/resources.ts";
import type { Kube, KubeObject } from "../kube/types.ts";

/** Reads a PodCliqueSet; a missing one is a clear error naming namespace and next step. */
export async function getPcs(kube: Kube, namespace: string, name: string): Promise<PodCliqueSet> {
  try {
    return await kube.get<PodCliqueSet>(Resources.podcliquesets, name, namespace);
  } catch (e) {
    if (isNotServed(e)) throw groveMissing(kube, Resources.podcliquesets, e);
    if (isApiStatus(e, 404)) {
      throw new GroveError(`podcliqueset "${name}" not found in namespace "${namespace}"`, {
        hint: `check the name and namespace (-n); list them with: kubectl get pcs -n ${namespace}`,
        cause: e,
      });
    }
    throw e;
  }
}

/** Refuses to change a PodCliqueSet that is being deleted. */
export function assertNotDeleting(pcs: PodCliqueSet, what: string): void {
  if (pcs.metadata.deletionTimestamp) {
    throw new GroveError(
      `podcliqueset "${pcs.metadata.name}" is being deleted (since ${pcs.metadata.deletionTimestamp}); cannot ${what}`,
      { hint: "wait for the deletion to finish and create it again, or remove its finalizers" },
    );
  }
}

/** Mean `status.placementScore` of the gangs that report one (undefined when none do). */
export function meanPlacementScore(gangs: KubeObject[]): number | undefined {
  const scores = gangs.map((g) => g.status?.placementScore).filter((s): s is number =>
    typeof s === "number" && Number.isFinite(s)
  );
  if (!scores.length) return undefined;
  return scores.reduce((a, b) => a + b, 0) / scores.length;
}

/** Lists the PodGangs of a PodCliqueSet (one label-selected list). */
export async function listGangs(kube: Kube, ns: string, pcs: string): Promise<KubeObject[]> {
  return (await kube.list(Resources.podgangs, {
    namespace: ns,
    labelSelector: partOfSelector(pcs),
  }))
    .items;
}
