/**
 * Reads an AIConfigurator results directory (`<save-dir>/<org>/<model>_<system>_<backend>_isl.._osl.._ttft.._tpot.._<n>/`):
 * `{agg,disagg}/best_config_topn.csv` (rank 1 is the recommendation),
 * `{agg,disagg}/top1/generator_config.yaml` (worker counts and parallel
 * sizes of the whole deployment) and `pareto.csv` (to say which SLA limit to
 * relax when nothing met it). Parsing is pure; {@link readResultsDir} does the I/O.
 *
 * @module
 */

import { yamlLoad } from "../deps.ts";
import { GroveError } from "../errors.ts";
import { type CsvTable, numberCell, optionalNumberCell, parseCsv, requireColumns } from "./csv.ts";

/** `disagg` (prefill and decode workers) or `agg` (one kind of worker). */
export type ServingMode = "disagg" | "agg";

/** Backends AIConfigurator models and we generate commands for. */
export type Backend = "sglang" | "vllm" | "trtllm";

/** The backends we support, in help order. */
export const BACKENDS: readonly Backend[] = ["sglang", "vllm", "trtllm"];

/** One role's workers, counted over the whole deployment. */
export interface RolePlan {
  /** Workers of this role in the whole deployment (all AIC replicas). */
  workers: number;
  /** Tensor-parallel size. */
  tp: number;
  /** Pipeline-parallel size. */
  pp: number;
  /** Data-parallel (attention DP) size. */
  dp: number;
  /** MoE expert-parallel size (`moe_ep`), when above 1. */
  ep?: number;
  /** GPUs one worker uses (tp x pp x dp). */
  gpusPerWorker: number;
  /** Batch size AIC modelled, when known. */
  batchSize?: number;
}

/** The recommended (rank-1) configuration of one serving mode. */
export interface ModeResult {
  /** The mode. */
  mode: ServingMode;
  /** Backend of the row. */
  backend: string;
  /** Backend version AIC modelled (its perf database). */
  backendVersion?: string;
  /** AIC replicas: copies of the smallest unit (xPyD, or one agg worker). */
  replicas: number;
  /** GPUs in one AIC replica. */
  gpusPerReplica: number;
  /** GPUs used by the whole deployment. */
  totalGpusUsed: number;
  /** Prefill workers (disagg). */
  prefill?: RolePlan;
  /** Decode workers (disagg). */
  decode?: RolePlan;
  /** Workers (agg). */
  worker?: RolePlan;
  /** Expected output tokens/s per GPU of the cluster (AIC's ranking metric). */
  throughputPerGpu: number;
  /** Expected tokens/s per user. */
  throughputPerUser: number;
  /** Expected time to first token, ms. */
  ttftMs: number;
  /** Expected time per output token, ms. */
  tpotMs: number;
  /** Expected request latency, ms. */
  requestLatencyMs?: number;
  /** Concurrency of one replica AIC modelled. */
  concurrency?: number;
  /** Whether TTFT and TPOT are within the SLA (undefined when the SLA is unknown). */
  slaMet?: boolean;
  /** Where the row came from, `file:line`. */
  source: string;
}

/** Latency targets. */
export interface Sla {
  /** Time to first token limit, ms. */
  ttftMs: number;
  /** Time per output token limit, ms. */
  tpotMs: number;
}

