/**
 * Pure builders for the operator simulation: the PodCliques, scaling groups,
 * PodGangs and pods a PodCliqueSet should have, and the status fields the
 * Grove operator maintains. See `mod.ts` for the loop that uses them.
 *
 * @module
 */

import {
  ComponentValues,
  ConditionReasons,
  ConditionTypes,
  LabelKeys,
  MANAGED_BY_GROVE,
} from "../../grove/labels.ts";
import { headlessServiceName, podHostname } from "../../grove/names.ts";
import type { Condition, Pod, PodCliqueSet, PodCliqueTemplateSpec } from "../../grove/types.ts";
import type { KubeObject } from "../../kube/types.ts";
import type { DesiredClique, DesiredGroup } from "../expansion.ts";
import { stableHash, stableStringify } from "../../revisions/hash.ts";

/** RFC 3339 without milliseconds, like the API server writes. */
export function rfc3339(ms: number): string {
  return new Date(Math.floor(ms / 1000) * 1000).toISOString().replace(".000Z", "Z");
}

/** The part of a clique template whose change recreates its pods. */
export function podTemplateContent(c: PodCliqueTemplateSpec): string {
  return stableStringify({
    podSpec: c.spec?.podSpec,
    labels: c.labels,
    annotations: c.annotations,
  });
}

/** A fresh pod-template-hash for a clique template. */
export function freshPodTemplateHash(c: PodCliqueTemplateSpec): string {
  return stableHash(JSON.parse(podTemplateContent(c))).slice(0, 10);
}

function labelsOf(pcs: string, extra: Record<string, string | undefined>): Record<string, string> {
  const out: Record<string, string> = {
    [LabelKeys.partOf]: pcs,
    [LabelKeys.managedBy]: MANAGED_BY_GROVE,
  };
  for (const [k, v] of Object.entries(extra)) if (v !== undefined) out[k] = v;
  return out;
}

function ownerRef(kind: string, name: string, uid: string) {
  return {
    apiVersion: "grove.io/v1alpha1",
    kind,
    name,
    uid,
    controller: true,
    blockOwnerDeletion: true,
  };
}

/** A new PodClique object. */
export function buildClique(
  pcs: PodCliqueSet,
  d: DesiredClique,
  ownerUid: string,
  hash: string,
): KubeObject {
  const c = d.template;
  return {
    apiVersion: "grove.io/v1alpha1",
    kind: "PodClique",
    metadata: {
      name: d.name,
      namespace: pcs.metadata.namespace,
      labels: labelsOf(pcs.metadata.name, {
        ...c.labels,
        [LabelKeys.component]: d.group
          ? ComponentValues.pcsgPodClique
          : ComponentValues.pcsPodClique,
        [LabelKeys.pcsReplicaIndex]: String(d.replica),
        [LabelKeys.podTemplateHash]: hash,
        [LabelKeys.scalingGroup]: d.group,
        [LabelKeys.scalingGroupReplicaIndex]: d.groupReplica === undefined
          ? undefined
          : String(d.groupReplica),
        [LabelKeys.podGang]: d.gang,
      }),
      ownerReferences: [
        d.group
          ? ownerRef("PodCliqueScalingGroup", d.group, ownerUid)
          : ownerRef("PodCliqueSet", pcs.metadata.name, ownerUid),
      ],
    },
    spec: {
      roleName: c.spec?.roleName || c.name,
      replicas: c.spec?.replicas ?? 1,
      minAvailable: c.spec?.minAvailable ?? c.spec?.replicas ?? 1,
      podSpec: structuredClone(c.spec?.podSpec ?? { containers: [] }),
      ...(c.spec?.startsAfter ? { startsAfter: c.spec.startsAfter } : {}),
    },
    status: {
      replicas: 0,
      readyReplicas: 0,
      updatedReplicas: 0,
      scheduleGatedReplicas: 0,
      scheduledReplicas: 0,
    },
  };
}

/** A new PodCliqueScalingGroup object. */
export function buildGroup(pcs: PodCliqueSet, g: DesiredGroup): KubeObject {
  return {
    apiVersion: "grove.io/v1alpha1",
    kind: "PodCliqueScalingGroup",
    metadata: {
      name: g.name,
      namespace: pcs.metadata.namespace,
      labels: labelsOf(pcs.metadata.name, {
        [LabelKeys.component]: ComponentValues.scalingGroup,
        [LabelKeys.pcsReplicaIndex]: String(g.replica),
      }),
      ownerReferences: [ownerRef("PodCliqueSet", pcs.metadata.name, pcs.metadata.uid ?? "")],
    },
    spec: { replicas: g.replicas, minAvailable: g.minAvailable, cliqueNames: g.cliqueNames },
    status: { replicas: 0, scheduledReplicas: 0, availableReplicas: 0, updatedReplicas: 0 },
  };
}

