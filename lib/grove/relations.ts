/**
 * Pure functions relating Grove objects to each other and reading the state
 * of pods and nodes: which clique, scaling group, gang, PodCliqueSet and set
 * replica a pod belongs to (the cliques and gangs a PodCliqueSet should have
 * are in `expansion.ts`); GPUs requested and allocatable; readiness, crash loops and scheduling
 * failures; the gang termination countdown.
 *
 * Labels are the primary source (they are what Grove sets and what the server
 * can select on); owner references and names are the fallback for objects
 * whose labels were edited or come from an older Grove version.
 *
 * @module
 */

import type { KubeObject } from "../kube/types.ts";
import { parseGoDuration } from "./duration.ts";
import { ConditionTypes, DEFAULT_TERMINATION_DELAY, GPU_RESOURCE, LabelKeys } from "./labels.ts";
import { parseCliqueName } from "./names.ts";
import type {
  Condition,
  Container,
  ContainerStatus,
  Node,
  Pod,
  PodClique,
  PodCliqueSet,
  PodCliqueTemplateSpec,
  PodCondition,
  ResourceList,
} from "./types.ts";

// ---------------------------------------------------------------------------
// Ownership
// ---------------------------------------------------------------------------

/** The controller owner reference of an object (or the first owner of `kind`). */
export function ownerOf(
  obj: KubeObject,
  kind?: string,
): { kind: string; name: string; uid: string } | undefined {
  const refs = obj.metadata.ownerReferences ?? [];
  const ref = kind ? refs.find((r) => r.kind === kind) : refs.find((r) => r.controller) ?? refs[0];
  return ref ? { kind: ref.kind, name: ref.name, uid: ref.uid } : undefined;
}

/** Where a pod (or clique) sits in a PodCliqueSet. */
export interface GroveRef {
  /** PodCliqueSet name. */
  pcs: string;
  /** PCS replica index. */
  replica?: number;
  /** PodClique name (full name, e.g. `qwen-0-prefill-0-pworker`). */
  clique?: string;
  /** Clique template name (e.g. `pworker`), when it can be derived. */
  cliqueTemplate?: string;
  /** PodCliqueScalingGroup name (full name, e.g. `qwen-0-prefill`). */
  scalingGroup?: string;
  /** Scaling group replica index `j`. */
  scalingGroupReplica?: number;
  /** PodGang name. */
  gang?: string;
  /** Pod index within the clique. */
  podIndex?: number;
  /** Pod template hash. */
  podTemplateHash?: string;
}

function intLabel(labels: Record<string, string>, key: string): number | undefined {
  const v = labels[key];
  if (v === undefined || !/^\d+$/.test(v)) return undefined;
  return Number(v);
}

/**
 * Where a pod sits: PCS, set replica, clique, scaling group, gang, from its
 * Grove labels, falling back to its PodClique owner reference. Returns
 * undefined for a pod that is not managed by Grove.
 *
 * @example
 * ```ts
 * import { podRef } from "./relations.ts";
 * podRef({
 *   metadata: { name: "qwen-0-frontend-x7k2p", labels: {
 *     "app.kubernetes.io/part-of": "qwen", "grove.io/podclique": "qwen-0-frontend",
 *     "grove.io/podcliqueset-replica-index": "0", "grove.io/podgang": "qwen-0" } },
 *   spec: { containers: [] },
 * });
 * // { pcs: "qwen", replica: 0, clique: "qwen-0-frontend", cliqueTemplate: "frontend", gang: "qwen-0", ... }
 * ```
 */
export function podRef(pod: KubeObject): GroveRef | undefined {
  const labels = pod.metadata.labels ?? {};
  const owner = ownerOf(pod, "PodClique");
  const pcs = labels[LabelKeys.partOf];
  const clique = labels[LabelKeys.podClique] ?? owner?.name;
  if (!pcs || !clique) return undefined;
  return refFrom(pcs, clique, labels, {
    gang: labels[LabelKeys.podGang],
    podIndex: intLabel(labels, LabelKeys.podIndex),
  });
}

