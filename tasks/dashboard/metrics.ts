/**
 * The Metrics view's time series: while a tab looks at a PodCliqueSet, its
 * engines are scraped every interval through the API server's pod proxy
 * (bounded concurrency) with the metrics task's own scrape and report code,
 * over the pods and cliques the shared watch already holds; each round is
 * compared with the previous one, so percentiles and throughput cover one
 * interval. The stored plan (SLA and expectations) is read once per set.
 * One sampler per set, shared by every tab; it stops when no tab asked for
 * a while.
 *
 * @module
 */

import { LabelKeys } from "../../lib/grove/labels.ts";
import type { Pod, PodClique } from "../../lib/grove/types.ts";
import { ApiError, isApiStatus } from "../../lib/errors.ts";
import { Resources } from "../../lib/kube/resources.ts";
import type { Kube, KubeObject } from "../../lib/kube/types.ts";
import { isScrapable, type ScrapeOutcome, scrapeRound } from "../metrics/collect.ts";
import { planConfigMapName } from "../metrics/plan.ts";
import {
  buildMetricsReport,
  type LatencyMs,
  type MetricsReport,
  type MetricsSummary,
} from "../metrics/report.ts";
import { podTargets } from "../metrics/targets.ts";
import type { TuiSnapshot } from "../tui/source.ts";

/** Figures of one role (or the total) at one point in time. */
export interface MetricsPoint {
  /** TTFT percentiles, ms. */
  ttft: Pick<LatencyMs, "p50" | "p90" | "p99"> | null;
  /** Inter-token latency percentiles, ms. */
  itl: Pick<LatencyMs, "p50" | "p90" | "p99"> | null;
  /** End-to-end request latency percentiles, ms. */
  e2e: Pick<LatencyMs, "p50" | "p90" | "p99"> | null;
  /** Output tokens per second. */
  outputTokensPerSec: number | null;
  /** Output tokens per second per GPU. */
  outputTokensPerSecPerGpu: number | null;
  /** Requests waiting. */
  waiting: number | null;
}

/** One scrape round. */
export interface MetricsSample {
  /** When the round started, epoch ms. */
  t: number;
  /** The whole set. */
  total: MetricsPoint;
  /** Per role. */
  roles: Record<string, MetricsPoint>;
  /** Pods scraped / scrapable. */
  scraped: number;
  /** Pods that should have answered. */
  scrapable: number;
}

/** The series of one set, as the Metrics view receives it. */
export interface MetricsSeries {
  /** PodCliqueSet. */
  pcs: string;
  /** Namespace. */
  namespace: string;
  /** Interval between rounds, ms. */
  intervalMs: number;
  /** Rounds, oldest first (bounded). */
  samples: MetricsSample[];
  /** SLA in force (plan or none). */
  sla: MetricsReport["sla"] | null;
  /** The plan's expectations. */
  plan: MetricsReport["plan"];
  /** The latest report (tables under the charts). */
  latest: MetricsReport | null;
  /** The last round failed: why. */
  error?: string;
}

function lat(l: LatencyMs | undefined): MetricsPoint["ttft"] {
  return l ? { p50: l.p50, p90: l.p90, p99: l.p99 } : null;
}

/** Compacts a summary into a point. Pure. */
export function pointOf(s: MetricsSummary): MetricsPoint {
  return {
    ttft: lat(s.latencyMs.ttft),
    itl: lat(s.latencyMs.itl),
    e2e: lat(s.latencyMs.e2e),
    outputTokensPerSec: s.outputTokensPerSec,
    outputTokensPerSecPerGpu: s.outputTokensPerSecPerGpu,
    waiting: s.waiting,
  };
}

/** Compacts a report into a sample. Pure. */
export function sampleOf(r: MetricsReport, t: number): MetricsSample {
  const roles: Record<string, MetricsPoint> = {};
  for (const x of r.roles) roles[x.role] = pointOf(x);
  return {
    t,
    total: pointOf(r.total),
    roles,
    scraped: r.total.scrapedPods,
    scrapable: r.pods.filter((p) => p.status !== "skipped").length,
  };
}

/** A set's SLA verdict from its latest scrape round. */
export interface SlaVerdict {
  /** TTFT p99 against the SLA. */
  ttft: "ok" | "breach" | null;
  /** TPOT (inter-token) p99 against the SLA. */
  tpot: "ok" | "breach" | null;
  /** When measured (RFC 3339). */
  at: string;
  /** Where the SLA comes from. */
  source: string;
}

/** Options of {@link MetricsSampler}. */
export interface SamplerOptions {
  /** Between rounds, ms (default 5000). */
  intervalMs?: number;
  /** Samples kept per set (default 120: 10 minutes at 5 s). */
  keep?: number;
  /** Stop a set's rounds when no tab asked for this long, ms (default 30 s). */
  idleMs?: number;
  /** One scrape's timeout, ms. */
  timeoutMs: number;
  /** Port for pods whose spec names none. */
  fallbackPort?: number;
  /** Scrapes in flight per round (default 16). */
  concurrency?: number;
  /** The latest snapshot of the shared watch. */
  snapshot: () => TuiSnapshot | undefined;
  /** The clock. */
  clock?: () => number;
}

