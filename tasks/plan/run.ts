/**
 * The `plan` task as a library: the stored plan of a PodCliqueSet
 * ({@link planShow}), its drift against the deployed set ({@link planDiff})
 * and every stored plan ({@link planList}), as typed reports.
 *
 * @module
 */

import { groveMissing } from "../../lib/grove/list.ts";
import { GroveError, isApiStatus, isNotServed } from "../../lib/errors.ts";
import type { PodClique, PodCliqueScalingGroup, PodCliqueSet } from "../../lib/grove/types.ts";
import { partOfSelector } from "../../lib/grove/labels.ts";
import { PLAN_LABEL } from "../../lib/aic/plan.ts";
import { Resources } from "../../lib/kube/resources.ts";
import type { Kube, KubeObject } from "../../lib/kube/types.ts";
import {
  buildPlanDiffReport,
  buildPlanListReport,
  buildPlanShowReport,
  type PlanDiffReport,
  type PlanListReport,
  type PlanShowReport,
} from "./report.ts";
import { readStoredPlan } from "./store.ts";

/** Reads the plan of a PCS and whether the PCS exists. */
export async function planShow(
  kube: Kube,
  pcs: string,
  namespace: string,
): Promise<PlanShowReport> {
  const [{ plan, configMap }, exists] = await Promise.all([
    readStoredPlan(kube, pcs, namespace),
    kube.get(Resources.podcliquesets, pcs, namespace).then(
      () => true as boolean | undefined,
      (e) => (isApiStatus(e, 404) ? false : undefined),
    ),
  ]);
  return buildPlanShowReport(pcs, namespace, configMap, plan, exists);
}

/**
 * Compares the stored plan with the deployed PodCliqueSet (one get of the
 * plan and the PCS, one list each of its PodCliques and scaling groups).
 */
export async function planDiff(
  kube: Kube,
  pcs: string,
  namespace: string,
): Promise<PlanDiffReport> {
  const selector = partOfSelector(pcs);
  const [{ plan }, pcsObj, cliques, groups] = await Promise.all([
    readStoredPlan(kube, pcs, namespace),
    kube.get<PodCliqueSet>(Resources.podcliquesets, pcs, namespace).catch((e) => {
      if (isNotServed(e)) throw groveMissing(kube, Resources.podcliquesets, e);
      if (isApiStatus(e, 404)) {
        throw new GroveError(
          `podcliqueset "${pcs}" not found in namespace "${namespace}": there is nothing to compare the plan with`,
          {
            hint:
              `apply the manifest first, or check the name with: kubectl get pcs -n ${namespace}`,
          },
        );
      }
      throw e;
    }),
    kube.list<PodClique>(Resources.podcliques, { namespace, labelSelector: selector }).then(
      (l) => l.items,
      () => undefined,
    ),
    kube.list<PodCliqueScalingGroup>(Resources.podcliquescalinggroups, {
      namespace,
      labelSelector: selector,
    }).then((l) => l.items, () => undefined),
  ]);
  return buildPlanDiffReport(pcs, namespace, plan, pcsObj, {
    cliques: cliques?.length ? cliques : undefined,
    groups: groups?.length ? groups : undefined,
  });
}

/** Lists stored plans (one list of ConfigMaps, one of PodCliqueSets). */
export async function planList(
  kube: Kube,
  namespace: string | undefined,
): Promise<PlanListReport> {
  const [cms, pcs] = await Promise.all([
    kube.list<KubeObject>(Resources.configmaps, { namespace, labelSelector: PLAN_LABEL }),
    kube.list<KubeObject>(Resources.podcliquesets, { namespace }).then(
      (l) => l.items,
      (e) => {
        if (isApiStatus(e, 404)) return [] as KubeObject[];
        throw e;
      },
    ),
  ]);
  return buildPlanListReport(cms.items, pcs);
}
