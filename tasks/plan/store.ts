/**
 * Storing and reading plans in the cluster: ConfigMap `<pcs>-aic-plan`,
 * labelled `grove.io/aic-plan=<pcs>`, key `plan.json`. All I/O goes through
 * the `Kube` interface.
 *
 * @module
 */

import {
  parsePlan,
  type Plan,
  PLAN_KEY,
  PLAN_LABEL,
  planConfigMapName,
} from "../../lib/aic/plan.ts";
import { ApiError, GroveError, isApiStatus } from "../../lib/errors.ts";
import { Resources } from "../../lib/kube/resources.ts";
import type { KubeObject } from "../../lib/kube/types.ts";

/** Label saying who wrote the ConfigMap. */
export const MANAGED_BY = { "app.kubernetes.io/managed-by": "kubectl-grove" };

/** The ConfigMap object holding a plan. */
export function planConfigMap(pcs: string, namespace: string, plan: Plan): KubeObject {
  return {
    apiVersion: "v1",
    kind: "ConfigMap",
    metadata: {
      name: planConfigMapName(pcs),
      namespace,
      labels: { [PLAN_LABEL]: pcs, ...MANAGED_BY },
      annotations: {
        "grove.io/aic-plan-model": plan.model,
        "grove.io/aic-plan-serving-mode": plan.serving_mode,
      },
    },
    data: { [PLAN_KEY]: JSON.stringify(plan, null, 2) + "\n" },
  };
}

/** Reads the plan out of a ConfigMap; errors name the ConfigMap. */
export function planOfConfigMap(cm: KubeObject): Plan {
  const text = cm.data?.[PLAN_KEY];
  const where = `configmap ${cm.metadata.namespace ?? ""}/${cm.metadata.name} key ${PLAN_KEY}`;
  if (typeof text !== "string") {
    throw new GroveError(`configmap "${cm.metadata.name}" has no ${PLAN_KEY} key`, {
      hint: `store the plan again with: kubectl grove plan store ${
        cm.metadata.labels?.[PLAN_LABEL] ?? "<pcs>"
      } -f <plan.json> --overwrite`,
    });
  }
  return parsePlan(text, where);
}

/** Two plans are the same apart from when and by what they were made. */
export function samePlan(a: Plan, b: Plan): boolean {
  const strip = (p: Plan) => JSON.stringify({ ...p, created: undefined, generator: undefined });
  return strip(a) === strip(b);
}

/** Options of {@link storePlan}. */
export interface StorePlanOptions {
  /** PodCliqueSet name. */
  pcs: string;
  /** Namespace. */
  namespace: string;
  /** The plan. */
  plan: Plan;
  /** Replace an existing plan. */
  overwrite?: boolean;
  /** Do not write (the server is still asked whether the PCS and an old plan exist). */
  dryRun?: boolean;
}

/** What {@link storePlan} did. */
export interface StorePlanResult {
  /** What was done. */
  action: "created" | "replaced" | "unchanged" | "would create" | "would replace";
  /** Name of the plan ConfigMap. */
  configMap: string;
  /** Namespace. */
  namespace: string;
  /** Whether the PodCliqueSet exists (undefined when Grove is not installed or it could not be read). */
  pcsExists?: boolean;
  /** The plan that was there before, if any. */
  previous?: Plan;
  /** The previous ConfigMap's content could not be read as a plan. */
  previousError?: string;
  /** Notes for the user. */
  notes: string[];
}

/** Raised when a plan exists and `overwrite` was not given; carries the old plan. */
export class PlanExistsError extends GroveError {
  /** The stored plan. */
  readonly previous?: Plan;
  /** Builds the error. */
  constructor(pcs: string, namespace: string, previous?: Plan) {
    super(
      `a plan for "${pcs}" is already stored in namespace "${namespace}" (configmap "${
        planConfigMapName(pcs)
      }"); nothing was changed`,
      { hint: "pass --overwrite to replace it (the stored plan is shown above)" },
    );
    this.name = "PlanExistsError";
    this.previous = previous;
  }
}

function writeError(e: unknown, pcs: string): never {
  if (e instanceof ApiError && (e.status === 403 || e.status === 401)) {
    throw new GroveError(`cannot store the plan of "${pcs}": ${e.message}`, {
      hint: e.hint,
      cause: e,
    });
  }
  throw e;
}

