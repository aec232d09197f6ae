/**
 * The metrics report: throughput, latency percentiles, queue, running
 * requests and KV-cache usage per role, per pod and in total, with SLA marks
 * and warnings. Pure: collected objects + options in, typed report out.
 *
 * Totals avoid double counting in disaggregated serving: input tokens come
 * from prefill roles (when there are any), output tokens and ITL from decode
 * roles, TTFT from prefill roles; a Dynamo frontend, when scraped, gives the
 * user-visible latencies. Running/waiting/KV usage are summed or maxed over
 * the engine workers (not the frontend).
 *
 * @module
 */

import { REPORT_API_VERSION } from "../../lib/render/output.ts";
import type { EngineKind } from "../../lib/metrics/engines.ts";
import { type Histogram, mergeHistograms } from "../../lib/metrics/histogram.ts";
import {
  LATENCY_KEYS,
  type LatencyKey,
  latencyStats,
  type WindowStats,
  windowStats,
} from "../../lib/metrics/snapshot.ts";
import type { MetricsCollected } from "./collect.ts";
import { readPlan, type StoredPlan } from "./plan.ts";
import { type PodTarget, type RoleClass, roleClass } from "./targets.ts";

/** Latency percentiles in milliseconds. */
export interface LatencyMs {
  /** Observations in the window. */
  count: number;
  /** Mean, ms. */
  mean: number | null;
  /** Median, ms. */
  p50: number | null;
  /** 90th percentile, ms. */
  p90: number | null;
  /** 99th percentile, ms. */
  p99: number | null;
}

/** SLA verdict of one metric. */
export type SlaMark = "ok" | "breach" | null;

/** Figures of a group of pods (a role, or the whole PodCliqueSet). */
export interface MetricsSummary {
  /** Pods in the group. */
  pods: number;
  /** Pods scraped successfully. */
  scrapedPods: number;
  /** Ready pods. */
  readyPods: number;
  /** Workers (scaling-group replicas, or pods of a standalone clique). */
  workers: number;
  /** GPUs requested by the group's pods. */
  gpus: number;
  /** Engines seen. */
  engines: EngineKind[];
  /** Prompt tokens per second. */
  inputTokensPerSec: number | null;
  /** Generated tokens per second. */
  outputTokensPerSec: number | null;
  /** Prompt tokens per second per GPU. */
  inputTokensPerSecPerGpu: number | null;
  /** Generated tokens per second per GPU. */
  outputTokensPerSecPerGpu: number | null;
  /**
   * Latencies: time to first token, inter-token latency, time per output
   * token (per request; engines that export it), end to end, queue time.
   */
  latencyMs: Partial<Record<"ttft" | "itl" | "tpot" | "e2e" | "queue", LatencyMs>>;
  /** Requests running. */
  running: number | null;
  /** Requests waiting in the engines' queues. */
  waiting: number | null;
  /** KV-cache usage 0..1, mean and max over pods. */
  kvUsage: { mean: number; max: number } | null;
  /** Prefix-cache hit rate 0..1 (mean over pods that report it). */
  prefixCacheHitRate: number | null;
  /** SLA marks (p99 against the SLA; TPOT against TPOT p99, else ITL p99). */
  sla: { ttft: SlaMark; tpot: SlaMark };
}

/** Figures of one role. */
export interface RoleMetrics extends MetricsSummary {
  /** Role name. */
  role: string;
  /** prefill, decode, frontend or worker. */
  roleClass: RoleClass;
  /**
   * The role's mean KV-cache usage is below {@link UNDERUSED_RATIO} of the
   * busiest other engine role's: it has more capacity than its load needs.
   */
  underutilized: boolean;
}

/** An engine pod that was not scraped, and why. */
export interface UnscrapedPod {
  /** Pod name. */
  pod: string;
  /** Role. */
  role: string;
  /** Pending, CrashLoopBackOff, not ready, no metrics port, scrape failed: ..., or the pod phase. */
  reason: string;
}

