/**
 * `replan`, pure part: the workload a PodCliqueSet serves (request lengths,
 * request rate, measured TTFT/TPOT) from its engines' scrapes, the inputs of
 * a new AIConfigurator search (observed ISL/OSL, the stored plan's SLA and
 * GPU budget), and the report putting the stored plan, the new plan and what
 * the set runs now side by side, with the commands that move the set to the
 * new plan.
 *
 * @module
 */

import type { DeployedRole } from "../../lib/aic/drift.ts";
import {
  type Plan,
  type PlanRole,
  planRoles,
  planTotalGpus,
  roleGpus,
} from "../../lib/aic/plan.ts";
import { type Backend, BACKENDS, type ServingMode } from "../../lib/aic/results.ts";
import { GroveError } from "../../lib/errors.ts";
import { REPORT_API_VERSION } from "../../lib/render/output.ts";
import type { EngineKind } from "../../lib/metrics/engines.ts";
import {
  counterDelta,
  deltaHistogram,
  type Histogram,
  histogramMean,
  histogramQuantile,
  mergeHistograms,
} from "../../lib/metrics/histogram.ts";
import type { EngineSnapshot } from "../../lib/metrics/snapshot.ts";

/** Which statistic of the request lengths the search uses. */
export type Percentile = "p50" | "p90" | "p99" | "mean";

/** The percentiles `--percentile` accepts. */
export const PERCENTILES: readonly Percentile[] = ["p50", "p90", "p99", "mean"];

/** Length statistics of one histogram. */
export interface LengthStats {
  /** Requests counted. */
  count: number;
  /** Mean tokens. */
  mean: number | null;
  /** Median tokens. */
  p50: number | null;
  /** 90th percentile tokens. */
  p90: number | null;
  /** 99th percentile tokens. */
  p99: number | null;
}

/** One pod's scrapes, as `replan` needs them. */
export interface PodScrapes {
  /** Pod name. */
  pod: string;
  /** Role of the pod (clique role or scaling group name). */
  role: string;
  /** Engine of the scrape. */
  engine: EngineKind;
  /** The earlier scrape of a window (absent with one scrape). */
  first?: EngineSnapshot;
  /** The latest scrape. */
  second: EngineSnapshot;
}

/** What the engines served. */
export interface ObservedWorkload {
  /** Where lengths and rates came from, e.g. `dynamo frontend (2 pods)`. */
  source: string;
  /** Engine of the source. */
  engine: EngineKind;
  /** Pods read. */
  pods: number;
  /** `window`: the increase between two scrapes; `lifetime`: since the engines started. */
  basis: "window" | "lifetime";
  /** Window length, seconds (0 for lifetime). */
  windowSeconds: number;
  /** The statistic used for ISL and OSL. */
  percentile: Percentile;
  /** Input sequence length at the percentile (tokens, rounded); null when unknown. */
  isl: number | null;
  /** Output sequence length at the percentile; null when unknown. */
  osl: number | null;
  /** Prompt length statistics (from histograms), when exported. */
  prompt?: LengthStats;
  /** Generation length statistics, when exported. */
  generation?: LengthStats;
  /** Finished requests per second over the window (null without a window). */
  requestRate: number | null;
  /** Measured TTFT, ms. */
  ttftMs: { p50: number | null; p99: number | null } | null;
  /** Measured TPOT (inter-token latency), ms. */
  tpotMs: { p50: number | null; p99: number | null } | null;
  /** How the numbers were read. */
  notes: string[];
}

/** Fewer requests than this in the window: the lifetime histograms are used instead. */
export const MIN_WINDOW_REQUESTS = 20;

function finite(x: number): number | null {
  return Number.isFinite(x) ? x : null;
}

function lengthStats(h: Histogram): LengthStats {
  return {
    count: Number.isFinite(h.count) ? h.count : 0,
    mean: finite(histogramMean(h)),
    p50: finite(histogramQuantile(0.5, h)),
    p90: finite(histogramQuantile(0.9, h)),
    p99: finite(histogramQuantile(0.99, h)),
  };
}

function pick(s: LengthStats, p: Percentile): number | null {
  const v = s[p];
  return v === null ? null : Math.max(1, Math.round(v));
}

type Pick = (w: NonNullable<EngineSnapshot["workload"]>) => Histogram | undefined;

