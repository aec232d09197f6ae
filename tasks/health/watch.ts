/**
 * `health --watch` as an async generator of reports: collect once, then
 * watch the same kinds through `lib/watch`. Between changes the report is
 * rebuilt every second from the last objects with a new `now`, so the
 * termination countdown ticks without any request.
 *
 * @module
 */

import { Resources } from "../../lib/kube/resources.ts";
import type { Kube, KubeObject } from "../../lib/kube/types.ts";
import { listWatch, type Snapshot, type WatchTarget } from "../../lib/watch/list_watch.ts";
import {
  collectHealth,
  type CollectHealthOptions,
  healthListOptions,
  type HealthObjects,
} from "./collect.ts";
import { buildHealthReport, type HealthReport, type HealthReportOptions } from "./report.ts";
import { raceSleep, SLEPT } from "../../lib/async.ts";

type Key =
  | "podcliquesets"
  | "podcliques"
  | "podcliquescalinggroups"
  | "podgangs"
  | "pods"
  | "events";

const FIELD: Record<Key, keyof HealthObjects> = {
  podcliquesets: "podCliqueSets",
  podcliques: "podCliques",
  podcliquescalinggroups: "scalingGroups",
  podgangs: "podGangs",
  pods: "pods",
  events: "events",
};

/** Options of {@link watchHealth}. */
export interface WatchHealthOptions {
  /** Stops the watch. */
  signal?: AbortSignal;
  /** The clock (default `Date.now`). */
  now?: () => number;
  /** Interval of countdown ticks without API changes, ms (default 1000; 0 disables). */
  tickMs?: number;
  /** Quiet time after a change before a new report, ms (default 150). */
  debounceMs?: number;
  /** Which events become issues (default: the collect options', else warning). */
  events?: HealthReportOptions["events"];
}

/**
 * Yields a health report now, after every API change, and every `tickMs`
 * in between (rebuilt from the last objects: no requests).
 *
 * @example
 * ```ts ignore
 * import { watchHealth } from "./watch.ts";
 * for await (const r of watchHealth(kube, { namespace: "inference", pcs: "qwen" })) {
 *   console.log(r.summary.nextTermination?.remainingMs);
 * }
 * ```
 */
export async function* watchHealth(
  kube: Kube,
  opts: CollectHealthOptions,
  w: WatchHealthOptions = {},
): AsyncGenerator<HealthReport> {
  const now = w.now ?? Date.now;
  const events = (opts as HealthReportOptions).events;
  const tickMs = w.tickMs ?? 1000;
  const first = await collectHealth(kube, opts);
  const lo = healthListOptions(opts);
  const targets: WatchTarget<Key>[] = [];
  const initial: Partial<Record<Key, { items: KubeObject[]; resourceVersion: string }>> = {};
  for (const key of Object.keys(FIELD) as Key[]) {
    const rv = first.resourceVersions[key];
    if (!rv) continue; // not readable (forbidden or absent): not watched
    targets.push({ key, resource: Resources[key], options: lo[key] });
    initial[key] = { items: first[FIELD[key]] as KubeObject[], resourceVersion: rv };
  }
  let objects: HealthObjects = first;
  // Our own signal: leaving the loop (break, error) must stop the watches even
  // while a next() is pending, or return() would wait for it forever.
  const inner = new AbortController();
  const onAbort = () => inner.abort();
  w.signal?.addEventListener("abort", onAbort, { once: true });
  if (w.signal?.aborted) inner.abort();
  const snaps = listWatch<Key>(kube, targets, {
    signal: inner.signal,
    debounceMs: w.debounceMs,
    initial,
  });
  let pending: Promise<IteratorResult<Snapshot<Key>>> | undefined;
  try {
    while (!inner.signal.aborted) {
      pending ??= snaps.next();
      const next = tickMs > 0 ? await raceSleep(pending, tickMs, inner.signal) : await pending;
      if (next === SLEPT) {
        yield buildHealthReport(objects, { ...opts, events: w.events ?? events, now: now() });
        continue;
      }
      pending = undefined;
      if (next.done) return;
      const o = next.value.objects;
      objects = { ...objects };
      for (const key of Object.keys(o) as Key[]) {
        (objects as unknown as Record<string, unknown>)[FIELD[key]] = o[key];
      }
      yield buildHealthReport(objects, { ...opts, events: w.events ?? events, now: now() });
    }
  } finally {
    w.signal?.removeEventListener("abort", onAbort);
    inner.abort();
    if (pending) await pending.catch(() => undefined);
    await snaps.return(undefined);
  }
}