/** Where a PodClique sits in its PodCliqueSet (labels first, then owner and name). */
export function cliqueRef(pclq: KubeObject): GroveRef | undefined {
  const labels = pclq.metadata.labels ?? {};
  const pcs = labels[LabelKeys.partOf] ??
    ownerOf(pclq, "PodCliqueSet")?.name;
  if (!pcs) return undefined;
  return refFrom(pcs, pclq.metadata.name, labels, { gang: labels[LabelKeys.podGang] });
}

function refFrom(
  pcs: string,
  clique: string,
  labels: Record<string, string>,
  extra: { gang?: string; podIndex?: number },
): GroveRef {
  const sgFull = labels[LabelKeys.scalingGroup];
  const sgReplica = intLabel(labels, LabelKeys.scalingGroupReplicaIndex);
  let replica = intLabel(labels, LabelKeys.pcsReplicaIndex);
  // Derive the template name from the full name: `<pcs>-<r>-<clique>` or `<pcs>-<r>-<sg>-<j>-<clique>`.
  let sgTemplate: string | undefined;
  if (sgFull && replica !== undefined) {
    const prefix = `${pcs}-${replica}-`;
    if (sgFull.startsWith(prefix)) sgTemplate = sgFull.slice(prefix.length);
  }
  const parsed = parseCliqueName(clique, pcs, sgTemplate ? [sgTemplate] : []);
  if (replica === undefined) replica = parsed?.replica;
  return {
    pcs,
    replica,
    clique,
    cliqueTemplate: parsed?.clique,
    scalingGroup: sgFull,
    scalingGroupReplica: sgReplica ?? parsed?.scalingGroupReplica,
    gang: extra.gang,
    podIndex: extra.podIndex,
    podTemplateHash: labels[LabelKeys.podTemplateHash],
  };
}

// ---------------------------------------------------------------------------
// Role and minAvailable of a clique (the expected objects: expansion.ts)
// ---------------------------------------------------------------------------

/** Role of a clique: its `roleName`, else its template name. */
export function cliqueRole(clique: PodCliqueTemplateSpec | PodClique): string {
  const role = clique.spec?.roleName;
  if (role) return role;
  if ("name" in clique && typeof clique.name === "string") return clique.name;
  const ref = cliqueRef(clique as PodClique);
  return ref?.cliqueTemplate ?? (clique as PodClique).metadata.name;
}

/** minAvailable of a clique template or PodClique (defaults to its replicas). */
export function cliqueMinAvailable(clique: PodCliqueTemplateSpec | PodClique): number {
  return clique.spec?.minAvailable ?? clique.spec?.replicas ?? 0;
}

// ---------------------------------------------------------------------------
// Conditions and the termination countdown
// ---------------------------------------------------------------------------

/** The condition of `type` in `obj.status.conditions`, if any. */
export function findCondition<C extends { type: string } = Condition>(
  obj: { status?: { conditions?: C[] } } | undefined,
  type: string,
): C | undefined {
  return obj?.status?.conditions?.find((c) => c.type === type);
}

/** `spec.template.terminationDelay` of a PCS in milliseconds (default 4h). */
export function terminationDelayMs(pcs: PodCliqueSet | undefined): number {
  const raw = pcs?.spec?.template?.terminationDelay ?? DEFAULT_TERMINATION_DELAY;
  return parseGoDuration(raw, `terminationDelay of podcliqueset "${pcs?.metadata.name ?? "?"}"`);
}

/** The gang termination countdown of a clique or scaling group whose minAvailable is breached. */
export interface TerminationCountdown {
  /** When MinAvailableBreached became True. */
  since: string;
  /** The configured delay, in milliseconds. */
  delayMs: number;
  /** `since + delay`, as an RFC 3339 time. */
  deadline: string;
  /** Time left at `now` (negative once past the deadline). */
  remainingMs: number;
  /** True when the deadline has passed. */
  expired: boolean;
}