/** Sums one histogram over pods, as window deltas or lifetime values. */
function sumHist(pods: PodScrapes[], get: Pick, window: boolean): Histogram | undefined {
  const hs: Histogram[] = [];
  for (const p of pods) {
    const cur = p.second.workload && get(p.second.workload);
    if (!cur) continue;
    const prev = window && p.first?.workload ? get(p.first.workload) : undefined;
    hs.push(prev ? deltaHistogram(prev, cur).histogram : cur);
  }
  return hs.length ? mergeHistograms(hs) : undefined;
}

function sumLatency(
  pods: PodScrapes[],
  key: "ttft" | "itl",
  window: boolean,
): { p50: number | null; p99: number | null } | null {
  const hs: Histogram[] = [];
  for (const p of pods) {
    const cur = p.second.histograms[key];
    if (!cur) continue;
    const prev = window ? p.first?.histograms[key] : undefined;
    hs.push(prev ? deltaHistogram(prev, cur).histogram : cur);
  }
  if (!hs.length) return null;
  const h = mergeHistograms(hs);
  if (!(h.count > 0)) return null;
  const ms = (x: number) => (Number.isFinite(x) ? Math.round(x * 100000) / 100 : null);
  return { p50: ms(histogramQuantile(0.5, h)), p99: ms(histogramQuantile(0.99, h)) };
}

function counterSum(
  pods: PodScrapes[],
  get: (s: EngineSnapshot) => number | undefined,
  window: boolean,
): number | null {
  let total = 0;
  let any = false;
  for (const p of pods) {
    const cur = get(p.second);
    if (cur === undefined || !Number.isFinite(cur)) continue;
    if (window) {
      const prev = p.first ? get(p.first) : undefined;
      if (prev === undefined || !Number.isFinite(prev)) continue;
      total += counterDelta(prev, cur);
    } else total += cur;
    any = true;
  }
  return any ? total : null;
}

/**
 * A percentile interpolated inside a wide bucket (upper bound over twice the
 * lower) is a guess: say so, with the mean for comparison.
 */
function coarse(
  what: string,
  h: Histogram,
  value: number | null,
  s: LengthStats,
  p: Percentile,
  notes: string[],
): void {
  if (value === null || p === "mean") return;
  const i = h.buckets.findIndex((b) => b.le >= value);
  if (i < 0) return;
  const lo = i === 0 ? 0 : h.buckets[i - 1].le;
  const hi = h.buckets[i].le;
  if (hi === Infinity || (lo > 0 && hi / lo <= 2)) return;
  notes.push(
    `the ${what} length ${p} (${value}) is interpolated inside the ${lo}-${hi} token bucket; the mean is ${
      s.mean === null ? "unknown" : Math.round(s.mean)
    } (--percentile mean, or --${what === "input" ? "isl" : "osl"} <tokens>)`,
  );
}

const isPrefill = (role: string) => /prefill|^p(leader|worker|ldr|wkr)/i.test(role);

/**
 * Reads the workload from the scrapes: request lengths from the Dynamo
 * frontend's histograms when it exports them (it sees every request once),
 * else from the workers' (prompt lengths from every worker, generation
 * lengths from decode and aggregated workers only: a disaggregated prefill
 * worker generates one token per request). Window increases are used when
 * the window saw at least {@link MIN_WINDOW_REQUESTS} requests, else the
 * engines' lifetime histograms. Without length histograms the mean length is
 * the token counter over the request counter.
 */
