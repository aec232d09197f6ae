/**
 * `rollout status`: collect (one list per kind, concurrently), build the
 * report, and wait for the rollout to finish, fail, stall or time out.
 *
 * @module
 */

import { partOfSelector } from "../../lib/grove/labels.ts";
import type { Event, Pod, PodClique } from "../../lib/grove/types.ts";
import { Resources } from "../../lib/kube/resources.ts";
import type { Kube } from "../../lib/kube/types.ts";
import { listRevisions } from "../../lib/revisions/store.ts";
import { GroveError } from "../../lib/errors.ts";
import type { PodCliqueSet } from "../../lib/grove/types.ts";
import { revisionSelector } from "../../lib/revisions/keys.ts";
import { type ControllerRevision, readRevision } from "../../lib/revisions/revision.ts";
import { listWatch, type Snapshot } from "../../lib/watch/mod.ts";
import { getPcs, listGangs } from "../../lib/change/pcs.ts";
import { buildRolloutStatus, type RolloutStatusReport } from "./status_report.ts";
import { raceSleep, SLEPT } from "../../lib/async.ts";

/** Options of {@link rolloutStatus}. */
export interface RolloutStatusOptions {
  /** PodCliqueSet name. */
  name: string;
  /** Namespace (default: the client's). */
  namespace?: string;
  /** The clock. */
  now?: () => Date;
}

/**
 * The rollout status of a PodCliqueSet, once (six concurrent requests).
 *
 * @example
 * ```ts ignore
 * import { connect, rolloutStatus } from "./mod.ts";
 * const s = await rolloutStatus(await connect(), { name: "qwen" });
 * console.log(s.phase, s.message);
 * ```
 */
export async function rolloutStatus(
  kube: Kube,
  opts: RolloutStatusOptions & { lastProgressAt?: Date; progressDeadlineMs?: number },
): Promise<RolloutStatusReport> {
  const ns = opts.namespace ?? kube.namespace;
  const sel = partOfSelector(opts.name);
  const [pcs, cliques, pods, gangs, events, revs] = await Promise.all([
    getPcs(kube, ns, opts.name),
    kube.list<PodClique>(Resources.podcliques, { namespace: ns, labelSelector: sel }),
    kube.list<Pod>(Resources.pods, { namespace: ns, labelSelector: sel }),
    listGangs(kube, ns, opts.name),
    kube.list<Event>(Resources.events, { namespace: ns }).catch(() => ({ items: [] as Event[] })),
    listRevisions(kube, ns, opts.name),
  ]);
  return buildRolloutStatus({
    pcs,
    cliques: cliques.items,
    pods: pods.items,
    gangs,
    events: events.items,
    revisions: revs.revisions,
    now: (opts.now ?? (() => new Date()))(),
    lastProgressAt: opts.lastProgressAt,
    progressDeadlineMs: opts.progressDeadlineMs,
  });
}

/** Options of {@link waitForRollout}. */
export interface WaitOptions extends RolloutStatusOptions {
  /** Give up after this long (ms; default 10 minutes). */
  timeoutMs?: number;
  /** How often time-outs and stalls are re-checked when nothing changes (ms; default 2000). */
  intervalMs?: number;
  /** No progress for this long is Stalled (ms; default 10 minutes). */
  progressDeadlineMs?: number;
  /** Stops waiting (the rollout itself goes on). */
  signal?: AbortSignal;
}

/** One observation while waiting; `done` says why the wait ended, if it did. */
export interface WaitStep {
  /** The status at this step. */
  report: RolloutStatusReport;
  /** Set on the last step. */
  done?: "complete" | "failed" | "stalled" | "timeout" | "aborted";
}

/**
 * Follows a rollout until it completes, fails, stalls or the timeout passes,
 * yielding a report on every change. Ending the iteration (or the signal)
 * leaves the rollout running.
 *
 * @example
 * ```ts ignore
 * import { connect, waitForRollout } from "./mod.ts";
 * for await (const s of waitForRollout(await connect(), { name: "qwen", timeoutMs: 600_000 })) {
 *   console.log(s.report.message);
 *   if (s.done) console.log("ended:", s.done);
 * }
 * ```
 */