/** Figures of one pod. */
export interface PodMetrics {
  /** Pod name. */
  pod: string;
  /** Role. */
  role: string;
  /** Node. */
  node: string | null;
  /** Engine. */
  engine: EngineKind | null;
  /** ok: scraped; failed: scrape failed; skipped: not running or no metrics port. */
  status: "ok" | "failed" | "skipped";
  /** Why it failed or was skipped. */
  reason?: string;
  /** GPUs. */
  gpus: number;
  /** Container restarts. */
  restarts: number;
  /** A counter reset (restart) happened within the window. */
  counterReset: boolean;
  /** Prompt tokens per second. */
  inputTokensPerSec: number | null;
  /** Generated tokens per second. */
  outputTokensPerSec: number | null;
  /** Latencies. */
  latencyMs: Partial<Record<"ttft" | "itl" | "tpot" | "e2e" | "queue", LatencyMs>>;
  /** Requests running. */
  running: number | null;
  /** Requests waiting. */
  waiting: number | null;
  /** KV-cache usage 0..1. */
  kvUsage: number | null;
  /** Prefix-cache hit rate 0..1. */
  prefixCacheHitRate: number | null;
  /** Scrape duration, ms. */
  scrapeMs: number | null;
}

/**
 * Output tokens per second per serving GPU, with what it is computed from.
 *
 * Tokens: the Dynamo frontend's output counter when it is scraped and counts
 * tokens (what users received); else the roles that produce output tokens (the
 * decode roles in disaggregated serving, every engine role otherwise); prefill
 * workers' own output counters are never added. GPUs: those of ready engine pods
 * (the GPUs serving now); `allocatedGpus` beside it counts every engine pod bound
 * to a node, ready or not, so capacity held but not serving shows.
 */
export interface ThroughputBasis {
  /** Output tokens per second per serving GPU; null when not measurable. */
  value: number | null;
  /** Output tokens per second counted. */
  outputTokensPerSec: number | null;
  /** Where the tokens were counted. */
  source: "frontend" | "decode" | "engines" | "none";
  /** Roles whose counters were summed. */
  roles: string[];
  /** GPUs of ready engine pods (the divisor). */
  servingGpus: number;
  /** Ready engine pods. */
  servingPods: number;
  /** GPUs of engine pods bound to a node (ready or not). */
  allocatedGpus: number;
  /** The basis in words, as printed. */
  basis: string;
}

/** The `metrics` report (`-o json`). */
export interface MetricsReport {
  /** `kubectl-grove.io/v1alpha1`. */
  apiVersion: string;
  /** `MetricsReport`. */
  kind: "MetricsReport";
  /** PodCliqueSet. */
  pcs: string;
  /** Namespace. */
  namespace: string;
  /** Report time (RFC 3339). */
  generatedAt: string;
  /** Window between the scrapes, seconds (0: lifetime values from one scrape). */
  windowSeconds: number;
  /** proxy or direct. */
  source: "proxy" | "direct";
  /** SLA in force and where it came from. */
  sla: { ttftMs: number | null; tpotMs: number | null; source: "flags" | "plan" | "none" };
  /** The plan's expectations, when a plan is stored. */
  plan: {
    throughputPerGpu: number | null;
    ttftMs: number | null;
    tpotMs: number | null;
    servingMode: string | null;
  } | null;
  /** Throughput per serving GPU and its basis (`total.outputTokensPerSecPerGpu` is its value). */
  throughput: ThroughputBasis;
  /** The whole PodCliqueSet. */
  total: MetricsSummary;
  /** Per role. */
  roles: RoleMetrics[];
  /** Per pod. */
  pods: PodMetrics[];
  /** Every pod of the set that was not scraped, with the reason (also in `pods`). */
  notScraped: UnscrapedPod[];
  /** Things to act on: SLA breaches, KV-cache saturation, queueing. */
  warnings: string[];
  /** What could not be measured and why. */
  notes: string[];
  /** Some scrapes failed. */
  partial: boolean;
}

