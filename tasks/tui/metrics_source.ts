/**
 * Metrics for the TUI: scrapes one PodCliqueSet's engines with the metrics
 * task's own scrape and report code, over the pods and cliques the TUI
 * already watches (no list requests). Each round is compared with the
 * previous one of the same set, so rates and quantiles cover one refresh
 * interval; the first round shows lifetime values.
 *
 * @module
 */

import type { Kube } from "../../lib/kube/types.ts";
import { isScrapable, type ScrapeOutcome, scrapeRound } from "../metrics/collect.ts";
import { buildMetricsReport } from "../metrics/report.ts";
import { podTargets } from "../metrics/targets.ts";
import type { MetricsCollector } from "./controller.ts";

/** Options of {@link tuiMetricsCollector}. */
export interface TuiMetricsOptions {
  /** Timeout of one scrape, ms (config `metrics.scrape_timeout`). */
  timeoutMs: number;
  /** Port for pods whose spec names none (config `metrics.port`). */
  fallbackPort?: number;
  /** Scrapes in flight (default 16). */
  concurrency?: number;
  /** The clock. */
  clock?: () => number;
}

/** A collector that scrapes through the API server's pod proxy. */
export function tuiMetricsCollector(kube: Kube, o: TuiMetricsOptions): MetricsCollector {
  const clock = o.clock ?? Date.now;
  const previous = new Map<string, Record<string, ScrapeOutcome>>();
  return async (t, signal) => {
    const targets = podTargets(t.pcs, t.pods, t.cliques, o.fallbackPort);
    const scrapable = targets.filter(isScrapable);
    const at = clock();
    const second = await scrapeRound(kube, scrapable, {
      timeoutMs: o.timeoutMs,
      direct: false,
      concurrency: o.concurrency ?? 16,
      signal,
      clock,
    });
    const key = `${t.namespace}/${t.pcs}`;
    const before = previous.get(key) ?? {};
    previous.set(key, second);
    const first: Record<string, ScrapeOutcome> = {};
    for (const s of scrapable) if (before[s.pod]) first[s.pod] = before[s.pod];
    return buildMetricsReport({
      pcs: t.pcs,
      namespace: t.namespace,
      source: "proxy",
      pods: t.pods,
      cliques: t.cliques,
      targets,
      first,
      second,
      scrapedAtMs: at,
      scrapeMs: clock() - at,
    }, { now: new Date(clock()) });
  };
}
