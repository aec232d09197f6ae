/**
 * Deterministic builders of realistic cluster objects for the fixture
 * scenarios: nodes with GPU capacity and topology labels, pods with
 * conditions and container statuses, and whole PodCliqueSets expanded the way
 * the Grove operator expands them (PodCliques, PodCliqueScalingGroups,
 * PodGangs, pods, owner references, labels, statuses derived from the pods).
 *
 * Everything is a pure function of its inputs: UIDs and pod name suffixes are
 * hashes of the object's identity, resourceVersions count up, timestamps are
 * offsets from `recordedAt`.
 *
 * @module
 */

import type { KubeObject } from "../../kube/types.ts";
import {
  AnnotationKeys,
  ComponentValues,
  ConditionReasons,
  ConditionTypes,
  GPU_RESOURCE,
  LabelKeys,
  MANAGED_BY_GROVE,
} from "../../grove/labels.ts";
import {
  baseGangName,
  cliqueName,
  gangForScalingGroupReplica,
  headlessServiceName,
  podHostname,
  scaledGangName,
  scalingGroupCliqueName,
  scalingGroupName,
} from "../../grove/names.ts";
import type {
  Condition,
  Container,
  Node,
  Pod,
  PodClique,
  PodCliqueScalingGroup,
  PodCliqueSet,
  PodGang,
  PodGangPhase,
  TopologyLevel,
} from "../../grove/types.ts";

/** What a scenario builder produces. */
export interface BuiltScenario {
  /** meta.json content. */
  meta: {
    recordedAt: string;
    description: string;
    namespace: string;
    groveInstalled: boolean;
    generator?: string;
  };
  /** All objects. */
  objects: KubeObject[];
  /** Logs by `<ns>/<pod>/<container>` or `<ns>/<pod>/<container>.previous`. */
  logs: Map<string, string>;
  /** Metrics by `<ns>/<pod>`: sample file names (in fixtures/metrics-samples/) or texts, in scrape order. */
  metrics: Map<string, { sample: string }[]>;
}

// ---------------------------------------------------------------------------
// Hashing
// ---------------------------------------------------------------------------