/**
 * Countdown to gang termination for an object carrying `MinAvailableBreached=True`
 * (PodClique or PodCliqueScalingGroup): deadline = lastTransitionTime + delay.
 * Undefined when the condition is absent, not True, or has no valid time.
 */
export function terminationCountdown(
  obj: { status?: { conditions?: Condition[] } },
  delayMs: number,
  now: Date | number,
): TerminationCountdown | undefined {
  const c = findCondition(obj, ConditionTypes.minAvailableBreached);
  if (!c || c.status !== "True") return undefined;
  const since = Date.parse(c.lastTransitionTime);
  if (Number.isNaN(since)) return undefined;
  const n = typeof now === "number" ? now : now.getTime();
  const deadline = since + delayMs;
  return {
    since: c.lastTransitionTime,
    delayMs,
    deadline: new Date(deadline).toISOString().replace(".000Z", "Z"),
    remainingMs: deadline - n,
    expired: deadline <= n,
  };
}

// ---------------------------------------------------------------------------
// Quantities and GPUs
// ---------------------------------------------------------------------------

const SUFFIX: Record<string, number> = {
  "": 1,
  n: 1e-9,
  u: 1e-6,
  m: 1e-3,
  k: 1e3,
  M: 1e6,
  G: 1e9,
  T: 1e12,
  P: 1e15,
  E: 1e18,
  Ki: 2 ** 10,
  Mi: 2 ** 20,
  Gi: 2 ** 30,
  Ti: 2 ** 40,
  Pi: 2 ** 50,
  Ei: 2 ** 60,
};

/**
 * Parses a Kubernetes resource quantity (`8`, `500m`, `64Gi`, `1e3`) to a
 * number; undefined when it is not a quantity.
 */
export function parseQuantity(q: string | number | undefined): number | undefined {
  if (q === undefined || q === null) return undefined;
  if (typeof q === "number") return Number.isFinite(q) ? q : undefined;
  const m = /^([+-]?(?:\d+\.?\d*|\.\d+))(?:([eE][+-]?\d+)|(Ki|Mi|Gi|Ti|Pi|Ei|[numkMGTPE])?)$/
    .exec(q.trim());
  if (!m) return undefined;
  const base = Number(m[1]);
  if (m[2]) return base * 10 ** Number(m[2].slice(1));
  return base * SUFFIX[m[3] ?? ""];
}

function containerRequest(c: Container, resource: string): number {
  const r = c.resources;
  // For extended resources such as GPUs, requests default to (and must equal) limits.
  return parseQuantity(r?.requests?.[resource]) ?? parseQuantity(r?.limits?.[resource]) ?? 0;
}

/**
 * What a pod requests of `resource` as the scheduler counts it: the larger
 * of (sum over containers plus restartable init containers, i.e. sidecars)
 * and (each regular init container plus the sidecars started before it).
 *
 * @example
 * ```ts
 * import { podRequest } from "./relations.ts";
 * podRequest({ metadata: { name: "p" }, spec: { containers: [
 *   { name: "a", resources: { limits: { "nvidia.com/gpu": "4" } } },
 * ] } }, "nvidia.com/gpu"); // 4
 * ```
 */
export function podRequest(pod: Pod, resource: string): number {
  const spec = pod.spec ?? { containers: [] };
  let sidecars = 0;
  let initMax = 0;
  for (const ic of spec.initContainers ?? []) {
    const v = containerRequest(ic, resource);
    if (ic.restartPolicy === "Always") {
      sidecars += v;
      initMax = Math.max(initMax, sidecars);
    } else {
      initMax = Math.max(initMax, sidecars + v);
    }
  }
  const main = (spec.containers ?? []).reduce((s, c) => s + containerRequest(c, resource), 0) +
    sidecars;
  return Math.max(main, initMax);
}

