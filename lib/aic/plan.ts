/**
 * The `plan.json` format: what AIConfigurator recommended for a
 * PodCliqueSet, kept beside it in the ConfigMap `<pcs>-aic-plan` (labelled
 * `grove.io/aic-plan=<pcs>`, key `plan.json`) so later commands can compare
 * plan and reality.
 *
 * Documented keys (other tools may write plans with only these):
 *
 * ```json
 * {
 *   "model": "Qwen/Qwen3-32B-FP8", "system": "h200_sxm", "serving_mode": "disagg",
 *   "config": { "prefill_workers": 8, "decode_workers": 2, "prefill_tp": 1, "decode_tp": 4 },
 *   "expected": { "throughput_tokens_per_sec_per_gpu": 1233.68, "ttft_ms": 285.58, "tpot_ms": 29.86 },
 *   "sla": { "ttft_ms": 2000, "tpot_ms": 30 }
 * }
 * ```
 *
 * Worker counts are for the whole deployment. Our extra keys, all optional
 * on reading: `config.{prefill,decode}_{pp,dp,gpus_per_worker}`,
 * `config.agg_{workers,tp,pp,dp,gpus_per_worker}` (agg plans),
 * `expected.{tokens_per_sec_per_user,request_latency_ms}`, and top-level
 * `pcs`, `backend`, `backend_version`, `aiconfigurator_version`,
 * `total_gpus`, `isl`, `osl`, `created`, `generator`, `source`.
 *
 * @module
 */

import { GroveError } from "../errors.ts";
import { jsonErrorOffset } from "./json_position.ts";
import type { AicResults, ServingMode } from "./results.ts";

/** The ConfigMap key holding the plan. */
export const PLAN_KEY = "plan.json";
/** Label on the ConfigMap (and on generated PodCliqueSets): the PCS name. */
export const PLAN_LABEL = "grove.io/aic-plan";
/** Annotation on generated PodCliqueSets holding their plan as compact JSON. */
export const PLAN_JSON_ANNOTATION = "grove.io/aic-plan-json";

/** Name of the ConfigMap that holds a PCS's plan. */
export function planConfigMapName(pcs: string): string {
  return `${pcs}-aic-plan`;
}

/** `config` of a plan. */
export interface PlanConfig {
  /** Prefill workers of the whole deployment (documented). */
  prefill_workers?: number;
  /** Decode workers of the whole deployment (documented). */
  decode_workers?: number;
  /** Tensor-parallel size of a prefill worker (documented). */
  prefill_tp?: number;
  /** Tensor-parallel size of a decode worker (documented). */
  decode_tp?: number;
  /** Pipeline-parallel size of a prefill worker. */
  prefill_pp?: number;
  /** Data-parallel size of a prefill worker. */
  prefill_dp?: number;
  /** GPUs of one prefill worker. */
  prefill_gpus_per_worker?: number;
  /** Pipeline-parallel size of a decode worker. */
  decode_pp?: number;
  /** Data-parallel size of a decode worker. */
  decode_dp?: number;
  /** GPUs of one decode worker. */
  decode_gpus_per_worker?: number;
  /** Workers of an agg plan. */
  agg_workers?: number;
  /** Tensor-parallel size of an agg worker. */
  agg_tp?: number;
  /** Agg worker count as some other tools write it. */
  workers?: number;
  /** Agg TP as some other tools write it. */
  tp?: number;
  /** Pipeline-parallel size of an agg worker. */
  agg_pp?: number;
  /** Data-parallel size of an agg worker. */
  agg_dp?: number;
  /** GPUs of one agg worker. */
  agg_gpus_per_worker?: number;
}

