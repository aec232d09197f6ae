/**
 * A canary against the stable pods: readiness, restarts and (when the pods
 * can be scraped) TTFT/TPOT p99 of each group.
 *
 * @module
 */

import { throughputBasis } from "../metrics/report.ts";
import { isPodReady, podRestarts } from "../../lib/grove/relations.ts";
import type { Pod } from "../../lib/grove/types.ts";
import type { Kube } from "../../lib/kube/types.ts";
import { mergedP99 } from "./gates.ts";
import {
  loadObjects,
  type ScrapeOptions,
  scrapeWindows,
  stableFilter,
  updatedFilter,
} from "./io.ts";
import type { ProgressiveState } from "./state.ts";
import type { GroupFigures, ProgressiveResult } from "./types.ts";

/** Canary against stable: readiness, restarts and (when scrapable) TTFT/TPOT p99. */
export async function compareGroups(
  kube: Kube,
  ns: string,
  s: ProgressiveState,
  name: string,
  windowMs: number,
  scrape?: ScrapeOptions,
): Promise<NonNullable<ProgressiveResult["comparison"]>> {
  const objs = await loadObjects(kube, ns, name, false);
  const notes: string[] = [];
  const group = async (filter: (p: Pod) => boolean, label: string): Promise<GroupFigures> => {
    const pods = objs.pods.filter((p) => !p.metadata.deletionTimestamp && filter(p));
    let ttft: number | null = null;
    let tpot: number | null = null;
    let perGpu: number | null = null;
    try {
      const w = await scrapeWindows(kube, ns, name, filter, windowMs, scrape ?? {});
      ttft = mergedP99(w.windows, "ttft").p99Ms;
      tpot = mergedP99(w.windows, "itl").p99Ms;
      perGpu = throughputBasis(w.chosen.map((t) => ({ target: t, stats: w.windows[t.pod] })))
        .value;
      if (w.failed.length) {
        notes.push(`${label}: ${w.failed.length} scrape(s) failed (${w.failed[0]})`);
      }
    } catch (e) {
      notes.push(`${label}: metrics unavailable: ${(e as Error).message}`);
    }
    const round = (x: number | null) => x === null ? null : Math.round(x * 10) / 10;
    return {
      pods: pods.length,
      ready: pods.filter(isPodReady).length,
      restarts: pods.reduce((n, p) => n + podRestarts(p), 0),
      ttftP99Ms: round(ttft),
      tpotP99Ms: round(tpot),
      tokensPerGpu: round(perGpu),
    };
  };
  const [canary, stable] = await Promise.all([
    group(updatedFilter(s), "canary"),
    group(stableFilter(s), "stable"),
  ]);
  return { canary, stable, notes };
}
