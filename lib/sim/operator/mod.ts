/**
 * The operator simulation: what the Grove operator does to a PodCliqueSet,
 * reacting to changes in the simulated cluster's store, so rollouts and
 * scaling can be exercised end to end.
 *
 * - A template change rolls the set to a new pod-template-hash the way Grove's
 *   RollingRecreate does: set replicas one after the other; inside a replica
 *   standalone cliques one pod at a time (oldest first), then scaling groups
 *   one group replica at a time (its cliques together); the next step waits
 *   until every pod of the replica is Ready, and at least `stepMs` after the
 *   previous one.
 * - OnDelete: nothing is deleted; a pod deleted by someone comes back on the
 *   new template (pod by pod, as progressive rollouts drive it).
 * - Replica changes (PCS, PodClique or PCSG `/scale`) create and delete
 *   cliques, scaling groups, gangs and pods consistently.
 * - Scheduling: a replacement pod goes back to the node its predecessor left
 *   (when it still has room); a new pod goes to a Ready node with free GPUs
 *   for it, near its clique's (or gang's) other pods and inside the domain of
 *   the gang's required pack constraint. No such node: Pending with
 *   `PodScheduled=False Unschedulable`, bound as soon as room appears.
 * - New pods become Ready after `readyDelayMs` (unless their image matches
 *   `badImages`: then they stay in ImagePullBackOff).
 * - Status: PCS `updatedReplicas`, `availableReplicas`, `currentGenerationHash`,
 *   `updateProgress`; PodClique counts, hashes, `updateProgress` and
 *   MinAvailableBreached; PCSG counts; PodGang phase.
 *
 * Existing objects are adopted as they are: the pods of a loaded scenario
 * keep their hashes until the template actually changes.
 *
 * This file is the loop (store events, one pass per tick, one reconcile per
 * set); each concern is its own file: `children.ts` (replicas),
 * `scheduler.ts` (node placement), `readiness.ts` (pod start-up),
 * `rolling.ts` (rolling update), `status.ts` (status writer), `hashes.ts`
 * (template hashes), `objects.ts` (pure object builders); the expansion of a
 * set into cliques, groups and gangs is `../expansion.ts`.
 *
 * @module
 */

import type { Pod, PodCliqueSet } from "../../grove/types.ts";
import { expandPodCliqueSet } from "../expansion.ts";
import type { SimStore, StoreEvent } from "../store.ts";
import { finalize, syncCliques, syncGangs, syncGroups, syncPods } from "./children.ts";
import { genHash, stateOf } from "./hashes.ts";
import { advanceReadiness } from "./readiness.ts";
import { rollingStep } from "./rolling.ts";
import { Scheduler, scheduleUnplaced } from "./scheduler.ts";
import { writeStatus } from "./status.ts";
import { childrenOf, keyOf, partOf, R } from "./store_ops.ts";
import type { OperatorAction, OperatorContext, OperatorOptions, SimOperator } from "./types.ts";

export type { OperatorAction, OperatorOptions, SimOperator } from "./types.ts";

/** Reconciles one set; returns true while it still has work. */
function reconcile(ctx: OperatorContext, key: string): boolean {
  const store = ctx.store;
  const [ns, name] = key.split("/");
  const pcs = store.get(R.podcliquesets, ns, name) as PodCliqueSet | undefined;
  if (!pcs) {
    ctx.states.delete(key);
    return false;
  }
  if (pcs.metadata.deletionTimestamp) {
    finalize(ctx, pcs);
    return false;
  }
  const t = ctx.now();
  const s = stateOf(ctx.states, pcs, childrenOf(store, R.podcliques, ns, name));
  const groups = childrenOf(store, R.podcliquescalinggroups, ns, name);
  const liveGroupReplicas = new Map(
    groups.filter((g) => !g.metadata.deletionTimestamp).map((
      g,
    ) => [g.metadata.name, Number(g.spec?.replicas ?? 1)]),
  );
  const want = expandPodCliqueSet(pcs, liveGroupReplicas);
  const gen = genHash(s, pcs);
  const onDelete = pcs.spec?.updateStrategy?.type === "OnDelete";
  const wantCliques = new Map(want.cliques.map((c) => [c.name, c]));
  const livePods = () =>
    (childrenOf(store, R.pods, ns, name) as Pod[]).filter((p) => !p.metadata.deletionTimestamp);
  let work = false;

  syncGroups(ctx, pcs, want, groups);
  if (syncCliques(ctx, pcs, s, want, wantCliques)) work = true;
  const pclqs = childrenOf(store, R.podcliques, ns, name).filter((q) =>
    !q.metadata.deletionTimestamp
  );
  syncGangs(ctx, pcs, want, wantCliques);
  if (syncPods(ctx, ns, name, s, pclqs, livePods(), wantCliques, t)) work = true;
  if (scheduleUnplaced(ctx, ns, name, livePods(), t)) work = true;
  if (advanceReadiness(ctx, ns, name, livePods(), t)) work = true;
  const pods = livePods();
  const rolling = rollingStep(ctx, name, s, want, wantCliques, pclqs, pods, onDelete, t);
  if (rolling.work) work = true;
  if (pods.some((p) => ctx.readyAt.has(keyOf(p)) || ctx.unplaced.has(keyOf(p)))) work = true;

  writeStatus(ctx, pcs, s, gen, onDelete, rolling.updatingReplica, t);
  return work;
}

