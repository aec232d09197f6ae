/**
 * The scenario builder: realistic cluster objects for the fixture scenarios
 * (namespaces, nodes with GPU capacity and topology labels, pods with
 * conditions and container statuses, events, topology objects, the Grove
 * operator, whole PodCliqueSets through `pcs.ts`). Everything is a pure
 * function of its inputs: resourceVersions count up, timestamps are offsets
 * from `recordedAt`.
 *
 * @module
 */

import type { KubeObject } from "../../kube/types.ts";
import { GPU_RESOURCE } from "../../grove/labels.ts";
import type { Container, Node, Pod, TopologyLevel } from "../../grove/types.ts";
import { expandPcs } from "./pcs.ts";
import { fnv1a, hex8, suffixFor, uidFor } from "./ids.ts";
import type { BuiltScenario, NodeDef, PcsDef, PcsPlan, PodPlan } from "./types.ts";

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