/** A new PodGang object. */
export function buildGang(
  pcs: PodCliqueSet,
  name: string,
  cliques: string[],
  minOf: (c: string) => number,
): KubeObject {
  return {
    apiVersion: "scheduler.grove.io/v1alpha1",
    kind: "PodGang",
    metadata: {
      name,
      namespace: pcs.metadata.namespace,
      labels: labelsOf(pcs.metadata.name, { [LabelKeys.component]: ComponentValues.podGang }),
      ownerReferences: [ownerRef("PodCliqueSet", pcs.metadata.name, pcs.metadata.uid ?? "")],
    },
    spec: {
      podgroups: cliques.map((c) => ({ name: c, podReferences: [], minReplicas: minOf(c) })),
    },
    status: { phase: "Pending" },
  };
}

/** A new, not yet ready pod of a clique. */
export function buildPod(
  pcsName: string,
  clique: KubeObject,
  index: number,
  hash: string,
  nodeName: string | undefined,
  nowMs: number,
): Pod {
  const l = clique.metadata.labels ?? {};
  const podSpec = structuredClone(clique.spec?.podSpec ?? { containers: [] });
  const replica = Number(l[LabelKeys.pcsReplicaIndex] ?? 0);
  const containers = (podSpec.containers ?? []) as { name: string; image?: string }[];
  return {
    apiVersion: "v1",
    kind: "Pod",
    metadata: {
      name: "",
      generateName: `${clique.metadata.name}-`,
      namespace: clique.metadata.namespace,
      labels: labelsOf(pcsName, {
        [LabelKeys.component]: l[LabelKeys.component],
        [LabelKeys.pcsReplicaIndex]: l[LabelKeys.pcsReplicaIndex],
        [LabelKeys.podTemplateHash]: hash,
        [LabelKeys.scalingGroup]: l[LabelKeys.scalingGroup],
        [LabelKeys.scalingGroupReplicaIndex]: l[LabelKeys.scalingGroupReplicaIndex],
        [LabelKeys.podClique]: clique.metadata.name,
        [LabelKeys.podGang]: l[LabelKeys.podGang],
        [LabelKeys.podIndex]: String(index),
      }),
      ownerReferences: [ownerRef("PodClique", clique.metadata.name, clique.metadata.uid ?? "")],
    },
    spec: {
      ...podSpec,
      hostname: podHostname(clique.metadata.name, index),
      subdomain: headlessServiceName(pcsName, replica),
      ...(nodeName ? { nodeName } : {}),
    },
    status: {
      phase: "Pending",
      conditions: [
        {
          type: "PodScheduled",
          status: nodeName ? "True" : "False",
          lastTransitionTime: rfc3339(nowMs),
        },
        {
          type: "Ready",
          status: "False",
          reason: "ContainersNotReady",
          lastTransitionTime: rfc3339(nowMs),
        },
      ],
      containerStatuses: containers.map((c) => ({
        name: c.name,
        image: c.image,
        ready: false,
        restartCount: 0,
        started: false,
        state: { waiting: { reason: "ContainerCreating" } },
      })),
    },
  };
}

/** The pod made Ready (Running, containers running and ready). */
export function readyPod(pod: Pod, nowMs: number): Pod {
  const p = structuredClone(pod);
  const t = rfc3339(nowMs);
  p.status = {
    ...p.status,
    phase: "Running",
    startTime: p.status?.startTime ?? t,
    conditions: [
      { type: "Initialized", status: "True", lastTransitionTime: t },
      { type: "PodScheduled", status: "True", lastTransitionTime: t },
      { type: "ContainersReady", status: "True", lastTransitionTime: t },
      { type: "Ready", status: "True", lastTransitionTime: t },
    ],
    containerStatuses: (p.spec.containers ?? []).map((c) => ({
      name: c.name,
      image: c.image,
      ready: true,
      restartCount: 0,
      started: true,
      state: { running: { startedAt: t } },
    })),
  };
  return p;
}

/** Sets (or keeps) a condition, moving lastTransitionTime only when the status changes. */
export function setCondition(
  conditions: Condition[] | undefined,
  c: Omit<Condition, "lastTransitionTime">,
  nowMs: number,
): Condition[] {
  const list = [...(conditions ?? [])];
  const i = list.findIndex((x) => x.type === c.type);
  const prev = i >= 0 ? list[i] : undefined;
  const next: Condition = {
    ...c,
    lastTransitionTime: prev && prev.status === c.status ? prev.lastTransitionTime : rfc3339(nowMs),
  };
  if (i >= 0) list[i] = next;
  else list.push(next);
  return list;
}

/** The MinAvailableBreached condition of a clique with `ready` of `min` pods ready. */
export function breachCondition(
  ready: number,
  min: number,
  gen?: number,
): Omit<Condition, "lastTransitionTime"> {
  const breached = ready < min;
  return {
    type: ConditionTypes.minAvailableBreached,
    status: breached ? "True" : "False",
    reason: breached
      ? ConditionReasons.insufficientReadyPods
      : ConditionReasons.sufficientReadyPods,
    message: `${
      breached ? "Insufficient" : "Sufficient"
    } ready pods found. expected at least: ${min}, found: ${ready}`,
    observedGeneration: gen,
  };
}