/** Everything we read from one results directory. */
export interface AicResults {
  /** The run directory (with agg/ and disagg/). */
  dir: string;
  /** Model (HF id or AIC model name). */
  model: string;
  /** AIC system name (GPU type), e.g. h200_sxm. */
  system: string;
  /** Backend. */
  backend: string;
  /** Backend version AIC modelled. */
  backendVersion?: string;
  /** Input sequence length. */
  isl: number;
  /** Output sequence length. */
  osl: number;
  /** The SLA of the search (flags, else the directory name), if known. */
  sla?: Sla;
  /** GPUs the search was given. */
  totalGpus: number;
  /** Where totalGpus came from. */
  totalGpusSource: "flag" | "generator_config" | "csv";
  /** GPUs per node from NodeConfig, when present. */
  gpusPerNode?: number;
  /** Container image the generator suggested (K8sConfig.k8s_image). */
  suggestedImage?: string;
  /** The disaggregated recommendation. */
  disagg?: ModeResult;
  /** The aggregated recommendation. */
  agg?: ModeResult;
  /** The mode with the higher throughput per GPU. */
  best?: ServingMode;
  /** Things the user should know (inferred values, disagreements, a mode without results). */
  notes: string[];
}

/** The files of a results directory, as text (absent ones undefined). */
export interface ResultFiles {
  /** Run directory path (for messages and the SLA in its name). */
  dir: string;
  /** Text of agg/best_config_topn.csv. */
  aggCsv?: string;
  /** Text of disagg/best_config_topn.csv. */
  disaggCsv?: string;
  /** Text of agg/pareto.csv. */
  aggPareto?: string;
  /** Text of disagg/pareto.csv. */
  disaggPareto?: string;
  /** Text of agg/top1/generator_config.yaml. */
  aggGenerator?: string;
  /** Text of disagg/top1/generator_config.yaml. */
  disaggGenerator?: string;
  /** The aiconfigurator log, when we ran it (to read "No configurations ... met ..."). */
  log?: string;
}

/** Options of {@link parseResults}. */
export interface ParseResultsOptions {
  /** GPUs given to the search (`--total-gpus`); inferred when absent. */
  totalGpus?: number;
  /** SLA given on the command line; else read from the directory name. */
  sla?: Sla;
}

const AGG_COLUMNS = [
  "model",
  "isl",
  "osl",
  "ttft",
  "tpot",
  "tokens/s/gpu",
  "tokens/s/user",
  "num_total_gpus",
  "tp",
  "pp",
  "backend",
  "system",
] as const;

const DISAGG_COLUMNS = [
  "model",
  "isl",
  "osl",
  "ttft",
  "tpot",
  "tokens/s/gpu",
  "tokens/s/user",
  "num_total_gpus",
  "(p)workers",
  "(d)workers",
  "(p)tp",
  "(p)pp",
  "(d)tp",
  "(d)pp",
  "(p)backend",
  "(p)system",
] as const;

/** Every column of the v0.11 agg table (for telling renamed columns from new ones). */
const KNOWN_AGG =
  "model,isl,osl,prefix,concurrency,request_rate,bs,global_bs,ttft,tpot,request_latency,encoder_latency,encoder_memory,seq/s,seq/s/gpu,tokens/s,tokens/s/gpu,tokens/s/user,num_total_gpus,tp,pp,dp,moe_tp,moe_ep,cp,parallel,gemm,kvcache,fmha,moe,comm,memory,balance_score,num_ctx_reqs,num_gen_reqs,num_tokens,ctx_tokens,gen_tokens,backend,version,system,power_w,tokens/s/gpu_cluster"
    .split(",");

/** Every column of the v0.11 disagg table. */
const KNOWN_DISAGG =
  "model,isl,osl,prefix,concurrency,request_rate,(p)bs,(p)global_bs,(p)workers,(d)bs,(d)global_bs,(d)workers,ttft,tpot,request_latency,encoder_latency,seq/s,seq/s/gpu,tokens/s,tokens/s/gpu,tokens/s/user,(p)seq/s/worker,(d)seq/s/worker,num_total_gpus,(p)tp,(p)pp,(p)dp,(p)moe_tp,(p)moe_ep,(p)cp,(p)parallel,(p)gemm,(p)kvcache,(p)fmha,(p)moe,(p)comm,(p)memory,(p)backend,(p)version,(p)system,(d)tp,(d)pp,(d)dp,(d)moe_tp,(d)moe_ep,(d)parallel,(d)gemm,(d)kvcache,(d)fmha,(d)moe,(d)comm,(d)memory,(d)backend,(d)version,(d)system,(e)workers,(e)tp,(e)pp,(e)bs,(e)parallel,(e)memory,power_w,tokens/s/gpu_cluster"
    .split(",");

