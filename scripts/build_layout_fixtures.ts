/**
 * Writes the layout scenarios of issue 26 (`fixtures/<name>/`) with the
 * scenario builder's exports: Grove layouts and API features our first
 * scenarios do not have. Deterministic; the committed output is what the
 * tests read.
 *
 * - `sg-prefill-decode`: one scaling group `workers` holding a prefill and a
 *   decode clique (scaled together), one group replica pending/crash-looping.
 * - `mn-disagg`: Grove's `multinode-disaggregated-with-frontend` sample
 *   (frontend; prefill group pleader+pworker x2; decode group dleader+dworker).
 * - `dra`: GPUs allocated through DRA (`resource.k8s.io/v1` ResourceClaims
 *   and ResourceSlices), no `nvidia.com/gpu` extended resource on the nodes;
 *   a ClusterTopologyBinding with `schedulerTopologyBindings` that drifted.
 * - `coherent`: a set on the `Coherent` update strategy (GREP-393) mid-update.
 * - `operator-revisions`: a set whose operator wrote its own
 *   ControllerRevisions and `status.currentRevision`.
 *
 * Usage: `deno run --allow-read --allow-write scripts/build_layout_fixtures.ts [name...]`
 *
 * @module
 */

import type { KubeObject } from "../lib/kube/types.ts";
import type { BuiltScenario, PodPlan, PodSlot } from "../lib/sim/scenarios/types.ts";
import { ScenarioBuilder } from "../lib/sim/scenarios/builder.ts";
import { suffixFor, uidFor } from "../lib/sim/scenarios/ids.ts";
import { ZONE_RACK_HOST } from "../lib/sim/scenarios/topology.ts";
import { addNodes, MODEL, NS, RECORDED_AT } from "../lib/sim/scenarios/common.ts";
import { writeFixtureIndex, writeScenario } from "./build_fixtures.ts";

const key = (s: PodSlot) =>
  s.group !== undefined ? `${s.clique}/${s.groupReplica}/${s.index}` : `${s.clique}/${s.index}`;

function racks(n: number, perRack: number) {
  const out = [];
  for (let r = 0; r < n; r++) {
    const rack = `rack-${String.fromCharCode(97 + r)}1`;
    out.push({
      zone: "us-east-1a",
      rack,
      nodes: Array.from(
        { length: perRack },
        (_, i) => `gpu-${rack.slice(5)}-${String(i + 1).padStart(2, "0")}`,
      ),
    });
  }
  return out;
}