/** Options of {@link buildMetricsReport}. */
export interface MetricsReportOptions {
  /** Report time. */
  now: Date;
  /** SLA on TTFT p99, ms (overrides the plan). */
  slaTtftMs?: number;
  /** SLA on TPOT/ITL p99, ms (overrides the plan). */
  slaTpotMs?: number;
}

/** KV-cache usage above this is a warning. */
export const KV_WARN = 0.9;

/**
 * A role is flagged underutilized when its mean KV-cache (token) usage is
 * below this fraction of the busiest other engine role's mean, and that
 * other role is at least {@link UNDERUSED_MIN_PEER} used.
 */
export const UNDERUSED_RATIO = 0.5;

/** The busiest other role must be at least this used for the underutilized flag. */
export const UNDERUSED_MIN_PEER = 0.2;

const KEY_NAMES: Record<LatencyKey, "ttft" | "itl" | "tpot" | "e2e" | "queue"> = {
  ttft: "ttft",
  itl: "itl",
  tpot: "tpot",
  e2e: "e2e",
  queueTime: "queue",
};

function toMs(h: Histogram): LatencyMs {
  const s = latencyStats(h);
  const ms = (x: number | null) => (x === null ? null : round(x * 1000, 3));
  return { count: s.count, mean: ms(s.mean), p50: ms(s.p50), p90: ms(s.p90), p99: ms(s.p99) };
}

function round(x: number, digits: number): number {
  const f = 10 ** digits;
  return Math.round(x * f) / f;
}

function sumOrNull(xs: (number | null)[]): number | null {
  const v = xs.filter((x): x is number => x !== null);
  return v.length ? v.reduce((a, b) => a + b, 0) : null;
}

function perGpu(x: number | null, gpus: number): number | null {
  return x === null || gpus <= 0 ? null : round(x / gpus, 2);
}

/** One pod with its window statistics (input of {@link throughputBasis}). */
export interface PodData {
  /** The pod. */
  target: PodTarget;
  /** Its window statistics, when scraped. */
  stats?: WindowStats;
  /** Its engine, when scraped. */
  engine?: EngineKind;
}

function latencies(
  pods: readonly PodData[],
  pick: (k: LatencyKey) => readonly PodData[] = () => pods,
): MetricsSummary["latencyMs"] {
  const out: MetricsSummary["latencyMs"] = {};
  for (const k of LATENCY_KEYS) {
    const hs = pick(k).map((p) => p.stats?.deltas[k]).filter((h): h is Histogram => !!h);
    if (hs.length === 0) continue;
    out[KEY_NAMES[k]] = toMs(mergeHistograms(hs));
  }
  return out;
}

function slaMarks(
  lat: MetricsSummary["latencyMs"],
  sla: MetricsReport["sla"],
): MetricsSummary["sla"] {
  const mark = (v: number | null | undefined, limit: number | null): SlaMark =>
    limit === null || v === null || v === undefined ? null : v > limit ? "breach" : "ok";
  return {
    ttft: mark(lat.ttft?.p99, sla.ttftMs),
    tpot: mark(lat.tpot?.p99 ?? lat.itl?.p99, sla.tpotMs),
  };
}

