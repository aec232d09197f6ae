/**
 * List once, then watch: the shared engine of every `--watch` and of the
 * TUI. Given a {@link Kube} client and a set of targets (a resource with its
 * list options, under a key), it lists every target concurrently, yields a
 * first snapshot, then watches each target from its list's resourceVersion,
 * keeps one {@link ObjectCache} per target, and yields a new snapshot after
 * each burst of changes (debounced). A 410 Gone relists (the client yields
 * `RELISTED`, the cache is replaced); a dropped stream is resumed by the
 * client. Aborting the signal, or leaving the `for await` loop, stops every
 * watch.
 *
 * @module
 */

import type { ResourceDescriptor } from "../kube/resources.ts";
import type { Kube, KubeObject, ListOptions } from "../kube/types.ts";
import { ObjectCache } from "./cache.ts";
import { sleep } from "../async.ts";

/** One thing to list and watch. */
export interface WatchTarget<K extends string = string> {
  /** Key of the target in snapshots. */
  key: K;
  /** The resource. */
  resource: ResourceDescriptor;
  /** Namespace and selectors (the same for the list and the watch). */
  options: ListOptions;
}

/** The state of every target at one moment. */
export interface Snapshot<K extends string = string> {
  /** Objects per target key, sorted by namespace and name. */
  objects: Record<K, KubeObject[]>;
  /** Latest list resourceVersion per target (from the initial list or a relist). */
  resourceVersions: Record<K, string>;
  /** Targets that changed since the previous snapshot (all of them in the first). */
  changed: K[];
  /** 0 for the first snapshot, then 1, 2, ... */
  sequence: number;
}

/** Options of {@link listWatch}. */
export interface ListWatchOptions<K extends string = string> {
  /** Stops listing and watching; the generator then returns. */
  signal?: AbortSignal;
  /** Quiet time after a change before a snapshot is yielded, ms (default 150). */
  debounceMs?: number;
  /**
   * Lists the caller already made (items and resourceVersion per key): no
   * initial list is issued for those targets, and the first snapshot is built from them.
   */
  initial?: Partial<Record<K, { items: KubeObject[]; resourceVersion: string }>>;
  /** Server-side timeout of one watch request, seconds (the client reconnects after it). */
  timeoutSeconds?: number;
}

/**
 * Lists then watches `targets`, yielding a snapshot first and after every
 * burst of changes. Errors that the client cannot recover from (403 on
 * watch, a stream that keeps dropping) are thrown from the generator.
 *
 * @example
 * ```ts ignore
 * import { listWatch } from "./list_watch.ts";
 * import { Resources } from "../kube/resources.ts";
 * const ac = new AbortController();
 * for await (const snap of listWatch(kube, [
 *   { key: "pcs", resource: Resources.podcliquesets, options: { namespace: "inference" } },
 *   { key: "pods", resource: Resources.pods, options: { namespace: "inference", labelSelector: "app.kubernetes.io/part-of" } },
 * ], { signal: ac.signal })) {
 *   console.log(snap.sequence, snap.objects.pcs.length, snap.objects.pods.length);
 * }
 * ```
 */
export async function* listWatch<K extends string>(
  kube: Kube,
  targets: readonly WatchTarget<K>[],
  opts: ListWatchOptions<K> = {},
): AsyncGenerator<Snapshot<K>> {
  const debounceMs = opts.debounceMs ?? 150;
  const inner = new AbortController();
  const onAbort = () => inner.abort();
  opts.signal?.addEventListener("abort", onAbort, { once: true });
  if (opts.signal?.aborted) inner.abort();

  const caches = new Map<K, ObjectCache>();
  const versions = {} as Record<K, string>;
  const dirty = new Set<K>();
  let failure: { error: unknown } | undefined;
  let wake: (() => void) | undefined;
  const notify = () => {
    const w = wake;
    wake = undefined;
    w?.();
  };
  inner.signal.addEventListener("abort", notify, { once: true });

  const snapshot = (changed: K[], sequence: number): Snapshot<K> => {
    const objects = {} as Record<K, KubeObject[]>;
    for (const t of targets) objects[t.key] = caches.get(t.key)!.items();
    return { objects, resourceVersions: { ...versions }, changed, sequence };
  };

  try {
    // 1. List every target concurrently (or take the caller's lists).
    const listed = await Promise.all(
      targets.map((t) => opts.initial?.[t.key] ?? kube.list(t.resource, t.options)),
    );
    targets.forEach((t, i) => {
      const c = new ObjectCache();
      c.replace(listed[i].items);
      caches.set(t.key, c);
      versions[t.key] = listed[i].resourceVersion;
    });
    if (inner.signal.aborted) return;
    yield snapshot(targets.map((t) => t.key), 0);

    // 2. Watch each target from its list's resourceVersion.
    const pumps = targets.map(async (t) => {
      try {
        const events = kube.watch(t.resource, {
          ...t.options,
          resourceVersion: versions[t.key] || undefined,
          signal: inner.signal,
          ...(opts.timeoutSeconds ? { timeoutSeconds: opts.timeoutSeconds } : {}),
        });
        for await (const ev of events) {
          if (inner.signal.aborted) return;
          if (ev.type === "RELISTED") versions[t.key] = ev.resourceVersion;
          if (caches.get(t.key)!.apply(ev)) {
            dirty.add(t.key);
            notify();
          }
        }
      } catch (e) {
        if (!inner.signal.aborted && !failure) {
          failure = { error: e };
          notify();
        }
      }
    });

    // 3. Yield a snapshot after each burst of changes.
    let sequence = 0;
    while (!inner.signal.aborted) {
      if (!dirty.size && !failure) {
        await new Promise<void>((resolve) => (wake = resolve));
        continue;
      }
      if (failure) throw failure.error;
      if (debounceMs > 0) await sleep(debounceMs, inner.signal);
      if (inner.signal.aborted) break;
      if (failure) throw (failure as { error: unknown }).error;
      const changed = targets.map((t) => t.key).filter((k) => dirty.has(k));
      dirty.clear();
      yield snapshot(changed, ++sequence);
    }
    void pumps;
  } finally {
    opts.signal?.removeEventListener("abort", onAbort);
    inner.abort();
  }
}