interface SetSampler {
  series: MetricsSeries;
  previous: Record<string, ScrapeOutcome>;
  planConfigMap?: KubeObject;
  planNote?: string;
  planRead: boolean;
  lastAsked: number;
  timer?: ReturnType<typeof setTimeout>;
  running: boolean;
}

/** Scrape loops per PodCliqueSet, started on demand. */
export class MetricsSampler {
  readonly #kube: Kube;
  readonly #o: SamplerOptions;
  readonly #sets = new Map<string, SetSampler>();
  readonly #stop = new AbortController();
  /** Called after each round. */
  onRound: () => void = () => {};

  /** Over a connected client. */
  constructor(kube: Kube, o: SamplerOptions) {
    this.#kube = kube;
    this.#o = o;
  }

  get #interval() {
    return this.#o.intervalMs ?? 5000;
  }

  /** The series of a set; starts its rounds when they are not running. */
  series(namespace: string, pcs: string): MetricsSeries {
    const clock = this.#o.clock ?? Date.now;
    const k = `${namespace}/${pcs}`;
    let s = this.#sets.get(k);
    if (!s) {
      s = {
        series: {
          pcs,
          namespace,
          intervalMs: this.#interval,
          samples: [],
          sla: null,
          plan: null,
          latest: null,
        },
        previous: {},
        planRead: false,
        lastAsked: clock(),
        running: false,
      };
      this.#sets.set(k, s);
    }
    s.lastAsked = clock();
    if (s.timer === undefined && !s.running) void this.#round(k, s);
    return s.series;
  }

  async #round(k: string, s: SetSampler): Promise<void> {
    const clock = this.#o.clock ?? Date.now;
    s.timer = undefined;
    if (this.#stop.signal.aborted) return;
    if (clock() - s.lastAsked > (this.#o.idleMs ?? 30_000)) {
      this.#sets.delete(k);
      return;
    }
    s.running = true;
    try {
      await this.#scrape(s);
      s.series.error = undefined;
    } catch (e) {
      s.series.error = e instanceof Error ? e.message : String(e);
    } finally {
      s.running = false;
    }
    this.onRound();
    if (!this.#stop.signal.aborted) {
      s.timer = setTimeout(() => void this.#round(k, s), this.#interval);
    }
  }

  async #scrape(s: SetSampler): Promise<void> {
    const clock = this.#o.clock ?? Date.now;
    const { namespace, pcs } = s.series;
    const snap = this.#o.snapshot();
    if (!snap) throw new Error("no data yet");
    const mine = (o: KubeObject) =>
      o.metadata.namespace === namespace && o.metadata.labels?.[LabelKeys.partOf] === pcs;
    const pods = (snap.byKind.pods ?? []).filter(mine) as Pod[];
    const cliques = (snap.byKind.podcliques ?? []).filter(mine) as PodClique[];
    if (!s.planRead) {
      try {
        s.planConfigMap = await this.#kube.get(
          Resources.configmaps,
          planConfigMapName(pcs),
          namespace,
        );
      } catch (e) {
        if (!isApiStatus(e, 404)) {
          if (!(e instanceof ApiError)) throw e;
          s.planNote = `plan not read: ${e.message}`;
        }
      }
      s.planRead = true;
    }
    const targets = podTargets(pcs, pods, cliques, this.#o.fallbackPort);
    const scrapable = targets.filter(isScrapable);
    const at = clock();
    const second = await scrapeRound(this.#kube, scrapable, {
      timeoutMs: this.#o.timeoutMs,
      direct: false,
      concurrency: this.#o.concurrency ?? 16,
      signal: this.#stop.signal,
      clock,
    });
    const first: Record<string, ScrapeOutcome> = {};
    for (const t of scrapable) if (s.previous[t.pod]) first[t.pod] = s.previous[t.pod];
    s.previous = second;
    const report = buildMetricsReport({
      pcs,
      namespace,
      source: "proxy",
      pods,
      cliques,
      targets,
      planConfigMap: s.planConfigMap,
      planNote: s.planNote,
      first,
      second,
      scrapedAtMs: at,
      scrapeMs: clock() - at,
    }, { now: new Date(clock()) });
    s.series.latest = report;
    s.series.sla = report.sla;
    s.series.plan = report.plan;
    s.series.samples = [...s.series.samples, sampleOf(report, at)].slice(-(this.#o.keep ?? 120));
  }

  /**
   * The SLA verdict of every set measured so far (the latest round's TTFT
   * and TPOT p99 against the plan's SLA), by `namespace/name`; sets without
   * an SLA are left out.
   */
  slaVerdicts(): Record<string, SlaVerdict> {
    const out: Record<string, SlaVerdict> = {};
    for (const [k, s] of this.#sets) {
      const r = s.series.latest;
      if (!r || r.sla.source === "none") continue;
      out[k] = {
        ttft: r.total.sla.ttft,
        tpot: r.total.sla.tpot,
        at: r.generatedAt,
        source: r.sla.source,
      };
    }
    return out;
  }

  /** Sets being sampled. */
  get active(): number {
    return this.#sets.size;
  }

  /** Stops every loop. */
  close(): void {
    this.#stop.abort();
    for (const s of this.#sets.values()) if (s.timer !== undefined) clearTimeout(s.timer);
    this.#sets.clear();
  }
}