function summarize(
  pods: readonly PodData[],
  sla: MetricsReport["sla"],
  sel?: {
    input: readonly PodData[];
    output: readonly PodData[];
    lat: (k: LatencyKey) => readonly PodData[];
    load: readonly PodData[];
  },
): MetricsSummary {
  const gpus = pods.reduce((a, p) => a + p.target.gpus, 0);
  const input = sumOrNull((sel?.input ?? pods).map((p) => p.stats?.promptTokensPerSec ?? null));
  const output = sumOrNull(
    (sel?.output ?? pods).map((p) => p.stats?.generationTokensPerSec ?? null),
  );
  const load = sel?.load ?? pods;
  const kv = load.map((p) => p.stats?.kvUsage).filter((x): x is number => typeof x === "number");
  const latencyMs = latencies(pods, sel?.lat);
  const hit = load.map((p) => p.stats?.prefixCacheHitRate).filter((x): x is number =>
    typeof x === "number"
  );
  return {
    pods: pods.length,
    scrapedPods: pods.filter((p) => p.stats).length,
    readyPods: pods.filter((p) => p.target.ready).length,
    workers: new Set(pods.map((p) => p.target.worker)).size,
    gpus,
    engines: [...new Set(pods.map((p) => p.engine).filter((e): e is EngineKind => !!e))].sort(),
    inputTokensPerSec: input === null ? null : round(input, 2),
    outputTokensPerSec: output === null ? null : round(output, 2),
    inputTokensPerSecPerGpu: perGpu(input, gpus),
    outputTokensPerSecPerGpu: perGpu(output, gpus),
    latencyMs,
    running: sumOrNull(load.map((p) => p.stats?.running ?? null)),
    waiting: sumOrNull(load.map((p) => p.stats?.waiting ?? null)),
    kvUsage: kv.length
      ? { mean: round(kv.reduce((a, b) => a + b, 0) / kv.length, 4), max: Math.max(...kv) }
      : null,
    prefixCacheHitRate: hit.length ? round(hit.reduce((a, b) => a + b, 0) / hit.length, 4) : null,
    sla: slaMarks(latencyMs, sla),
  };
}

function fmtPct(x: number): string {
  return `${Math.round(x * 100)}%`;
}

/**
 * Builds the metrics report from a collection.
 *
 * @example
 * ```ts ignore
 * import { buildMetricsReport } from "./report.ts";
 * const report = buildMetricsReport(collected, { now: new Date() });
 * ```
 */
