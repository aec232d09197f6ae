/**
 * TypeScript types of the Grove API objects (`grove.io/v1alpha1` PodCliqueSet,
 * PodClique, PodCliqueScalingGroup, ClusterTopologyBinding, legacy
 * ClusterTopology; `scheduler.grove.io/v1alpha1` PodGang) and the few core
 * Kubernetes kinds kubectl-grove reads (Pod, Node, Event).
 *
 * They follow the CRD schemas in `fixtures/_crds/` (copied from the Grove
 * repository). Every field the API server may omit is optional: code reading
 * these objects must cope with an object from an older Grove version or with
 * an empty `status`. Pod specs are kept minimal on purpose (what we read), and
 * every interface stays open to unknown fields through {@link KubeObject}.
 *
 * @module
 */

import type { KubeObject, ObjectMeta } from "../kube/types.ts";

export type { KubeObject, ObjectMeta };

// ---------------------------------------------------------------------------
// Shared pieces
// ---------------------------------------------------------------------------

/** `grove.io/v1alpha1`. */
export const GROVE_API_VERSION = "grove.io/v1alpha1";
/** `scheduler.grove.io/v1alpha1`. */
export const SCHEDULER_API_VERSION = "scheduler.grove.io/v1alpha1";

/** Status of a condition. */
export type ConditionStatus = "True" | "False" | "Unknown";

/** A `metav1.Condition` (Grove objects) as stored in `status.conditions`. */
export interface Condition {
  /** Condition type, e.g. `MinAvailableBreached`. */
  type: string;
  /** `True`, `False` or `Unknown`. */
  status: ConditionStatus;
  /** RFC 3339 time of the last status change. */
  lastTransitionTime: string;
  /** CamelCase reason, e.g. `InsufficientReadyPods`. */
  reason: string;
  /** Human-readable message (may be empty). */
  message: string;
  /** Generation the condition was computed for. */
  observedGeneration?: number;
}

/** One entry of `status.lastErrors` on PCS, PCLQ and PCSG. */
export interface LastError {
  /** Error code, e.g. `ERR_SYNC_PODS`. */
  code?: string;
  /** What went wrong. */
  description?: string;
  /** RFC 3339 time the error was seen. */
  observedAt?: string;
}

/** Pack constraint by topology domain name (`rack`, `host`), as written in a PCS. */
export interface TopologyPack {
  /** Domain every pod of the group must share (hard). */
  required?: string;
  /** Domain the scheduler tries to share (best effort). */
  preferred?: string;
}

/** Topology constraint of a PCS, a clique template or a scaling group. */
export interface TopologyConstraint {
  /** Name of the ClusterTopologyBinding / ClusterTopology. */
  topologyName?: string;
  /** Pack constraint by domain name. */
  pack?: TopologyPack;
  /** Deprecated single required domain. */
  packDomain?: string;
}

/** The `autoscaling/v2` HPA settings of a clique or scaling group. */
export interface AutoScalingConfig {
  /** Lower bound. */
  minReplicas?: number;
  /** Upper bound (required by the CRD). */
  maxReplicas: number;
  /** HPA metric specs, kept opaque. */
  metrics?: unknown[];
}

// ---------------------------------------------------------------------------
// Core kinds (minimal, hand-written)
// ---------------------------------------------------------------------------

/** Resource quantities, e.g. `{ cpu: "8", memory: "64Gi", "nvidia.com/gpu": "8" }`. */
export type ResourceList = Record<string, string | number>;

/** Requests and limits of a container. */
export interface ResourceRequirements {
  /** Minimum the scheduler reserves. */
  requests?: ResourceList;
  /** Maximum; for extended resources such as GPUs, requests default to limits. */
  limits?: ResourceList;
}

/** A container port. */
export interface ContainerPort {
  /** Port number. */
  containerPort: number;
  /** Optional IANA name, e.g. `http`. */
  name?: string;
  /** `TCP` (default), `UDP`, `SCTP`. */
  protocol?: string;
}

/** A container (the fields we read). */
export interface Container {
  /** Container name. */
  name: string;
  /** Image reference. */
  image?: string;
  /** Entrypoint. */
  command?: string[];
  /** Arguments. */
  args?: string[];
  /** Ports the container listens on. */
  ports?: ContainerPort[];
  /** Requests and limits. */
  resources?: ResourceRequirements;
  /** Environment variables (opaque). */
  env?: unknown[];
  /** `Always` for a native sidecar init container. */
  restartPolicy?: string;
  /** Any other field. */
  [key: string]: unknown;
}