/** Parses `_isl4000_osl1000_ttft2000_tpot30_482913` at the end of a run directory name. */
export function slaFromDirName(dir: string): (Sla & { isl: number; osl: number }) | undefined {
  const base = dir.replace(/[\\/]+$/, "").split(/[\\/]/).pop() ?? "";
  const m = /_isl(\d+)_osl(\d+)_ttft(\d+(?:\.\d+)?)_tpot(\d+(?:\.\d+)?)(?:_\d+)?$/.exec(base);
  if (!m) return undefined;
  return { isl: Number(m[1]), osl: Number(m[2]), ttftMs: Number(m[3]), tpotMs: Number(m[4]) };
}

function role(
  t: CsvTable,
  i: number,
  prefix: string,
  replicas: number,
): RolePlan {
  const tp = numberCell(t, i, `${prefix}tp`);
  const pp = numberCell(t, i, `${prefix}pp`);
  const dp = optionalNumberCell(t, i, `${prefix}dp`) ?? 1;
  const perReplica = prefix === "" ? 1 : numberCell(t, i, `${prefix}workers`);
  const ep = optionalNumberCell(t, i, `${prefix}moe_ep`);
  return {
    workers: perReplica * replicas,
    tp,
    pp,
    dp,
    ...(ep !== undefined && ep > 1 ? { ep } : {}),
    gpusPerWorker: tp * pp * dp,
    batchSize: optionalNumberCell(t, i, `${prefix}bs`),
  };
}

function slaMet(ttft: number, tpot: number, sla?: Sla): boolean | undefined {
  if (!sla) return undefined;
  return ttft <= sla.ttftMs + 1e-9 && tpot <= sla.tpotMs + 1e-9;
}

interface GeneratorConfig {
  workers: Record<string, number | null | undefined>;
  params: Record<string, Record<string, number | undefined>>;
  image?: string;
  gpusPerNode?: number;
}

/** Parses a `top1/generator_config.yaml`: WorkerConfig, params, K8sConfig.k8s_image, NodeConfig. */
export function parseGeneratorConfig(text: string, file: string): GeneratorConfig {
  let doc: unknown;
  try {
    doc = yamlLoad(text);
  } catch (e) {
    const m = e as { mark?: { line: number; column: number }; reason?: string };
    throw new GroveError(
      `${file}${m.mark ? `:${m.mark.line + 1}:${m.mark.column + 1}` : ""}: not valid YAML: ${
        m.reason ?? (e as Error).message
      }`,
      { hint: "re-run aiconfigurator to write it again, or delete it to use the CSV only" },
    );
  }
  const d = (doc ?? {}) as Record<string, unknown>;
  const wc = d.WorkerConfig;
  if (typeof wc !== "object" || wc === null) {
    throw new GroveError(`${file}: no WorkerConfig section`, {
      hint: "re-run aiconfigurator (0.7 or later), or delete the file to use the CSV only",
    });
  }
  const params = (typeof d.params === "object" && d.params !== null ? d.params : {}) as Record<
    string,
    Record<string, number | undefined>
  >;
  const k8s = (d.K8sConfig ?? {}) as Record<string, unknown>;
  const node = (d.NodeConfig ?? {}) as Record<string, unknown>;
  return {
    workers: wc as Record<string, number>,
    params,
    image: typeof k8s.k8s_image === "string" && k8s.k8s_image ? k8s.k8s_image : undefined,
    gpusPerNode: typeof node.num_gpus_per_node === "number" ? node.num_gpus_per_node : undefined,
  };
}