export function observeWorkload(
  pods: readonly PodScrapes[],
  o: { percentile: Percentile },
): ObservedWorkload {
  const notes: string[] = [];
  const frontends = pods.filter((p) => p.engine === "dynamo-frontend");
  const workers = pods.filter((p) => p.engine !== "dynamo-frontend");
  const hasLengths = (ps: PodScrapes[]) =>
    ps.some((p) => (p.second.workload?.promptLength?.count ?? 0) > 0);
  let chosen: PodScrapes[];
  let source: string;
  if (frontends.length && hasLengths(frontends)) {
    chosen = frontends;
    source = `dynamo frontend (${frontends.length} pod${frontends.length === 1 ? "" : "s"})`;
  } else if (workers.length) {
    chosen = workers;
    const engines = [...new Set(workers.map((p) => p.engine))].join("+");
    source = `${engines} workers (${workers.length} pod${workers.length === 1 ? "" : "s"})`;
    if (frontends.length) notes.push("the frontend exports no request-length histograms");
  } else {
    chosen = frontends;
    source = `dynamo frontend (${frontends.length} pods)`;
  }
  if (!chosen.length) {
    throw new GroveError("no engine metrics could be read from the set's pods", {
      hint:
        "check with: kubectl grove metrics <pcs>; or give the workload yourself with --isl and --osl",
    });
  }
  const engine = chosen[0].engine;
  const genPods = chosen.filter((p) => !isPrefill(p.role));
  const windowed = chosen.every((p) => p.first !== undefined);
  const seconds = windowed
    ? Math.max(...chosen.map((p) => (p.second.atMs - p.first!.atMs) / 1000))
    : 0;
  const promptW = windowed ? sumHist(chosen, (w) => w.promptLength, true) : undefined;
  let window = windowed && seconds > 0;
  if (window && (promptW?.count ?? 0) < MIN_WINDOW_REQUESTS) {
    const lifetime = sumHist(chosen, (w) => w.promptLength, false);
    if (lifetime && lifetime.count > (promptW?.count ?? 0)) {
      notes.push(
        `only ${
          promptW?.count ?? 0
        } requests finished in the ${seconds}s window: lengths from the engines' lifetime histograms`,
      );
      window = false;
    }
  }
  const prompt = sumHist(chosen, (w) => w.promptLength, window);
  const gen = sumHist(genPods.length ? genPods : chosen, (w) => w.generationLength, window);
  const out: ObservedWorkload = {
    source,
    engine,
    pods: chosen.length,
    basis: window ? "window" : "lifetime",
    windowSeconds: window ? seconds : 0,
    percentile: o.percentile,
    isl: null,
    osl: null,
    requestRate: null,
    ttftMs: null,
    tpotMs: null,
    notes,
  };
  if (prompt && prompt.count > 0) {
    out.prompt = lengthStats(prompt);
    out.isl = pick(out.prompt, o.percentile);
    coarse("input", prompt, out.isl, out.prompt, o.percentile, notes);
  }
  if (gen && gen.count > 0) {
    out.generation = lengthStats(gen);
    out.osl = pick(out.generation, o.percentile);
    coarse("output", gen, out.osl, out.generation, o.percentile, notes);
  }
  // Without histograms: mean lengths from the token and request counters.
  const requests = counterSum(
    genPods.length ? genPods : chosen,
    (s) => s.workload?.requests,
    window,
  );
  if (out.isl === null || out.osl === null) {
    const pt = counterSum(chosen, (s) => s.workload?.promptTokens, window);
    const gt = counterSum(
      genPods.length ? genPods : chosen,
      (s) => s.workload?.generationTokens,
      window,
    );
    if (requests && requests > 0) {
      if (out.isl === null && pt !== null) out.isl = Math.max(1, Math.round(pt / requests));
      if (out.osl === null && gt !== null) out.osl = Math.max(1, Math.round(gt / requests));
      if (out.isl !== null || out.osl !== null) {
        notes.push(
          `no request-length histograms: mean lengths from token counters over ${requests} requests (--percentile ${o.percentile} cannot apply)`,
        );
      }
    }
  }
  // Request rate over the window: from the chosen pods, else from any pods (serving workers
  // first) whose counters moved, e.g. workers when the frontend's did not.
  const rateFrom = (ps: PodScrapes[]) => {
    const withWindow = ps.filter((p) => p.first && p.second.atMs > p.first.atMs);
    if (!withWindow.length) return null;
    const secs = Math.max(...withWindow.map((p) => (p.second.atMs - p.first!.atMs) / 1000));
    const n = counterSum(withWindow, (s) => s.workload?.requests, true);
    return n !== null && n > 0 && secs > 0 ? Math.round((n / secs) * 1000) / 1000 : null;
  };
  const serving = workers.filter((p) => !isPrefill(p.role));
  out.requestRate = rateFrom(genPods.length ? genPods : chosen);
  if (out.requestRate === null && chosen !== workers) {
    out.requestRate = rateFrom(serving.length ? serving : workers);
    if (out.requestRate !== null) {
      notes.push(`request rate from the ${serving.length ? "serving " : ""}workers' counters`);
    }
  }
  if (out.requestRate === null) {
    notes.push(
      windowed
        ? "no requests finished in the window: no request rate"
        : "one scrape: no request rate; pass --window",
    );
  }
  const latPods = frontends.length ? frontends : genPods.length ? genPods : chosen;
  out.ttftMs = sumLatency(latPods, "ttft", window);
  out.tpotMs = sumLatency(latPods, "itl", window);
  return out;
}