/** GPUs (`nvidia.com/gpu`) a pod requests. */
export function podGpus(pod: Pod): number {
  return podRequest(pod, GPU_RESOURCE);
}

/** A resource of a node's `status.allocatable` (0 when absent). */
export function nodeAllocatable(node: Node, resource: string): number {
  return parseQuantity(node.status?.allocatable?.[resource]) ?? 0;
}

/** A resource of a node's `status.capacity` (0 when absent). */
export function nodeCapacity(node: Node, resource: string): number {
  return parseQuantity(node.status?.capacity?.[resource]) ?? 0;
}

/** Allocatable GPUs of a node. */
export function nodeGpus(node: Node): number {
  return nodeAllocatable(node, GPU_RESOURCE);
}

/** True when a node reports GPU capacity or allocatable at all. */
export function nodeHasGpuResource(node: Node): boolean {
  const has = (l?: ResourceList) => l !== undefined && GPU_RESOURCE in l;
  return has(node.status?.allocatable) || has(node.status?.capacity);
}

/**
 * GPUs allocated on each node by non-terminated pods (all namespaces, all
 * owners), keyed by node name. Pods without a node are skipped.
 */
export function gpusAllocatedByNode(pods: Iterable<Pod>): Map<string, number> {
  const out = new Map<string, number>();
  for (const p of pods) {
    const node = p.spec?.nodeName;
    if (!node || isPodTerminated(p)) continue;
    const g = podGpus(p);
    if (g > 0) out.set(node, (out.get(node) ?? 0) + g);
  }
  return out;
}

// ---------------------------------------------------------------------------
// Nodes
// ---------------------------------------------------------------------------

/** True when the node's `Ready` condition is True. */
export function isNodeReady(node: Node): boolean {
  return node.status?.conditions?.find((c) => c.type === "Ready")?.status === "True";
}

/** True when the node is cordoned (`spec.unschedulable`). */
export function isNodeCordoned(node: Node): boolean {
  return node.spec?.unschedulable === true;
}

// ---------------------------------------------------------------------------
// Pods
// ---------------------------------------------------------------------------

/** A pod condition by type. */
export function podCondition(pod: Pod, type: string): PodCondition | undefined {
  return pod.status?.conditions?.find((c) => c.type === type);
}

/** True when the pod's `Ready` condition is True (and it is not being deleted). */
export function isPodReady(pod: Pod): boolean {
  return podCondition(pod, "Ready")?.status === "True";
}

/** True when the pod has reached a final phase (Succeeded or Failed), e.g. an evicted pod. */
export function isPodTerminated(pod: Pod): boolean {
  const phase = pod.status?.phase;
  return phase === "Succeeded" || phase === "Failed";
}

/** True when the pod was evicted (phase Failed, reason Evicted). */
export function isPodEvicted(pod: Pod): boolean {
  return pod.status?.phase === "Failed" && pod.status?.reason === "Evicted";
}

/** True when the pod is bound to a node. */
export function isPodScheduled(pod: Pod): boolean {
  return Boolean(pod.spec?.nodeName) || podCondition(pod, "PodScheduled")?.status === "True";
}

/** True when the pod still carries scheduling gates (Grove's gate until its PodGang exists). */
export function isPodScheduleGated(pod: Pod): boolean {
  return (pod.spec?.schedulingGates?.length ?? 0) > 0;
}

/** Why a pending pod is not scheduled, from its `PodScheduled=False` condition. */
export function unschedulableReason(
  pod: Pod,
): { reason: string; message: string } | undefined {
  const c = podCondition(pod, "PodScheduled");
  if (!c || c.status !== "False") return undefined;
  return { reason: c.reason ?? "Unschedulable", message: c.message ?? "" };
}