/**
 * Stores a plan: creates the ConfigMap, or replaces it (resourceVersion
 * precondition) when `overwrite` is set. An existing plan without
 * `overwrite` is a {@link PlanExistsError}. A missing PodCliqueSet is
 * allowed and noted.
 */
export async function storePlan(
  kube: import("../../lib/kube/types.ts").Kube,
  o: StorePlanOptions,
): Promise<StorePlanResult> {
  const name = planConfigMapName(o.pcs);
  const notes: string[] = [];
  const [pcsRes, cmRes] = await Promise.all([
    kube.get(Resources.podcliquesets, o.pcs, o.namespace).then(
      () => true as boolean | undefined,
      (e) => {
        if (isApiStatus(e, 404)) return false;
        if (e instanceof ApiError) {
          notes.push(`could not check podcliqueset "${o.pcs}": ${e.message}`);
          return undefined;
        }
        throw e;
      },
    ),
    kube.get(Resources.configmaps, name, o.namespace).then(
      (cm) => cm as KubeObject | undefined,
      (e) => {
        if (isApiStatus(e, 404)) return undefined;
        throw e;
      },
    ),
  ]);
  if (pcsRes === false) {
    notes.push(
      `podcliqueset "${o.pcs}" does not exist in namespace "${o.namespace}" yet: the plan is stored for when it is applied`,
    );
  }
  const cm = planConfigMap(o.pcs, o.namespace, o.plan);
  let previous: Plan | undefined;
  let previousError: string | undefined;
  if (cmRes) {
    try {
      previous = planOfConfigMap(cmRes);
    } catch (e) {
      previousError = (e as Error).message;
    }
    if (previous && samePlan(previous, o.plan)) {
      return {
        action: "unchanged",
        configMap: name,
        namespace: o.namespace,
        pcsExists: pcsRes,
        previous,
        notes: [...notes, "the stored plan is identical; nothing to do"],
      };
    }
    if (!o.overwrite) throw new PlanExistsError(o.pcs, o.namespace, previous);
    if (o.dryRun) {
      return {
        action: "would replace",
        configMap: name,
        namespace: o.namespace,
        pcsExists: pcsRes,
        previous,
        previousError,
        notes,
      };
    }
    cm.metadata.resourceVersion = cmRes.metadata.resourceVersion;
    try {
      await kube.replace(Resources.configmaps, cm, { namespace: o.namespace });
    } catch (e) {
      writeError(e, o.pcs);
    }
    return {
      action: "replaced",
      configMap: name,
      namespace: o.namespace,
      pcsExists: pcsRes,
      previous,
      previousError,
      notes,
    };
  }
  if (o.dryRun) {
    return {
      action: "would create",
      configMap: name,
      namespace: o.namespace,
      pcsExists: pcsRes,
      notes,
    };
  }
  try {
    await kube.create(Resources.configmaps, cm, { namespace: o.namespace });
  } catch (e) {
    if (isApiStatus(e, 409)) {
      throw new GroveError(
        `configmap "${name}" was created by someone else while we stored the plan; nothing was changed`,
        { hint: "run the command again (with --overwrite to replace it)" },
      );
    }
    writeError(e, o.pcs);
  }
  return { action: "created", configMap: name, namespace: o.namespace, pcsExists: pcsRes, notes };
}

/** Reads the stored plan of a PCS; a missing one is an error saying how to store it. */
export async function readStoredPlan(
  kube: import("../../lib/kube/types.ts").Kube,
  pcs: string,
  namespace: string,
): Promise<{ plan: Plan; configMap: KubeObject }> {
  let cm: KubeObject;
  try {
    cm = await kube.get(Resources.configmaps, planConfigMapName(pcs), namespace);
  } catch (e) {
    if (isApiStatus(e, 404)) {
      throw new GroveError(`no plan stored for "${pcs}" in namespace "${namespace}"`, {
        hint:
          `store one with: kubectl grove plan store ${pcs} -f <manifest|plan.json|results dir> -n ${namespace}`,
      });
    }
    throw e;
  }
  return { plan: planOfConfigMap(cm), configMap: cm };
}
