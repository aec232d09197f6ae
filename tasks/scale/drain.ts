/**
 * `--drain-timeout`: before a scale-down, wait for the running requests of
 * the pods that will go to reach zero (engine metrics through the pod proxy,
 * the scrape code of `metrics`), showing the count, up to a timeout.
 *
 * @module
 */

import type { Kube } from "../../lib/kube/types.ts";
import { isScrapable, scrapeRound } from "../metrics/collect.ts";
import { podTargets } from "../metrics/targets.ts";
import type { ScaleCollected } from "./collect.ts";
import { sleep } from "../../lib/async.ts";

/** How a drain ended. */
export interface DrainResult {
  /** Running requests at the last look (0 when drained). */
  running: number;
  /** Per pod at the last look (pods whose metrics could be read). */
  pods: { pod: string; running: number }[];
  /** Pods whose metrics could not be read (not waited for), with the reason. */
  unreadable: { pod: string; error: string }[];
  /** Time spent, ms. */
  ms: number;
  /** True when the timeout was reached with requests still running. */
  timedOut: boolean;
}

/** Options of {@link drainPods}. */
export interface DrainOptions {
  /** Max wait, ms. */
  timeoutMs: number;
  /** Time between looks, ms. */
  intervalMs: number;
  /** Progress lines. */
  onProgress?: (line: string) => void;
  /** Stops waiting. */
  signal?: AbortSignal;
}

/**
 * Scrapes the pods that go until their running requests are 0 or the
 * timeout passes. Pods that are not Running+Ready or have no metrics port
 * are not waited for (they serve nothing).
 *
 * @example
 * ```ts ignore
 * const d = await drainPods(kube, collected, ["qwen-0-decode-1-dleader-abcde"], { timeoutMs: 60_000, intervalMs: 2000 });
 * d.running; // 0 when drained
 * ```
 */
export async function drainPods(
  kube: Kube,
  input: ScaleCollected,
  podNames: string[],
  opts: DrainOptions,
): Promise<DrainResult> {
  const going = new Set(podNames);
  const targets = podTargets(
    input.pcs.metadata.name,
    input.pods.filter((p) => going.has(p.metadata.name)),
    input.cliques,
  ).filter(isScrapable);
  const start = Date.now();
  const result: DrainResult = { running: 0, pods: [], unreadable: [], ms: 0, timedOut: false };
  if (!targets.length) {
    opts.onProgress?.("drain: none of the pods that go serve metrics; nothing to wait for");
    return result;
  }
  for (;;) {
    const round = await scrapeRound(kube, targets, {
      timeoutMs: Math.min(5000, Math.max(1000, opts.timeoutMs)),
      direct: false,
      concurrency: 8,
      signal: opts.signal,
      clock: Date.now,
    });
    result.pods = [];
    result.unreadable = [];
    for (const t of targets) {
      const r = round[t.pod];
      if (r?.snapshot) result.pods.push({ pod: t.pod, running: r.snapshot.running });
      else result.unreadable.push({ pod: t.pod, error: r?.error ?? "no answer" });
    }
    result.running = result.pods.reduce((s, p) => s + p.running, 0);
    result.ms = Date.now() - start;
    const left = Math.max(0, Math.ceil((opts.timeoutMs - result.ms) / 1000));
    opts.onProgress?.(
      `drain: ${result.running} running request${result.running === 1 ? "" : "s"} on ${
        result.pods.filter((p) => p.running > 0).length
      } of ${targets.length} pods that go${result.running > 0 ? ` (${left}s left)` : ""}`,
    );
    for (const u of result.unreadable) {
      opts.onProgress?.(
        `drain: cannot read the metrics of ${u.pod}: ${u.error}; not waiting for it`,
      );
    }
    if (result.running === 0) return result;
    if (result.ms >= opts.timeoutMs || opts.signal?.aborted) {
      result.timedOut = true;
      return result;
    }
    await sleep(Math.min(opts.intervalMs, opts.timeoutMs - result.ms), opts.signal);
  }
}
