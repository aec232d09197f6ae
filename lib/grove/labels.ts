/**
 * Label and annotation keys the Grove operator sets on the objects it creates,
 * and label selector builders for listing them on the server.
 *
 * Keys follow the Grove sources (`operator/api/common/labels.go`,
 * `operator/api/common/constants/constants.go`).
 *
 * @module
 */

import { UsageError } from "../errors.ts";

/** Label keys set by the Grove operator. */
export const LabelKeys = {
  /** `app.kubernetes.io/part-of`: the PodCliqueSet name, on every managed object and pod. */
  partOf: "app.kubernetes.io/part-of",
  /** `app.kubernetes.io/managed-by`: `grove-operator`. */
  managedBy: "app.kubernetes.io/managed-by",
  /** `app.kubernetes.io/component`: kind of managed object, see {@link ComponentValues}. */
  component: "app.kubernetes.io/component",
  /** `app.kubernetes.io/name`: e.g. `grove-operator` on the operator's pods. */
  appName: "app.kubernetes.io/name",
  /** `grove.io/podcliqueset-replica-index`: the PCS replica, e.g. `0`. */
  pcsReplicaIndex: "grove.io/podcliqueset-replica-index",
  /** `grove.io/podclique`: the PodClique name (FQN) on pods. */
  podClique: "grove.io/podclique",
  /** `grove.io/podgang`: the PodGang a pod (or clique) belongs to. */
  podGang: "grove.io/podgang",
  /** `grove.io/base-podgang`: on a scaled PodGang, its base PodGang. */
  basePodGang: "grove.io/base-podgang",
  /** `grove.io/podcliquescalinggroup`: the PCSG name (FQN, `<pcs>-<replica>-<sg>`). */
  scalingGroup: "grove.io/podcliquescalinggroup",
  /** `grove.io/podcliquescalinggroup-replica-index`: the scaling group replica `j`. */
  scalingGroupReplicaIndex: "grove.io/podcliquescalinggroup-replica-index",
  /** `grove.io/podclique-pod-index`: index of a pod within its clique (hostname suffix). */
  podIndex: "grove.io/podclique-pod-index",
  /** `grove.io/pod-template-hash`: hash of the clique's pod template. */
  podTemplateHash: "grove.io/pod-template-hash",
  /** `grove.io/podcliqueset-generation-hash`: PCS generation a PodGang was created for. */
  pcsGenerationHash: "grove.io/podcliqueset-generation-hash",
} as const;

/** Annotation keys. */
export const AnnotationKeys = {
  /** `grove.io/topology-name` on a PodGang: the topology the scheduler uses. */
  topologyName: "grove.io/topology-name",
} as const;

/** Value of `app.kubernetes.io/managed-by` on Grove objects. */
export const MANAGED_BY_GROVE = "grove-operator";

/** Value of `app.kubernetes.io/name` on the operator's pods. */
export const OPERATOR_APP_NAME = "grove-operator";

/** Values of `app.kubernetes.io/component`. */
export const ComponentValues = {
  /** A PodClique owned directly by the PCS (standalone clique). */
  pcsPodClique: "pcs-podclique",
  /** A PodClique owned by a scaling group. */
  pcsgPodClique: "pcsg-podclique",
  /** A PodCliqueScalingGroup. */
  scalingGroup: "pcs-podcliquescalinggroup",
  /** A PodGang. */
  podGang: "podgang",
  /** The per-replica headless service. */
  headlessService: "pcs-headless-service",
} as const;

/** Condition types Grove writes. */
export const ConditionTypes = {
  /** On PCLQ and PCSG: ready pods (replicas) below minAvailable; True starts the termination countdown. */
  minAvailableBreached: "MinAvailableBreached",
  /** On PCLQ: scheduled pods at or above minAvailable. */
  podCliqueScheduled: "PodCliqueScheduled",
  /**
   * On a PCSG: True (reason `GangTerminationActive`) once Grove recycled the
   * PCS replica it belongs to after its breach outlived terminationDelay.
   */
  gangTerminationInProgress: "GangTerminationInProgress",
  /** On PCS: required topology levels missing from the cluster topology. */
  topologyLevelsUnavailable: "TopologyLevelsUnavailable",
  /**
   * Not a condition type Grove's operator writes (UpdateInProgress is only a
   * reason, see {@link ConditionReasons}); the simulator puts it on the PCS
   * and the tool accepts it as a hint. Rollout state comes from
   * `status.updateProgress`.
   */
  updateInProgress: "UpdateInProgress",
} as const;