function genRole(g: GeneratorConfig, name: "prefill" | "decode" | "agg"): RolePlan | undefined {
  const workers = g.workers[`${name}_workers`];
  const p = g.params[name] ?? {};
  if (typeof workers !== "number" || workers <= 0) return undefined;
  const tp = p.tensor_parallel_size ?? 1;
  const pp = p.pipeline_parallel_size ?? 1;
  const dp = p.data_parallel_size ?? 1;
  const gpus = p.gpus_per_worker ?? g.workers[`${name}_gpus_per_worker`] ?? tp * pp * dp;
  const ep = p.moe_expert_parallel_size;
  return {
    workers,
    tp,
    pp,
    dp,
    ...(ep !== undefined && ep > 1 ? { ep } : {}),
    gpusPerWorker: gpus as number,
    batchSize: p.max_batch_size,
  };
}

function sameRole(a: RolePlan, b: RolePlan): boolean {
  return a.workers === b.workers && a.tp === b.tp && a.pp === b.pp && a.dp === b.dp &&
    a.gpusPerWorker === b.gpusPerWorker;
}

function describeRole(r: RolePlan): string {
  return `${r.workers} x tp${r.tp}pp${r.pp}dp${r.dp}`;
}

/** Which SLA limit to relax, from the Pareto points (all configurations found, SLA or not). */
export function relaxAdvice(
  pareto: CsvTable | CsvTable[] | undefined,
  sla: Sla | undefined,
  log?: string,
): string {
  // 0.11: "No configurations for agg met the TPOT constraint."; 0.12 also logs
  // "No config found with tpot <= 1.0. Returning top-5 closest configs."
  const fromLog = log
    ? (/met the (TTFT|TPOT|request latency) constraint/i.exec(log) ??
      /No config found with (ttft|tpot|request_latency) <=/i.exec(log))
    : null;
  const tables = (Array.isArray(pareto) ? pareto : pareto ? [pareto] : [])
    .filter((t) => t.header.includes("ttft") && t.header.includes("tpot"));
  if (tables.length && sla) {
    const pts = tables.flatMap((t) => t.rows).map((r) => ({
      ttft: Number(r.ttft),
      tpot: Number(r.tpot),
    }))
      .filter((p) => Number.isFinite(p.ttft) && Number.isFinite(p.tpot));
    if (pts.length > 0) {
      const minTtft = Math.min(...pts.map((p) => p.ttft));
      const minTpot = Math.min(...pts.map((p) => p.tpot));
      const parts: string[] = [];
      if (minTtft > sla.ttftMs) {
        parts.push(
          `the TTFT limit (${sla.ttftMs} ms) is below the fastest TTFT found (${
            fmt(minTtft)
          } ms): raise --ttft to at least ${Math.ceil(minTtft)}`,
        );
      }
      if (minTpot > sla.tpotMs) {
        parts.push(
          `the TPOT limit (${sla.tpotMs} ms) is below the fastest TPOT found (${
            fmt(minTpot)
          } ms): raise --tpot to at least ${Math.ceil(minTpot)}`,
        );
      }
      if (parts.length) return parts.join("; ");
      const best = [...pts].sort((a, b) =>
        Math.max(a.ttft / sla.ttftMs, a.tpot / sla.tpotMs) -
        Math.max(b.ttft / sla.ttftMs, b.tpot / sla.tpotMs)
      )[0];
      if (best.ttft <= sla.ttftMs && best.tpot <= sla.tpotMs) {
        // The Pareto points fit, yet nothing was ranked: trust aiconfigurator's own reason.
        if (fromLog) return logAdvice(fromLog[1]);
        return "the Pareto frontier has points within both limits but none was ranked; check the aiconfigurator log, or give more GPUs with --total-gpus";
      }
      return `no configuration meets both limits at once; the closest has TTFT ${
        fmt(best.ttft)
      } ms and TPOT ${fmt(best.tpot)} ms: raise --ttft to ${Math.ceil(best.ttft)} or --tpot to ${
        Math.ceil(best.tpot)
      }, or give more GPUs with --total-gpus`;
    }
  }
  if (fromLog) return logAdvice(fromLog[1]);
  return "raise --ttft or --tpot, or give more GPUs with --total-gpus";
}

