/**
 * The rolling update of the operator simulation, as Grove's RollingRecreate
 * does it: set replicas one after the other; inside a replica unhealthy pods
 * on an old template first, then standalone cliques one pod at a time
 * (oldest first), then scaling groups one group replica at a time (its
 * cliques together). A step waits until every pod of the replica is Ready
 * and at least `stepMs` after the previous one. OnDelete deletes nothing.
 *
 * @module
 */

import { LabelKeys } from "../../grove/labels.ts";
import { isPodReady } from "../../grove/relations.ts";
import type { Pod } from "../../grove/types.ts";
import type { KubeObject } from "../../kube/types.ts";
import type { DesiredClique, Expansion } from "../expansion.ts";
import { targetHash } from "./hashes.ts";
import { deletePod } from "./store_ops.ts";
import type { OperatorContext, PcsState } from "./types.ts";

/** What one rolling step found. */
export interface RollingStep {
  /** True while the rollout has work to do. */
  work: boolean;
  /** The set replica being updated, when one is. */
  updatingReplica?: number;
}

function replicaOf(o: KubeObject): number {
  return Number(o.metadata.labels?.[LabelKeys.pcsReplicaIndex] ?? 0);
}

/** Deletes the next pod(s) of a rolling update, when it is their turn. */
export function rollingStep(
  ctx: OperatorContext,
  name: string,
  s: PcsState,
  want: Expansion,
  wantCliques: Map<string, DesiredClique>,
  pclqs: KubeObject[],
  pods: Pod[],
  onDelete: boolean,
  t: number,
): RollingStep {
  let work = false;
  const podsOf = (q: string) => pods.filter((p) => p.metadata.labels?.[LabelKeys.podClique] === q);
  const hashOf = (q: string) => {
    const d = wantCliques.get(q);
    return d ? targetHash(s, q, d.template) : undefined;
  };
  const outdated = (p: Pod) => {
    const q = p.metadata.labels?.[LabelKeys.podClique];
    return q !== undefined && hashOf(q) !== undefined &&
      p.metadata.labels?.[LabelKeys.podTemplateHash] !== hashOf(q);
  };
  const stale = pods.filter(outdated);
  let updatingReplica: number | undefined;
  if (stale.length && !onDelete) {
    updatingReplica = Math.min(...stale.map(replicaOf));
    const inReplica = pods.filter((p) => replicaOf(p) === updatingReplica);
    const allReady = inReplica.every(isPodReady);
    const cliquesFull = pclqs.filter((q) => replicaOf(q) === updatingReplica).every((q) =>
      podsOf(q.metadata.name).length >= Number(q.spec?.replicas ?? 0)
    );
    // Unhealthy pods on an old template go first (they cost no availability).
    const unhealthy = stale.filter((p) => replicaOf(p) === updatingReplica && !isPodReady(p));
    if (unhealthy.length) {
      work = true;
      if (t - s.lastStepAt >= ctx.stepMs) {
        deletePod(ctx, name, unhealthy[0], s);
        s.lastStepAt = t;
      }
    } // Blocked on pods that may never become ready (crash loops): wait for an event instead.
    else if (allReady && cliquesFull) work = true;
    if (!unhealthy.length && allReady && cliquesFull && t - s.lastStepAt >= ctx.stepMs) {
      const victims = nextVictims(want, updatingReplica, stale, pods);
      for (const v of victims) deletePod(ctx, name, v, s);
      if (victims.length) s.lastStepAt = t;
    }
  }
  return { work, updatingReplica };
}

/**
 * The pods to replace next in a replica: the oldest stale pod of the first
 * standalone clique that has one, else every pod of the first scaling-group
 * replica with a stale pod.
 */
function nextVictims(want: Expansion, replica: number, stale: Pod[], pods: Pod[]): Pod[] {
  const ordered = want.cliques.filter((d) => d.replica === replica);
  const standalone = ordered.filter((d) => !d.group);
  for (const d of standalone) {
    const old = stale.filter((p) => p.metadata.labels?.[LabelKeys.podClique] === d.name)
      .sort((a, b) =>
        (a.metadata.creationTimestamp ?? "").localeCompare(b.metadata.creationTimestamp ?? "")
      );
    if (old.length) return [old[0]];
  }
  const members = ordered.filter((d) => d.group) as (DesiredClique & { group: string })[];
  const units = [...new Set(members.map((d) => `${d.group}\n${d.groupReplica}`))];
  for (const u of units) {
    const names = members.filter((d) => `${d.group}\n${d.groupReplica}` === u).map((d) => d.name);
    if (stale.some((p) => names.includes(p.metadata.labels?.[LabelKeys.podClique] ?? ""))) {
      return pods.filter((p) => names.includes(p.metadata.labels?.[LabelKeys.podClique] ?? ""));
    }
  }
  return [];
}
