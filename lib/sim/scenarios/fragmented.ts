/**
 * The `fragmented` scenario: PodCliqueSet `llama-disagg` in trouble. Its base
 * gang is split across two racks (placement score 0.62), its `prefill` clique
 * is below minAvailable (one pod crash-looping, one Unschedulable) with the
 * termination countdown running (terminationDelay 1h, breached 40m ago), and
 * the scaled decode gang cannot be placed: 25 GPUs are free in the cluster
 * but at most 3 on any schedulable node, and the node with 8 free is cordoned;
 * gpu-b2-04 is NotReady (kubelet stopped posting status 29m ago).
 *
 * @module
 */

import type { BuiltScenario, PodPlan, PodSlot } from "./types.ts";
import { ScenarioBuilder } from "./builder.ts";
import { suffixFor } from "./ids.ts";
import { unschedulableMessage, ZONE_RACK_HOST } from "./topology.ts";
import {
  addNodes,
  addSystemPods,
  NS,
  reconcileLines,
  RECORDED_AT,
  startupLines,
} from "./common.ts";

const LLAMA = "meta-llama/Llama-3.3-70B-Instruct";

/** Free GPUs per GPU node after every pod is placed (the cordoned gpu-a2-04 stays empty). */
export const FRAGMENTED_FREE_GPUS: Record<string, number> = {
  "gpu-a1-01": 2,
  "gpu-a1-02": 0,
  "gpu-a1-03": 3,
  "gpu-a1-04": 1,
  "gpu-a2-01": 2,
  "gpu-a2-02": 0,
  "gpu-a2-03": 3,
  "gpu-a2-04": 8,
  "gpu-b1-01": 1,
  "gpu-b1-02": 2,
  "gpu-b1-03": 3,
  "gpu-b1-04": 0,
  "gpu-b2-01": 2,
  "gpu-b2-02": 1,
  "gpu-b2-03": 3,
  "gpu-b2-04": 2,
};