export function buildMetricsReport(c: MetricsCollected, opts: MetricsReportOptions): MetricsReport {
  const notes: string[] = [];
  const warnings: string[] = [];
  const { plan, error: planError } = readPlan(c.planConfigMap);
  if (planError) notes.push(planError);
  if (c.planNote) notes.push(c.planNote);
  const sla = slaOf(plan, opts);

  const data: PodData[] = [];
  const pods: PodMetrics[] = [];
  const noPort: string[] = [];
  let failed = 0;
  const windows: number[] = [];
  for (const t of c.targets) {
    const second = c.second[t.pod];
    const first = c.first[t.pod];
    const pm: PodMetrics = {
      pod: t.pod,
      role: t.role,
      node: t.node ?? null,
      engine: second?.engine ?? t.endpoint?.engine ?? null,
      status: "skipped",
      gpus: t.gpus,
      restarts: t.restarts,
      counterReset: false,
      inputTokensPerSec: null,
      outputTokensPerSec: null,
      latencyMs: {},
      running: null,
      waiting: null,
      kvUsage: null,
      prefixCacheHitRate: null,
      scrapeMs: second ? second.ms : null,
    };
    const d: PodData = { target: t, engine: second?.engine };
    const skip = skipReason(t);
    if (skip) {
      pm.reason = skip;
      if (!t.endpoint) noPort.push(t.pod);
    } else if (!second) {
      pm.reason = "not scraped";
    } else if (second.error || !second.snapshot) {
      pm.status = "failed";
      pm.reason = `scrape failed: ${second.error ?? "no snapshot"}`;
      failed++;
    } else {
      const prevSnap = first?.snapshot?.engine === second.snapshot.engine
        ? first.snapshot
        : undefined;
      const ws = windowStats(prevSnap, second.snapshot);
      if (prevSnap) windows.push(ws.seconds);
      d.stats = ws;
      pm.status = "ok";
      pm.counterReset = ws.reset;
      pm.inputTokensPerSec = ws.promptTokensPerSec === null
        ? null
        : round(ws.promptTokensPerSec, 2);
      pm.outputTokensPerSec = ws.generationTokensPerSec === null
        ? null
        : round(ws.generationTokensPerSec, 2);
      pm.latencyMs = latencies([d]);
      pm.running = ws.running;
      pm.waiting = ws.waiting;
      pm.kvUsage = ws.kvUsage;
      pm.prefixCacheHitRate = ws.prefixCacheHitRate === null || ws.prefixCacheHitRate === undefined
        ? null
        : round(ws.prefixCacheHitRate, 4);
      if (prevSnap && ws.latency.ttft?.count === 0 && ws.latency.e2e?.count !== undefined) {
        if (ws.latency.e2e.count === 0) {
          notes.push(
            `pod ${t.pod}: no requests finished in the ${
              Math.round(ws.seconds)
            }s window (idle, or the engine is stuck)`,
          );
        }
      }
      if (ws.reset) {
        notes.push(
          `pod ${t.pod}: counters were reset within the window (engine restarted): its figures cover the time since the restart`,
        );
      }
      if (first?.error && !prevSnap) {
        notes.push(`pod ${t.pod}: first scrape failed (${first.error}); lifetime values shown`);
      }
    }
    for (const n of [...(first?.notes ?? []), ...(second?.notes ?? [])]) {
      const line = `pod ${t.pod}: ${n}`;
      if (!notes.includes(line)) notes.push(line);
    }
    data.push(d);
    pods.push(pm);
  }
  if (noPort.length) {
    notes.push(
      `${noPort.length} pod(s) have no metrics port and were not scraped: ${
        noPort.slice(0, 5).join(", ")
      }${
        noPort.length > 5 ? ", ..." : ""
      } (a multi-node engine's worker pods serve none; else name a container port "metrics" or set metrics.port)`,
    );
  }
  // A multi-node engine serves metrics from one pod: "worker scraped" when another pod of the
  // pod's worker (scaling-group replica) was.
  const scrapedWorkers = new Set(data.filter((d) => d.stats).map((d) => d.target.worker));
  const notScraped: UnscrapedPod[] = data.flatMap((d, i) => {
    const p = pods[i];
    if (p.status === "ok") return [];
    const covered = !d.target.endpoint && d.target.worker !== d.target.pod &&
      scrapedWorkers.has(d.target.worker);
    return [{
      pod: p.pod,
      role: p.role,
      reason: covered ? "no port; worker scraped" : p.reason ?? p.status,
    }];
  });
  if (c.targets.length === 0) {
    notes.push(`no pods found with label app.kubernetes.io/part-of=${c.pcs}`);
  }

  // roles
  const byRole = new Map<string, PodData[]>();
  for (const d of data) {
    const l = byRole.get(d.target.role);
    if (l) l.push(d);
    else byRole.set(d.target.role, [d]);
  }
  const hasDecode = data.some((d) => roleClass(d.target.role) === "decode");
  const roles: RoleMetrics[] = [...byRole].map(([role, ds]) => {
    const rc = roleClass(role);
    const s = summarize(ds, sla);
    // in disaggregated serving prefill owns TTFT and decode owns TPOT
    if (rc === "prefill") s.sla.tpot = null;
    if (rc === "decode") s.sla.ttft = null;
    // a prefill worker's output counter is its first tokens, not what users receive
    if (rc === "prefill" && hasDecode) s.outputTokensPerSecPerGpu = null;
    return { role, roleClass: rc, ...s, underutilized: false };
  });
  for (const r of roles) {
    if (r.roleClass === "frontend" || !r.kvUsage) continue;
    const peers = roles.filter((x) => x !== r && x.roleClass !== "frontend" && x.kvUsage);
    const busiest = Math.max(0, ...peers.map((x) => x.kvUsage!.mean));
    r.underutilized = busiest >= UNDERUSED_MIN_PEER && r.kvUsage.mean < busiest * UNDERUSED_RATIO;
  }

  // total, without double counting across roles
  const workers = data.filter((d) => roleClass(d.target.role) !== "frontend");
  const frontends = data.filter((d) => roleClass(d.target.role) === "frontend" && d.stats);
  const ofClass = (k: RoleClass) =>
    workers.filter((d) => roleClass(d.target.role) === k && d.stats);
  const prefill = ofClass("prefill");
  const decode = ofClass("decode");
  const workerOrAll = (xs: PodData[]) => (xs.length ? xs : workers.length ? workers : frontends);
  const total = summarize(data, sla, {
    input: workers.length ? workerOrAll(prefill) : frontends,
    output: workers.length ? workerOrAll(decode) : frontends,
    lat: (k) =>
      frontends.some((f) => (f.stats?.deltas[k]?.count ?? 0) > 0)
        ? frontends
        : k === "ttft"
        ? workerOrAll(prefill)
        : k === "itl"
        ? workerOrAll(decode)
        : workers,
    load: workers.length ? workers : frontends,
  });

  const throughput = throughputBasis(data);
  total.outputTokensPerSecPerGpu = throughput.value;

  // warnings
  const tt = total.latencyMs.ttft?.p99;
  const it = total.latencyMs.tpot?.p99 ?? total.latencyMs.itl?.p99;
  const perToken = total.latencyMs.tpot ? "TPOT" : "TPOT (ITL)";
  if (total.sla.ttft === "breach") {
    warnings.push(`TTFT p99 ${fmtMs(tt!)} is over the SLA of ${fmtMs(sla.ttftMs!)}`);
  }
  if (total.sla.tpot === "breach") {
    warnings.push(`${perToken} p99 ${fmtMs(it!)} is over the SLA of ${fmtMs(sla.tpotMs!)}`);
  }
  for (const r of roles) {
    if (r.kvUsage && r.kvUsage.max > KV_WARN) {
      const hot = pods.filter((p) => p.role === r.role && (p.kvUsage ?? 0) > KV_WARN).length;
      warnings.push(
        `role ${r.role}: KV-cache usage up to ${fmtPct(r.kvUsage.max)} (${hot} pod(s) above ${
          fmtPct(KV_WARN)
        }): requests will queue or be preempted`,
      );
    }
    if (r.waiting !== null && r.running !== null && r.waiting > 0 && r.waiting >= r.running) {
      warnings.push(
        `role ${r.role}: ${r.waiting} requests waiting against ${r.running} running: the role is saturated`,
      );
    }
  }
  for (const r of roles.filter((x) => x.underutilized)) {
    warnings.push(
      `role ${r.role}: KV-cache usage ${fmtPct(r.kvUsage!.mean)} is under ${
        fmtPct(UNDERUSED_RATIO)
      } of the busiest other role's: underutilized (fewer ${r.role} workers, or more of the others)`,
    );
  }
  const crash = c.targets.filter((t) => t.crashLooping).map((t) => t.pod);
  if (crash.length) warnings.push(`pods in CrashLoopBackOff: ${crash.join(", ")}`);

  const windowSeconds = windows.length
    ? round(windows.reduce((a, b) => a + b, 0) / windows.length, 1)
    : 0;
  if (windowSeconds === 0 && total.scrapedPods > 0) {
    notes.push("single scrape: latencies are lifetime values since each engine started");
  }
  return {
    apiVersion: REPORT_API_VERSION,
    kind: "MetricsReport",
    pcs: c.pcs,
    namespace: c.namespace,
    generatedAt: opts.now.toISOString(),
    windowSeconds,
    source: c.source,
    sla,
    plan: plan
      ? {
        throughputPerGpu: plan.expected.throughputPerGpu ?? null,
        ttftMs: plan.expected.ttftMs ?? null,
        tpotMs: plan.expected.tpotMs ?? null,
        servingMode: plan.servingMode ?? null,
      }
      : null,
    throughput,
    total,
    roles,
    pods,
    notScraped,
    warnings,
    notes,
    partial: failed > 0,
  };
}

