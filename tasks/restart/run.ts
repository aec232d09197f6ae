/**
 * `restart`: delete pods batch by batch (the operator recreates them), waiting
 * for every touched clique to be fully ready again before the next batch.
 *
 * @module
 */

import { GroveError, isApiStatus } from "../../lib/errors.ts";
import { LabelKeys, partOfSelector } from "../../lib/grove/labels.ts";
import { isPodReady } from "../../lib/grove/relations.ts";
import type { Pod, PodClique } from "../../lib/grove/types.ts";
import { Resources } from "../../lib/kube/resources.ts";
import type { Kube } from "../../lib/kube/types.ts";
import { assertNotDeleting, getPcs } from "../../lib/change/pcs.ts";
import { planRestart, type RestartPlan } from "./plan.ts";
import { sleep } from "../../lib/async.ts";
import { nsFlag } from "../../lib/grove/names.ts";

/** Options of {@link restart}. */
export interface RestartOptions {
  /** PodCliqueSet name. */
  name: string;
  /** Namespace (default: the client's). */
  namespace?: string;
  /** Only this role. */
  role?: string;
  /** Pods deleted at once (default 1). */
  batchSize?: number;
  /** Delete every selected pod at once. */
  force?: boolean;
  /** Plan only. */
  dryRun?: boolean;
  /** Asked with the plan; false cancels. */
  confirm?: (plan: RestartPlan) => Promise<boolean>;
  /** Called after each batch is ready again. */
  onBatch?: (index: number, plan: RestartPlan) => void;
  /** Max wait for one batch to be ready (ms; default 10 minutes). */
  batchTimeoutMs?: number;
  /** Poll interval (ms; default 2000). */
  intervalMs?: number;
  /** Stops between batches. */
  signal?: AbortSignal;
}

/** What restart did. */
export interface RestartResult {
  /** The batches. */
  plan: RestartPlan;
  /** Batches completed. */
  completedBatches: number;
  /** Why not all, when not. */
  skipped?: "dry-run" | "declined" | "aborted";
}

async function listState(kube: Kube, ns: string, name: string) {
  const sel = partOfSelector(name);
  const [cliques, pods] = await Promise.all([
    kube.list<PodClique>(Resources.podcliques, { namespace: ns, labelSelector: sel }),
    kube.list<Pod>(Resources.pods, { namespace: ns, labelSelector: sel }),
  ]);
  return { cliques: cliques.items, pods: pods.items };
}

/**
 * Restarts the pods of a PodCliqueSet in batches that never take a clique
 * below minAvailable, waiting for readiness between batches.
 *
 * @example
 * ```ts ignore
 * import { connect, restart } from "./mod.ts";
 * const r = await restart(await connect(), { name: "qwen", role: "decode", batchSize: 2 });
 * console.log(`${r.plan.total} pods restarted in ${r.completedBatches} batches`);
 * ```
 */
export async function restart(kube: Kube, opts: RestartOptions): Promise<RestartResult> {
  const ns = opts.namespace ?? kube.namespace;
  const pcs = await getPcs(kube, ns, opts.name);
  assertNotDeleting(pcs, "restart it");
  const state = await listState(kube, ns, opts.name);
  const plan = planRestart({
    pcs,
    name: opts.name,
    namespace: ns,
    cliques: state.cliques,
    pods: state.pods,
    role: opts.role,
    batchSize: opts.batchSize ?? 1,
    force: opts.force ?? false,
  });
  if (opts.dryRun) return { plan, completedBatches: 0, skipped: "dry-run" };
  if (opts.confirm && !(await opts.confirm(plan))) {
    return { plan, completedBatches: 0, skipped: "declined" };
  }
  const r = await executeBatches(kube, ns, opts.name, plan, opts);
  return { plan, ...r };
}