/** What the new search is given. */
export interface ReplanInputs {
  /** Model (from the plan). */
  model: string;
  /** AIC system (from the plan). */
  system: string;
  /** Backend (the plan's, else the engine the set runs). */
  backend: Backend;
  /** Engine version of AIC's perf data (the plan's). */
  backendVersion?: string;
  /** GPU budget (the plan's, or --total-gpus). */
  totalGpus: number;
  /** Input sequence length (observed, or --isl). */
  isl: number;
  /** Output sequence length (observed, or --osl). */
  osl: number;
  /** TTFT limit, ms (the plan's, or --ttft). */
  ttftMs: number;
  /** TPOT limit, ms (the plan's, or --tpot). */
  tpotMs: number;
  /** Serving mode of the set (the plan's). */
  mode: ServingMode;
  /** Where each value came from. */
  from: Record<"isl" | "osl" | "totalGpus" | "sla" | "backend", string>;
}

/** Overrides from flags. */
export interface ReplanOverrides {
  /** GPU budget (`--total-gpus`). */
  totalGpus?: number;
  /** Input sequence length (`--isl`). */
  isl?: number;
  /** Output sequence length (`--osl`). */
  osl?: number;
  /** TTFT limit, ms (`--ttft`). */
  ttft?: number;
  /** TPOT limit, ms (`--tpot`). */
  tpot?: number;
}

/**
 * The inputs of the new search: model, system and SLA from the stored plan,
 * GPU budget the larger of the plan's GPUs and the GPUs the set holds now,
 * ISL/OSL observed, each overridable by a flag.
 */
export function replanInputs(
  pcs: string,
  plan: Plan,
  obs: ObservedWorkload | undefined,
  over: ReplanOverrides = {},
  runningGpus = 0,
): ReplanInputs {
  const backend = plan.backend ??
    (obs && obs.engine !== "dynamo-frontend" ? obs.engine : undefined);
  if (!backend || !(BACKENDS as readonly string[]).includes(backend)) {
    throw new GroveError(
      `the stored plan of ${pcs} names no backend AIConfigurator models (got ${backend ?? "none"})`,
      {
        hint:
          `store a plan with "backend": "sglang" | "vllm" | "trtllm" (kubectl grove plan store ${pcs} -f plan.json --overwrite)`,
      },
    );
  }
  const isl = over.isl ?? obs?.isl ?? null;
  const osl = over.osl ?? obs?.osl ?? null;
  if (isl === null || osl === null) {
    throw new GroveError(
      `cannot tell the ${
        isl === null ? "input" : "output"
      } sequence length ${pcs} serves: its engines export no request-length metrics${
        obs ? ` (read from ${obs.source})` : ""
      }`,
      { hint: "give it with --isl <tokens> --osl <tokens>" },
    );
  }
  // The budget: what the plan used or what the set holds now, whichever is more (a plan
  // stores the GPUs its configuration uses, which can be fewer than the search was given).
  const planned = planTotalGpus(plan);
  const budget = over.totalGpus ?? Math.max(planned, runningGpus);
  if (!(budget > 0)) {
    throw new GroveError(`the stored plan of ${pcs} gives no GPU budget`, {
      hint: "pass --total-gpus <n>",
    });
  }
  const p = obs?.percentile ?? "p50";
  return {
    model: plan.model,
    system: plan.system,
    backend: backend as Backend,
    backendVersion: plan.backend_version,
    totalGpus: budget,
    isl,
    osl,
    ttftMs: over.ttft ?? plan.sla.ttft_ms,
    tpotMs: over.tpot ?? plan.sla.tpot_ms,
    mode: plan.serving_mode,
    from: {
      isl: over.isl !== undefined ? "--isl" : `observed ${p}`,
      osl: over.osl !== undefined ? "--osl" : `observed ${p}`,
      totalGpus: over.totalGpus !== undefined
        ? "--total-gpus"
        : runningGpus > planned
        ? "GPUs the set holds now"
        : "stored plan",
      sla: over.ttft !== undefined || over.tpot !== undefined ? "flags" : "stored plan",
      backend: plan.backend ? "stored plan" : "engine metrics",
    },
  };
}

/** A command that moves the set, with its dry-run form. */
export interface MoveCommand {
  /** What it does. */
  description: string;
  /** The command. */
  command: string;
  /** The same command with `--dry-run`. */
  dryRun: string;
}