/** A scaling group `workers` holding prefill and decode together. */
export function buildSgPrefillDecode(): BuiltScenario {
  const b = new ScenarioBuilder(RECORDED_AT);
  b.namespaces(["default", "kube-system", "grove-system", NS]);
  addNodes(b, racks(2, 4), [{ name: "cpu-a-01", zone: "us-east-1a", rack: "rack-a1" }]);
  b.topologyBinding("grove-topology", ZONE_RACK_HOST);
  const age = 3 * 3600;
  const place: Record<string, string> = {
    "frontend/0": "cpu-a-01",
    "prefill/0/0": "gpu-a1-01",
    "decode/0/0": "gpu-a1-01",
    "prefill/1/0": "gpu-a1-02",
    "decode/1/0": "gpu-a1-02",
    "decode/2/0": "gpu-b1-01",
  };
  b.pcs(
    {
      name: "pd-pair",
      namespace: NS,
      replicas: 1,
      createdAgo: age,
      topologyName: "grove-topology",
      pack: { preferred: "rack" },
      schedulerName: "kai-scheduler",
      cliques: [
        {
          name: "frontend",
          role: "frontend",
          replicas: 1,
          gpus: 0,
          cpu: 8,
          memory: "32Gi",
          engine: "dynamo-frontend",
          model: MODEL,
        },
        {
          name: "prefill",
          role: "prefill",
          replicas: 1,
          gpus: 4,
          cpu: 48,
          memory: "512Gi",
          engine: "vllm",
          model: MODEL,
          args: ["--is-prefill-worker"],
        },
        {
          name: "decode",
          role: "decode",
          replicas: 1,
          gpus: 4,
          cpu: 48,
          memory: "512Gi",
          engine: "vllm",
          model: MODEL,
        },
      ],
      groups: [{
        name: "workers",
        cliqueNames: ["prefill", "decode"],
        replicas: 3,
        minAvailable: 1,
        pack: { required: "host" },
      }],
    },
    {
      pod: (s): PodPlan => {
        if (s.group && s.groupReplica === 2 && s.clique === "prefill") {
          return { state: "pending", stateSince: 25 * 60, createdAgo: 25 * 60 };
        }
        if (s.group && s.groupReplica === 2 && s.clique === "decode") {
          return {
            node: place[key(s)],
            state: "crashloop",
            restarts: 6,
            createdAgo: 25 * 60,
            stateSince: 90,
          };
        }
        return { node: place[key(s)], createdAgo: age - 5, readyAgo: age - 400 };
      },
      gangs: {
        "pd-pair-0": { phase: "Running", placementScore: 0.91 },
        "pd-pair-0-workers-0": { phase: "Running", placementScore: 0.84 },
        "pd-pair-0-workers-1": { phase: "Pending" },
      },
    },
  );
  const pending = b.objects.find((o) =>
    o.kind === "Pod" && o.metadata.name.startsWith("pd-pair-0-workers-2-prefill")
  )!;
  const crash = b.objects.find((o) =>
    o.kind === "Pod" && o.metadata.name.startsWith("pd-pair-0-workers-2-decode")
  )!;
  b.event({
    namespace: NS,
    involved: { kind: "Pod", name: pending.metadata.name },
    type: "Warning",
    reason: "FailedScheduling",
    message:
      "0/9 nodes are available: 1 node(s) had untolerated taint, 8 Insufficient nvidia.com/gpu.",
    firstAgo: 25 * 60,
    lastAgo: 60,
    count: 12,
    component: "kai-scheduler",
  });
  b.event({
    namespace: NS,
    involved: { kind: "Pod", name: crash.metadata.name, fieldPath: "spec.containers{vllm}" },
    type: "Warning",
    reason: "BackOff",
    message: "Back-off restarting failed container vllm in pod " + crash.metadata.name,
    firstAgo: 20 * 60,
    lastAgo: 90,
    count: 21,
    component: "kubelet",
    host: "gpu-b1-01",
  });
  b.event({
    namespace: NS,
    involved: { kind: "Pod", name: crash.metadata.name, fieldPath: "spec.containers{vllm}" },
    type: "Normal",
    reason: "Pulled",
    message: "Container image already present on machine",
    firstAgo: 20 * 60,
    lastAgo: 90,
    count: 7,
    component: "kubelet",
    host: "gpu-b1-01",
  });
  return b.build({
    description:
      "A scaling group `workers` holding a prefill and a decode clique (scaled together, 3 replicas): replica 2's prefill pod Pending (no GPUs), its decode pod crash-looping; a Dynamo frontend.",
    namespace: NS,
    groveInstalled: true,
  });
}