function logAdvice(raw: string): string {
  const limit = /^t(tft|pot)$/i.test(raw) ? raw.toUpperCase() : raw.replace("_", " ");
  const flag = limit.toUpperCase() === "TTFT"
    ? "--ttft"
    : limit.toUpperCase() === "TPOT"
    ? "--tpot"
    : "--request-latency";
  return `aiconfigurator reports the ${limit} limit as the one not met: raise ${flag}, or give more GPUs with --total-gpus`;
}

function fmt(n: number): string {
  return Number.isInteger(n) ? String(n) : n.toFixed(2);
}

/**
 * Builds {@link AicResults} from the text of the result files (pure).
 * Throws a {@link GroveError} naming the file for missing columns, malformed
 * rows, or when no configuration met the SLA (saying which limit to relax).
 */
export function parseResults(files: ResultFiles, opts: ParseResultsOptions = {}): AicResults {
  const dir = files.dir;
  const notes: string[] = [];
  const fromName = slaFromDirName(dir);
  const sla = opts.sla ??
    (fromName ? { ttftMs: fromName.ttftMs, tpotMs: fromName.tpotMs } : undefined);
  const aggT = files.aggCsv !== undefined
    ? parseCsv(files.aggCsv, `${dir}/agg/best_config_topn.csv`)
    : undefined;
  const disT = files.disaggCsv !== undefined
    ? parseCsv(files.disaggCsv, `${dir}/disagg/best_config_topn.csv`)
    : undefined;
  if (!aggT && !disT) {
    throw new GroveError(
      `${dir}: no agg/best_config_topn.csv or disagg/best_config_topn.csv`,
      { hint: "pass the directory aiconfigurator printed after 'Saving results to'" },
    );
  }
  if (aggT) requireColumns(aggT, AGG_COLUMNS, KNOWN_AGG);
  if (disT) requireColumns(disT, DISAGG_COLUMNS, KNOWN_DISAGG);
  const disGen = files.disaggGenerator !== undefined
    ? parseGeneratorConfig(files.disaggGenerator, `${dir}/disagg/top1/generator_config.yaml`)
    : undefined;
  const aggGen = files.aggGenerator !== undefined
    ? parseGeneratorConfig(files.aggGenerator, `${dir}/agg/top1/generator_config.yaml`)
    : undefined;

  if ((aggT?.rows.length ?? 0) === 0 && (disT?.rows.length ?? 0) === 0) {
    const paretoT: CsvTable[] = [];
    if (files.aggPareto !== undefined) {
      paretoT.push(parseCsv(files.aggPareto, `${dir}/agg/pareto.csv`));
    }
    if (files.disaggPareto !== undefined) {
      paretoT.push(parseCsv(files.disaggPareto, `${dir}/disagg/pareto.csv`));
    }
    const limits = sla ? ` (TTFT <= ${sla.ttftMs} ms, TPOT <= ${sla.tpotMs} ms)` : "";
    throw new GroveError(
      `aiconfigurator found no configuration that meets the SLA${limits}: ${dir} has no ranked rows`,
      { hint: relaxAdvice(paretoT, sla, files.log) },
    );
  }

  // Total GPUs: flag, else what the top-1 generator configs used, else the CSV's largest use.
  let totalGpus = opts.totalGpus;
  let totalGpusSource: AicResults["totalGpusSource"] = "flag";
  if (totalGpus === undefined) {
    const used = (g?: GeneratorConfig) => {
      if (!g) return 0;
      return (["prefill", "decode", "agg"] as const).reduce((s, r) => {
        const x = genRole(g, r);
        return s + (x ? x.workers * x.gpusPerWorker : 0);
      }, 0);
    };
    const fromGen = Math.max(used(disGen), used(aggGen));
    if (fromGen > 0) {
      totalGpus = fromGen;
      totalGpusSource = "generator_config";
    } else {
      const t = (disT && disT.rows.length ? disT : aggT)!;
      totalGpus = numberCell(t, 0, "num_total_gpus");
      totalGpusSource = "csv";
    }
    notes.push(
      `total GPUs not given: assumed ${totalGpus} (from ${
        totalGpusSource === "csv" ? "the rank-1 row" : "top1/generator_config.yaml"
      }); pass --total-gpus to set it`,
    );
  }

  let disagg: ModeResult | undefined;
  if (disT && disT.rows.length > 0) {
    const perReplica = numberCell(disT, 0, "num_total_gpus");
    const replicas = Math.max(1, Math.floor(totalGpus / perReplica));
    let prefill = role(disT, 0, "(p)", replicas);
    let decode = role(disT, 0, "(d)", replicas);
    const gp = disGen && genRole(disGen, "prefill");
    const gd = disGen && genRole(disGen, "decode");
    const genUsed = gp && gd ? gp.workers * gp.gpusPerWorker + gd.workers * gd.gpusPerWorker : 0;
    const csvUsed = prefill.workers * prefill.gpusPerWorker + decode.workers * decode.gpusPerWorker;
    if (gp && gd && totalGpusSource === "flag" && genUsed !== csvUsed) {
      notes.push(
        `disagg: top1/generator_config.yaml uses ${genUsed} GPUs; using the rank-1 CSV row scaled to --total-gpus ${totalGpus} instead`,
      );
    } else if (gp && gd) {
      if (!sameRole(gp, prefill) || !sameRole(gd, decode)) {
        notes.push(
          `disagg: top1/generator_config.yaml (prefill ${describeRole(gp)}, decode ${
            describeRole(gd)
          }) differs from the rank-1 CSV row with ${totalGpus} GPUs (prefill ${
            describeRole(prefill)
          }, decode ${describeRole(decode)}); using generator_config.yaml`,
        );
      }
      prefill = { ...gp, batchSize: gp.batchSize ?? prefill.batchSize };
      decode = { ...gd, batchSize: gd.batchSize ?? decode.batchSize };
    }
    const ttft = numberCell(disT, 0, "ttft");
    const tpot = numberCell(disT, 0, "tpot");
    const used = prefill.workers * prefill.gpusPerWorker + decode.workers * decode.gpusPerWorker;
    disagg = {
      mode: "disagg",
      backend: disT.rows[0]["(p)backend"],
      backendVersion: disT.rows[0]["(p)version"] || undefined,
      replicas: Math.max(1, Math.round(used / perReplica)),
      gpusPerReplica: perReplica,
      totalGpusUsed: used,
      prefill,
      decode,
      throughputPerGpu: optionalNumberCell(disT, 0, "tokens/s/gpu_cluster") ??
        numberCell(disT, 0, "tokens/s/gpu") * used / totalGpus,
      throughputPerUser: numberCell(disT, 0, "tokens/s/user"),
      ttftMs: ttft,
      tpotMs: tpot,
      requestLatencyMs: optionalNumberCell(disT, 0, "request_latency"),
      concurrency: optionalNumberCell(disT, 0, "concurrency"),
      slaMet: slaMet(ttft, tpot, sla),
      source: `${disT.file}:${disT.lines[0]}`,
    };
  } else if (disT) {
    notes.push(`disagg: no configuration met the SLA; only the aggregated plan is written`);
  }

  let agg: ModeResult | undefined;
  if (aggT && aggT.rows.length > 0) {
    const perReplica = numberCell(aggT, 0, "num_total_gpus");
    const replicas = Math.max(1, Math.floor(totalGpus / perReplica));
    let worker = role(aggT, 0, "", replicas);
    const ga = aggGen && genRole(aggGen, "agg");
    if (
      ga && totalGpusSource === "flag" &&
      ga.workers * ga.gpusPerWorker !== worker.workers * worker.gpusPerWorker
    ) {
      notes.push(
        `agg: top1/generator_config.yaml uses ${
          ga.workers * ga.gpusPerWorker
        } GPUs; using the rank-1 CSV row scaled to --total-gpus ${totalGpus} instead`,
      );
    } else if (ga) {
      if (!sameRole(ga, worker)) {
        notes.push(
          `agg: top1/generator_config.yaml (${describeRole(ga)}) differs from the rank-1 CSV row (${
            describeRole(worker)
          }); using generator_config.yaml`,
        );
      }
      worker = { ...ga, batchSize: ga.batchSize ?? worker.batchSize };
    }
    const ttft = numberCell(aggT, 0, "ttft");
    const tpot = numberCell(aggT, 0, "tpot");
    const used = worker.workers * worker.gpusPerWorker;
    agg = {
      mode: "agg",
      backend: aggT.rows[0].backend,
      backendVersion: aggT.rows[0].version || undefined,
      replicas: worker.workers,
      gpusPerReplica: perReplica,
      totalGpusUsed: used,
      worker,
      throughputPerGpu: optionalNumberCell(aggT, 0, "tokens/s/gpu_cluster") ??
        numberCell(aggT, 0, "tokens/s/gpu") * used / totalGpus,
      throughputPerUser: numberCell(aggT, 0, "tokens/s/user"),
      ttftMs: ttft,
      tpotMs: tpot,
      requestLatencyMs: optionalNumberCell(aggT, 0, "request_latency"),
      concurrency: optionalNumberCell(aggT, 0, "concurrency"),
      slaMet: slaMet(ttft, tpot, sla),
      source: `${aggT.file}:${aggT.lines[0]}`,
    };
  } else if (aggT) {
    notes.push(`agg: no configuration met the SLA; only the disaggregated plan is written`);
  }

  // aiconfigurator 0.12 no longer leaves best_config_topn.csv empty when nothing meets the
  // SLA: it writes the closest configurations ("No config found with tpot <= 1.0. Returning
  // top-5 closest configs."). A rank-1 row outside the SLA means no configuration met it.
  const missed: ModeResult[] = [];
  if (disagg?.slaMet === false) {
    missed.push(disagg);
    disagg = undefined;
  }
  if (agg?.slaMet === false) {
    missed.push(agg);
    agg = undefined;
  }
  const missText = (m: ModeResult) =>
    `${m.mode}: no configuration met the SLA; the closest (rank 1 of ${
      m.source.replace(/:\d+$/, "")
    }) has TTFT ${fmt(m.ttftMs)} ms, TPOT ${fmt(m.tpotMs)} ms`;
  if (missed.length && !disagg && !agg) {
    const paretoT: CsvTable[] = [];
    if (files.aggPareto !== undefined) {
      paretoT.push(parseCsv(files.aggPareto, `${dir}/agg/pareto.csv`));
    }
    if (files.disaggPareto !== undefined) {
      paretoT.push(parseCsv(files.disaggPareto, `${dir}/disagg/pareto.csv`));
    }
    const limits = sla ? ` (TTFT <= ${sla.ttftMs} ms, TPOT <= ${sla.tpotMs} ms)` : "";
    throw new GroveError(
      `aiconfigurator found no configuration that meets the SLA${limits}: it listed only the closest ones (${
        missed.map((m) => `${m.mode} TTFT ${fmt(m.ttftMs)} ms, TPOT ${fmt(m.tpotMs)} ms`).join("; ")
      })`,
      { hint: relaxAdvice(paretoT, sla, files.log) },
    );
  }
  for (const m of missed) {
    notes.push(
      `${missText(m)}; only the ${
        m.mode === "disagg" ? "aggregated" : "disaggregated"
      } plan is written`,
    );
  }

  const first = disT && disT.rows.length ? disT.rows[0] : aggT!.rows[0];
  const best = disagg && agg
    ? (disagg.throughputPerGpu >= agg.throughputPerGpu ? "disagg" : "agg")
    : disagg
    ? "disagg"
    : "agg";
  return {
    dir,
    model: first.model,
    system: first["(p)system"] ?? first.system,
    backend: (disagg ?? agg)!.backend,
    backendVersion: (disagg ?? agg)!.backendVersion,
    isl: Number(first.isl),
    osl: Number(first.osl),
    sla,
    totalGpus,
    totalGpusSource,
    gpusPerNode: disGen?.gpusPerNode ?? aggGen?.gpusPerNode,
    suggestedImage: disGen?.image ?? aggGen?.image,
    disagg,
    agg,
    best,
    notes,
  };
}