/** Sum of restarts over the pod's containers (init containers included). */
export function podRestarts(pod: Pod): number {
  const all = [
    ...(pod.status?.initContainerStatuses ?? []),
    ...(pod.status?.containerStatuses ?? []),
  ];
  return all.reduce((s, c) => s + (c.restartCount ?? 0), 0);
}

/** A container stuck restarting. */
export interface CrashLoop {
  /** Container name. */
  container: string;
  /** Restarts so far. */
  restartCount: number;
  /** Waiting reason (`CrashLoopBackOff`). */
  reason: string;
  /** Exit code of the last termination, when known. */
  lastExitCode?: number;
  /** Reason of the last termination (`Error`, `OOMKilled`), when known. */
  lastReason?: string;
  /** When the last run finished. */
  lastFinishedAt?: string;
}

/** The containers of a pod that are in `CrashLoopBackOff`, with restart counts and last exit. */
export function crashLoops(pod: Pod): CrashLoop[] {
  const all: ContainerStatus[] = [
    ...(pod.status?.initContainerStatuses ?? []),
    ...(pod.status?.containerStatuses ?? []),
  ];
  return all
    .filter((c) => c.state?.waiting?.reason === "CrashLoopBackOff")
    .map((c) => ({
      container: c.name,
      restartCount: c.restartCount ?? 0,
      reason: "CrashLoopBackOff",
      lastExitCode: c.lastState?.terminated?.exitCode,
      lastReason: c.lastState?.terminated?.reason,
      lastFinishedAt: c.lastState?.terminated?.finishedAt,
    }));
}

/**
 * The STATUS kubectl prints for a pod: `Running`, `Pending`, `CrashLoopBackOff`,
 * `Init:0/1`, `ContainerCreating`, `Completed`, `Evicted`, `Terminating`, ...
 */
export function podDisplayStatus(pod: Pod): string {
  const st = pod.status ?? {};
  let reason: string = st.reason ?? st.phase ?? "Unknown";
  let initializing = false;
  const inits = st.initContainerStatuses ?? [];
  inits.forEach((c, i) => {
    if (initializing) return;
    const t = c.state?.terminated;
    if (t && t.exitCode === 0) return;
    if (c.state?.running && (pod.spec?.initContainers?.[i]?.restartPolicy === "Always")) return;
    initializing = true;
    if (t) reason = t.reason ? `Init:${t.reason}` : `Init:ExitCode:${t.exitCode}`;
    else if (c.state?.waiting?.reason && c.state.waiting.reason !== "PodInitializing") {
      reason = `Init:${c.state.waiting.reason}`;
    } else reason = `Init:${i}/${pod.spec?.initContainers?.length ?? inits.length}`;
  });
  if (!initializing) {
    let hasRunning = false;
    for (const c of [...(st.containerStatuses ?? [])].reverse()) {
      if (c.state?.waiting?.reason) reason = c.state.waiting.reason;
      else if (c.state?.terminated) {
        reason = c.state.terminated.reason ??
          (c.state.terminated.signal
            ? `Signal:${c.state.terminated.signal}`
            : `ExitCode:${c.state.terminated.exitCode}`);
      } else if (c.state?.running && c.ready) hasRunning = true;
    }
    if (reason === "Completed" && hasRunning) {
      reason = isPodReady(pod) ? "Running" : "NotReady";
    }
  }
  if (pod.metadata.deletionTimestamp) {
    reason = st.reason === "NodeLost" ? "Unknown" : "Terminating";
  }
  return reason;
}

/** Ready containers over containers, as kubectl's READY column (`1/1`). */
export function podReadyCount(pod: Pod): { ready: number; total: number } {
  const total = pod.spec?.containers?.length ?? 0;
  const ready = (pod.status?.containerStatuses ?? []).filter((c) => c.ready).length;
  return { ready, total };
}

/** Container ports of a pod, first container first. */
export function podPorts(pod: Pod): number[] {
  return (pod.spec?.containers ?? []).flatMap((c) => (c.ports ?? []).map((p) => p.containerPort));
}