/** Grove's `multinode-disaggregated-with-frontend` sample, with engines. */
export function buildMnDisagg(): BuiltScenario {
  const b = new ScenarioBuilder(RECORDED_AT);
  b.namespaces(["default", "kube-system", "grove-system"]);
  addNodes(b, racks(3, 4), [{ name: "cpu-a-01", zone: "us-east-1a", rack: "rack-a1" }]);
  b.topologyBinding("grove-topology", ZONE_RACK_HOST);
  const age = 86400;
  const gpuNodes = racks(3, 4).flatMap((r) => r.nodes);
  let next = 0;
  const placed = new Map<string, string>();
  const node = (s: PodSlot) => {
    if (!s.gpus) return "cpu-a-01";
    const k = `${s.clique}/${s.groupReplica}/${s.index}`;
    if (!placed.has(k)) placed.set(k, gpuNodes[next++]);
    return placed.get(k)!;
  };
  const vllm = (name: string, replicas: number, leader: boolean) => ({
    name,
    role: name,
    replicas,
    gpus: 8,
    cpu: 96,
    memory: "1024Gi",
    engine: leader ? "vllm" as const : "vllm-follower" as const,
    model: MODEL,
    args: ["--nnodes", String(replicas + 1)],
  });
  b.pcs(
    {
      name: "mn-disagg",
      namespace: "default",
      replicas: 1,
      createdAgo: age,
      cliques: [
        {
          name: "frontend",
          replicas: 2,
          gpus: 0,
          cpu: 1,
          memory: "2Gi",
          engine: "dynamo-frontend",
          model: MODEL,
        },
        vllm("pleader", 1, true),
        vllm("pworker", 3, false),
        vllm("dleader", 1, true),
        vllm("dworker", 2, false),
      ],
      groups: [
        { name: "prefill", cliqueNames: ["pleader", "pworker"], replicas: 2 },
        { name: "decode", cliqueNames: ["dleader", "dworker"], replicas: 1 },
      ],
    },
    {
      pod: (s): PodPlan => ({ node: node(s), createdAgo: age - 5, readyAgo: age - 600 }),
      gangs: {
        "mn-disagg-0": { phase: "Running", placementScore: 0.72 },
        "mn-disagg-0-prefill-0": { phase: "Running", placementScore: 0.88 },
      },
    },
  );
  return b.build({
    description:
      "Grove's multinode-disaggregated-with-frontend sample (operator/samples/user-guide/02_pod-and-resource-naming-conventions): frontend x2, scaling group prefill (pleader + 3 pworker) x2, scaling group decode (dleader + 2 dworker) x1, vLLM leaders serving metrics.",
    namespace: "default",
    groveInstalled: true,
  });
}

const GPU = "nvidia.com/gpu";
const DRIVER = "gpu.nvidia.com";

/** Removes the extended GPU resource from every container of a pod spec; returns the count removed. */
function stripGpus(spec: Record<string, unknown> | undefined): number {
  let n = 0;
  for (
    const c of (spec?.containers ?? []) as Record<string, Record<string, Record<string, string>>>[]
  ) {
    for (const k of ["requests", "limits"]) {
      const r = c.resources?.[k];
      if (r && r[GPU]) {
        if (k === "limits") n = Math.max(n, Number(r[GPU]));
        delete r[GPU];
      }
    }
  }
  return n;
}