/** A plan, as stored in `plan.json`. */
export interface Plan {
  /** Model (Hugging Face id). */
  model: string;
  /** AIConfigurator system (GPU type). */
  system: string;
  /** `disagg` or `agg`. */
  serving_mode: ServingMode;
  /** Worker counts (whole deployment) and parallel sizes. */
  config: PlanConfig;
  /** What AIConfigurator expects of this configuration. */
  expected: {
    /** Output tokens/s per GPU (documented). */
    throughput_tokens_per_sec_per_gpu: number;
    /** Time to first token, ms (documented). */
    ttft_ms: number;
    /** Time per output token, ms (documented). */
    tpot_ms: number;
    /** Output tokens/s per user. */
    tokens_per_sec_per_user?: number;
    /** End-to-end request latency, ms. */
    request_latency_ms?: number;
  };
  /** The SLA the search was given. */
  sla: {
    /** TTFT limit, ms. */
    ttft_ms: number;
    /** TPOT limit, ms. */
    tpot_ms: number;
  };
  /** The PodCliqueSet the plan is for. */
  pcs?: string;
  /** Engine: sglang, vllm or trtllm. */
  backend?: string;
  /** Engine version AIConfigurator modelled. */
  backend_version?: string;
  /** aiconfigurator version that made the plan. */
  aiconfigurator_version?: string;
  /** GPUs of the whole deployment. */
  total_gpus?: number;
  /** Input sequence length. */
  isl?: number;
  /** Output sequence length. */
  osl?: number;
  /** When the plan was made (RFC 3339). */
  created?: string;
  /** The tool that wrote it, e.g. `kubectl-grove 0.1.0`. */
  generator?: string;
  /** Where it came from (results directory or file). */
  source?: string;
  /** Unknown keys written by other tools are kept as they are. */
  [extra: string]: unknown;
}

/** One role of a plan, normalised. */
export interface PlanRole {
  /** Role. */
  role: "prefill" | "decode" | "worker";
  /** Workers of the whole deployment. */
  workers: number;
  /** Tensor-parallel size. */
  tp: number;
  /** Pipeline-parallel size, when the plan says. */
  pp?: number;
  /** Data-parallel size, when the plan says. */
  dp?: number;
  /** GPUs per worker, when the plan says. */
  gpusPerWorker?: number;
}

/** Options of {@link planFromResults}. */
export interface PlanFromResultsOptions {
  /** The PodCliqueSet the plan is for. */
  pcs?: string;
  /** Creation time (RFC 3339). */
  created?: string;
  /** aiconfigurator version that produced the results. */
  aiconfiguratorVersion?: string;
  /** `kubectl-grove <version>`. */
  generator?: string;
}

/** Builds the plan of one mode of a results directory (pure). */
export function planFromResults(
  r: AicResults,
  mode: ServingMode,
  opts: PlanFromResultsOptions = {},
): Plan {
  const m = r[mode];
  if (!m) {
    throw new GroveError(
      `${r.dir}: no ${mode} configuration met the SLA, so there is no ${mode} plan`,
      {
        hint: `use the ${
          mode === "disagg" ? "agg" : "disagg"
        } plan, or relax the SLA and run again`,
      },
    );
  }
  const config: PlanConfig = {};
  if (mode === "disagg") {
    const p = m.prefill!, d = m.decode!;
    Object.assign(config, {
      prefill_workers: p.workers,
      decode_workers: d.workers,
      prefill_tp: p.tp,
      decode_tp: d.tp,
      prefill_pp: p.pp,
      prefill_dp: p.dp,
      prefill_gpus_per_worker: p.gpusPerWorker,
      decode_pp: d.pp,
      decode_dp: d.dp,
      decode_gpus_per_worker: d.gpusPerWorker,
    });
  } else {
    const w = m.worker!;
    Object.assign(config, {
      agg_workers: w.workers,
      agg_tp: w.tp,
      agg_pp: w.pp,
      agg_dp: w.dp,
      agg_gpus_per_worker: w.gpusPerWorker,
    });
  }
  const plan: Plan = {
    model: r.model,
    system: r.system,
    serving_mode: mode,
    config,
    expected: {
      throughput_tokens_per_sec_per_gpu: round(m.throughputPerGpu),
      ttft_ms: round(m.ttftMs),
      tpot_ms: round(m.tpotMs),
      tokens_per_sec_per_user: round(m.throughputPerUser),
    },
    sla: { ttft_ms: r.sla?.ttftMs ?? 0, tpot_ms: r.sla?.tpotMs ?? 0 },
    backend: m.backend,
    total_gpus: m.totalGpusUsed,
    isl: r.isl,
    osl: r.osl,
  };
  if (m.requestLatencyMs !== undefined) {
    plan.expected.request_latency_ms = round(m.requestLatencyMs);
  }
  if (m.backendVersion) plan.backend_version = m.backendVersion;
  if (opts.aiconfiguratorVersion) plan.aiconfigurator_version = opts.aiconfiguratorVersion;
  if (opts.pcs) plan.pcs = opts.pcs;
  if (opts.created) plan.created = opts.created;
  if (opts.generator) plan.generator = opts.generator;
  plan.source = r.dir;
  return plan;
}

