/**
 * Reading the stored AIConfigurator plan: ConfigMap `<pcs>-aic-plan`, key
 * `plan.json` (format of the generate/plan issue). Only the documented keys
 * are needed; extra keys are ignored. Pure.
 *
 * @module
 */

import type { KubeObject } from "../../lib/kube/types.ts";

/** The documented part of a stored plan. */
export interface StoredPlan {
  /** Model name. */
  model?: string;
  /** System (GPU type). */
  system?: string;
  /** `disagg` or `agg`. */
  servingMode?: string;
  /** Worker counts and parallelism for the whole deployment. */
  config: {
    prefillWorkers?: number;
    decodeWorkers?: number;
    prefillTp?: number;
    decodeTp?: number;
    /** Aggregated serving: workers and TP, when given. */
    workers?: number;
    tp?: number;
    /** GPUs of one worker per role: `<role>_gpus_per_worker`, else tp x pp x dp. */
    prefillGpusPerWorker?: number;
    decodeGpusPerWorker?: number;
    gpusPerWorker?: number;
  };
  /** What AIConfigurator expects. */
  expected: { throughputPerGpu?: number; ttftMs?: number; tpotMs?: number };
  /** The SLA the plan was made for. */
  sla: { ttftMs?: number; tpotMs?: number };
}

/** The ConfigMap name holding a PCS's plan. */
export function planConfigMapName(pcs: string): string {
  return `${pcs}-aic-plan`;
}

function num(v: unknown): number | undefined {
  if (typeof v === "number" && Number.isFinite(v)) return v;
  if (typeof v === "string" && v.trim() !== "" && Number.isFinite(Number(v))) return Number(v);
  return undefined;
}

function obj(v: unknown): Record<string, unknown> {
  return v && typeof v === "object" && !Array.isArray(v) ? v as Record<string, unknown> : {};
}

function gpusPerWorker(c: Record<string, unknown>, role: string): number | undefined {
  const given = num(c[`${role}_gpus_per_worker`]);
  if (given !== undefined) return given;
  const tp = num(c[`${role}_tp`]) ?? (role === "agg" ? num(c.tp) : undefined);
  if (tp === undefined) return undefined;
  return tp * (num(c[`${role}_pp`]) ?? 1) * (num(c[`${role}_dp`]) ?? 1);
}

/**
 * Parses a plan ConfigMap. Returns the plan, or an error text naming what is
 * wrong (never throws).
 *
 * @example
 * ```ts
 * import { readPlan } from "./plan.ts";
 * const r = readPlan({ metadata: { name: "demo-aic-plan" }, data: { "plan.json": '{"sla":{"ttft_ms":300}}' } });
 * r.plan?.sla.ttftMs; // 300
 * ```
 */
export function readPlan(cm: KubeObject | undefined): { plan?: StoredPlan; error?: string } {
  if (!cm) return {};
  const text = cm.data?.["plan.json"];
  const where = `configmap "${cm.metadata.name}"`;
  if (typeof text !== "string") return { error: `${where} has no plan.json key` };
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (e) {
    return { error: `${where}: plan.json is not valid JSON (${(e as Error).message})` };
  }
  const r = obj(raw);
  if (Object.keys(r).length === 0) return { error: `${where}: plan.json is not a JSON object` };
  const c = obj(r.config);
  const ex = obj(r.expected);
  const sla = obj(r.sla);
  return {
    plan: {
      model: typeof r.model === "string" ? r.model : undefined,
      system: typeof r.system === "string" ? r.system : undefined,
      servingMode: typeof r.serving_mode === "string" ? r.serving_mode : undefined,
      config: {
        prefillWorkers: num(c.prefill_workers),
        decodeWorkers: num(c.decode_workers),
        prefillTp: num(c.prefill_tp),
        decodeTp: num(c.decode_tp),
        workers: num(c.agg_workers ?? c.workers),
        tp: num(c.agg_tp ?? c.tp),
        prefillGpusPerWorker: gpusPerWorker(c, "prefill"),
        decodeGpusPerWorker: gpusPerWorker(c, "decode"),
        gpusPerWorker: gpusPerWorker(c, "agg"),
      },
      expected: {
        throughputPerGpu: num(ex.throughput_tokens_per_sec_per_gpu),
        ttftMs: num(ex.ttft_ms),
        tpotMs: num(ex.tpot_ms),
      },
      sla: { ttftMs: num(sla.ttft_ms), tpotMs: num(sla.tpot_ms) },
    },
  };
}