/** GPUs allocated through DRA: claims, slices, no extended resource. */
export function buildDra(): BuiltScenario {
  const b = new ScenarioBuilder(RECORDED_AT);
  b.namespaces(["default", "kube-system", "grove-system", NS, "ml-batch"]);
  const rk = racks(2, 2);
  addNodes(b, rk, [{ name: "cpu-a-01", zone: "us-east-1a", rack: "rack-a1" }]);
  b.topologyBinding("grove-topology", ZONE_RACK_HOST);
  const age = 6 * 3600;
  const place: Record<string, string> = {
    "worker/0": "gpu-a1-01",
    "worker/1": "gpu-a1-01",
    "worker/2": "gpu-a1-02",
  };
  b.pcs(
    {
      name: "dra-agg",
      namespace: NS,
      replicas: 1,
      createdAgo: age,
      topologyName: "grove-topology",
      pack: { required: "rack" },
      schedulerName: "kai-scheduler",
      cliques: [{
        name: "worker",
        role: "worker",
        replicas: 3,
        gpus: 4,
        cpu: 48,
        memory: "512Gi",
        engine: "sglang",
        model: MODEL,
      }],
    },
    {
      pod: (s): PodPlan => ({ node: place[key(s)], createdAgo: age - 5, readyAgo: age - 300 }),
      gangs: { "dra-agg-0": { phase: "Running", placementScore: 0.93 } },
    },
  );
  b.otherPod({
    name: `trainer-${suffixFor("trainer")}`,
    namespace: "ml-batch",
    node: "gpu-b1-01",
    gpus: 6,
    app: "trainer",
    owner: { apiVersion: "batch/v1", kind: "Job", name: "trainer" },
    createdAgo: 2 * 3600,
  });
  const objs = b.objects;
  const extra: KubeObject[] = [];
  const used = new Map<string, number>();
  // Nodes: no extended resource; the DRA driver publishes the GPUs in slices.
  for (const n of objs.filter((o) => o.kind === "Node")) {
    const st = (n as unknown as { status: Record<string, Record<string, string>> }).status;
    const gpus = Number(st.capacity?.[GPU] ?? 0);
    delete st.capacity?.[GPU];
    delete st.allocatable?.[GPU];
    if (!gpus) continue;
    extra.push({
      apiVersion: "resource.k8s.io/v1",
      kind: "ResourceSlice",
      metadata: {
        name: `${n.metadata.name}-${DRIVER}-${suffixFor(n.metadata.name)}`,
        uid: uidFor(`ResourceSlice/${n.metadata.name}`),
        resourceVersion: b.nextRv(),
        creationTimestamp: b.t(30 * 86400),
      },
      spec: {
        driver: DRIVER,
        nodeName: n.metadata.name,
        pool: { name: n.metadata.name, generation: 1, resourceSliceCount: 1 },
        devices: Array.from({ length: gpus }, (_, i) => ({
          name: `gpu-${i}`,
          attributes: {
            productName: { string: "NVIDIA H200" },
            index: { int: i },
          },
          capacity: { memory: { value: "141Gi" } },
        })),
      },
    } as KubeObject);
  }
  // PCS template: a claim template per GPU clique instead of the extended resource.
  const pcs = objs.find((o) => o.kind === "PodCliqueSet")!;
  const tpl = (pcs as unknown as { spec: { template: Record<string, unknown> } }).spec.template;
  for (const c of tpl.cliques as { name: string; spec: { podSpec: Record<string, unknown> } }[]) {
    const n = stripGpus(c.spec.podSpec);
    if (!n) continue;
    c.spec.podSpec.resourceClaims = [{
      name: "gpus",
      resourceClaimTemplateName: `${c.name}-gpus`,
    }];
    for (const ct of (c.spec.podSpec.containers ?? []) as Record<string, unknown>[]) {
      (ct.resources as Record<string, unknown>).claims = [{ name: "gpus" }];
    }
  }
  tpl.resourceClaimTemplates = [{
    name: "worker-gpus",
    templateSpec: {
      spec: {
        devices: {
          requests: [{
            name: "gpus",
            exactly: { deviceClassName: DRIVER, allocationMode: "ExactCount", count: 4 },
          }],
        },
      },
    },
  }];
  for (const q of objs.filter((o) => o.kind === "PodClique")) {
    const spec = (q as unknown as { spec: { podSpec: Record<string, unknown> } }).spec;
    if (stripGpus(spec.podSpec)) {
      spec.podSpec.resourceClaims = [{ name: "gpus", resourceClaimTemplateName: "worker-gpus" }];
    }
  }
  // Pods: a generated claim each, allocated on the pod's node.
  for (const p of objs.filter((o) => o.kind === "Pod")) {
    const pod = p as unknown as {
      metadata: { name: string; namespace: string; uid: string };
      spec: Record<string, unknown> & { nodeName?: string };
      status: Record<string, unknown>;
    };
    const n = stripGpus(pod.spec);
    if (!n) continue;
    const node = pod.spec.nodeName!;
    const claim = `${pod.metadata.name}-gpus-${suffixFor(pod.metadata.name + "/claim")}`;
    pod.spec.resourceClaims = [{ name: "gpus", resourceClaimTemplateName: "worker-gpus" }];
    pod.status.resourceClaimStatuses = [{ name: "gpus", resourceClaimName: claim }];
    const first = used.get(node) ?? 0;
    used.set(node, first + n);
    extra.push({
      apiVersion: "resource.k8s.io/v1",
      kind: "ResourceClaim",
      metadata: {
        name: claim,
        namespace: pod.metadata.namespace,
        uid: uidFor(`ResourceClaim/${pod.metadata.namespace}/${claim}`),
        resourceVersion: b.nextRv(),
        creationTimestamp: b.t(age),
        ownerReferences: [{
          apiVersion: "v1",
          kind: "Pod",
          name: pod.metadata.name,
          uid: pod.metadata.uid,
          controller: true,
        }],
      },
      spec: {
        devices: {
          requests: [{
            name: "gpus",
            exactly: { deviceClassName: DRIVER, allocationMode: "ExactCount", count: n },
          }],
        },
      },
      status: {
        allocation: {
          devices: {
            results: Array.from({ length: n }, (_, i) => ({
              request: "gpus",
              driver: DRIVER,
              pool: node,
              device: `gpu-${first + i}`,
            })),
          },
          nodeSelector: {
            nodeSelectorTerms: [{
              matchFields: [{ key: "metadata.name", operator: "In", values: [node] }],
            }],
          },
        },
        reservedFor: [{ resource: "pods", name: pod.metadata.name, uid: pod.metadata.uid }],
      },
    } as KubeObject);
  }
  // The topology binding: a scheduler binding whose backend topology drifted.
  const ctb = objs.find((o) => o.kind === "ClusterTopologyBinding")! as unknown as {
    spec: Record<string, unknown>;
    status?: Record<string, unknown>;
    metadata: { generation?: number };
  };
  ctb.spec.schedulerTopologyBindings = [{
    schedulerName: "kai-scheduler",
    topologyReference: "grove-topology",
  }];
  ctb.status = {
    observedGeneration: ctb.metadata.generation ?? 1,
    conditions: [{
      type: "SchedulerTopologyDrift",
      status: "True",
      reason: "TopologyLevelsMismatch",
      message:
        "kai-scheduler topology grove-topology has levels zone, host; the binding has zone, rack, host",
      lastTransitionTime: b.t(40 * 60),
      observedGeneration: ctb.metadata.generation ?? 1,
    }],
    schedulerTopologyStatuses: [{
      schedulerName: "kai-scheduler",
      topologyReference: "grove-topology",
      inSync: false,
      message: "levels differ: rack missing in the scheduler's topology",
    }],
  };
  objs.push(...extra);
  return b.build({
    description:
      "GPUs allocated through DRA (resource.k8s.io/v1 ResourceClaims from the PCS resourceClaimTemplates, ResourceSlices from driver gpu.nvidia.com, 8 devices per node), no nvidia.com/gpu on the nodes: PCS dra-agg (SGLang, 3 pods x 4 GPUs) and a 6-GPU ml-batch trainer; the ClusterTopologyBinding binds kai-scheduler's topology, which drifted (SchedulerTopologyDrift=True).",
    namespace: NS,
    groveInstalled: true,
  });
}