/**
 * Starts the operator simulation over a store.
 *
 * @example
 * ```ts ignore
 * import { SimStore } from "../store.ts";
 * import { startOperator } from "./mod.ts";
 * const store = new SimStore();
 * const op = startOperator(store, { stepMs: 20, readyDelayMs: 30 });
 * // ... change a PodCliqueSet's template in the store and watch the pods roll
 * op.stop();
 * ```
 */
export function startOperator(store: SimStore, opts: OperatorOptions = {}): SimOperator {
  const stepMs = opts.stepMs ?? 1000;
  const readyDelayMs = opts.readyDelayMs ?? 2000;
  const tickMs = opts.tickMs ?? Math.max(5, Math.floor(Math.min(stepMs, readyDelayMs) / 4));
  const now = opts.now ?? Date.now;
  const actions: OperatorAction[] = [];
  const active = new Set<string>();
  let busy = false;
  let stopped = false;

  const ctx: OperatorContext = {
    store,
    now,
    stepMs,
    readyDelayMs,
    badImages: opts.badImages ?? [],
    states: new Map(),
    readyAt: new Map(),
    unplaced: new Set(),
    scheduler: new Scheduler(store),
    log(a) {
      actions.push({ at: now(), ...a });
      if (actions.length > 10_000) actions.splice(0, actions.length - 10_000);
    },
  };

  const onEvent = (e: StoreEvent) => {
    if (busy) return;
    const o = e.object;
    if (e.resource === R.podcliquesets) active.add(keyOf(o));
    else {
      const pcs = partOf(o);
      if (pcs) active.add(`${o.metadata.namespace ?? ""}/${pcs}`);
    }
  };
  const unsubscribe = store.subscribe(onEvent);
  for (const p of store.list(R.podcliquesets)) active.add(keyOf(p));

  function pass(): void {
    if (stopped) return;
    busy = true;
    try {
      for (const k of [...active]) {
        let more = false;
        try {
          more = reconcile(ctx, k);
        } catch (e) {
          console.error(`sim operator: reconcile of podcliqueset ${k} failed:`, e);
        }
        if (!more) active.delete(k);
      }
    } finally {
      busy = false;
    }
  }

  const timer = setInterval(pass, tickMs);
  return {
    stop() {
      stopped = true;
      clearInterval(timer);
      unsubscribe();
    },
    reconcileNow: pass,
    actions,
  };
}

/**
 * The operator simulation as a `startSimCluster({ operator })` plug-in.
 *
 * @example
 * ```ts ignore
 * import { startSimCluster } from "../server.ts";
 * import { simOperator } from "./mod.ts";
 * const op = simOperator({ stepMs: 20, readyDelayMs: 30 });
 * const sim = await startSimCluster({ scenario: "rollout", operator: op });
 * // ... op.operator?.actions lists what it did
 * await sim.stop();
 * ```
 */
export function simOperator(opts: OperatorOptions = {}): {
  start(cluster: { store: SimStore }): void;
  stop(): void;
  /** The running operator, once started. */
  operator?: SimOperator;
} {
  return {
    start(cluster) {
      this.operator = startOperator(cluster.store, opts);
    },
    stop() {
      this.operator?.stop();
    },
  };
}