/** Options of {@link executeBatches}. */
export interface ExecuteBatchesOptions {
  /** Called after each batch is ready again. */
  onBatch?: (index: number, plan: RestartPlan) => void;
  /** Max wait for one batch (ms; default 10 minutes). */
  batchTimeoutMs?: number;
  /** Poll interval (ms; default 2000). */
  intervalMs?: number;
  /** Stops between batches. */
  signal?: AbortSignal;
}

/**
 * Deletes pods batch by batch: before a batch, waits until deleting its ready
 * pods leaves every clique at minAvailable (unless `plan.force`); after it,
 * waits until the touched cliques are fully ready with new pods. Under
 * OnDelete the replacements come on the current template, so progressive
 * rollouts (canary, rack by rack) drive updates with it.
 */
export async function executeBatches(
  kube: Kube,
  ns: string,
  pcsName: string,
  plan: RestartPlan,
  opts: ExecuteBatchesOptions = {},
): Promise<{ completedBatches: number; skipped?: "aborted" }> {
  const name = pcsName;
  const state = () => listState(kube, ns, name);
  const interval = opts.intervalMs ?? 2000;
  let done = 0;
  const minOf = new Map(plan.cliques.map((c) => [c.name, c.minAvailable]));
  for (const batch of plan.batches) {
    if (opts.signal?.aborted) return { completedBatches: done, skipped: "aborted" };
    // Safety gate: deleting the batch's ready pods must leave every clique at minAvailable.
    if (!plan.force) {
      const gateStart = Date.now();
      for (;;) {
        const s = await state();
        const safe = [...new Set(batch.map((p) => p.clique))].every((c) => {
          const pods = s.pods.filter((p) => p.metadata.labels?.[LabelKeys.podClique] === c);
          const ready = pods.filter(isPodReady);
          const goingDown = ready.filter((p) =>
            batch.some((b) => b.name === p.metadata.name)
          ).length;
          return ready.length - goingDown >= (minOf.get(c) ?? 0);
        });
        if (safe) break;
        if (opts.signal?.aborted) return { completedBatches: done, skipped: "aborted" };
        if (Date.now() - gateStart > (opts.batchTimeoutMs ?? 600_000)) {
          throw new GroveError(
            `restart of podcliqueset "${name}": batch ${
              done + 1
            } would take a clique below minAvailable and its pods did not become ready in time; stopped`,
            { exitCode: 4, hint: `check the pods with: kubectl grove status ${name}${nsFlag(ns)}` },
          );
        }
        await sleep(interval, opts.signal);
      }
    }
    for (const p of batch) {
      try {
        await kube.delete(Resources.pods, p.name, {
          namespace: ns,
          preconditions: p.uid ? { uid: p.uid } : undefined,
        });
      } catch (e) {
        if (!isApiStatus(e, 404) && !isApiStatus(e, 409)) throw e;
      }
    }
    const deleted = new Set(batch.map((p) => p.name));
    const touched = new Set(batch.map((p) => p.clique));
    const start = Date.now();
    for (;;) {
      const s = await state();
      const ok = [...touched].every((c) => {
        const q = s.cliques.find((x) => x.metadata.name === c);
        const pods = s.pods.filter((p) => p.metadata.labels?.[LabelKeys.podClique] === c);
        return !pods.some((p) => deleted.has(p.metadata.name)) &&
          pods.filter(isPodReady).length >= Number(q?.spec?.replicas ?? 0);
      });
      if (ok) break;
      if (opts.signal?.aborted) return { completedBatches: done, skipped: "aborted" };
      if (Date.now() - start > (opts.batchTimeoutMs ?? 600_000)) {
        throw new GroveError(
          `restart of podcliqueset "${name}": batch ${done + 1} of ${plan.batches.length} (${
            [...deleted].join(", ")
          }) is not ready after ${
            Math.round((Date.now() - start) / 1000)
          }s; stopped before the next batch`,
          {
            exitCode: 4,
            hint: `check the new pods with: kubectl grove status ${name}${nsFlag(ns)}`,
          },
        );
      }
      await sleep(interval, opts.signal);
    }
    done++;
    opts.onBatch?.(done, plan);
  }
  return { completedBatches: done };
}