/** A Coherent-strategy set (GREP-393) in the middle of an update. */
export function buildCoherent(): BuiltScenario {
  const b = new ScenarioBuilder(RECORDED_AT);
  b.namespaces(["default", "kube-system", "grove-system", NS]);
  addNodes(b, racks(2, 4), [{ name: "cpu-a-01", zone: "us-east-1a", rack: "rack-a1" }]);
  b.topologyBinding("grove-topology", ZONE_RACK_HOST);
  const age = 4 * 86400;
  const oldHash = "5c7d9f8b6d";
  const place: Record<string, string> = {
    "frontend/0": "cpu-a-01",
    "prefill/0": "gpu-a1-01",
    "prefill/1": "gpu-a1-01",
    "dleader/0/0": "gpu-a1-02",
    "dworker/0/0": "gpu-a1-03",
    "dleader/1/0": "gpu-b1-01",
    "dworker/1/0": "gpu-b1-02",
  };
  const { gangs } = b.pcs(
    {
      name: "chat-coherent",
      namespace: NS,
      replicas: 1,
      createdAgo: age,
      generation: 3,
      topologyName: "grove-topology",
      pack: { preferred: "rack" },
      cliques: [
        {
          name: "frontend",
          role: "frontend",
          replicas: 1,
          gpus: 0,
          cpu: 8,
          memory: "32Gi",
          engine: "dynamo-frontend",
          model: MODEL,
        },
        {
          name: "prefill",
          role: "prefill",
          replicas: 2,
          minAvailable: 1,
          gpus: 4,
          cpu: 48,
          memory: "512Gi",
          engine: "vllm",
          model: MODEL,
          image: "nvcr.io/nvidia/ai-dynamo/vllm-runtime:0.7.0",
        },
        {
          name: "dleader",
          role: "decode-leader",
          replicas: 1,
          gpus: 8,
          cpu: 96,
          memory: "1024Gi",
          engine: "vllm",
          model: MODEL,
          image: "nvcr.io/nvidia/ai-dynamo/vllm-runtime:0.7.0",
        },
        {
          name: "dworker",
          role: "decode-worker",
          replicas: 1,
          gpus: 8,
          cpu: 96,
          memory: "1024Gi",
          engine: "vllm-follower",
          model: MODEL,
          image: "nvcr.io/nvidia/ai-dynamo/vllm-runtime:0.7.0",
        },
      ],
      groups: [{
        name: "decode",
        cliqueNames: ["dleader", "dworker"],
        replicas: 2,
        minAvailable: 1,
      }],
    },
    {
      pod: (s): PodPlan => {
        // The MVU (one prefill pod, decode group replica 0) is on the new
        // version; prefill-1 and decode replica 1 still run the old one.
        const old = (s.clique === "prefill" && s.index === 1) ||
          (s.group !== undefined && s.groupReplica === 1);
        return {
          node: place[key(s)],
          createdAgo: old ? age - 5 : 20 * 60,
          readyAgo: old ? age - 400 : 12 * 60,
          ...(old && s.clique !== "frontend"
            ? { templateHash: oldHash, image: "nvcr.io/nvidia/ai-dynamo/vllm-runtime:0.6.1" }
            : {}),
        };
      },
      gangs: {
        "chat-coherent-0": { phase: "Running", placementScore: 0.9 },
        "chat-coherent-0-decode-0": { phase: "Running", placementScore: 0.86 },
      },
      pcsStatus: {
        updatedReplicas: 0,
        updateProgress: {
          updateStartedAt: b.t(20 * 60),
          updatedPodCliquesCount: 2,
          totalPodCliquesCount: 5,
          updatedPodCliqueScalingGroupsCount: 0,
          totalPodCliqueScalingGroupsCount: 1,
          updatedStandalonePodCliques: ["prefill"],
          updatedPodCliqueScalingGroups: ["decode"],
          currentlyUpdating: [{
            replicaIndex: 0,
            updateStartedAt: b.t(20 * 60),
            inFlightPodGangs: ["chat-coherent-0-1764590400000000000"],
          }],
        },
      },
    },
  );
  void gangs;
  const pcs = b.objects.find((o) => o.kind === "PodCliqueSet")! as unknown as {
    spec: {
      updateStrategy: Record<string, unknown>;
      template: {
        cliques: Record<string, unknown>[];
        podCliqueScalingGroups: Record<string, unknown>[];
      };
    };
  };
  pcs.spec.updateStrategy = { type: "Coherent" };
  for (const c of pcs.spec.template.cliques) {
    if (c.name === "prefill") c.rollingUpdate = { maxUnavailable: 1 };
  }
  for (const g of pcs.spec.template.podCliqueScalingGroups) {
    g.rollingUpdate = { maxUnavailable: 1 };
  }
  return b.build({
    description:
      "PCS chat-coherent on the Coherent update strategy (GREP-393) mid-update from vllm-runtime 0.6.1 to 0.7.0: per-component rollingUpdate.maxUnavailable, updateProgress with updatedStandalonePodCliques/updatedPodCliqueScalingGroups and a replica with inFlightPodGangs; prefill-0 and decode group replica 0 updated.",
    namespace: NS,
    groveInstalled: true,
  });
}