function fnv1a(s: string, seed: number): number {
  let h = (0x811c9dc5 ^ seed) >>> 0;
  for (let i = 0; i < s.length; i++) {
    h ^= s.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h >>> 0;
}

function hex8(n: number): string {
  return n.toString(16).padStart(8, "0");
}

/** A deterministic UUID-shaped string from a key. */
export function uidFor(key: string): string {
  // Four FNV-1a lanes in one pass over the key.
  let h1 = (0x811c9dc5 ^ 1) >>> 0;
  let h2 = (0x811c9dc5 ^ 2) >>> 0;
  let h3 = (0x811c9dc5 ^ 3) >>> 0;
  let h4 = (0x811c9dc5 ^ 4) >>> 0;
  for (let i = 0; i < key.length; i++) {
    const c = key.charCodeAt(i);
    h1 = Math.imul(h1 ^ c, 0x01000193);
    h2 = Math.imul(h2 ^ c, 0x01000193);
    h3 = Math.imul(h3 ^ c, 0x01000193);
    h4 = Math.imul(h4 ^ c, 0x01000193);
  }
  const a = hex8(h1 >>> 0);
  const b = hex8(h2 >>> 0);
  const c = hex8(h3 >>> 0);
  const d = hex8(h4 >>> 0);
  return `${a}-${b.slice(0, 4)}-4${b.slice(5, 8)}-${"89ab"[parseInt(c[0], 16) % 4]}${
    c.slice(1, 4)
  }-${c.slice(4)}${d}`;
}

const SUFFIX_ALPHABET = "bcdfghjklmnpqrstvwxz2456789";

/** A deterministic 5-character generateName suffix, as Kubernetes draws them. */
export function suffixFor(key: string, len = 5): string {
  let h = fnv1a(key, 7);
  let out = "";
  for (let i = 0; i < len; i++) {
    out += SUFFIX_ALPHABET[h % SUFFIX_ALPHABET.length];
    h = Math.floor(h / SUFFIX_ALPHABET.length) ^ fnv1a(key, 11 + i);
    h >>>= 0;
  }
  return out;
}

/** A deterministic 10-hex-digit hash (pod template hashes, generation hashes). */
export function shortHash(key: string): string {
  return hex8(fnv1a(key, 21)).slice(0, 5) + hex8(fnv1a(key, 22)).slice(0, 5);
}

/** A small deterministic PRNG (mulberry32). */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

// ---------------------------------------------------------------------------
// Engines
// ---------------------------------------------------------------------------

/** Inference engines a clique may run. */
export type Engine = "vllm" | "vllm-follower" | "sglang" | "sglang-follower" | "dynamo-frontend";

/** Container name, image, port and metrics samples of an engine. */
export interface EngineInfo {
  /** Container name. */
  container: string;
  /** Default image. */
  image: string;
  /** HTTP port serving /metrics, when the engine serves one. */
  port?: number;
  /** Metrics sample files (fixtures/metrics-samples), in scrape order. */
  metrics?: string[];
}

/** Images, ports and metrics samples per engine. */
export const ENGINES: Record<Engine, EngineInfo> = {
  "vllm": {
    container: "vllm",
    image: "nvcr.io/nvidia/ai-dynamo/vllm-runtime:0.6.1",
    port: 8000,
    metrics: ["vllm-0.11_v1_metrics_scrape1.txt", "vllm-0.11_v1_metrics_scrape2.txt"],
  },
  "vllm-follower": {
    container: "vllm",
    image: "nvcr.io/nvidia/ai-dynamo/vllm-runtime:0.6.1",
  },
  "sglang": {
    container: "sglang",
    image: "nvcr.io/nvidia/ai-dynamo/sglang-runtime:0.6.1",
    port: 30000,
    metrics: ["sglang-0.5_metrics.txt"],
  },
  "sglang-follower": {
    container: "sglang",
    image: "nvcr.io/nvidia/ai-dynamo/sglang-runtime:0.6.1",
  },
  "dynamo-frontend": {
    container: "frontend",
    image: "nvcr.io/nvidia/ai-dynamo/dynamo-frontend:0.6.1",
    port: 8000,
    metrics: ["dynamo-frontend_metrics.txt"],
  },
};

// ---------------------------------------------------------------------------
// Definitions
// ---------------------------------------------------------------------------

/** A clique of a PCS definition. */
export interface CliqueDef {
  /** Template name. */
  name: string;
  /** roleName (defaults to name). */
  role?: string;
  /** Pods. */
  replicas: number;
  /** minAvailable (omitted: defaults to replicas). */
  minAvailable?: number;
  /** GPUs per pod. */
  gpus: number;
  /** CPU cores per pod. */
  cpu: number;
  /** Memory per pod, e.g. `256Gi`. */
  memory: string;
  /** Engine. */
  engine: Engine;
  /** Model served. */
  model: string;
  /** Extra engine arguments. */
  args?: string[];
  /** startsAfter. */
  startsAfter?: string[];
  /** Image override. */
  image?: string;
}

/** A scaling group of a PCS definition. */
export interface GroupDef {
  /** Template name. */
  name: string;
  /** Member cliques. */
  cliqueNames: string[];
  /** Group replicas. */
  replicas: number;
  /** minAvailable (default 1). */
  minAvailable?: number;
  /** Pack by domain name. */
  pack?: { required?: string; preferred?: string };
}

/** A PodCliqueSet definition. */
export interface PcsDef {
  /** Name. */
  name: string;
  /** Namespace. */
  namespace: string;
  /** Set replicas. */
  replicas: number;
  /** Seconds before recordedAt the PCS was created. */
  createdAgo: number;
  /** terminationDelay (omitted: the 4h default applies). */
  terminationDelay?: string;
  /** Update strategy type. */
  updateStrategy?: "RollingRecreate" | "OnDelete";
  /** Topology name (when the cluster has a topology object). */
  topologyName?: string;
  /** PCS-level pack by domain name. */
  pack?: { required?: string; preferred?: string };
  /** Cliques in template order. */
  cliques: CliqueDef[];
  /** Scaling groups. */
  groups?: GroupDef[];
  /** Scheduler name. */
  schedulerName?: string;
  /** Priority class. */
  priorityClassName?: string;
  /** Startup type. */
  cliqueStartupType?:
    | "CliqueStartupTypeAnyOrder"
    | "CliqueStartupTypeInOrder"
    | "CliqueStartupTypeExplicit";
  /** metadata.generation (default 1). */
  generation?: number;
  /** Labels on the PCS. */
  labels?: Record<string, string>;
}

/** State of a pod. */
export type PodState = "running" | "crashloop" | "pending" | "creating" | "notready" | "gated";

/** How one pod of a PCS looks, decided by the scenario. */
export interface PodPlan {
  /** Node (absent for pending/gated pods). */
  node?: string;
  /** State (default running). */
  state?: PodState;
  /** Restarts (crash loops: required). */
  restarts?: number;
  /** Seconds before recordedAt the pod was created (default: PCS age minus a little). */
  createdAgo?: number;
  /** Pod template hash (default: the clique's current hash). */
  templateHash?: string;
  /** Image override (e.g. the old image during a rollout). */
  image?: string;
  /** PodScheduled=False message for pending pods. */
  unschedulableMessage?: string;
  /** Seconds before recordedAt the pod became ready / started. */
  readyAgo?: number;
  /** Seconds before recordedAt the current state began (crash loop last exit, pending since). */
  stateSince?: number;
}

/** Identity of one pod slot of a PCS, passed to the scenario's planner. */
export interface PodSlot {
  /** PCS name. */
  pcs: string;
  /** PCS replica. */
  replica: number;
  /** Clique template. */
  clique: string;
  /** Full PodClique name. */
  cliqueFullName: string;
  /** Scaling group template, for members. */
  group?: string;
  /** Scaling group replica. */
  groupReplica?: number;
  /** Pod index in the clique. */
  index: number;
  /** Gang name. */
  gang: string;
  /** GPUs per pod. */
  gpus: number;
  /** Engine. */
  engine: Engine;
}

/** Per-gang status decided by the scenario. */
export interface GangPlan {
  /** Phase (default: derived from pods). */
  phase?: PodGangPhase;
  /** placementScore (omitted: none written). */
  placementScore?: number;
  /** Conditions. */
  conditions?: Condition[];
}

/** Per-clique status overrides. */
export interface CliquePlan {
  /** When MinAvailableBreached became True (seconds before recordedAt). */
  breachedAgo?: number;
  /** Current pod template hash (rollouts). */
  templateHash?: string;
  /** updateProgress (rollouts). */
  updateProgress?: Record<string, unknown>;
  /** Status extra fields. */
  statusExtra?: Record<string, unknown>;
  /** Template overrides for the PodClique spec (e.g. the new image). */
  image?: string;
  /** Seconds before recordedAt the PodClique was created (default: with the PCS; later after a scale-up). */
  createdAgo?: number;
}

/** What a scenario decides about a PCS. */
export interface PcsPlan {
  /** Pod placement and state per slot. */
  pod: (slot: PodSlot) => PodPlan;
  /** Gang status per gang name. */
  gangs?: Record<string, GangPlan>;
  /** Clique overrides by full name. */
  cliques?: Record<string, CliquePlan>;
  /** Extra PCS status fields (updateProgress, conditions, lastErrors). */
  pcsStatus?: Record<string, unknown>;
  /** Generation hash of the PCS (default derived). */
  generationHash?: string;
}

// ---------------------------------------------------------------------------
// The builder
// ---------------------------------------------------------------------------

/** A node definition. */
export interface NodeDef {
  /** Name (also the hostname label). */
  name: string;
  /** Topology labels (zone, rack, ...). */
  labels: Record<string, string>;
  /** GPUs (0: a CPU node without the GPU resource). */
  gpus: number;
  /** CPU cores. */
  cpu?: number;
  /** Memory, e.g. `2048Gi`. */
  memory?: string;
  /** Cordoned. */
  unschedulable?: boolean;
  /** NotReady. */
  notReady?: boolean;
  /** GPU product label. */
  gpuProduct?: string;
  /** Instance type label. */
  instanceType?: string;
}

/** Accumulates the objects of one scenario. */
export class ScenarioBuilder {
  /** recordedAt as epoch ms. */
  readonly base: number;
  /** All objects so far. */
  readonly objects: KubeObject[] = [];
  /** Logs. */
  readonly logs = new Map<string, string>();
  /** Metrics sample references. */
  readonly metrics = new Map<string, { sample: string }[]>();
  private rv = 1000;
  private readonly gpuUse = new Map<string, number>();
  private readonly nodeGpus = new Map<string, number>();
  private readonly nodeIps = new Map<string, string>();
  private readonly nodeIndex = new Map<string, number>();
  private readonly times = new Map<number, string>();
  private readonly imageIds = new Map<string, string>();
  private podIp = 0;

  /** Starts a scenario recorded at `recordedAt`. */
  constructor(readonly recordedAt: string) {
    this.base = Date.parse(recordedAt);
  }

  /** The RFC 3339 time `secondsAgo` before recordedAt. */
  t(secondsAgo: number): string {
    let v = this.times.get(secondsAgo);
    if (v === undefined) {
      v = new Date(this.base - secondsAgo * 1000).toISOString().replace(".000Z", "Z");
      this.times.set(secondsAgo, v);
    }
    return v;
  }

  /** Next resourceVersion. */
  nextRv(): string {
    return String(++this.rv);
  }

  /** Standard metadata. */
  meta(
    kind: string,
    name: string,
    namespace: string | undefined,
    createdAgo: number,
    extra: Partial<KubeObject["metadata"]> = {},
  ): KubeObject["metadata"] {
    const m: KubeObject["metadata"] = { name };
    if (namespace) m.namespace = namespace;
    m.uid = uidFor(`${kind}/${namespace ?? ""}/${name}`);
    m.resourceVersion = this.nextRv();
    m.creationTimestamp = this.t(createdAgo);
    for (const k in extra) {
      (m as unknown as Record<string, unknown>)[k] = (extra as Record<string, unknown>)[k];
    }
    return m;
  }

  /** Adds any object. */
  add<T extends KubeObject>(o: T): T {
    this.objects.push(o);
    return o;
  }

  /** Adds namespaces. */
  namespaces(names: string[], createdAgo = 90 * 86400): void {
    for (const n of names) {
      this.add({
        apiVersion: "v1",
        kind: "Namespace",
        metadata: this.meta("Namespace", n, undefined, createdAgo, {
          labels: { "kubernetes.io/metadata.name": n },
        }),
        spec: { finalizers: ["kubernetes"] },
        status: { phase: "Active" },
      });
    }
  }

  /** Adds a node. */
  node(d: NodeDef, createdAgo = 60 * 86400): Node {
    const ipIndex = this.nodeIps.size + 10;
    const ip = `10.0.${Math.floor(ipIndex / 250)}.${(ipIndex % 250) + 1}`;
    this.nodeIps.set(d.name, ip);
    this.nodeIndex.set(d.name, this.nodeIndex.size);
    this.nodeGpus.set(d.name, d.gpus);
    const cpu = d.cpu ?? (d.gpus ? 192 : 64);
    const memory = d.memory ?? (d.gpus ? "2063731Mi" : "257380Mi");
    const labels: Record<string, string> = {
      "kubernetes.io/arch": "amd64",
      "kubernetes.io/os": "linux",
      "kubernetes.io/hostname": d.name,
      "node.kubernetes.io/instance-type": d.instanceType ??
        (d.gpus ? "p5en.48xlarge" : "m7i.16xlarge"),
      ...d.labels,
    };
    if (d.gpus) {
      labels["nvidia.com/gpu.present"] = "true";
      labels["nvidia.com/gpu.product"] = d.gpuProduct ?? "NVIDIA-H200";
      labels["nvidia.com/gpu.count"] = String(d.gpus);
    }
    const capacity: Record<string, string> = {
      cpu: String(cpu),
      memory,
      pods: "110",
      "ephemeral-storage": "3750000000Ki",
    };
    const allocatable: Record<string, string> = {
      cpu: `${cpu * 1000 - 500}m`,
      memory: memory.replace(/^(\d+)/, (m) => String(Number(m) - 10240)),
      pods: "110",
      "ephemeral-storage": "3455966527302",
    };
    if (d.gpus) {
      capacity[GPU_RESOURCE] = String(d.gpus);
      allocatable[GPU_RESOURCE] = String(d.gpus);
    }
    const hb = this.t(d.notReady ? 1800 : 20);
    const ready = d.notReady
      ? {
        type: "Ready",
        status: "Unknown" as const,
        reason: "NodeStatusUnknown",
        message: "Kubelet stopped posting node status.",
        lastHeartbeatTime: hb,
        lastTransitionTime: this.t(1740),
      }
      : {
        type: "Ready",
        status: "True" as const,
        reason: "KubeletReady",
        message: "kubelet is posting ready status",
        lastHeartbeatTime: hb,
        lastTransitionTime: this.t(createdAgo - 120),
      };
    const taints = [];
    if (d.unschedulable) {
      taints.push({
        key: "node.kubernetes.io/unschedulable",
        effect: "NoSchedule",
        timeAdded: this.t(3 * 3600),
      });
    }
    if (d.notReady) {
      taints.push({
        key: "node.kubernetes.io/unreachable",
        effect: "NoSchedule",
        timeAdded: this.t(1740),
      });
    }
    const pressure = (type: string, reason: string, message: string) => ({
      type,
      status: "False" as const,
      reason,
      message,
      lastHeartbeatTime: hb,
      lastTransitionTime: this.t(createdAgo - 120),
    });
    return this.add<Node>({
      apiVersion: "v1",
      kind: "Node",
      metadata: this.meta("Node", d.name, undefined, createdAgo, {
        labels,
        annotations: { "node.alpha.kubernetes.io/ttl": "0" },
      }),
      spec: {
        providerID: `aws:///${labels["topology.kubernetes.io/zone"] ?? "us-east-1a"}/i-0${
          uidFor(d.name).replace(/-/g, "").slice(0, 16)
        }`,
        ...(d.unschedulable ? { unschedulable: true } : {}),
        ...(taints.length ? { taints } : {}),
      },
      status: {
        capacity,
        allocatable,
        conditions: [
          pressure(
            "MemoryPressure",
            "KubeletHasSufficientMemory",
            "kubelet has sufficient memory available",
          ),
          pressure("DiskPressure", "KubeletHasNoDiskPressure", "kubelet has no disk pressure"),
          pressure(
            "PIDPressure",
            "KubeletHasSufficientPID",
            "kubelet has sufficient PID available",
          ),
          ready,
        ],
        addresses: [
          { type: "InternalIP", address: ip },
          { type: "Hostname", address: d.name },
        ],
        nodeInfo: {
          architecture: "amd64",
          containerRuntimeVersion: "containerd://1.7.27",
          kernelVersion: "6.8.0-1031-aws",
          kubeProxyVersion: "",
          kubeletVersion: "v1.33.4",
          operatingSystem: "linux",
          osImage: "Ubuntu 24.04.2 LTS",
        },
      },
    });
  }

  /** GPUs already requested on a node by pods added so far. */
  gpusUsed(node: string): number {
    return this.gpuUse.get(node) ?? 0;
  }

  /** GPUs allocatable on a node. */
  gpusOf(node: string): number {
    return this.nodeGpus.get(node) ?? 0;
  }

  /** A stable image digest reference for `image`. */
  private imageId(image: string): string {
    let v = this.imageIds.get(image);
    if (v === undefined) {
      const h = uidFor(image).replace(/-/g, "") + uidFor(image + "x").replace(/-/g, "");
      v = `${image.split(":")[0]}@sha256:${h}`;
      this.imageIds.set(image, v);
    }
    return v;
  }

  /** The next pod IP on `node`. */
  private nextPodIp(node: string): string {
    this.podIp++;
    const n = this.nodeIndex.get(node) ?? 0;
    return `10.244.${n}.${(this.podIp % 250) + 2}`;
  }

  /**
   * Adds a pod. `ownerRef` links it to its controller; `plan` decides its
   * node and state; containers carry the given resources.
   */
  pod(opts: {
    name: string;
    namespace: string;
    labels: Record<string, string>;
    annotations?: Record<string, string>;
    ownerRef?: { apiVersion: string; kind: string; name: string };
    containers: Container[];
    initContainers?: Container[];
    plan: PodPlan;
    schedulerName?: string;
    hostname?: string;
    subdomain?: string;
    priorityClassName?: string;
  }): Pod {
    const p = opts.plan;
    const state = p.state ?? "running";
    const created = p.createdAgo ?? 3600;
    const node = state === "pending" || state === "gated" ? undefined : p.node;
    const gpus = opts.containers.reduce(
      (s, c) => s + Number(c.resources?.limits?.[GPU_RESOURCE] ?? 0),
      0,
    );
    if (node) this.gpuUse.set(node, this.gpusUsed(node) + gpus);
    const scheduledAt = this.t(Math.max(created - 2, 0));
    const startedAgo = Math.max(created - 20, 0);
    const readyAgo = p.readyAgo ?? Math.max(created - 240, 0);
    const conditions: Record<string, unknown>[] = [];
    const cs: Record<string, unknown>[] = [];
    let phase = "Running";
    const ready = state === "running";
    if (state === "pending" || state === "gated") {
      phase = "Pending";
      if (state === "pending") {
        conditions.push({
          type: "PodScheduled",
          status: "False",
          reason: "Unschedulable",
          message: p.unschedulableMessage ??
            "0/1 nodes are available: 1 Insufficient nvidia.com/gpu.",
          lastProbeTime: null,
          lastTransitionTime: this.t(p.stateSince ?? Math.max(created - 2, 0)),
        });
      } else {
        conditions.push({
          type: "PodScheduled",
          status: "False",
          reason: "SchedulingGated",
          message: "Scheduling is blocked due to non-empty scheduling gates",
          lastProbeTime: null,
          lastTransitionTime: this.t(created),
        });
      }
    } else {
      const creating = state === "creating";
      if (creating) phase = "Pending";
      conditions.push(
        {
          type: "PodReadyToStartContainers",
          status: creating ? "False" : "True",
          lastProbeTime: null,
          lastTransitionTime: this.t(startedAgo + 5),
        },
        {
          type: "Initialized",
          status: "True",
          lastProbeTime: null,
          lastTransitionTime: this.t(startedAgo + 5),
        },
        ready
          ? {
            type: "Ready",
            status: "True",
            lastProbeTime: null,
            lastTransitionTime: this.t(readyAgo),
          }
          : {
            type: "Ready",
            status: "False",
            reason: "ContainersNotReady",
            message: `containers with unready status: [${opts.containers[0].name}]`,
            lastProbeTime: null,
            lastTransitionTime: this.t(p.stateSince ?? startedAgo),
          },
        ready
          ? {
            type: "ContainersReady",
            status: "True",
            lastProbeTime: null,
            lastTransitionTime: this.t(readyAgo),
          }
          : {
            type: "ContainersReady",
            status: "False",
            reason: "ContainersNotReady",
            message: `containers with unready status: [${opts.containers[0].name}]`,
            lastProbeTime: null,
            lastTransitionTime: this.t(p.stateSince ?? startedAgo),
          },
        {
          type: "PodScheduled",
          status: "True",
          lastProbeTime: null,
          lastTransitionTime: scheduledAt,
        },
      );
      for (const [i, c] of opts.containers.entries()) {
        const main = i === 0;
        const base = {
          name: c.name,
          image: c.image,
          imageID: this.imageId(String(c.image)),
          containerID: `containerd://${uidFor(opts.name + c.name).replace(/-/g, "")}${
            uidFor(opts.name + c.name + "2").replace(/-/g, "")
          }`,
        };
        if (creating) {
          cs.push({
            ...base,
            containerID: undefined,
            imageID: "",
            ready: false,
            restartCount: 0,
            started: false,
            state: { waiting: { reason: "ContainerCreating" } },
          });
        } else if (main && state === "crashloop") {
          const since = p.stateSince ?? 90;
          cs.push({
            ...base,
            ready: false,
            restartCount: p.restarts ?? 5,
            started: false,
            state: {
              waiting: {
                reason: "CrashLoopBackOff",
                message:
                  `back-off 5m0s restarting failed container=${c.name} pod=${opts.name}_${opts.namespace}(${
                    uidFor(`Pod/${opts.namespace}/${opts.name}`)
                  })`,
              },
            },
            lastState: {
              terminated: {
                exitCode: 1,
                reason: "Error",
                startedAt: this.t(since + 95),
                finishedAt: this.t(since),
                containerID: base.containerID,
              },
            },
          });
        } else {
          cs.push({
            ...base,
            ready: main ? ready : true,
            restartCount: main ? (p.restarts ?? 0) : 0,
            started: true,
            state: { running: { startedAt: this.t(startedAgo) } },
            ...(main && (p.restarts ?? 0) > 0
              ? {
                lastState: {
                  terminated: {
                    exitCode: 137,
                    reason: "OOMKilled",
                    startedAt: this.t(startedAgo + 7200),
                    finishedAt: this.t(startedAgo + 2),
                  },
                },
              }
              : {}),
          });
        }
      }
    }
    const extra: Partial<KubeObject["metadata"]> = { labels: opts.labels };
    if (opts.annotations) extra.annotations = opts.annotations;
    if (opts.ownerRef) {
      extra.ownerReferences = [{
        apiVersion: opts.ownerRef.apiVersion,
        kind: opts.ownerRef.kind,
        name: opts.ownerRef.name,
        uid: uidFor(`${opts.ownerRef.kind}/${opts.namespace}/${opts.ownerRef.name}`),
        controller: true,
        blockOwnerDeletion: true,
      }];
    }
    const spec: Record<string, unknown> = { containers: opts.containers };
    if (opts.initContainers) spec.initContainers = opts.initContainers;
    if (node) spec.nodeName = node;
    if (opts.hostname) spec.hostname = opts.hostname;
    if (opts.subdomain) spec.subdomain = opts.subdomain;
    spec.schedulerName = opts.schedulerName ?? "default-scheduler";
    if (opts.priorityClassName) spec.priorityClassName = opts.priorityClassName;
    if (state === "gated") spec.schedulingGates = [{ name: "grove.io/podgang-pending-creation" }];
    spec.restartPolicy = "Always";
    spec.terminationGracePeriodSeconds = 30;
    spec.dnsPolicy = "ClusterFirst";
    spec.serviceAccountName = "default";
    spec.tolerations = [
      { key: "nvidia.com/gpu", operator: "Exists", effect: "NoSchedule" },
      {
        key: "node.kubernetes.io/not-ready",
        operator: "Exists",
        effect: "NoExecute",
        tolerationSeconds: 300,
      },
      {
        key: "node.kubernetes.io/unreachable",
        operator: "Exists",
        effect: "NoExecute",
        tolerationSeconds: 300,
      },
    ];
    const status: Record<string, unknown> = { phase, conditions };
    if (node) {
      const hostIP = this.nodeIps.get(node);
      status.hostIP = hostIP;
      status.hostIPs = [{ ip: hostIP }];
      if (state !== "creating") status.podIP = this.nextPodIp(node);
      status.startTime = scheduledAt;
    }
    if (cs.length) status.containerStatuses = cs;
    status.qosClass = "Guaranteed";
    if (typeof status.podIP === "string") status.podIPs = [{ ip: status.podIP }];
    const pod = {
      apiVersion: "v1",
      kind: "Pod",
      metadata: this.meta("Pod", opts.name, opts.namespace, created, extra),
      spec,
      status,
    } as unknown as Pod;
    return this.add(pod);
  }

  /** Adds a plain (non-Grove) workload pod of `gpus` GPUs on `node`, owned by a ReplicaSet/Job. */
  otherPod(opts: {
    name: string;
    namespace: string;
    node: string;
    gpus: number;
    app: string;
    image?: string;
    createdAgo?: number;
    owner?: { kind: string; name: string; apiVersion: string };
    cpu?: number;
    memory?: string;
  }): Pod {
    const limits: Record<string, string> = {
      cpu: String(opts.cpu ?? Math.max(opts.gpus * 12, 2)),
      memory: opts.memory ?? `${Math.max(opts.gpus * 120, 8)}Gi`,
    };
    if (opts.gpus) limits[GPU_RESOURCE] = String(opts.gpus);
    return this.pod({
      name: opts.name,
      namespace: opts.namespace,
      labels: { "app.kubernetes.io/name": opts.app },
      ownerRef: opts.owner,
      containers: [{
        name: opts.app,
        image: opts.image ?? "nvcr.io/nvidia/pytorch:25.08-py3",
        resources: { requests: { ...limits }, limits },
      }],
      plan: { node: opts.node, createdAgo: opts.createdAgo ?? 6 * 3600 },
    });
  }

  /** Adds an event. */
  event(opts: {
    namespace: string;
    involved: {
      kind: string;
      name: string;
      apiVersion?: string;
      namespace?: string;
      fieldPath?: string;
    };
    type: "Normal" | "Warning";
    reason: string;
    message: string;
    firstAgo: number;
    lastAgo: number;
    count: number;
    component: string;
    host?: string;
  }): void {
    const ns = opts.involved.namespace ?? opts.namespace;
    const name = `${opts.involved.name}.${hex8(fnv1a(opts.reason + opts.message, 3))}${
      hex8(fnv1a(opts.involved.name, 5))
    }`.slice(0, 253);
    this.add({
      apiVersion: "v1",
      kind: "Event",
      metadata: this.meta("Event", name, opts.namespace, opts.firstAgo),
      involvedObject: {
        apiVersion: opts.involved.apiVersion ?? "v1",
        kind: opts.involved.kind,
        name: opts.involved.name,
        ...(opts.involved.kind === "Node" ? {} : { namespace: ns }),
        uid: uidFor(
          `${opts.involved.kind}/${opts.involved.kind === "Node" ? "" : ns}/${opts.involved.name}`,
        ),
        ...(opts.involved.fieldPath ? { fieldPath: opts.involved.fieldPath } : {}),
      },
      type: opts.type,
      reason: opts.reason,
      message: opts.message,
      source: { component: opts.component, ...(opts.host ? { host: opts.host } : {}) },
      firstTimestamp: this.t(opts.firstAgo),
      lastTimestamp: this.t(opts.lastAgo),
      count: opts.count,
      eventTime: null,
      reportingComponent: opts.component,
      reportingInstance: opts.host ?? "",
    });
  }

  /** Adds a ClusterTopologyBinding. */
  topologyBinding(name: string, levels: TopologyLevel[], createdAgo = 60 * 86400): void {
    this.add({
      apiVersion: "grove.io/v1alpha1",
      kind: "ClusterTopologyBinding",
      metadata: this.meta("ClusterTopologyBinding", name, undefined, createdAgo, { generation: 1 }),
      spec: { levels },
      status: {
        observedGeneration: 1,
        schedulerTopologyStatuses: [{
          schedulerName: "kai-scheduler",
          topologyReference: name,
          inSync: true,
          schedulerBackendTopologyObservedGeneration: 1,
        }],
      },
    });
  }

  /** Adds a legacy ClusterTopology. */
  legacyTopology(name: string, levels: TopologyLevel[], createdAgo = 200 * 86400): void {
    this.add({
      apiVersion: "grove.io/v1alpha1",
      kind: "ClusterTopology",
      metadata: this.meta("ClusterTopology", name, undefined, createdAgo, { generation: 1 }),
      spec: { levels },
    });
  }

  /** Adds the Grove operator pod with its logs. */
  operator(
    opts: { logLines: string[]; previousLogLines?: string[]; node: string; restarts?: number },
  ): void {
    const name = `grove-operator-7c9d8f6b54-${suffixFor("grove-operator")}`;
    this.pod({
      name,
      namespace: "grove-system",
      labels: {
        "app.kubernetes.io/name": "grove-operator",
        "app.kubernetes.io/instance": "grove",
        "app.kubernetes.io/component": "operator",
        "pod-template-hash": "7c9d8f6b54",
      },
      ownerRef: { apiVersion: "apps/v1", kind: "ReplicaSet", name: "grove-operator-7c9d8f6b54" },
      containers: [{
        name: "grove-operator",
        image: "ghcr.io/ai-dynamo/grove/grove-operator:v0.1.0-alpha.12",
        args: ["--config=/etc/grove-operator/config/config.yaml"],
        ports: [{ containerPort: 9445, name: "metrics" }, {
          containerPort: 9443,
          name: "webhooks",
        }],
        resources: {
          requests: { cpu: "100m", memory: "256Mi" },
          limits: { cpu: "1", memory: "1Gi" },
        },
      }],
      plan: {
        node: opts.node,
        createdAgo: 14 * 86400,
        restarts: opts.restarts ?? (opts.previousLogLines ? 1 : 0),
        readyAgo: 2 * 86400,
      },
    });
    this.logs.set(`grove-system/${name}/grove-operator`, opts.logLines.join("\n") + "\n");
    if (opts.previousLogLines) {
      this.logs.set(
        `grove-system/${name}/grove-operator.previous`,
        opts.previousLogLines.join("\n") + "\n",
      );
    }
  }

  /** One JSON log line of the operator (zap style). */
  opLog(
    secondsAgo: number,
    level: "info" | "error" | "debug",
    logger: string,
    msg: string,
    fields: Record<string, unknown> = {},
  ): string {
    const ts = new Date(this.base - secondsAgo * 1000).toISOString();
    return JSON.stringify({ level, ts, logger, msg, ...fields });
  }

  /** Adds a PodCliqueSet and everything the operator creates from it. Returns the pods by slot key. */
  pcs(def: PcsDef, plan: PcsPlan): { pods: Pod[]; gangs: string[] } {
    return expandPcs(this, def, plan);
  }

  /** The finished scenario. */
  build(meta: Omit<BuiltScenario["meta"], "recordedAt">): BuiltScenario {
    return {
      meta: { recordedAt: this.recordedAt, ...meta },
      objects: this.objects,
      logs: this.logs,
      metrics: this.metrics,
    };
  }
}

// ---------------------------------------------------------------------------
// PCS expansion
// ---------------------------------------------------------------------------

function groveLabels(
  pcs: string,
  extra: Record<string, string | undefined>,
): Record<string, string> {
  const out: Record<string, string> = {
    [LabelKeys.managedBy]: MANAGED_BY_GROVE,
    [LabelKeys.partOf]: pcs,
  };
  for (const [k, v] of Object.entries(extra)) if (v !== undefined) out[k] = v;
  return out;
}

function engineArgs(c: CliqueDef): string[] {
  const tp = Math.max(c.gpus, 1);
  switch (c.engine) {
    case "vllm":
      return [
        "python3",
        "-m",
        "dynamo.vllm",
        "--model",
        c.model,
        ...(c.args?.includes("--tensor-parallel-size")
          ? []
          : ["--tensor-parallel-size", String(tp)]),
        ...(c.args ?? []),
      ];
    case "vllm-follower":
      return ["python3", "-m", "dynamo.vllm", "--model", c.model, "--headless", ...(c.args ?? [])];
    case "sglang":
      return [
        "python3",
        "-m",
        "dynamo.sglang",
        "--model-path",
        c.model,
        "--tp",
        String(tp),
        "--enable-metrics",
        ...(c.args ?? []),
      ];
    case "sglang-follower":
      return ["python3", "-m", "dynamo.sglang", "--model-path", c.model, ...(c.args ?? [])];
    case "dynamo-frontend":
      return ["python3", "-m", "dynamo.frontend", "--http-port", "8000", ...(c.args ?? [])];
  }
}

function containerFor(c: CliqueDef, image?: string): Container {
  const e = ENGINES[c.engine];
  const argv = engineArgs(c);
  const limits: Record<string, string> = { cpu: String(c.cpu), memory: c.memory };
  if (c.gpus) limits[GPU_RESOURCE] = String(c.gpus);
  const out: Container = {
    name: e.container,
    image: image ?? c.image ?? e.image,
    command: argv.slice(0, 3),
    args: argv.slice(3),
    resources: { requests: { ...limits }, limits },
  };
  if (e.port) {
    out.ports = [{ containerPort: e.port, name: "http", protocol: "TCP" }];
    out.readinessProbe = {
      httpGet: { path: "/health", port: e.port },
      periodSeconds: 10,
      failureThreshold: 3,
    };
  }
  return out;
}

function podSpecTemplate(def: PcsDef, c: CliqueDef, image?: string): Record<string, unknown> {
  return {
    ...(def.schedulerName ? { schedulerName: def.schedulerName } : {}),
    containers: [containerFor(c, image)],
    tolerations: [{ key: "nvidia.com/gpu", operator: "Exists", effect: "NoSchedule" }],
    terminationGracePeriodSeconds: 30,
  };
}

function condition(
  b: ScenarioBuilder,
  type: string,
  status: "True" | "False",
  reason: string,
  message: string,
  ago: number,
  gen = 1,
): Condition {
  return { type, status, reason, message, lastTransitionTime: b.t(ago), observedGeneration: gen };
}

interface CliqueInstance {
  def: CliqueDef;
  fullName: string;
  replica: number;
  group?: GroupDef;
  groupFullName?: string;
  groupReplica?: number;
  gang: string;
  pods: Pod[];
}

function expandPcs(
  b: ScenarioBuilder,
  def: PcsDef,
  plan: PcsPlan,
): { pods: Pod[]; gangs: string[] } {
  const ns = def.namespace;
  const gen = def.generation ?? 1;
  const genHash = plan.generationHash ?? shortHash(`${def.name}/gen/${gen}`);
  const byName = new Map(def.cliques.map((c) => [c.name, c]));
  const groups = def.groups ?? [];
  const inGroup = new Set(groups.flatMap((g) => g.cliqueNames));
  const pcsUid = uidFor(`PodCliqueSet/${ns}/${def.name}`);
  const topologyKeyOf = (domain?: string) => domain ? DOMAIN_KEYS[domain] ?? domain : undefined;

  // --- PCS object ---
  const template: Record<string, unknown> = {
    cliqueStartupType: def.cliqueStartupType ?? "CliqueStartupTypeAnyOrder",
    cliques: def.cliques.map((c) => ({
      name: c.name,
      spec: {
        roleName: c.role ?? c.name,
        replicas: c.replicas,
        ...(c.minAvailable !== undefined ? { minAvailable: c.minAvailable } : {}),
        ...(c.startsAfter ? { startsAfter: c.startsAfter } : {}),
        podSpec: podSpecTemplate(def, c),
      },
    })),
    headlessServiceConfig: { publishNotReadyAddresses: true },
    ...(def.priorityClassName ? { priorityClassName: def.priorityClassName } : {}),
    ...(def.terminationDelay ? { terminationDelay: def.terminationDelay } : {}),
    ...(def.topologyName && def.pack
      ? { topologyConstraint: { topologyName: def.topologyName, pack: def.pack } }
      : {}),
    ...(groups.length
      ? {
        podCliqueScalingGroups: groups.map((g) => ({
          name: g.name,
          cliqueNames: g.cliqueNames,
          replicas: g.replicas,
          minAvailable: g.minAvailable ?? 1,
          ...(def.topologyName && g.pack
            ? { topologyConstraint: { topologyName: def.topologyName, pack: g.pack } }
            : {}),
        })),
      }
      : {}),
  };

  // --- instances ---
  const instances: CliqueInstance[] = [];
  for (let r = 0; r < def.replicas; r++) {
    for (const c of def.cliques) {
      if (inGroup.has(c.name)) continue;
      instances.push({
        def: c,
        fullName: cliqueName(def.name, r, c.name),
        replica: r,
        gang: baseGangName(def.name, r),
        pods: [],
      });
    }
    for (const g of groups) {
      for (let j = 0; j < g.replicas; j++) {
        for (const cn of g.cliqueNames) {
          instances.push({
            def: byName.get(cn)!,
            fullName: scalingGroupCliqueName(def.name, r, g.name, j, cn),
            replica: r,
            group: g,
            groupFullName: scalingGroupName(def.name, r, g.name),
            groupReplica: j,
            gang: gangForScalingGroupReplica(def.name, r, g.name, j, g.minAvailable ?? 1),
            pods: [],
          });
        }
      }
    }
  }

  // --- pods ---
  const allPods: Pod[] = [];
  for (const inst of instances) {
    const cp = plan.cliques?.[inst.fullName];
    const currentHash = cp?.templateHash ?? shortHash(`${inst.fullName}/tpl/${gen}`);
    for (let i = 0; i < inst.def.replicas; i++) {
      const slot: PodSlot = {
        pcs: def.name,
        replica: inst.replica,
        clique: inst.def.name,
        cliqueFullName: inst.fullName,
        group: inst.group?.name,
        groupReplica: inst.groupReplica,
        index: i,
        gang: inst.gang,
        gpus: inst.def.gpus,
        engine: inst.def.engine,
      };
      const pp = plan.pod(slot);
      const name = `${inst.fullName}-${
        suffixFor(`${inst.fullName}/${i}/${pp.templateHash ?? currentHash}`)
      }`;
      const labels = groveLabels(def.name, {
        [LabelKeys.component]: inst.group
          ? ComponentValues.pcsgPodClique
          : ComponentValues.pcsPodClique,
        [LabelKeys.pcsReplicaIndex]: String(inst.replica),
        [LabelKeys.podTemplateHash]: pp.templateHash ?? currentHash,
        [LabelKeys.scalingGroup]: inst.groupFullName,
        [LabelKeys.scalingGroupReplicaIndex]: inst.groupReplica !== undefined
          ? String(inst.groupReplica)
          : undefined,
        [LabelKeys.podClique]: inst.fullName,
        [LabelKeys.podGang]: inst.gang,
        [LabelKeys.podIndex]: String(i),
      });
      const e = ENGINES[inst.def.engine];
      const container = containerFor(inst.def, pp.image ?? cp?.image);
      container.env = [
        { name: "GROVE_PCS_NAME", value: def.name },
        { name: "GROVE_PCS_INDEX", value: String(inst.replica) },
        { name: "GROVE_PCLQ_NAME", value: inst.fullName },
        {
          name: "GROVE_HEADLESS_SERVICE",
          value: `${headlessServiceName(def.name, inst.replica)}.${ns}.svc.cluster.local`,
        },
        { name: "GROVE_PCLQ_POD_INDEX", value: String(i) },
        ...(inst.group
          ? [
            { name: "GROVE_PCSG_NAME", value: inst.groupFullName },
            { name: "GROVE_PCSG_INDEX", value: String(inst.groupReplica) },
          ]
          : []),
      ];
      const pod = b.pod({
        name,
        namespace: ns,
        labels,
        ownerRef: { apiVersion: "grove.io/v1alpha1", kind: "PodClique", name: inst.fullName },
        containers: [container],
        plan: { createdAgo: def.createdAgo - 5, ...pp },
        schedulerName: def.schedulerName,
        hostname: podHostname(inst.fullName, i),
        subdomain: headlessServiceName(def.name, inst.replica),
        priorityClassName: def.priorityClassName,
      });
      inst.pods.push(pod);
      allPods.push(pod);
      const st = pp.state ?? "running";
      if (e.metrics && pp.node && (st === "running" || st === "notready")) {
        b.metrics.set(`${ns}/${name}`, e.metrics.map((s) => ({ sample: s })));
      }
    }
  }

  // --- cliques ---
  const cliqueBreached = new Map<string, boolean>();
  for (const inst of instances) {
    const cp = plan.cliques?.[inst.fullName];
    const c = inst.def;
    const min = c.minAvailable ?? c.replicas;
    const ready = inst.pods.filter((p) =>
      p.status?.conditions?.some((x) =>
        x.type === "Ready" && x.status === "True"
      )
    ).length;
    const scheduled = inst.pods.filter((p) => p.spec.nodeName).length;
    const gated = inst.pods.filter((p) => (p.spec.schedulingGates?.length ?? 0) > 0).length;
    const currentHash = cp?.templateHash ?? shortHash(`${inst.fullName}/tpl/${gen}`);
    const updated =
      inst.pods.filter((p) => p.metadata.labels?.[LabelKeys.podTemplateHash] === currentHash)
        .length;
    const breached = ready < min;
    cliqueBreached.set(inst.fullName, breached);
    const created = cp?.createdAgo ?? def.createdAgo - 2;
    const conditions: Condition[] = [
      breached
        ? condition(
          b,
          ConditionTypes.minAvailableBreached,
          "True",
          ConditionReasons.insufficientReadyPods,
          `Insufficient ready pods. expected at least: ${min}, found: ${ready}`,
          cp?.breachedAgo ?? 600,
          gen,
        )
        : condition(
          b,
          ConditionTypes.minAvailableBreached,
          "False",
          ConditionReasons.sufficientReadyPods,
          `Sufficient ready pods found. expected at least: ${min}, found: ${ready}`,
          Math.max(created - 300, 0),
          gen,
        ),
      scheduled >= min
        ? condition(
          b,
          ConditionTypes.podCliqueScheduled,
          "True",
          ConditionReasons.sufficientScheduledPods,
          `Sufficient scheduled pods found. expected at least: ${min}, found: ${scheduled}`,
          Math.max(created - 10, 0),
          gen,
        )
        : condition(
          b,
          ConditionTypes.podCliqueScheduled,
          "False",
          ConditionReasons.insufficientScheduledPods,
          `Insufficient scheduled pods. expected at least: ${min}, found: ${scheduled}`,
          Math.max(created - 10, 0),
          gen,
        ),
    ];
    const labels = groveLabels(def.name, {
      [LabelKeys.component]: inst.group
        ? ComponentValues.pcsgPodClique
        : ComponentValues.pcsPodClique,
      [LabelKeys.pcsReplicaIndex]: String(inst.replica),
      [LabelKeys.podTemplateHash]: currentHash,
      [LabelKeys.scalingGroup]: inst.groupFullName,
      [LabelKeys.scalingGroupReplicaIndex]: inst.groupReplica !== undefined
        ? String(inst.groupReplica)
        : undefined,
      [LabelKeys.podGang]: inst.gang,
    });
    const owner = inst.group
      ? {
        apiVersion: "grove.io/v1alpha1",
        kind: "PodCliqueScalingGroup",
        name: inst.groupFullName!,
      }
      : { apiVersion: "grove.io/v1alpha1", kind: "PodCliqueSet", name: def.name };
    b.add<PodClique>({
      apiVersion: "grove.io/v1alpha1",
      kind: "PodClique",
      metadata: b.meta("PodClique", inst.fullName, ns, created, {
        generation: 1,
        labels,
        finalizers: ["grove.io/podclique.grove.io"],
        ownerReferences: [{
          ...owner,
          uid: uidFor(`${owner.kind}/${ns}/${owner.name}`),
          controller: true,
          blockOwnerDeletion: true,
        }],
      }),
      spec: {
        roleName: c.role ?? c.name,
        replicas: c.replicas,
        ...(c.minAvailable !== undefined
          ? { minAvailable: c.minAvailable }
          : { minAvailable: c.replicas }),
        ...(c.startsAfter
          ? { startsAfter: c.startsAfter.map((s) => cliqueName(def.name, inst.replica, s)) }
          : {}),
        podSpec: podSpecTemplate(def, c, cp?.image) as never,
      },
      status: {
        observedGeneration: 1,
        replicas: inst.pods.length,
        readyReplicas: ready,
        updatedReplicas: updated,
        scheduleGatedReplicas: gated,
        scheduledReplicas: scheduled,
        hpaPodSelector: `${LabelKeys.podClique}=${inst.fullName}`,
        currentPodTemplateHash: currentHash,
        currentPodCliqueSetGenerationHash: genHash,
        conditions,
        ...(cp?.updateProgress ? { updateProgress: cp.updateProgress as never } : {}),
        ...(cp?.statusExtra ?? {}),
      },
    });
  }

  // --- scaling groups ---
  const pcsgBreached = new Map<string, boolean>();
  for (let r = 0; r < def.replicas; r++) {
    for (const g of groups) {
      const full = scalingGroupName(def.name, r, g.name);
      const members = instances.filter((i) => i.groupFullName === full);
      let available = 0;
      let scheduledReplicas = 0;
      for (let j = 0; j < g.replicas; j++) {
        const m = members.filter((i) => i.groupReplica === j);
        if (m.every((i) => !cliqueBreached.get(i.fullName))) available++;
        if (
          m.every((i) =>
            i.pods.filter((p) => p.spec.nodeName).length >= (i.def.minAvailable ?? i.def.replicas)
          )
        ) {
          scheduledReplicas++;
        }
      }
      const min = g.minAvailable ?? 1;
      const breached = available < min;
      pcsgBreached.set(full, breached);
      const breachAgo = Math.min(
        ...members.filter((i) => cliqueBreached.get(i.fullName)).map((i) =>
          plan.cliques?.[i.fullName]?.breachedAgo ?? 600
        ),
        600,
      );
      b.add<PodCliqueScalingGroup>({
        apiVersion: "grove.io/v1alpha1",
        kind: "PodCliqueScalingGroup",
        metadata: b.meta("PodCliqueScalingGroup", full, ns, def.createdAgo - 1, {
          generation: 1,
          labels: groveLabels(def.name, {
            [LabelKeys.component]: ComponentValues.scalingGroup,
            [LabelKeys.pcsReplicaIndex]: String(r),
          }),
          finalizers: ["grove.io/podcliquescalinggroup.grove.io"],
          ownerReferences: [{
            apiVersion: "grove.io/v1alpha1",
            kind: "PodCliqueSet",
            name: def.name,
            uid: pcsUid,
            controller: true,
            blockOwnerDeletion: true,
          }],
        }),
        spec: { replicas: g.replicas, minAvailable: min, cliqueNames: g.cliqueNames },
        status: {
          observedGeneration: 1,
          replicas: g.replicas,
          scheduledReplicas,
          availableReplicas: available,
          updatedReplicas: g.replicas,
          selector:
            `${LabelKeys.managedBy}=${MANAGED_BY_GROVE},${LabelKeys.partOf}=${def.name},${LabelKeys.scalingGroup}=${full}`,
          currentPodCliqueSetGenerationHash: genHash,
          conditions: [
            breached
              ? condition(
                b,
                ConditionTypes.minAvailableBreached,
                "True",
                ConditionReasons.insufficientAvailablePCSGReplicas,
                `Insufficient PodCliqueScalingGroup ready replicas, expected at least: ${min}, found: ${available}`,
                breachAgo,
              )
              : condition(
                b,
                ConditionTypes.minAvailableBreached,
                "False",
                ConditionReasons.sufficientAvailablePCSGReplicas,
                `Sufficient PodCliqueScalingGroup ready replicas, expected at least: ${min}, found: ${available}`,
                Math.max(def.createdAgo - 300, 0),
              ),
          ],
        },
      });
    }
  }

  // --- gangs ---
  const gangNames: string[] = [];
  const gangStatuses: { name: string; phase: PodGangPhase }[] = [];
  for (let r = 0; r < def.replicas; r++) {
    const base = baseGangName(def.name, r);
    const gangList: { name: string; group?: GroupDef; k?: number }[] = [{ name: base }];
    for (const g of groups) {
      const min = g.minAvailable ?? 1;
      for (let j = min; j < g.replicas; j++) {
        gangList.push({ name: scaledGangName(def.name, r, g.name, j - min), group: g, k: j - min });
      }
    }
    for (const gg of gangList) {
      const members = instances.filter((i) => i.gang === gg.name);
      const pods = members.flatMap((i) => i.pods);
      const gp = plan.gangs?.[gg.name] ?? {};
      const allScheduled = pods.every((p) => p.spec.nodeName);
      const noneScheduled = pods.every((p) => !p.spec.nodeName);
      const allRunning = pods.every((p) => p.status?.phase === "Running");
      const phase: PodGangPhase = gp.phase ??
        (noneScheduled ? "Pending" : allScheduled && allRunning ? "Running" : "Starting");
      const groupConfigs = [];
      if (def.topologyName) {
        for (const g of groups) {
          if (!g.pack) continue;
          const replicas = [
            ...new Set(members.filter((i) => i.group === g).map((i) => i.groupReplica!)),
          ];
          for (const j of replicas) {
            groupConfigs.push({
              name: `${scalingGroupName(def.name, r, g.name)}-${j}`,
              podGroupNames: members.filter((i) => i.group === g && i.groupReplica === j).map((i) =>
                i.fullName
              ),
              topologyConstraint: {
                packConstraint: {
                  ...(g.pack.required ? { required: topologyKeyOf(g.pack.required) } : {}),
                  ...(g.pack.preferred ? { preferred: topologyKeyOf(g.pack.preferred) } : {}),
                },
              },
            });
          }
        }
      }
      const labels = groveLabels(def.name, {
        [LabelKeys.component]: ComponentValues.podGang,
        [LabelKeys.pcsReplicaIndex]: String(r),
        [LabelKeys.scalingGroup]: gg.group
          ? scalingGroupName(def.name, r, gg.group.name)
          : undefined,
        [LabelKeys.basePodGang]: gg.group ? base : undefined,
      });
      const oldestPod = Math.max(
        0,
        ...pods.map((p) => (b.base - Date.parse(p.metadata.creationTimestamp!)) / 1000),
      );
      b.add<PodGang>({
        apiVersion: "scheduler.grove.io/v1alpha1",
        kind: "PodGang",
        metadata: b.meta("PodGang", gg.name, ns, Math.min(def.createdAgo - 3, oldestPod + 1), {
          generation: 1,
          labels,
          ...(def.topologyName
            ? { annotations: { [AnnotationKeys.topologyName]: def.topologyName } }
            : {}),
          ownerReferences: [{
            apiVersion: "grove.io/v1alpha1",
            kind: "PodCliqueSet",
            name: def.name,
            uid: pcsUid,
            controller: true,
            blockOwnerDeletion: true,
          }],
        }),
        spec: {
          podgroups: members.map((i) => ({
            name: i.fullName,
            podReferences: i.pods
              .map((p) => ({ namespace: ns, name: p.metadata.name }))
              .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0)),
            minReplicas: i.def.minAvailable ?? i.def.replicas,
          })),
          ...(def.topologyName && def.pack
            ? {
              topologyConstraint: {
                packConstraint: {
                  ...(def.pack.required ? { required: topologyKeyOf(def.pack.required) } : {}),
                  ...(def.pack.preferred ? { preferred: topologyKeyOf(def.pack.preferred) } : {}),
                },
              },
            }
            : {}),
          ...(groupConfigs.length ? { topologyConstraintGroupConfigs: groupConfigs } : {}),
          ...(def.priorityClassName ? { priorityClassName: def.priorityClassName } : {}),
        },
        status: {
          phase,
          ...(gp.placementScore !== undefined ? { placementScore: gp.placementScore } : {}),
          ...(gp.conditions ? { conditions: gp.conditions } : {}),
        },
      });
      gangNames.push(gg.name);
      gangStatuses.push({ name: gg.name, phase });
    }
  }

  // --- PCS ---
  let available = 0;
  for (let r = 0; r < def.replicas; r++) {
    const standaloneOk = instances
      .filter((i) => i.replica === r && !i.group)
      .every((i) => !cliqueBreached.get(i.fullName));
    const groupsOk = groups.every((g) => !pcsgBreached.get(scalingGroupName(def.name, r, g.name)));
    if (standaloneOk && groupsOk) available++;
  }
  const pcsStatus: Record<string, unknown> = {
    observedGeneration: gen,
    replicas: def.replicas,
    updatedReplicas: def.replicas,
    availableReplicas: available,
    hpaPodSelector: `${LabelKeys.managedBy}=${MANAGED_BY_GROVE},${LabelKeys.partOf}=${def.name}`,
    podGangStatuses: gangStatuses,
    currentGenerationHash: genHash,
    ...(plan.pcsStatus ?? {}),
  };
  b.add<PodCliqueSet>({
    apiVersion: "grove.io/v1alpha1",
    kind: "PodCliqueSet",
    metadata: b.meta("PodCliqueSet", def.name, ns, def.createdAgo, {
      generation: gen,
      ...(def.labels ? { labels: def.labels } : {}),
      finalizers: ["grove.io/podcliqueset.grove.io"],
    }),
    spec: {
      replicas: def.replicas,
      updateStrategy: { type: def.updateStrategy ?? "RollingRecreate" },
      template: template as never,
    },
    status: pcsStatus as never,
  });
  return { pods: allPods, gangs: gangNames };
}

/** Node label keys of the topology domains used by the scenarios. */
export const DOMAIN_KEYS: Record<string, string> = {
  region: "topology.kubernetes.io/region",
  zone: "topology.kubernetes.io/zone",
  rack: "topology.kubernetes.io/rack",
  host: "kubernetes.io/hostname",
};

/** The zone -> rack -> host levels. */
export const ZONE_RACK_HOST: TopologyLevel[] = [
  { domain: "zone", key: DOMAIN_KEYS.zone },
  { domain: "rack", key: DOMAIN_KEYS.rack },
  { domain: "host", key: DOMAIN_KEYS.host },
];

/** Standard kube-scheduler message for pods no node can host. */
export function unschedulableMessage(
  total: number,
  parts: { count: number; reason: string }[],
): string {
  const inner = parts.map((p) => `${p.count} ${p.reason}`).join(", ");
  return `0/${total} nodes are available: ${inner}. preemption: 0/${total} nodes are available: ${total} Preemption is not helpful for scheduling.`;
}
