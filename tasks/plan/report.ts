/**
 * Typed reports of `plan show`, `plan diff` and `plan list` (what `-o json`
 * prints and library users get). Pure.
 *
 * @module
 */

import { deployedRoles, diffPlan, type DriftRow } from "../../lib/aic/drift.ts";
import { type Plan, PLAN_LABEL, planTotalGpus } from "../../lib/aic/plan.ts";
import type { PodClique, PodCliqueScalingGroup, PodCliqueSet } from "../../lib/grove/types.ts";
import type { KubeObject } from "../../lib/kube/types.ts";
import { REPORT_API_VERSION } from "../../lib/render/output.ts";
import { planOfConfigMap } from "./store.ts";

/** `plan show`. */
export interface PlanShowReport {
  /** `kubectl-grove.io/v1alpha1`. */
  apiVersion: string;
  /** Report kind. */
  kind: "PlanReport";
  /** PodCliqueSet name. */
  pcs: string;
  /** Namespace. */
  namespace: string;
  /** Name of the plan ConfigMap. */
  configMap: string;
  /** When the ConfigMap was created. */
  storedAt?: string;
  /** Whether the PodCliqueSet exists (undefined when unknown). */
  pcsExists?: boolean;
  /** The plan. */
  plan: Plan;
}

/** `plan diff`. */
export interface PlanDiffReport {
  /** `kubectl-grove.io/v1alpha1`. */
  apiVersion: string;
  /** Report kind. */
  kind: "PlanDiff";
  /** PodCliqueSet name. */
  pcs: string;
  /** Namespace. */
  namespace: string;
  /** Model. */
  model: string;
  /** `disagg` or `agg`. */
  servingMode: string;
  /** True when anything drifted (exit code 3). */
  drift: boolean;
  /** One row per compared value. */
  rows: DriftRow[];
  /** Values that could not be read. */
  notes: string[];
}

/** One row of `plan list`. */
export interface PlanListItem {
  /** Namespace. */
  namespace: string;
  /** PodCliqueSet name. */
  pcs: string;
  /** Name of the plan ConfigMap. */
  configMap: string;
  /** `disagg` or `agg`. */
  servingMode?: string;
  /** Model. */
  model?: string;
  /** AIConfigurator system (GPU type). */
  system?: string;
  /** GPUs of the whole deployment. */
  totalGpus?: number;
  /** Expected output tokens/s per GPU. */
  throughputPerGpu?: number;
  /** SLA limits, ms. */
  sla?: {
    /** TTFT limit, ms. */
    ttftMs: number;
    /** TPOT limit, ms. */
    tpotMs: number;
  };
  /** Whether the PodCliqueSet exists. */
  pcsExists: boolean;
  /** When the plan was stored. */
  storedAt?: string;
  /** Why the plan could not be read. */
  error?: string;
}

/** `plan list`. */
export interface PlanListReport {
  /** `kubectl-grove.io/v1alpha1`. */
  apiVersion: string;
  /** Report kind. */
  kind: "PlanList";
  /** The stored plans. */
  items: PlanListItem[];
}

/** Builds the `plan show` report. */
export function buildPlanShowReport(
  pcs: string,
  namespace: string,
  cm: KubeObject,
  plan: Plan,
  pcsExists?: boolean,
): PlanShowReport {
  return {
    apiVersion: REPORT_API_VERSION,
    kind: "PlanReport",
    pcs,
    namespace,
    configMap: cm.metadata.name,
    ...(cm.metadata.creationTimestamp ? { storedAt: cm.metadata.creationTimestamp } : {}),
    ...(pcsExists === undefined ? {} : { pcsExists }),
    plan,
  };
}

/** Builds the `plan diff` report from the plan and the deployed objects. */
export function buildPlanDiffReport(
  pcsName: string,
  namespace: string,
  plan: Plan,
  pcs: PodCliqueSet,
  live: { cliques?: PodClique[]; groups?: PodCliqueScalingGroup[] },
): PlanDiffReport {
  const d = diffPlan(plan, deployedRoles(pcs, live));
  return {
    apiVersion: REPORT_API_VERSION,
    kind: "PlanDiff",
    pcs: pcsName,
    namespace,
    model: plan.model,
    servingMode: plan.serving_mode,
    drift: d.drift,
    rows: d.rows,
    notes: d.notes,
  };
}

/** Builds the `plan list` report from plan ConfigMaps and the PodCliqueSets in the same scope. */
export function buildPlanListReport(
  configMaps: KubeObject[],
  pcsList: KubeObject[],
): PlanListReport {
  const exists = new Set(pcsList.map((p) => `${p.metadata.namespace}/${p.metadata.name}`));
  const items = configMaps.map((cm): PlanListItem => {
    const ns = cm.metadata.namespace ?? "";
    const pcs = cm.metadata.labels?.[PLAN_LABEL] || cm.metadata.name.replace(/-aic-plan$/, "");
    const base: PlanListItem = {
      namespace: ns,
      pcs,
      configMap: cm.metadata.name,
      pcsExists: exists.has(`${ns}/${pcs}`),
      ...(cm.metadata.creationTimestamp ? { storedAt: cm.metadata.creationTimestamp } : {}),
    };
    try {
      const p = planOfConfigMap(cm);
      return {
        ...base,
        servingMode: p.serving_mode,
        model: p.model,
        system: p.system,
        totalGpus: planTotalGpus(p),
        throughputPerGpu: p.expected.throughput_tokens_per_sec_per_gpu,
        sla: { ttftMs: p.sla.ttft_ms, tpotMs: p.sla.tpot_ms },
      };
    } catch (e) {
      return { ...base, error: (e as Error).message };
    }
  }).sort((a, b) => a.namespace.localeCompare(b.namespace) || a.pcs.localeCompare(b.pcs));
  return { apiVersion: REPORT_API_VERSION, kind: "PlanList", items };
}