/** A pod spec (the fields we read). */
export interface PodSpec {
  /** Main containers. */
  containers: Container[];
  /** Init containers. */
  initContainers?: Container[];
  /** Node the pod is bound to. */
  nodeName?: string;
  /** Scheduler, e.g. `kai-scheduler`. */
  schedulerName?: string;
  /** Scheduling gates still present (pod not yet released to the scheduler). */
  schedulingGates?: { name: string }[];
  /** Pod-level resources (Kubernetes 1.32+). */
  resources?: ResourceRequirements;
  /** Hostname inside the pod. */
  hostname?: string;
  /** Subdomain (headless service). */
  subdomain?: string;
  /** Any other field. */
  [key: string]: unknown;
}

/** A pod condition (`PodScheduled`, `Initialized`, `ContainersReady`, `Ready`, ...). */
export interface PodCondition {
  /** Condition type. */
  type: string;
  /** `True`, `False` or `Unknown`. */
  status: ConditionStatus;
  /** Reason, e.g. `Unschedulable`. */
  reason?: string;
  /** Message, e.g. `0/12 nodes are available: ...`. */
  message?: string;
  /** Last status change. */
  lastTransitionTime?: string;
  /** Last probe. */
  lastProbeTime?: string | null;
}

/** The state of a container: exactly one of the three is set. */
export interface ContainerState {
  /** Waiting, e.g. `CrashLoopBackOff`, `ContainerCreating`, `ImagePullBackOff`. */
  waiting?: { reason?: string; message?: string };
  /** Running since. */
  running?: { startedAt?: string };
  /** Terminated with an exit code. */
  terminated?: {
    exitCode: number;
    reason?: string;
    message?: string;
    startedAt?: string;
    finishedAt?: string;
    signal?: number;
  };
}

/** Status of one container. */
export interface ContainerStatus {
  /** Container name. */
  name: string;
  /** Ready per readiness probe. */
  ready: boolean;
  /** Restarts so far. */
  restartCount: number;
  /** Current state. */
  state?: ContainerState;
  /** State before the last restart. */
  lastState?: ContainerState;
  /** Image. */
  image?: string;
  /** Image ID. */
  imageID?: string;
  /** Container ID. */
  containerID?: string;
  /** Started (startup probe passed). */
  started?: boolean;
}

/** Pod phase. */
export type PodPhase = "Pending" | "Running" | "Succeeded" | "Failed" | "Unknown";

/** Pod status (the fields we read). */
export interface PodStatus {
  /** Phase. */
  phase?: PodPhase;
  /** Conditions. */
  conditions?: PodCondition[];
  /** Container statuses. */
  containerStatuses?: ContainerStatus[];
  /** Init container statuses. */
  initContainerStatuses?: ContainerStatus[];
  /** Reason, e.g. `Evicted`. */
  reason?: string;
  /** Message. */
  message?: string;
  /** Node IP. */
  hostIP?: string;
  /** Pod IP. */
  podIP?: string;
  /** Start time. */
  startTime?: string;
  /** QoS class. */
  qosClass?: string;
}

/** A core/v1 Pod. */
export interface Pod extends KubeObject {
  /** Spec. */
  spec: PodSpec;
  /** Status. */
  status?: PodStatus;
}

/** A node taint. */
export interface Taint {
  /** Key. */
  key: string;
  /** Value. */
  value?: string;
  /** `NoSchedule`, `PreferNoSchedule`, `NoExecute`. */
  effect: string;
  /** When added. */
  timeAdded?: string;
}

/** A node condition. */
export interface NodeCondition {
  /** `Ready`, `MemoryPressure`, `DiskPressure`, `PIDPressure`, `NetworkUnavailable`. */
  type: string;
  /** `True`, `False`, `Unknown`. */
  status: ConditionStatus;
  /** Reason. */
  reason?: string;
  /** Message. */
  message?: string;
  /** Last heartbeat. */
  lastHeartbeatTime?: string;
  /** Last status change. */
  lastTransitionTime?: string;
}

