/**
 * `status --watch` as an async generator of reports: list once (the same
 * five lists as `collectStatus`, with its error checks), then watch the same
 * kinds from each list's resourceVersion through `lib/watch`, and rebuild the
 * report after every burst of changes.
 *
 * @module
 */

import type { Kube, KubeObject } from "../../lib/kube/types.ts";
import { listWatch } from "../../lib/watch/list_watch.ts";
import { collectStatus, type StatusKind, statusListSpecs, type StatusQuery } from "./collect.ts";
import { buildStatusReport, type StatusObjects, type StatusReport } from "./report.ts";
import { raceSleep, SLEPT } from "../../lib/async.ts";

/** Options of {@link watchStatus}. */
export interface WatchStatusOptions {
  /** Stops the watch; the generator then returns. */
  signal?: AbortSignal;
  /** The clock (default `Date.now`), read once per report. */
  now?: () => number;
  /** Quiet time after a change before a new report, ms (default 150). */
  debounceMs?: number;
  /**
   * Also yield a fresh report (same objects, new `now`) after this many ms
   * without change, so ages and termination countdowns keep moving on a
   * terminal. Off by default.
   */
  refreshMs?: number;
}

/**
 * Yields a status report now and after every change of the PodCliqueSet(s),
 * their cliques, scaling groups, gangs or pods. A named PodCliqueSet that
 * does not exist fails at once (as `status` does); one deleted while watched
 * yields a report without it.
 *
 * @example
 * ```ts ignore
 * import { watchStatus } from "./watch.ts";
 * const ac = new AbortController();
 * for await (const report of watchStatus(kube, { name: "qwen" }, { signal: ac.signal })) {
 *   console.log(report.summary.podsReady);
 * }
 * ```
 */
export async function* watchStatus(
  kube: Kube,
  q: StatusQuery,
  opts: WatchStatusOptions = {},
): AsyncGenerator<StatusReport> {
  const now = opts.now ?? Date.now;
  const first = await collectStatus(kube, q);
  const specs = statusListSpecs(first.scope);
  const initial = Object.fromEntries(
    specs.map((s) => [s.key, {
      items: first[s.key] as KubeObject[],
      resourceVersion: first.resourceVersions[s.key],
    }]),
  ) as Record<StatusKind, { items: KubeObject[]; resourceVersion: string }>;
  // Our own signal, so that leaving the loop (not only aborting) stops the watches.
  const inner = new AbortController();
  const stop = () => inner.abort();
  opts.signal?.addEventListener("abort", stop, { once: true });
  if (opts.signal?.aborted) inner.abort();
  const snaps = listWatch<StatusKind>(kube, specs, {
    signal: inner.signal,
    debounceMs: opts.debounceMs,
    initial,
  });
  const build = (objects: Record<StatusKind, KubeObject[]>) =>
    buildStatusReport({ scope: first.scope, ...objects } as unknown as StatusObjects, {
      now: now(),
    });
  let latest: Record<StatusKind, KubeObject[]> | undefined;
  let pending = snaps.next();
  try {
    while (true) {
      const got = opts.refreshMs && latest
        ? await raceSleep(pending, opts.refreshMs, inner.signal)
        : await pending;
      if (got === SLEPT) {
        if (inner.signal.aborted) return;
        yield build(latest!);
        continue;
      }
      if (got.done) return;
      latest = got.value.objects;
      pending = snaps.next();
      yield build(latest);
    }
  } finally {
    opts.signal?.removeEventListener("abort", stop);
    inner.abort();
    await pending.catch(() => undefined);
  }
}