/** Why a pod is not scraped, decided from its spec and status alone; undefined when it should be. */
function skipReason(t: PodTarget): string | undefined {
  if (t.crashLooping) return "CrashLoopBackOff";
  if (t.phase === "Pending") return "Pending";
  if (t.phase !== "Running") return t.phase;
  if (!t.endpoint) return "no metrics port";
  if (!t.ready) return "not ready";
  return undefined;
}

/**
 * The throughput-per-GPU basis of a set's pods (see {@link ThroughputBasis}).
 *
 * @example
 * ```ts
 * import { throughputBasis } from "./report.ts";
 * throughputBasis([]).value; // null
 * ```
 */
export function throughputBasis(data: readonly PodData[]): ThroughputBasis {
  const cls = (d: PodData) => roleClass(d.target.role);
  const engines = data.filter((d) => cls(d) !== "frontend");
  const serving = engines.filter((d) => d.target.ready);
  const servingGpus = serving.reduce((a, d) => a + d.target.gpus, 0);
  const allocatedGpus = engines.filter((d) => d.target.node)
    .reduce((a, d) => a + d.target.gpus, 0);
  const rate = (ds: readonly PodData[]) =>
    sumOrNull(ds.map((d) => d.stats?.generationTokensPerSec ?? null));
  const frontends = data.filter((d) => cls(d) === "frontend" && d.stats);
  const decode = engines.filter((d) => cls(d) === "decode");
  const producers = decode.length ? decode : engines.filter((d) => cls(d) !== "prefill");
  const fromFrontend = rate(frontends);
  const fromProducers = rate(producers);
  let source: ThroughputBasis["source"];
  let tokens: number | null;
  let from: readonly PodData[];
  if (fromFrontend !== null && (fromFrontend > 0 || fromProducers === null)) {
    [source, tokens, from] = ["frontend", fromFrontend, frontends];
  } else if (fromProducers !== null) {
    [source, tokens, from] = [decode.length ? "decode" : "engines", fromProducers, producers];
  } else {
    [source, tokens, from] = ["none", null, []];
  }
  const roles = [...new Set(from.map((d) => d.target.role))].sort();
  const value = tokens === null || servingGpus <= 0 ? null : round(tokens / servingGpus, 2);
  const tokText = tokens === null
    ? "no output token counter scraped"
    : `${fmtTok(tokens)} output tok/s (${source === "frontend" ? "frontend" : roles.join("+")})`;
  const basis = `${tokText} / ${servingGpus} GPUs of ${serving.length} ready engine pod${
    serving.length === 1 ? "" : "s"
  }; ${allocatedGpus} GPUs allocated`;
  return {
    value,
    outputTokensPerSec: tokens === null ? null : round(tokens, 2),
    source,
    roles,
    servingGpus,
    servingPods: serving.length,
    allocatedGpus,
    basis,
  };
}