/** A set whose operator writes ControllerRevisions and status.currentRevision. */
export function buildOperatorRevisions(): BuiltScenario {
  const b = new ScenarioBuilder(RECORDED_AT);
  b.namespaces(["default", "kube-system", "grove-system", NS]);
  addNodes(b, racks(1, 2), []);
  b.topologyBinding("grove-topology", ZONE_RACK_HOST);
  const age = 10 * 86400;
  b.pcs(
    {
      name: "rev-agg",
      namespace: NS,
      replicas: 1,
      createdAgo: age,
      generation: 3,
      cliques: [{
        name: "worker",
        role: "worker",
        replicas: 2,
        gpus: 4,
        cpu: 48,
        memory: "512Gi",
        engine: "sglang",
        model: MODEL,
        image: "nvcr.io/nvidia/ai-dynamo/sglang-runtime:0.6.1",
      }],
    },
    {
      pod: (s): PodPlan => ({
        node: s.index === 0 ? "gpu-a1-01" : "gpu-a1-02",
        createdAgo: 2 * 86400,
        readyAgo: 2 * 86400 - 300,
      }),
      gangs: { "rev-agg-0": { phase: "Running", placementScore: 0.97 } },
    },
  );
  const pcs = b.objects.find((o) => o.kind === "PodCliqueSet")! as unknown as KubeObject & {
    spec: { template: Record<string, unknown> };
    status: Record<string, unknown>;
  };
  const tpl = pcs.spec.template;
  const withImage = (image: string) => {
    const t = JSON.parse(JSON.stringify(tpl));
    for (const c of t.cliques) for (const ct of c.spec.podSpec.containers) ct.image = image;
    return t;
  };
  const images = [
    "nvcr.io/nvidia/ai-dynamo/sglang-runtime:0.5.0",
    "nvcr.io/nvidia/ai-dynamo/sglang-runtime:0.5.1",
    "nvcr.io/nvidia/ai-dynamo/sglang-runtime:0.6.1",
  ];
  const ages = [age, 6 * 86400, 2 * 86400];
  let current = "";
  images.forEach((image, i) => {
    const hash = `${suffixFor(`rev-agg/${image}`, 10)}`;
    const name = `rev-agg-${hash}`;
    current = name;
    b.objects.push({
      apiVersion: "apps/v1",
      kind: "ControllerRevision",
      metadata: {
        name,
        namespace: NS,
        uid: uidFor(`ControllerRevision/${NS}/${name}`),
        resourceVersion: b.nextRv(),
        creationTimestamp: b.t(ages[i]),
        labels: {
          "app.kubernetes.io/managed-by": "grove-operator",
          "app.kubernetes.io/part-of": "rev-agg",
          "controller.kubernetes.io/hash": hash,
        },
        ownerReferences: [{
          apiVersion: "grove.io/v1alpha1",
          kind: "PodCliqueSet",
          name: "rev-agg",
          uid: pcs.metadata.uid!,
          controller: true,
          blockOwnerDeletion: true,
        }],
      },
      revision: i + 1,
      data: { spec: { template: withImage(image) } },
    } as unknown as KubeObject);
  });
  pcs.status.currentRevision = current;
  pcs.status.updateRevision = current;
  return b.build({
    description:
      "PCS rev-agg whose Grove operator writes its own ControllerRevisions (owned by the PCS, managed-by grove-operator, revisions 1-3: sglang-runtime 0.5.0, 0.5.1, 0.6.1) and status.currentRevision; no kubectl-grove revisions.",
    namespace: NS,
    groveInstalled: true,
  });
}

/** The layout scenarios and their builders. */
export const LAYOUT_BUILDERS: Record<string, () => BuiltScenario> = {
  "sg-prefill-decode": buildSgPrefillDecode,
  "mn-disagg": buildMnDisagg,
  "dra": buildDra,
  "coherent": buildCoherent,
  "operator-revisions": buildOperatorRevisions,
};

if (import.meta.main) {
  const names = Deno.args.length ? Deno.args : Object.keys(LAYOUT_BUILDERS);
  for (const name of names) {
    const build = LAYOUT_BUILDERS[name];
    if (!build) throw new Error(`unknown layout scenario "${name}"`);
    const n = await writeScenario(name, build());
    console.log(`${name}: ${n} objects`);
  }
  console.log(`fixtures/index.json: ${await writeFixtureIndex()} scenarios`);
}