function round(n: number): number {
  return Math.round(n * 1000) / 1000;
}

/** Line and column of a character offset in text (1-based). */
function lineCol(text: string, offset: number): string {
  const before = text.slice(0, offset);
  const line = before.split("\n").length;
  const col = offset - before.lastIndexOf("\n");
  return `${line}:${col}`;
}

/**
 * Parses and validates plan JSON. Errors name the source, the position of a
 * syntax error, and each missing or mistyped key.
 *
 * @example
 * ```ts
 * import { parsePlan } from "./plan.ts";
 * const p = parsePlan(JSON.stringify({
 *   model: "m", system: "h200_sxm", serving_mode: "disagg",
 *   config: { prefill_workers: 2, decode_workers: 1, prefill_tp: 1, decode_tp: 4 },
 *   expected: { throughput_tokens_per_sec_per_gpu: 1000, ttft_ms: 200, tpot_ms: 20 },
 *   sla: { ttft_ms: 300, tpot_ms: 30 },
 * }), "plan.json");
 * console.log(p.config.decode_tp); // 4
 * ```
 */
export function parsePlan(text: string, source: string): Plan {
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch (e) {
    const msg = (e as Error).message;
    const off = jsonErrorOffset(text);
    const where = off !== undefined ? `${source}:${lineCol(text, off)}` : source;
    const what = off === undefined
      ? msg
      : off >= text.length
      ? "unexpected end of the text"
      : `unexpected ${JSON.stringify(text[off])}`;
    throw new GroveError(`${where}: not valid JSON: ${what}`, {
      hint:
        "fix the file (see `kubectl grove plan --help` for the format), or store a results directory instead",
    });
  }
  return validatePlan(doc, source);
}

