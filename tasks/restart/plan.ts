/**
 * The pure part of `restart`: which pods to delete in which batch so that no
 * clique goes below its minAvailable ready pods.
 *
 * @module
 */

import { GroveError, UsageError } from "../../lib/errors.ts";
import { LabelKeys } from "../../lib/grove/labels.ts";
import { cliqueMinAvailable, cliqueRole, isPodReady } from "../../lib/grove/relations.ts";
import type { Pod, PodClique, PodCliqueSet } from "../../lib/grove/types.ts";
import { isPaused } from "../../lib/revisions/pause.ts";
import { cliqueTargetHash } from "../rollout/status_report.ts";
import { REPORT_API_VERSION } from "../../lib/render/output.ts";

/** One pod to restart. */
export interface RestartPod {
  /** Pod name. */
  name: string;
  /** uid (delete precondition). */
  uid?: string;
  /** PodClique. */
  clique: string;
  /** Role. */
  role: string;
  /** Ready now. */
  ready: boolean;
}

/** `kind: RestartPlan`. */
export interface RestartPlan {
  /** `kubectl-grove.io/v1alpha1`. */
  apiVersion: string;
  /** Report kind. */
  kind: "RestartPlan";
  /** PodCliqueSet. */
  name: string;
  /** Namespace. */
  namespace: string;
  /** Role filter, if any. */
  role?: string;
  /** Pods per batch asked for. */
  batchSize: number;
  /** All at once (--force). */
  force: boolean;
  /** Batches in order. */
  batches: RestartPod[][];
  /** Per clique: pods, ready, minAvailable and how many may be down at once. */
  cliques: {
    name: string;
    role: string;
    pods: number;
    ready: number;
    minAvailable: number;
    maxDown: number;
  }[];
  /** Pods restarted in total. */
  total: number;
  /** Things to know before confirming (e.g. a pending template change the restart would roll out). */
  warnings: string[];
}

/** Inputs of {@link planRestart}. */
export interface PlanRestartInput {
  /** The PodCliqueSet (for the pending-template check). */
  pcs?: PodCliqueSet;
  name: string;
  namespace: string;
  cliques: PodClique[];
  pods: Pod[];
  role?: string;
  batchSize: number;
  force: boolean;
}

/**
 * Plans a rolling restart (pure). Without `force`, a clique whose ready pods
 * are at or below minAvailable cannot lose a ready pod: that is an error
 * naming it (restart the other roles with --role, or use --force).
 *
 * @example
 * ```ts
 * import { planRestart } from "./plan.ts";
 * const p = planRestart({ name: "d", namespace: "ns", cliques: [], pods: [], batchSize: 1, force: false });
 * p.total; // 0
 * ```
 */