/** How the set changes. */
export type ChangeKind = "none" | "scale" | "reshape";

/** One column of the side-by-side table: a role of a plan or of the running set. */
export interface RoleCell {
  /** Role. */
  role: string;
  /** Workers of the whole deployment. */
  workers: number;
  /** Tensor-parallel size. */
  tp?: number;
  /** Pipeline-parallel size. */
  pp?: number;
  /** Data-parallel size. */
  dp?: number;
  /** GPUs of one worker. */
  gpusPerWorker: number;
}

function planCells(p: Plan): RoleCell[] {
  return planRoles(p).map((r: PlanRole) => ({
    role: r.role,
    workers: r.workers,
    tp: r.tp,
    pp: r.pp,
    dp: r.dp,
    gpusPerWorker: roleGpus(r),
  }));
}

function runningCells(d: DeployedRole[]): RoleCell[] {
  return d.filter((r) => r.role !== "frontend").map((r) => ({
    role: r.role,
    workers: r.workers,
    tp: r.tp,
    pp: r.pp,
    dp: r.dp,
    gpusPerWorker: r.gpusPerWorker,
  }));
}

const sameLayout = (a: RoleCell, b: RoleCell) =>
  a.gpusPerWorker === b.gpusPerWorker && (a.tp ?? 1) === (b.tp ?? 1) &&
  (a.pp ?? 1) === (b.pp ?? 1) && (a.dp ?? 1) === (b.dp ?? 1);

/**
 * The commands that move the running set to the new plan: when every role
 * keeps its worker layout (TP/PP/DP, GPUs per worker) only the counts
 * change, so `kubectl grove scale` per role; otherwise the new manifest is
 * applied. Scale counts are per set replica; a count that does not divide
 * by the set's replicas needs the manifest too.
 */
export function moveCommands(
  o: {
    pcs: string;
    namespace: string;
    setReplicas: number;
    running: DeployedRole[];
    proposed: Plan;
    manifestFile?: string;
    planFile?: string;
    planStored: boolean;
  },
): { change: ChangeKind; commands: MoveCommand[]; notes: string[] } {
  const notes: string[] = [];
  const ns = `-n ${o.namespace}`;
  const want = planCells(o.proposed);
  const have = runningCells(o.running);
  const byRole = new Map(have.map((r) => [r.role, r]));
  const layoutKept = want.length === have.length &&
    want.every((w) => byRole.has(w.role) && sameLayout(w, byRole.get(w.role)!));
  const commands: MoveCommand[] = [];
  const cmd = (description: string, c: string): MoveCommand => ({
    description,
    command: c,
    dryRun: `${c} --dry-run`,
  });
  let change: ChangeKind;
  if (layoutKept) {
    const changed = want.filter((w) => byRole.get(w.role)!.workers !== w.workers);
    const divisible = changed.every((w) => w.workers % o.setReplicas === 0);
    if (changed.length === 0) {
      change = "none";
    } else if (divisible) {
      change = "scale";
      const args = changed.map((w) => {
        const d = o.running.find((r) => r.role === w.role)!;
        const name = d.cliques.length === 1 ? d.cliques[0] : w.role;
        return `--${name}=${w.workers / o.setReplicas}`;
      });
      commands.push(
        cmd(
          `scale ${
            changed.map((w) => `${w.role} ${byRole.get(w.role)!.workers} -> ${w.workers}`).join(
              ", ",
            )
          }`,
          `kubectl grove scale ${o.pcs} ${ns} ${args.join(" ")}`,
        ),
      );
    } else {
      change = "reshape";
      notes.push(
        `the set has ${o.setReplicas} replicas and the new worker counts do not divide by it: apply the manifest instead of scaling`,
      );
    }
  } else change = "reshape";
  if (change === "reshape") {
    if (!o.manifestFile) {
      notes.push("no manifest was written: pass --out-dir to write one");
    } else {
      commands.push(
        cmd(
          "apply the new manifest (the worker layout changes: TP/PP/DP or GPUs per worker)",
          `kubectl grove apply -f ${o.manifestFile} ${ns}`,
        ),
      );
    }
  }
  if (change !== "none" && !o.planStored && o.planFile) {
    commands.push(
      cmd(
        "keep the new plan beside the set (replaces the stored one)",
        `kubectl grove plan store ${o.pcs} -f ${o.planFile} ${ns} --overwrite`,
      ),
    );
  }
  return { change, commands, notes };
}