/** A core/v1 Node. */
export interface Node extends KubeObject {
  /** Spec. */
  spec?: {
    /** True when cordoned. */
    unschedulable?: boolean;
    /** Taints. */
    taints?: Taint[];
    /** Provider ID. */
    providerID?: string;
    /** Pod CIDR. */
    podCIDR?: string;
    [key: string]: unknown;
  };
  /** Status. */
  status?: {
    /** Total resources. */
    capacity?: ResourceList;
    /** Resources available to pods. */
    allocatable?: ResourceList;
    /** Conditions. */
    conditions?: NodeCondition[];
    /** Addresses. */
    addresses?: { type: string; address: string }[];
    /** Node info (kubelet version, OS, ...). */
    nodeInfo?: Record<string, string>;
    [key: string]: unknown;
  };
}

/** Reference to the object an event is about. */
export interface ObjectReference {
  /** Kind. */
  kind?: string;
  /** Namespace. */
  namespace?: string;
  /** Name. */
  name?: string;
  /** UID. */
  uid?: string;
  /** API version. */
  apiVersion?: string;
  /** Field path, e.g. `spec.containers{vllm}`. */
  fieldPath?: string;
  /** Resource version. */
  resourceVersion?: string;
}

/** A core/v1 Event. */
export interface Event extends KubeObject {
  /** Object the event is about. */
  involvedObject: ObjectReference;
  /** `Normal` or `Warning`. */
  type?: "Normal" | "Warning" | string;
  /** Reason, e.g. `FailedScheduling`, `BackOff`. */
  reason?: string;
  /** Message. */
  message?: string;
  /** Reporting component. */
  source?: { component?: string; host?: string };
  /** First time seen. */
  firstTimestamp?: string | null;
  /** Last time seen. */
  lastTimestamp?: string | null;
  /** Micro-time (events.k8s.io style). */
  eventTime?: string | null;
  /** How many times it occurred. */
  count?: number;
  /** Reporting controller. */
  reportingComponent?: string;
  /** Reporting instance. */
  reportingInstance?: string;
  /** Action. */
  action?: string;
}

// ---------------------------------------------------------------------------
// PodCliqueSet
// ---------------------------------------------------------------------------

/**
 * `spec.updateStrategy.type`: `RollingRecreate` (today's default),
 * `OnDelete`, `Coherent` (GREP-393, the next default); any other value is
 * kept as written and treated as unknown.
 */
export type UpdateStrategyType = "RollingRecreate" | "OnDelete" | "Coherent" | string;

/** Per-component update knobs (GREP-393 `RollingUpdateConfiguration`). */
export interface RollingUpdateConfiguration {
  /** Pods (standalone clique) or group replicas (scaling group) that may be unavailable at once. */
  maxUnavailable?: number;
}

/** `spec.template.cliqueStartupType`. */
export type CliqueStartupType =
  | "CliqueStartupTypeAnyOrder"
  | "CliqueStartupTypeInOrder"
  | "CliqueStartupTypeExplicit";

/** Spec of a PodClique (in a PCS template and in a PodClique object). */
export interface PodCliqueSpec {
  /** Role of the clique (required by the CRD; older objects may lack it). */
  roleName: string;
  /** Desired pods. */
  replicas: number;
  /** Gang minimum and termination threshold; defaults to `replicas`. */
  minAvailable?: number;
  /** Cliques this one starts after (with `CliqueStartupTypeExplicit`). */
  startsAfter?: string[];
  /** Pod template spec. */
  podSpec: PodSpec;
  /** HPA settings. */
  autoScalingConfig?: AutoScalingConfig;
}

/** One clique of a PCS template. */
export interface PodCliqueTemplateSpec {
  /** Clique name, unique in the PCS. */
  name: string;
  /** Labels copied onto the PodClique and its pods. */
  labels?: Record<string, string>;
  /** Annotations copied onto the PodClique and its pods. */
  annotations?: Record<string, string>;
  /** Topology constraint of this clique. */
  topologyConstraint?: TopologyConstraint;
  /** Clique spec. */
  spec: PodCliqueSpec;
  /** Resource sharing (DRA), opaque. */
  resourceSharing?: unknown[];
  /** Update knobs of a standalone clique (Coherent / RollingRecreate, GREP-393). */
  rollingUpdate?: RollingUpdateConfiguration;
}