/** Validates a decoded plan object; see {@link parsePlan}. */
export function validatePlan(doc: unknown, source: string): Plan {
  const problems: string[] = [];
  if (typeof doc !== "object" || doc === null || Array.isArray(doc)) {
    throw new GroveError(`${source}: a plan must be a JSON object, got ${kind(doc)}`, {
      hint: "see `kubectl grove plan --help` for the format",
    });
  }
  const o = doc as Record<string, unknown>;
  const str = (k: string) => {
    if (o[k] === undefined) problems.push(`missing "${k}" (a string)`);
    else if (typeof o[k] !== "string" || o[k] === "") {
      problems.push(`"${k}" must be a non-empty string, got ${kind(o[k])}`);
    }
  };
  const obj = (k: string): Record<string, unknown> | undefined => {
    if (o[k] === undefined) {
      problems.push(`missing "${k}" (an object)`);
      return undefined;
    }
    if (typeof o[k] !== "object" || o[k] === null || Array.isArray(o[k])) {
      problems.push(`"${k}" must be an object, got ${kind(o[k])}`);
      return undefined;
    }
    return o[k] as Record<string, unknown>;
  };
  const num = (
    parent: Record<string, unknown> | undefined,
    path: string,
    key: string,
    required: boolean,
    integer = false,
  ) => {
    if (!parent) return;
    const v = parent[key];
    if (v === undefined || v === null) {
      if (required) problems.push(`missing "${path}.${key}" (a number)`);
      return;
    }
    if (typeof v !== "number" || !Number.isFinite(v) || v < 0) {
      problems.push(`"${path}.${key}" must be a number >= 0, got ${kind(v)}`);
    } else if (integer && !Number.isInteger(v)) {
      problems.push(`"${path}.${key}" must be a whole number, got ${v}`);
    }
  };
  str("model");
  str("system");
  const mode = o.serving_mode;
  if (mode === undefined) problems.push(`missing "serving_mode" ("disagg" or "agg")`);
  else if (mode !== "disagg" && mode !== "agg") {
    problems.push(`"serving_mode" must be "disagg" or "agg", got ${kind(mode)}`);
  }
  const config = obj("config");
  const intKeys = [
    "prefill_workers",
    "decode_workers",
    "prefill_tp",
    "decode_tp",
    "prefill_pp",
    "prefill_dp",
    "prefill_gpus_per_worker",
    "decode_pp",
    "decode_dp",
    "decode_gpus_per_worker",
    "agg_workers",
    "agg_tp",
    "agg_pp",
    "agg_dp",
    "agg_gpus_per_worker",
    "workers",
    "tp",
  ];
  const requiredConfig = mode === "agg" ? [] : intKeys.slice(0, 4);
  for (const k of intKeys) num(config, "config", k, requiredConfig.includes(k), true);
  if (mode === "agg" && config) {
    const hasAgg = (config.agg_workers ?? config.workers) !== undefined &&
      (config.agg_tp ?? config.tp) !== undefined;
    const hasDoc = config.decode_workers !== undefined && config.decode_tp !== undefined;
    if (!hasAgg && !hasDoc) {
      problems.push(`an agg plan needs "config.agg_workers" and "config.agg_tp"`);
    }
  }
  const expected = obj("expected");
  for (const k of ["throughput_tokens_per_sec_per_gpu", "ttft_ms", "tpot_ms"]) {
    num(expected, "expected", k, true);
  }
  for (const k of ["tokens_per_sec_per_user", "request_latency_ms"]) {
    num(expected, "expected", k, false);
  }
  const sla = obj("sla");
  for (const k of ["ttft_ms", "tpot_ms"]) num(sla, "sla", k, true);
  for (
    const k of [
      "pcs",
      "backend",
      "backend_version",
      "aiconfigurator_version",
      "created",
      "generator",
      "source",
    ]
  ) {
    if (o[k] !== undefined && typeof o[k] !== "string") {
      problems.push(`"${k}" must be a string, got ${kind(o[k])}`);
    }
  }
  for (const k of ["total_gpus", "isl", "osl"]) num(o, "", k, false);
  if (problems.length) {
    throw new GroveError(
      `${source}: not a valid plan: ${problems.map((p) => p.replace(/"\./g, '"')).join("; ")}`,
      { hint: "see `kubectl grove plan --help` for the plan.json format" },
    );
  }
  return o as Plan;
}

function kind(v: unknown): string {
  if (v === null) return "null";
  if (Array.isArray(v)) return "an array";
  if (typeof v === "string") return JSON.stringify(v);
  if (typeof v === "object") return "an object";
  return `${typeof v} ${String(v)}`;
}

/** The roles of a plan, normalised (agg plans: one `worker` role). */
export function planRoles(p: Plan): PlanRole[] {
  const c = p.config;
  if (p.serving_mode === "agg") {
    return [{
      role: "worker",
      workers: c.agg_workers ?? c.workers ?? c.decode_workers ?? 0,
      tp: c.agg_tp ?? c.tp ?? c.decode_tp ?? 0,
      pp: c.agg_pp ?? c.decode_pp,
      dp: c.agg_dp ?? c.decode_dp,
      gpusPerWorker: c.agg_gpus_per_worker ?? c.decode_gpus_per_worker,
    }];
  }
  return [
    {
      role: "prefill",
      workers: c.prefill_workers ?? 0,
      tp: c.prefill_tp ?? 0,
      pp: c.prefill_pp,
      dp: c.prefill_dp,
      gpusPerWorker: c.prefill_gpus_per_worker,
    },
    {
      role: "decode",
      workers: c.decode_workers ?? 0,
      tp: c.decode_tp ?? 0,
      pp: c.decode_pp,
      dp: c.decode_dp,
      gpusPerWorker: c.decode_gpus_per_worker,
    },
  ];
}

/** GPUs per worker of a plan role: the stored value, else tp x pp x dp. */
export function roleGpus(r: PlanRole): number {
  return r.gpusPerWorker ?? r.tp * (r.pp ?? 1) * (r.dp ?? 1);
}

/** Total GPUs of a plan: `total_gpus`, else the sum over roles. */
export function planTotalGpus(p: Plan): number {
  return p.total_gpus ?? planRoles(p).reduce((s, r) => s + r.workers * roleGpus(r), 0);
}