/** SLA against measurement (p99). */
export interface SlaCheck {
  /** TTFT p99 measured vs limit. */
  ttft: { limitMs: number; p99Ms: number | null; status: "ok" | "breach" | "unknown" };
  /** TPOT p99 measured vs limit. */
  tpot: { limitMs: number; p99Ms: number | null; status: "ok" | "breach" | "unknown" };
}

function check(limit: number, v: number | null | undefined): SlaCheck["ttft"] {
  const p99 = v ?? null;
  return {
    limitMs: limit,
    p99Ms: p99,
    status: p99 === null ? "unknown" : p99 <= limit ? "ok" : "breach",
  };
}

/** The `replan` report (`-o json` prints it). */
export interface ReplanReport {
  /** `kubectl-grove.io/v1alpha1`. */
  apiVersion: string;
  /** Kind marker. */
  kind: "ReplanReport";
  /** PodCliqueSet. */
  pcs: string;
  /** Namespace. */
  namespace: string;
  /** What the engines serve. */
  observed: ObservedWorkload | null;
  /** The stored plan's SLA against the measured p99 latencies. */
  sla: SlaCheck;
  /** What the new search was given. */
  inputs: ReplanInputs;
  /** The stored plan. */
  stored: Plan;
  /** The new plan. */
  proposed: Plan;
  /** Roles of the running set (from the live objects). */
  running: RoleCell[];
  /** Roles of the stored plan. */
  storedRoles: RoleCell[];
  /** Roles of the new plan. */
  proposedRoles: RoleCell[];
  /** GPUs: stored plan, new plan, running. */
  gpus: { stored: number; proposed: number; running: number };
  /** What changes. */
  change: ChangeKind;
  /** The commands that move the set to the new plan. */
  commands: MoveCommand[];
  /** The AIConfigurator results directory. */
  resultsDir: string;
  /** aiconfigurator version (when it ran). */
  aiconfiguratorVersion?: string;
  /** Files written. */
  files: { manifest?: string; plan?: string };
  /** `created`/`replaced`/`unchanged` with --store-plan. */
  planStore?: string;
  /** Notes. */
  notes: string[];
}

/** Builds the report (pure). */
export function buildReplanReport(i: {
  pcs: string;
  namespace: string;
  observed: ObservedWorkload | null;
  inputs: ReplanInputs;
  stored: Plan;
  proposed: Plan;
  running: DeployedRole[];
  setReplicas: number;
  resultsDir: string;
  aiconfiguratorVersion?: string;
  files: { manifest?: string; plan?: string };
  planStore?: string;
  notes?: string[];
}): ReplanReport {
  const move = moveCommands({
    pcs: i.pcs,
    namespace: i.namespace,
    setReplicas: i.setReplicas,
    running: i.running,
    proposed: i.proposed,
    manifestFile: i.files.manifest,
    planFile: i.files.plan,
    planStored: i.planStore === "replaced" || i.planStore === "created" ||
      i.planStore === "unchanged",
  });
  const running = runningCells(i.running);
  const notes = [...(i.observed?.notes ?? []), ...(i.notes ?? []), ...move.notes];
  if (move.change === "none") notes.push("the set already runs the new plan's worker split");
  return {
    apiVersion: REPORT_API_VERSION,
    kind: "ReplanReport",
    pcs: i.pcs,
    namespace: i.namespace,
    observed: i.observed,
    sla: {
      ttft: check(i.stored.sla.ttft_ms, i.observed?.ttftMs?.p99),
      tpot: check(i.stored.sla.tpot_ms, i.observed?.tpotMs?.p99),
    },
    inputs: i.inputs,
    stored: i.stored,
    proposed: i.proposed,
    running,
    storedRoles: planCells(i.stored),
    proposedRoles: planCells(i.proposed),
    gpus: {
      stored: planTotalGpus(i.stored),
      proposed: planTotalGpus(i.proposed),
      running: running.reduce((s, r) => s + r.workers * r.gpusPerWorker, 0),
    },
    change: move.change,
    commands: move.commands,
    resultsDir: i.resultsDir,
    ...(i.aiconfiguratorVersion ? { aiconfiguratorVersion: i.aiconfiguratorVersion } : {}),
    files: i.files,
    ...(i.planStore ? { planStore: i.planStore } : {}),
    notes,
  };
}
