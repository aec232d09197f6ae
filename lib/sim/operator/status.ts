/**
 * The status writer of the operator simulation: PodClique counts, hashes,
 * `updateProgress` and MinAvailableBreached; PodCliqueScalingGroup counts;
 * PodGang phase; PodCliqueSet `updatedReplicas`, `availableReplicas`,
 * `currentGenerationHash`, `updateProgress` and UpdateInProgress. Written
 * only when a value changes.
 *
 * @module
 */

import { LabelKeys } from "../../grove/labels.ts";
import { isPodReady } from "../../grove/relations.ts";
import type { Pod, PodCliqueSet } from "../../grove/types.ts";
import type { KubeObject } from "../../kube/types.ts";
import { targetHash, templateOfClique } from "./hashes.ts";
import { breachCondition, rfc3339, setCondition } from "./objects.ts";
import { childrenOf, put, R } from "./store_ops.ts";
import type { OperatorContext, PcsState } from "./types.ts";

/** Writes the status of a set and its children from their pods now. */
export function writeStatus(
  ctx: OperatorContext,
  pcs: PodCliqueSet,
  s: PcsState,
  gen: string,
  onDelete: boolean,
  updatingReplica: number | undefined,
  t: number,
): void {
  const ns = pcs.metadata.namespace ?? "";
  const name = pcs.metadata.name;
  const pclqs = childrenOf(ctx.store, R.podcliques, ns, name).filter((q) =>
    !q.metadata.deletionTimestamp
  );
  const pods = (childrenOf(ctx.store, R.pods, ns, name) as Pod[]).filter((p) =>
    !p.metadata.deletionTimestamp
  );
  const byName = new Map((pcs.spec?.template?.cliques ?? []).map((c) => [c.name, c]));
  const cliqueDone = new Map<string, boolean>();
  const cliqueBreached = new Map<string, boolean>();
  for (const q of pclqs) {
    const tpl = templateOfClique(pcs, q, byName);
    const h = tpl ? targetHash(s, q.metadata.name, tpl) : q.status?.currentPodTemplateHash;
    const mine = pods.filter((p) => p.metadata.labels?.[LabelKeys.podClique] === q.metadata.name);
    const ready = mine.filter(isPodReady).length;
    const updated = mine.filter((p) => p.metadata.labels?.[LabelKeys.podTemplateHash] === h).length;
    const min = Number(q.spec?.minAvailable ?? q.spec?.replicas ?? 0);
    const done = updated === mine.length && mine.length >= Number(q.spec?.replicas ?? 0) &&
      mine.every(isPodReady);
    cliqueDone.set(q.metadata.name, done);
    cliqueBreached.set(q.metadata.name, ready < min);
    const st = { ...(q.status ?? {}) };
    const prevHash = st.currentPodTemplateHash;
    st.observedGeneration = q.metadata.generation;
    st.replicas = mine.length;
    st.readyReplicas = ready;
    st.updatedReplicas = updated;
    st.scheduledReplicas = mine.filter((p) => p.spec.nodeName).length;
    st.scheduleGatedReplicas = mine.filter((p) => (p.spec.schedulingGates?.length ?? 0) > 0).length;
    const pending = st.updateProgress && !st.updateProgress.updateEndedAt;
    if (h && (prevHash !== h || (pending && st.updateProgress?.podTemplateHash !== h))) {
      // a new target (or back to the current one after an abandoned update)
      const up = st.updateProgress?.podTemplateHash === h ? st.updateProgress : {
        updateStartedAt: rfc3339(t),
        podCliqueSetGenerationHash: gen,
        podTemplateHash: h,
      };
      st.updateProgress = done ? { ...up, updateEndedAt: up.updateEndedAt ?? rfc3339(t) } : up;
      if (done) {
        st.currentPodTemplateHash = h;
        st.currentPodCliqueSetGenerationHash = gen;
      }
    } else if (done) st.currentPodCliqueSetGenerationHash = gen;
    st.conditions = setCondition(
      st.conditions,
      breachCondition(ready, min, q.metadata.generation),
      t,
    );
    put(ctx.store, R.podcliques, q, { ...q, status: st });
  }
  // scaling groups
  for (const g of childrenOf(ctx.store, R.podcliquescalinggroups, ns, name)) {
    if (g.metadata.deletionTimestamp) continue;
    const members = pclqs.filter((q) =>
      q.metadata.labels?.[LabelKeys.scalingGroup] === g.metadata.name
    );
    const byReplica = new Map<string, KubeObject[]>();
    for (const q of members) {
      const j = q.metadata.labels?.[LabelKeys.scalingGroupReplicaIndex] ?? "0";
      byReplica.set(j, [...(byReplica.get(j) ?? []), q]);
    }
    const reps = [...byReplica.values()];
    const st = {
      ...(g.status ?? {}),
      observedGeneration: g.metadata.generation,
      replicas: reps.length,
      updatedReplicas: reps.filter((qs) => qs.every((q) => cliqueDone.get(q.metadata.name))).length,
      availableReplicas: reps.filter((qs) =>
        qs.every((q) => !cliqueBreached.get(q.metadata.name))
      ).length,
      scheduledReplicas: reps.length,
    };
    put(ctx.store, R.podcliquescalinggroups, g, { ...g, status: st });
  }
  // gangs
  for (const g of childrenOf(ctx.store, R.podgangs, ns, name)) {
    const mine = pods.filter((p) => p.metadata.labels?.[LabelKeys.podGang] === g.metadata.name);
    const phase = mine.length && mine.every(isPodReady)
      ? "Running"
      : mine.some((p) => p.spec.nodeName)
      ? "Starting"
      : "Pending";
    if (g.status?.phase !== phase) {
      put(ctx.store, R.podgangs, g, { ...g, status: { ...(g.status ?? {}), phase } });
    }
  }
  // the set
  const cur = ctx.store.get(R.podcliquesets, ns, name) as PodCliqueSet | undefined;
  if (!cur) return;
  const replicas = cur.spec?.replicas ?? 0;
  const st = { ...(cur.status ?? {}) } as NonNullable<PodCliqueSet["status"]>;
  const replicaOf = (q: KubeObject) => Number(q.metadata.labels?.[LabelKeys.pcsReplicaIndex] ?? 0);
  let updatedReplicas = 0;
  let available = 0;
  for (let r = 0; r < replicas; r++) {
    const qs = pclqs.filter((q) => replicaOf(q) === r);
    if (qs.length && qs.every((q) => cliqueDone.get(q.metadata.name))) updatedReplicas++;
    if (qs.length && qs.every((q) => !cliqueBreached.get(q.metadata.name))) available++;
  }
  const standalone = pclqs.filter((q) => !q.metadata.labels?.[LabelKeys.scalingGroup]);
  const groupNames = [
    ...new Set(
      pclqs.map((q) => q.metadata.labels?.[LabelKeys.scalingGroup]).filter((x): x is string => !!x),
    ),
  ];
  const allDone = pclqs.every((q) => cliqueDone.get(q.metadata.name)) &&
    updatedReplicas === replicas;
  const started = st.currentGenerationHash !== gen || !st.updateProgress?.updateStartedAt
    ? rfc3339(t)
    : st.updateProgress.updateStartedAt;
  const newRollout = st.currentGenerationHash !== gen;
  st.observedGeneration = cur.metadata.generation;
  st.replicas = replicas;
  st.updatedReplicas = updatedReplicas;
  st.availableReplicas = available;
  if (newRollout || st.updateProgress) {
    const prev = newRollout ? {} : (st.updateProgress ?? {});
    const up: NonNullable<typeof st.updateProgress> = {
      ...prev,
      updateStartedAt: started,
      updatedPodCliquesCount: standalone.filter((q) => cliqueDone.get(q.metadata.name)).length,
      totalPodCliquesCount: standalone.length,
      updatedPodCliqueScalingGroupsCount: groupNames.filter((g) =>
        pclqs.filter((q) =>
          q.metadata.labels?.[LabelKeys.scalingGroup] === g
        ).every((q) => cliqueDone.get(q.metadata.name))
      ).length,
      totalPodCliqueScalingGroupsCount: groupNames.length,
    };
    if (onDelete) {
      up.updateEndedAt = up.updateStartedAt;
      delete up.currentlyUpdating;
    } else if (allDone) {
      up.updateEndedAt = prev.updateEndedAt && !newRollout ? prev.updateEndedAt : rfc3339(t);
      delete up.currentlyUpdating;
    } else {
      delete up.updateEndedAt;
      if (updatingReplica !== undefined) {
        const was = prev.currentlyUpdating?.find((c) =>
          c.replicaIndex === updatingReplica
        );
        up.currentlyUpdating = [{
          replicaIndex: updatingReplica,
          updateStartedAt: was?.updateStartedAt ?? rfc3339(t),
        }];
      }
    }
    st.updateProgress = up;
  }
  st.currentGenerationHash = gen;
  st.conditions = setCondition(st.conditions, {
    type: "UpdateInProgress",
    status: allDone || onDelete ? "False" : "True",
    reason: allDone || onDelete ? "UpdateComplete" : "UpdateInProgress",
    message: allDone || onDelete
      ? "PodCliqueSet is at generation hash " + gen
      : "PodCliqueSet is being updated to generation hash " + gen,
    observedGeneration: cur.metadata.generation,
  }, t);
  put(ctx.store, R.podcliquesets, cur, { ...cur, status: st });
}