/** One scaling group of a PCS template. */
export interface PodCliqueScalingGroupConfig {
  /** Scaling group name. */
  name: string;
  /** Cliques scaled together. */
  cliqueNames: string[];
  /** Desired group replicas (default 1). */
  replicas?: number;
  /** Replicas gang-scheduled in the base PodGang (default 1). */
  minAvailable?: number;
  /** HPA settings. */
  scaleConfig?: AutoScalingConfig;
  /** Topology constraint of each group replica. */
  topologyConstraint?: TopologyConstraint;
  /** Annotations. */
  annotations?: Record<string, string>;
  /** Resource sharing (DRA), opaque. */
  resourceSharing?: unknown[];
  /** Update knobs of the group (Coherent / RollingRecreate, GREP-393). */
  rollingUpdate?: RollingUpdateConfiguration;
}

/** `spec.template` of a PCS. */
export interface PodCliqueSetTemplateSpec {
  /** The cliques. */
  cliques: PodCliqueTemplateSpec[];
  /** Startup ordering. */
  cliqueStartupType?: CliqueStartupType;
  /** Priority class. */
  priorityClassName?: string;
  /** Headless service settings. */
  headlessServiceConfig?: { publishNotReadyAddresses: boolean };
  /** Topology constraint of each PCS replica. */
  topologyConstraint?: TopologyConstraint;
  /** Go duration, default `4h`: how long MinAvailableBreached may last before the gang is terminated. */
  terminationDelay?: string;
  /** Scaling groups. */
  podCliqueScalingGroups?: PodCliqueScalingGroupConfig[];
  /** DRA claim templates, opaque. */
  resourceClaimTemplates?: unknown[];
  /** DRA sharing, opaque. */
  resourceSharing?: unknown[];
}

/** `spec` of a PCS. */
export interface PodCliqueSetSpec {
  /** Desired set replicas (default 0). */
  replicas?: number;
  /** Update strategy. */
  updateStrategy?: { type?: UpdateStrategyType };
  /** The template. */
  template: PodCliqueSetTemplateSpec;
}

/** Progress of one PCS replica's update. */
export interface PodCliqueSetReplicaUpdateProgress {
  /** Replica index. */
  replicaIndex: number;
  /** Start. */
  updateStartedAt?: string;
  /** End; absent while updating. */
  updateEndedAt?: string;
  /** Coherent: PodGangs of the current sub-step, waited on before the next one. */
  inFlightPodGangs?: string[];
  /** Coherent: why this replica's update is stalled or failing. */
  errorMessage?: string;
}

/** `status.updateProgress` of a PCS. */
export interface PodCliqueSetUpdateProgress {
  /** Update start. */
  updateStartedAt?: string;
  /** Update end; absent while a rolling update is in progress. */
  updateEndedAt?: string;
  /** Cliques on the new generation hash. */
  updatedPodCliquesCount?: number;
  /** Cliques expected. */
  totalPodCliquesCount?: number;
  /** Scaling groups on the new generation hash. */
  updatedPodCliqueScalingGroupsCount?: number;
  /** Scaling groups expected. */
  totalPodCliqueScalingGroupsCount?: number;
  /** Replicas being updated now (RollingRecreate and Coherent). */
  currentlyUpdating?: PodCliqueSetReplicaUpdateProgress[];
  /** Coherent: standalone cliques in scope of the update. */
  updatedStandalonePodCliques?: string[];
  /** Coherent: scaling groups in scope of the update. */
  updatedPodCliqueScalingGroups?: string[];
}

/** A PodGang as summarised in the PCS status. */
export interface PodGangStatusSummary {
  /** PodGang name. */
  name: string;
  /** Phase. */
  phase: PodGangPhase;
  /** Conditions. */
  conditions?: Condition[];
}

/** `status` of a PCS. */
export interface PodCliqueSetStatus {
  /** Generation observed. */
  observedGeneration?: number;
  /** Conditions (`UpdateInProgress`, `TopologyLevelsUnavailable`, ...). */
  conditions?: Condition[];
  /** Last reconcile errors. */
  lastErrors?: LastError[];
  /** Replicas created. */
  replicas?: number;
  /** Replicas on the desired generation. */
  updatedReplicas: number;
  /** Replicas whose cliques and groups are all above minAvailable. */
  availableReplicas: number;
  /** HPA selector. */
  hpaPodSelector?: string;
  /** Gang summaries. */
  podGangStatuses?: PodGangStatusSummary[];
  /** Hash of the current generation. */
  currentGenerationHash?: string;
  /** Update progress. */
  updateProgress?: PodCliqueSetUpdateProgress;
}