/** Condition reasons Grove writes. */
export const ConditionReasons = {
  /** MinAvailableBreached=True: fewer ready-or-starting pods than minAvailable. */
  insufficientReadyPods: "InsufficientReadyPods",
  /**
   * MinAvailableBreached=True on a PodClique whose scheduled pods are below
   * minAvailable (checked before readiness; Grove's operator since 2026-08).
   */
  scheduledReplicasBelowMinAvailable: "ScheduledReplicasBelowMinAvailable",
  /** MinAvailableBreached=False. */
  sufficientReadyPods: "SufficientReadyPods",
  /** PodCliqueScheduled=False. */
  insufficientScheduledPods: "InsufficientScheduledPods",
  /** PodCliqueScheduled=True. */
  sufficientScheduledPods: "SufficientScheduledPods",
  /** PCSG GangTerminationInProgress=True. */
  gangTerminationActive: "GangTerminationActive",
  /** PCSG MinAvailableBreached=True. */
  insufficientAvailablePCSGReplicas: "InsufficientAvailablePodCliqueScalingGroupReplicas",
  /** PCSG MinAvailableBreached=False. */
  sufficientAvailablePCSGReplicas: "SufficientAvailablePodCliqueScalingGroupReplicas",
  /**
   * Update running: on a PodClique during a rolling update Grove sets
   * MinAvailableBreached to `Unknown` with this reason (never `True`), so an
   * update never starts the termination countdown.
   */
  updateInProgress: "UpdateInProgress",
} as const;

/** Default `terminationDelay` when the PCS template sets none. */
export const DEFAULT_TERMINATION_DELAY = "4h";

/** The GPU extended resource name. */
export const GPU_RESOURCE = "nvidia.com/gpu";

/** Well-known node label keys used when the cluster has no topology object. */
export const WellKnownNodeLabels = {
  /** Region. */
  region: "topology.kubernetes.io/region",
  /** Zone. */
  zone: "topology.kubernetes.io/zone",
  /** Host name. */
  hostname: "kubernetes.io/hostname",
} as const;

/** Rack label keys seen in the wild, tried in order when no topology object names one. */
export const RACK_LABEL_CANDIDATES = [
  "topology.kubernetes.io/rack",
  "network.topology.kubernetes.io/rack",
  "cloud.google.com/gce-topology-block",
  "topology.gke.io/rack",
] as const;

const LABEL_VALUE_RE = /^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$/;

/** True when `v` is a valid label value (at most 63 characters, alphanumerics, `-_.`). */
export function isValidLabelValue(v: string): boolean {
  return v.length <= 63 && LABEL_VALUE_RE.test(v);
}

function requirement(key: string, value: string): string {
  if (!isValidLabelValue(value)) {
    throw new UsageError(
      `invalid value ${JSON.stringify(value)} for label ${key}: it cannot match any object`,
      "names and label values are at most 63 characters: letters, digits, '-', '_' and '.', starting and ending with a letter or digit",
    );
  }
  return `${key}=${value}`;
}

/**
 * Joins `key=value` pairs into a label selector string (keys in the given order).
 *
 * @example
 * ```ts
 * import { selectorFrom } from "./labels.ts";
 * selectorFrom({ "app.kubernetes.io/part-of": "demo" }); // "app.kubernetes.io/part-of=demo"
 * ```
 */
export function selectorFrom(labels: Record<string, string | number | undefined>): string {
  return Object.entries(labels)
    .filter(([, v]) => v !== undefined)
    .map(([k, v]) => requirement(k, String(v)))
    .join(",");
}

/**
 * Selector of everything that belongs to a PodCliqueSet (cliques, groups, gangs, pods).
 *
 * @example
 * ```ts
 * import { partOfSelector } from "./labels.ts";
 * partOfSelector("qwen-disagg"); // "app.kubernetes.io/part-of=qwen-disagg"
 * ```
 */
export function partOfSelector(pcs: string): string {
  return selectorFrom({ [LabelKeys.partOf]: pcs });
}

/** Selector of one PCS replica's objects: part-of plus replica index. */
export function replicaSelector(pcs: string, replica: number): string {
  return selectorFrom({ [LabelKeys.partOf]: pcs, [LabelKeys.pcsReplicaIndex]: replica });
}

/** Selector of the pods of one PodClique (by its full name). */
export function cliquePodsSelector(pcs: string, clique: string): string {
  return selectorFrom({ [LabelKeys.partOf]: pcs, [LabelKeys.podClique]: clique });
}

/** Selector of the pods of one PodGang. */
export function gangPodsSelector(gang: string): string {
  return selectorFrom({ [LabelKeys.podGang]: gang });
}

/** Selector of every object managed by the Grove operator. */
export function managedByGroveSelector(): string {
  return selectorFrom({ [LabelKeys.managedBy]: MANAGED_BY_GROVE });
}

/** Selector of the Grove operator's own pods. */
export function operatorPodsSelector(): string {
  return selectorFrom({ [LabelKeys.appName]: OPERATOR_APP_NAME });
}