export async function* waitForRollout(kube: Kube, opts: WaitOptions): AsyncGenerator<WaitStep> {
  const now = opts.now ?? (() => new Date());
  const start = now().getTime();
  const timeoutMs = opts.timeoutMs ?? 600_000;
  const tickMs = opts.intervalMs ?? 2000;
  const ns = opts.namespace ?? kube.namespace;
  const sel = partOfSelector(opts.name);
  // One list then one watch per kind; a tick re-evaluates time-outs and stalls.
  const inner = new AbortController();
  const onAbort = () => inner.abort();
  opts.signal?.addEventListener("abort", onAbort, { once: true });
  const snaps = listWatch(kube, [
    {
      key: "pcs",
      resource: Resources.podcliquesets,
      options: { namespace: ns, fieldSelector: `metadata.name=${opts.name}` },
    },
    {
      key: "cliques",
      resource: Resources.podcliques,
      options: { namespace: ns, labelSelector: sel },
    },
    { key: "pods", resource: Resources.pods, options: { namespace: ns, labelSelector: sel } },
    { key: "gangs", resource: Resources.podgangs, options: { namespace: ns, labelSelector: sel } },
    { key: "events", resource: Resources.events, options: { namespace: ns } },
    {
      key: "revisions",
      resource: Resources.controllerrevisions,
      options: { namespace: ns, labelSelector: revisionSelector(opts.name) },
    },
  ], { signal: inner.signal, debounceMs: Math.min(150, tickMs) });
  let lastKey = "";
  let lastProgress = now();
  let lastDone = -1;
  let snap: Snapshot | undefined;
  let pending = snaps.next();
  try {
    for (;;) {
      // tick only once there is a snapshot to rebuild the report from
      const next = snap
        ? await raceSleep(
          pending,
          Math.max(1, Math.min(tickMs, timeoutMs - (now().getTime() - start))),
        )
        : await pending;
      if (next !== SLEPT) {
        if (next.done) return;
        snap = next.value;
        pending = snaps.next();
      }
      if (!snap) continue;
      const pcs = snap.objects.pcs[0] as PodCliqueSet | undefined;
      if (!pcs) {
        throw new GroveError(`podcliqueset "${opts.name}" not found in namespace "${ns}"`, {
          hint: `check the name and namespace (-n); list them with: kubectl get pcs -n ${ns}`,
        });
      }
      const report = buildRolloutStatus({
        pcs,
        cliques: snap.objects.cliques as PodClique[],
        pods: snap.objects.pods as Pod[],
        gangs: snap.objects.gangs,
        events: snap.objects.events as Event[],
        revisions: (snap.objects.revisions as ControllerRevision[]).map(readRevision),
        now: now(),
        lastProgressAt: lastProgress,
        progressDeadlineMs: opts.progressDeadlineMs,
      });
      if (report.totals.updatedReady !== lastDone) {
        lastDone = report.totals.updatedReady;
        lastProgress = now();
        if (report.phase === "Stalled") report.phase = "Progressing";
      }
      let done: WaitStep["done"];
      if (report.phase === "Complete") done = "complete";
      else if (report.phase === "Failed") done = "failed";
      else if (report.phase === "Stalled") done = "stalled";
      else if (opts.signal?.aborted) done = "aborted";
      else if (now().getTime() - start >= timeoutMs) done = "timeout";
      const key = JSON.stringify([report.phase, report.roles, report.paused, report.revision]);
      if (done || key !== lastKey) {
        lastKey = key;
        yield done ? { report, done } : { report };
      }
      if (done) return;
    }
  } finally {
    opts.signal?.removeEventListener("abort", onAbort);
    inner.abort();
    await snaps.return(undefined);
  }
}