/** A `grove.io/v1alpha1` PodCliqueSet (`pcs`). */
export interface PodCliqueSet extends KubeObject {
  /** Spec. */
  spec: PodCliqueSetSpec;
  /** Status. */
  status?: PodCliqueSetStatus;
}

// ---------------------------------------------------------------------------
// PodClique
// ---------------------------------------------------------------------------

/** `status.updateProgress` of a PodClique. */
export interface PodCliqueUpdateProgress {
  /** Start. */
  updateStartedAt?: string;
  /** End. */
  updateEndedAt?: string;
  /** PCS generation hash being rolled out (required by the CRD). */
  podCliqueSetGenerationHash: string;
  /** Target pod template hash (required by the CRD). */
  podTemplateHash: string;
  /** Ready pods picked for update: the current one and those done. */
  readyPodsSelectedToUpdate?: { current: string; completed?: string[] };
}

/** `status` of a PodClique. */
export interface PodCliqueStatus {
  /** Generation observed. */
  observedGeneration?: number;
  /** Conditions (`MinAvailableBreached`, `PodCliqueScheduled`, ...). */
  conditions?: Condition[];
  /** Last reconcile errors. */
  lastErrors?: LastError[];
  /** Pods created. */
  replicas?: number;
  /** Ready pods. */
  readyReplicas: number;
  /** Pods on the current template. */
  updatedReplicas: number;
  /** Pods still schedule-gated. */
  scheduleGatedReplicas: number;
  /** Pods bound to a node. */
  scheduledReplicas: number;
  /** HPA selector. */
  hpaPodSelector?: string;
  /** Current pod template hash. */
  currentPodTemplateHash?: string;
  /** Current PCS generation hash. */
  currentPodCliqueSetGenerationHash?: string;
  /** Update progress. */
  updateProgress?: PodCliqueUpdateProgress;
}

/** A `grove.io/v1alpha1` PodClique (`pclq`). */
export interface PodClique extends KubeObject {
  /** Spec. */
  spec: PodCliqueSpec;
  /** Status. */
  status?: PodCliqueStatus;
}

// ---------------------------------------------------------------------------
// PodCliqueScalingGroup
// ---------------------------------------------------------------------------

/** `status.updateProgress` of a PCSG. */
export interface PodCliqueScalingGroupUpdateProgress {
  /** Start (required by the CRD). */
  updateStartedAt: string;
  /** End. */
  updateEndedAt?: string;
  /** PCS generation hash (required by the CRD). */
  podCliqueSetGenerationHash: string;
  /** Member cliques updated. */
  updatedPodCliquesCount?: number;
  /** Member cliques in total. */
  totalPodCliquesCount?: number;
  /** Group replica indices picked for update. */
  readyReplicaIndicesSelectedToUpdate?: { current: number; completed?: number[] };
}

/** A `grove.io/v1alpha1` PodCliqueScalingGroup (`pcsg`). */
export interface PodCliqueScalingGroup extends KubeObject {
  /** Spec. */
  spec: {
    /** Desired group replicas. */
    replicas: number;
    /** Group replicas that must be available (default 1). */
    minAvailable?: number;
    /** Member clique names (template names, not FQNs). */
    cliqueNames: string[];
  };
  /** Status. */
  status?: {
    /** Generation observed. */
    observedGeneration?: number;
    /** Group replicas created. */
    replicas?: number;
    /** Group replicas scheduled. */
    scheduledReplicas: number;
    /** Group replicas available. */
    availableReplicas: number;
    /** Group replicas updated. */
    updatedReplicas: number;
    /** Selector of the group's pods. */
    selector?: string;
    /** Conditions (`MinAvailableBreached`, ...). */
    conditions?: Condition[];
    /** Last reconcile errors. */
    lastErrors?: LastError[];
    /** Current PCS generation hash. */
    currentPodCliqueSetGenerationHash?: string;
    /** Update progress. */
    updateProgress?: PodCliqueScalingGroupUpdateProgress;
  };
}

// ---------------------------------------------------------------------------
// PodGang (scheduler.grove.io)
// ---------------------------------------------------------------------------

/** Phase of a PodGang. */
export type PodGangPhase = "Pending" | "Starting" | "Running" | "Failed" | "Succeeded";