/** Builds the fragmented scenario. */
export function buildFragmented(): BuiltScenario {
  const b = new ScenarioBuilder(RECORDED_AT);
  b.namespaces(["default", "kube-system", "grove-system", NS, "ml-batch"]);
  const rack = (zone: string, r: string) => ({
    zone,
    rack: `rack-${r}`,
    nodes: [1, 2, 3, 4].map((i) => `gpu-${r}-0${i}`),
  });
  const racks = [
    rack("us-east-1a", "a1"),
    rack("us-east-1a", "a2"),
    rack("us-east-1b", "b1"),
    rack("us-east-1b", "b2"),
  ];
  const cpu = [
    { name: "cpu-a-01", zone: "us-east-1a", rack: "rack-a1" },
    { name: "cpu-b-01", zone: "us-east-1b", rack: "rack-b1" },
  ];
  addNodes(b, racks, cpu, { cordoned: ["gpu-a2-04"], notReady: ["gpu-b2-04"] });
  b.topologyBinding("grove-topology", ZONE_RACK_HOST);

  const age = 6 * 3600;
  const noFit = unschedulableMessage(18, [
    { count: 1, reason: "node(s) had untolerated taint {node.kubernetes.io/unreachable: }" },
    { count: 1, reason: "node(s) were unschedulable" },
    { count: 16, reason: "Insufficient nvidia.com/gpu" },
  ]);
  const key = (s: PodSlot) =>
    s.group !== undefined ? `${s.clique}/${s.groupReplica}/${s.index}` : `${s.clique}/${s.index}`;
  const plans: Record<string, PodPlan> = {
    "frontend/0": { node: "cpu-a-01" },
    "frontend/1": { node: "cpu-a-01" },
    "prefill/0": { node: "gpu-a2-01" },
    "prefill/1": { node: "gpu-a1-03", state: "crashloop", restarts: 7, stateSince: 45 },
    "prefill/2": {
      state: "pending",
      unschedulableMessage: noFit,
      createdAgo: 2400,
      stateSince: 2400,
    },
    "dleader/0/0": { node: "gpu-a1-02" },
    "dworker/0/0": { node: "gpu-a2-02" },
    "dleader/1/0": {
      state: "pending",
      unschedulableMessage: noFit,
      createdAgo: 1500,
      stateSince: 1500,
    },
    "dworker/1/0": {
      state: "pending",
      unschedulableMessage: noFit,
      createdAgo: 1500,
      stateSince: 1500,
    },
  };
  const { pods } = b.pcs(
    {
      name: "llama-disagg",
      namespace: NS,
      replicas: 1,
      createdAgo: age,
      terminationDelay: "1h",
      topologyName: "grove-topology",
      pack: { required: "zone", preferred: "rack" },
      schedulerName: "kai-scheduler",
      cliques: [
        {
          name: "frontend",
          role: "frontend",
          replicas: 2,
          minAvailable: 1,
          gpus: 0,
          cpu: 8,
          memory: "32Gi",
          engine: "dynamo-frontend",
          model: LLAMA,
        },
        {
          name: "prefill",
          role: "prefill",
          replicas: 3,
          minAvailable: 2,
          gpus: 4,
          cpu: 48,
          memory: "512Gi",
          engine: "vllm",
          model: LLAMA,
          args: ["--is-prefill-worker"],
        },
        {
          name: "dleader",
          role: "decode-leader",
          replicas: 1,
          gpus: 8,
          cpu: 96,
          memory: "1024Gi",
          engine: "vllm",
          model: LLAMA,
          args: ["--tensor-parallel-size", "16", "--nnodes", "2", "--node-rank", "0"],
        },
        {
          name: "dworker",
          role: "decode-worker",
          replicas: 1,
          gpus: 8,
          cpu: 96,
          memory: "1024Gi",
          engine: "vllm-follower",
          model: LLAMA,
          args: ["--nnodes", "2", "--node-rank", "1"],
        },
      ],
      groups: [{
        name: "decode",
        cliqueNames: ["dleader", "dworker"],
        replicas: 2,
        minAvailable: 1,
        pack: { preferred: "rack" },
      }],
    },
    {
      pod: (s) => ({ createdAgo: age - 5, readyAgo: age - 400, ...plans[key(s)] }),
      gangs: {
        "llama-disagg-0": { phase: "Running", placementScore: 0.62 },
        "llama-disagg-0-decode-0": { phase: "Pending" },
      },
      cliques: {
        "llama-disagg-0-prefill": { breachedAgo: 2400 },
        "llama-disagg-0-decode-1-dleader": { breachedAgo: 1500, createdAgo: 1502 },
        "llama-disagg-0-decode-1-dworker": { breachedAgo: 1500, createdAgo: 1502 },
      },
      pcsStatus: {
        lastErrors: [{
          code: "ERR_SYNC_PODGANG",
          description:
            "PodGang llama-disagg-0-decode-0 is not scheduled: waiting for 2 pods to be scheduled",
          observedAt: b.t(90),
        }],
      },
    },
  );

  // Fill nodes with other teams' pods so the free GPUs are scattered.
  let n = 0;
  for (const [node, free] of Object.entries(FRAGMENTED_FREE_GPUS)) {
    if (node === "gpu-a2-04") continue; // cordoned and drained
    let need = 8 - free - b.gpusUsed(node);
    for (const size of [4, 2, 1]) {
      while (need >= size) {
        b.otherPod({
          name: `batch-infer-${suffixFor(`bi/${node}/${n}`)}`,
          namespace: "ml-batch",
          node,
          gpus: size,
          app: "batch-infer",
          owner: { apiVersion: "batch/v1", kind: "Job", name: `batch-infer-${n}` },
          createdAgo: 3 * 3600 + n * 120,
        });
        need -= size;
        n++;
      }
    }
  }
  addSystemPods(b, racks.flatMap((r) => r.nodes), cpu.map((c) => c.name));

  const find = (prefix: string) => pods.find((p) => p.metadata.name.startsWith(prefix))!;
  const crash = pods.filter((p) => p.metadata.name.startsWith("llama-disagg-0-prefill-"))
    .find((p) => p.status?.containerStatuses?.[0]?.state?.waiting?.reason === "CrashLoopBackOff")!;
  const pending = pods.filter((p) => !p.spec.nodeName);
  const prefillPending = pending.find((p) =>
    p.metadata.name.startsWith("llama-disagg-0-prefill-")
  )!;

  // Events.
  b.event({
    namespace: NS,
    involved: { kind: "Pod", name: prefillPending.metadata.name },
    type: "Warning",
    reason: "FailedScheduling",
    message: noFit,
    firstAgo: 2400,
    lastAgo: 60,
    count: 14,
    component: "kai-scheduler",
  });
  for (const p of pending.filter((p) => p !== prefillPending)) {
    b.event({
      namespace: NS,
      involved: { kind: "Pod", name: p.metadata.name },
      type: "Warning",
      reason: "FailedScheduling",
      message: noFit,
      firstAgo: 1500,
      lastAgo: 90,
      count: 9,
      component: "kai-scheduler",
    });
  }
  b.event({
    namespace: NS,
    involved: { kind: "Pod", name: crash.metadata.name, fieldPath: "spec.containers{vllm}" },
    type: "Warning",
    reason: "BackOff",
    message:
      `Back-off restarting failed container vllm in pod ${crash.metadata.name}_${NS}(${crash.metadata.uid})`,
    firstAgo: 2300,
    lastAgo: 45,
    count: 31,
    component: "kubelet",
    host: "gpu-a1-03",
  });
  b.event({
    namespace: NS,
    involved: { kind: "Pod", name: crash.metadata.name, fieldPath: "spec.containers{vllm}" },
    type: "Normal",
    reason: "Pulled",
    message:
      'Container image "nvcr.io/nvidia/ai-dynamo/vllm-runtime:0.6.1" already present on machine',
    firstAgo: 2450,
    lastAgo: 140,
    count: 8,
    component: "kubelet",
    host: "gpu-a1-03",
  });
  b.event({
    namespace: NS,
    involved: {
      kind: "PodGang",
      name: "llama-disagg-0-decode-0",
      apiVersion: "scheduler.grove.io/v1alpha1",
    },
    type: "Warning",
    reason: "Unschedulable",
    message:
      "Unable to schedule podgang: 2 pods need 8 nvidia.com/gpu each; largest free block on a schedulable node is 3",
    firstAgo: 1500,
    lastAgo: 90,
    count: 9,
    component: "kai-scheduler",
  });
  b.event({
    namespace: "default",
    involved: { kind: "Node", name: "gpu-a2-04" },
    type: "Normal",
    reason: "NodeNotSchedulable",
    message: "Node gpu-a2-04 status is now: NodeNotSchedulable",
    firstAgo: 3 * 3600,
    lastAgo: 3 * 3600,
    count: 1,
    component: "kubelet",
    host: "gpu-a2-04",
  });

  // Logs of the crash-looping pod.
  const start = (ago: number) => [
    `INFO ${b.t(ago)} [__init__.py:216] Automatically detected platform cuda.`,
    `INFO ${b.t(ago - 2)} [api_server.py:1805] vLLM API server version 0.11.0`,
    `INFO ${b.t(ago - 40)} [gpu_model_runner.py:2007] Loading model weights took 33.9 GiB`,
  ];
  b.logs.set(`${NS}/${crash.metadata.name}/vllm`, start(40).join("\n") + "\n");
  b.logs.set(
    `${NS}/${crash.metadata.name}/vllm.previous`,
    [
      ...start(140),
      `INFO ${b.t(100)} [kv_cache_utils.py:1087] GPU KV cache size: 0 tokens`,
      `ERROR ${b.t(46)} [core.py:708] EngineCore failed to start.`,
      "Traceback (most recent call last):",
      '  File "/opt/vllm/vllm/v1/engine/core.py", line 699, in run_engine_core',
      "    engine_core = EngineCoreProc(*args, **kwargs)",
      '  File "/opt/vllm/vllm/v1/worker/gpu_worker.py", line 276, in determine_available_memory',
      "    raise ValueError(",
      "ValueError: No available memory for the cache blocks. Try increasing `gpu_memory_utilization` when initializing the engine.",
      "torch.OutOfMemoryError: CUDA out of memory. Tried to allocate 2.00 GiB. GPU 2 has a total capacity of 139.81 GiB of which 1.12 GiB is free.",
      `ERROR ${
        b.t(45)
      } [api_server.py:1900] Engine core initialization failed. See root cause above.`,
    ].join("\n") + "\n",
  );

  b.operator({
    node: "cpu-b-01",
    logLines: [
      ...startupLines(b, 4 * 86400),
      ...reconcileLines(b, "llama-disagg", age),
      b.opLog(2400, "info", "podclique-controller", "PodClique MinAvailable breached", {
        podclique: { name: "llama-disagg-0-prefill", namespace: NS },
        minAvailable: 2,
        readyReplicas: 1,
        terminationDelay: "1h0m0s",
      }),
      b.opLog(1500, "info", "podgang-component", "Created PodGang", {
        podgang: { name: "llama-disagg-0-decode-0", namespace: NS },
      }),
      b.opLog(90, "error", "podcliqueset-controller", "Reconciler error", {
        controller: "podcliqueset",
        podcliqueset: { name: "llama-disagg", namespace: NS },
        error:
          "ERR_SYNC_PODGANG: PodGang llama-disagg-0-decode-0 is not scheduled: waiting for 2 pods to be scheduled",
      }),
      b.opLog(30, "info", "podcliqueset-controller", "Gang termination pending", {
        podcliqueset: { name: "llama-disagg", namespace: NS },
        podclique: "llama-disagg-0-prefill",
        breachedSince: b.t(2400),
        terminationDelay: "1h0m0s",
        remaining: "20m0s",
      }),
    ],
  });
  void find;

  return b.build({
    description:
      "Fragmented cluster: PCS llama-disagg with its base gang split across racks (score 0.62), clique llama-disagg-0-prefill below minAvailable since 40m (terminationDelay 1h: 20m left), one crash-looping prefill pod, Unschedulable pods, and 25 free GPUs scattered so no 4- or 8-GPU pod fits; gpu-a2-04 is cordoned, gpu-b2-04 NotReady.",
    namespace: NS,
    groveInstalled: true,
  });
}