async function readOptional(path: string): Promise<string | undefined> {
  try {
    return await Deno.readTextFile(path);
  } catch (e) {
    if (e instanceof Deno.errors.NotFound) return undefined;
    throw new GroveError(`cannot read ${path}: ${(e as Error).message}`);
  }
}

async function isDir(path: string): Promise<boolean> {
  try {
    return (await Deno.stat(path)).isDirectory;
  } catch {
    return false;
  }
}

/**
 * Finds the run directory under `path`: `path` itself when it holds `agg/` or
 * `disagg/`, else the one run directory found up to three levels below (the
 * `--save-dir` root). Several runs are an error listing them.
 */
export async function findRunDir(path: string): Promise<string> {
  const clean = path.replace(/\/+$/, "") || "/";
  if (!(await isDir(clean))) {
    throw new GroveError(`results directory ${path} does not exist or is not a directory`, {
      hint: "pass the directory aiconfigurator printed after 'Saving results to'",
    });
  }
  const isRun = async (d: string) => (await isDir(`${d}/agg`)) || (await isDir(`${d}/disagg`));
  if (await isRun(clean)) return clean;
  const found: string[] = [];
  const walk = async (d: string, depth: number) => {
    if (depth > 3 || found.length > 20) return;
    for await (const e of Deno.readDir(d)) {
      if (!e.isDirectory) continue;
      const sub = `${d}/${e.name}`;
      if (await isRun(sub)) found.push(sub);
      else await walk(sub, depth + 1);
    }
  };
  await walk(clean, 1);
  if (found.length === 1) return found[0];
  if (found.length === 0) {
    throw new GroveError(
      `${path}: no aiconfigurator results (no agg/ or disagg/ directory) found`,
      {
        hint: "pass the directory aiconfigurator printed after 'Saving results to'",
      },
    );
  }
  found.sort();
  throw new GroveError(`${path} holds ${found.length} aiconfigurator runs`, {
    hint: `pass one of them:\n  ${found.join("\n  ")}`,
  });
}

/** Reads and parses a results directory (or a `--save-dir` root holding one run). */
export async function readResultsDir(
  path: string,
  opts: ParseResultsOptions & { log?: string } = {},
): Promise<AicResults> {
  const dir = await findRunDir(path);
  const [aggCsv, disaggCsv, aggPareto, disaggPareto, aggGenerator, disaggGenerator] = await Promise
    .all([
      readOptional(`${dir}/agg/best_config_topn.csv`),
      readOptional(`${dir}/disagg/best_config_topn.csv`),
      readOptional(`${dir}/agg/pareto.csv`),
      readOptional(`${dir}/disagg/pareto.csv`),
      readOptional(`${dir}/agg/top1/generator_config.yaml`),
      readOptional(`${dir}/disagg/top1/generator_config.yaml`),
    ]);
  return parseResults(
    {
      dir,
      aggCsv,
      disaggCsv,
      aggPareto,
      disaggPareto,
      aggGenerator,
      disaggGenerator,
      log: opts.log,
    },
    opts,
  );
}