/** Pack constraint by node label key (translated by the operator). */
export interface PackConstraint {
  /** Node label key every pod must share, e.g. `example.com/rack`. */
  required?: string;
  /** Node label key the scheduler tries to share, e.g. `kubernetes.io/hostname`. */
  preferred?: string;
}

/** Topology constraint of a PodGang or PodGroup. */
export interface PodGangTopologyConstraint {
  /** Pack constraint. */
  packConstraint?: PackConstraint;
}

/** A namespaced name. */
export interface NamespacedName {
  /** Namespace. */
  namespace: string;
  /** Name. */
  name: string;
}

/** One pod group of a PodGang (one per clique). */
export interface PodGroup {
  /** Group name: the PodClique name. */
  name: string;
  /** Pods of the group. */
  podReferences: NamespacedName[];
  /** Pods that must be placed together (the clique's minAvailable). */
  minReplicas: number;
  /** Group topology constraint. */
  topologyConstraint?: PodGangTopologyConstraint;
}

/** A `scheduler.grove.io/v1alpha1` PodGang (`pg`). */
export interface PodGang extends KubeObject {
  /** Spec. */
  spec: {
    /** Pod groups. */
    podgroups: PodGroup[];
    /** Gang topology constraint. */
    topologyConstraint?: PodGangTopologyConstraint;
    /** Constraints for a subset of groups. */
    topologyConstraintGroupConfigs?: {
      name: string;
      podGroupNames: string[];
      topologyConstraint?: PodGangTopologyConstraint;
    }[];
    /** Priority class. */
    priorityClassName?: string;
    /** Previous PodGang whose reservation may be reused. */
    reuseReservationRef?: NamespacedName;
  };
  /** Status. */
  status?: {
    /** Phase (required by the CRD when status is set). */
    phase: PodGangPhase;
    /** Network optimality 0..1, written by the scheduler when it supports it. */
    placementScore?: number;
    /** Conditions. */
    conditions?: Condition[];
  };
}

// ---------------------------------------------------------------------------
// Topology
// ---------------------------------------------------------------------------

/** One level of a topology: a domain name and the node label key carrying it. */
export interface TopologyLevel {
  /** Domain, e.g. `zone`, `rack`, `host`. */
  domain: string;
  /** Node label key, e.g. `topology.kubernetes.io/zone`. */
  key: string;
}

/** A cluster-scoped `grove.io/v1alpha1` ClusterTopologyBinding. */
export interface ClusterTopologyBinding extends KubeObject {
  /** Spec. */
  spec: {
    /** Levels from broadest to narrowest. */
    levels: TopologyLevel[];
    /** Scheduler backend bindings. */
    schedulerTopologyBindings?: { schedulerName: string; topologyReference: string }[];
  };
  /** Status. */
  status?: {
    /** Conditions. */
    conditions?: Condition[];
    /** Generation observed. */
    observedGeneration?: number;
    /** Per-backend sync state. */
    schedulerTopologyStatuses?: {
      schedulerName: string;
      topologyReference: string;
      inSync: boolean;
      message?: string;
      schedulerBackendTopologyObservedGeneration?: number;
    }[];
  };
}

/** Domains allowed by the legacy ClusterTopology CRD. */
export const LEGACY_TOPOLOGY_DOMAINS = [
  "region",
  "zone",
  "datacenter",
  "block",
  "rack",
  "host",
  "numa",
] as const;

/** The legacy cluster-scoped `grove.io/v1alpha1` ClusterTopology (Grove up to v0.1.0-alpha.8). */
export interface ClusterTopology extends KubeObject {
  /** Spec (immutable). */
  spec: {
    /** Levels from broadest to narrowest; domains from {@link LEGACY_TOPOLOGY_DOMAINS}. */
    levels: TopologyLevel[];
  };
}

/** Either topology object; both carry `spec.levels`. */
export type AnyClusterTopology = ClusterTopologyBinding | ClusterTopology;

/** Kinds of the Grove objects, for narrowing a {@link KubeObject}. */
export const GroveKinds = {
  PodCliqueSet: "PodCliqueSet",
  PodClique: "PodClique",
  PodCliqueScalingGroup: "PodCliqueScalingGroup",
  PodGang: "PodGang",
  ClusterTopologyBinding: "ClusterTopologyBinding",
  ClusterTopology: "ClusterTopology",
} as const;