export function planRestart(i: PlanRestartInput): RestartPlan {
  let cliques = i.cliques.filter((q) => !q.metadata.deletionTimestamp);
  if (i.role) {
    const roles = [...new Set(cliques.map(cliqueRole))];
    cliques = cliques.filter((q) => cliqueRole(q) === i.role);
    if (!cliques.length) {
      throw new UsageError(
        `podcliqueset "${i.name}" has no role "${i.role}"`,
        `roles: ${roles.join(", ") || "(none)"}`,
      );
    }
  }
  const info: RestartPlan["cliques"] = [];
  const queues = new Map<string, RestartPod[]>();
  const firstBudget = new Map<string, number>();
  for (const q of cliques) {
    const role = cliqueRole(q);
    const pods = i.pods
      .filter((p) =>
        p.metadata.labels?.[LabelKeys.podClique] === q.metadata.name &&
        !p.metadata.deletionTimestamp
      )
      .sort((a, b) =>
        (a.metadata.creationTimestamp ?? "").localeCompare(b.metadata.creationTimestamp ?? "")
      );
    const ready = pods.filter(isPodReady).length;
    const min = cliqueMinAvailable(q);
    // Between batches the clique is back to full readiness: then replicas - minAvailable
    // may be down; the first batch has only what is ready now.
    const maxDown = Math.max(0, Number(q.spec?.replicas ?? pods.length) - min);
    firstBudget.set(q.metadata.name, Math.max(0, Math.min(maxDown, ready - min)));
    info.push({
      name: q.metadata.name,
      role,
      pods: pods.length,
      ready,
      minAvailable: min,
      maxDown,
    });
    // not-ready pods first: restarting them costs no availability
    const ordered = [...pods.filter((p) => !isPodReady(p)), ...pods.filter(isPodReady)];
    queues.set(
      q.metadata.name,
      ordered.map((p) => ({
        name: p.metadata.name,
        uid: p.metadata.uid,
        clique: q.metadata.name,
        role,
        ready: isPodReady(p),
      })),
    );
  }
  const blocked = info.filter((c) =>
    c.maxDown === 0 && (queues.get(c.name) ?? []).some((p) => p.ready)
  );
  if (blocked.length && !i.force) {
    throw new GroveError(
      `cannot restart ${
        blocked.map((c) => `${c.name} (${c.ready} ready, minAvailable ${c.minAvailable})`).join(
          ", ",
        )
      } without going below minAvailable`,
      {
        hint:
          `restart other roles with --role, scale the clique up first, or use --force to delete all its pods at once (the gang may be terminated after terminationDelay)`,
      },
    );
  }
  const batches: RestartPod[][] = [];
  if (i.force) {
    const all = [...queues.values()].flat();
    if (all.length) batches.push(all);
  } else {
    const size = Math.max(1, i.batchSize);
    while ([...queues.values()].some((q) => q.length)) {
      const batch: RestartPod[] = [];
      const down = new Map<string, number>();
      let progress = true;
      while (batch.length < size && progress) {
        progress = false;
        for (const c of info) {
          const q = queues.get(c.name)!;
          if (!q.length || batch.length >= size) continue;
          const next = q[0];
          const used = down.get(c.name) ?? 0;
          const budget = batches.length === 0 ? firstBudget.get(c.name) ?? 0 : c.maxDown;
          if (next.ready && used >= budget) continue;
          batch.push(q.shift()!);
          if (next.ready) down.set(c.name, used + 1);
          progress = true;
        }
      }
      if (!batch.length) {
        // nothing may go down yet: the executor waits for full readiness before the next batch
        if (batches.length === 0) {
          batches.push([]);
          continue;
        }
        break;
      }
      batches.push(batch);
    }
  }
  if (batches.length && batches[0].length === 0) batches.shift();
  return {
    apiVersion: REPORT_API_VERSION,
    kind: "RestartPlan",
    name: i.name,
    namespace: i.namespace,
    role: i.role,
    batchSize: i.batchSize,
    force: i.force,
    batches,
    cliques: info,
    total: batches.reduce((n, b) => n + b.length, 0),
    warnings: [...forceWarning(i, info, batches), ...outdatedWarning(i, batches)],
  };
}

/** With --force every pod goes at once: say which cliques drop below minAvailable. */
function forceWarning(
  i: PlanRestartInput,
  info: { name: string; ready: number; minAvailable: number }[],
  batches: RestartPod[][],
): string[] {
  if (!i.force || !batches.length) return [];
  const going = new Set(batches.flat().map((p) => p.name));
  const below = info.filter((c) => c.ready > 0 && c.minAvailable > 0).filter((c) => {
    const gone = batches.flat().filter((p) => p.clique === c.name && p.ready && going.has(p.name))
      .length;
    return c.ready - gone < c.minAvailable;
  });
  return [
    `--force deletes all ${going.size} pods at once: nothing serves until they are back${
      below.length
        ? `; ${below.map((c) => c.name).join(", ")} go${
          below.length === 1 ? "es" : ""
        } below minAvailable, which starts the gang's termination clock (terminationDelay)`
        : ""
    }`,
  ];
}

function outdatedWarning(i: PlanRestartInput, batches: RestartPod[][]): string[] {
  if (!i.pcs) return [];
  const names = new Set(batches.flat().map((p) => p.name));
  let n = 0;
  for (const q of i.cliques) {
    const target = cliqueTargetHash(q, i.pcs);
    if (!target) continue;
    for (const p of i.pods) {
      if (!names.has(p.metadata.name)) continue;
      if (p.metadata.labels?.[LabelKeys.podClique] !== q.metadata.name) continue;
      if (p.metadata.labels?.[LabelKeys.podTemplateHash] !== target) n++;
    }
  }
  if (!n) return [];
  return [
    `${n} of these pods run an older template: they come back on the current template${
      isPaused(i.pcs) ? " (the paused rollout advances for them)" : ""
    }`,
  ];
}
