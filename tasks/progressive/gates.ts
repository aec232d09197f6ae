/**
 * Metrics gates of a progressive rollout (pure): merge the latency
 * histograms of the updated pods over the gate window and compare p99 with
 * the thresholds. A gate with no observation fails (nothing proves it safe).
 *
 * @module
 */

import { type Histogram, mergeHistograms } from "../../lib/metrics/histogram.ts";
import { latencyStats, type WindowStats } from "../../lib/metrics/snapshot.ts";
import type { GateResult, GateSpec } from "./state.ts";
import { fmtMs } from "../metrics/report.ts";

/** Per-pod window statistics of the updated pods. */
export type PodWindows = Record<string, WindowStats>;

/** The p99 in ms of one latency over pods, with the observation count. */
export function mergedP99(
  windows: PodWindows,
  key: "ttft" | "itl",
): { p99Ms: number | null; count: number } {
  const hs: Histogram[] = [];
  for (const w of Object.values(windows)) {
    const h = w.deltas[key];
    if (h && h.count > 0) hs.push(h);
  }
  if (!hs.length) return { p99Ms: null, count: 0 };
  const s = latencyStats(mergeHistograms(hs));
  return { p99Ms: s.p99 === null ? null : s.p99 * 1000, count: s.count };
}

/**
 * Evaluates every configured gate.
 *
 * @example
 * ```ts
 * import { evaluateGates } from "./gates.ts";
 * evaluateGates({ ttftP99Ms: 500, windowMs: 1000 }, {})[0].pass; // false (nothing measured)
 * ```
 */
export function evaluateGates(spec: GateSpec, windows: PodWindows): GateResult[] {
  const out: GateResult[] = [];
  const one = (gate: GateResult["gate"], key: "ttft" | "itl", limit: number | undefined) => {
    if (limit === undefined) return;
    const m = mergedP99(windows, key);
    out.push({
      gate,
      thresholdMs: limit,
      measuredMs: m.p99Ms === null ? null : Math.round(m.p99Ms * 10) / 10,
      count: m.count,
      pass: m.p99Ms !== null && m.p99Ms <= limit,
    });
  };
  one("ttft-p99", "ttft", spec.ttftP99Ms);
  one("tpot-p99", "itl", spec.tpotP99Ms);
  return out;
}

/** Gate lines: `ttft-p99  612.3ms > 500ms  FAIL`. */
export function renderGates(results: GateResult[]): string {
  return results.map((g) =>
    `  ${g.gate.padEnd(9)} measured ${
      g.measuredMs === null ? "n/a (no requests observed)" : fmtMs(g.measuredMs)
    } ${g.pass ? "<=" : g.measuredMs === null ? "vs" : ">"} threshold ${fmtMs(g.thresholdMs)}  ${
      g.pass ? "PASS" : "FAIL"
    } (${g.count} requests)`
  ).join("\n");
}