function fmtTok(x: number): string {
  return x >= 100 ? String(Math.round(x)) : String(round(x, 1));
}

function slaOf(plan: StoredPlan | undefined, opts: MetricsReportOptions): MetricsReport["sla"] {
  if (opts.slaTtftMs !== undefined || opts.slaTpotMs !== undefined) {
    return {
      ttftMs: opts.slaTtftMs ?? plan?.sla.ttftMs ?? null,
      tpotMs: opts.slaTpotMs ?? plan?.sla.tpotMs ?? null,
      source: "flags",
    };
  }
  if (plan && (plan.sla.ttftMs !== undefined || plan.sla.tpotMs !== undefined)) {
    return { ttftMs: plan.sla.ttftMs ?? null, tpotMs: plan.sla.tpotMs ?? null, source: "plan" };
  }
  return { ttftMs: null, tpotMs: null, source: "none" };
}

/**
 * Formats milliseconds for tables: `0.8ms`, `34ms`, `2.25s`, `1m05s`.
 *
 * @example
 * ```ts
 * import { fmtMs } from "./report.ts";
 * fmtMs(2254.4); // "2.25s"
 * ```
 */
export function fmtMs(ms: number | null | undefined): string {
  if (ms === null || ms === undefined || !Number.isFinite(ms)) return "-";
  if (ms < 10) return `${round(ms, 1)}ms`;
  if (ms < 1000) return `${Math.round(ms)}ms`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(ms < 10_000 ? 2 : 1)}s`;
  const m = Math.floor(ms / 60_000);
  const s = Math.round((ms % 60_000) / 1000);
  return `${m}m${String(s).padStart(2, "0")}s`;
}
