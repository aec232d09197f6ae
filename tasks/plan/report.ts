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
  apiVersion: string;
  kind: "PlanReport";
  pcs: string;
  namespace: string;
  configMap: string;
  /** When the ConfigMap was created. */
  storedAt?: string;
  /** Whether the PodCliqueSet exists (undefined when unknown). */
  pcsExists?: boolean;
  plan: Plan;
}

/** `plan diff`. */
export interface PlanDiffReport {
  apiVersion: string;
  kind: "PlanDiff";
  pcs: string;
  namespace: string;
  model: string;
  servingMode: string;
  /** True when anything drifted (exit code 3). */
  drift: boolean;
  rows: DriftRow[];
  notes: string[];
}

/** One row of `plan list`. */
export interface PlanListItem {
  namespace: string;
  pcs: string;
  configMap: string;
  servingMode?: string;
  model?: string;
  system?: string;
  totalGpus?: number;
  throughputPerGpu?: number;
  sla?: { ttftMs: number; tpotMs: number };
  pcsExists: boolean;
  storedAt?: string;
  /** Why the plan could not be read. */
  error?: string;
}

/** `plan list`. */
export interface PlanListReport {
  apiVersion: string;
  kind: "PlanList";
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
