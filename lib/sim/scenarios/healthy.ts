/**
 * The `healthy` scenario: a disaggregated PodCliqueSet `qwen-disagg`
 * (Dynamo frontend, vLLM prefill workers, multi-node vLLM decode through the
 * `decode` scaling group) and a small SGLang PodCliqueSet `sglang-chat`, all
 * Running and Ready, well placed over a zone -> rack -> host topology, next to
 * other teams' GPU pods.
 *
 * @module
 */

import type { BuiltScenario, PodPlan, PodSlot } from "./types.ts";
import { ScenarioBuilder } from "./builder.ts";
import { suffixFor } from "./ids.ts";
import { ZONE_RACK_HOST } from "./topology.ts";
import {
  addNodes,
  addSystemPods,
  MODEL,
  NS,
  reconcileLines,
  RECORDED_AT,
  startupLines,
} from "./common.ts";

/** Builds the healthy scenario. */
export function buildHealthy(): BuiltScenario {
  const b = new ScenarioBuilder(RECORDED_AT);
  b.namespaces(["default", "kube-system", "grove-system", NS, "ml-batch"]);
  const racks = [
    {
      zone: "us-east-1a",
      rack: "rack-a1",
      nodes: ["gpu-a1-01", "gpu-a1-02", "gpu-a1-03", "gpu-a1-04"],
    },
    {
      zone: "us-east-1a",
      rack: "rack-a2",
      nodes: ["gpu-a2-01", "gpu-a2-02", "gpu-a2-03", "gpu-a2-04"],
    },
    {
      zone: "us-east-1b",
      rack: "rack-b1",
      nodes: ["gpu-b1-01", "gpu-b1-02", "gpu-b1-03", "gpu-b1-04"],
    },
  ];
  const cpu = [
    { name: "cpu-a-01", zone: "us-east-1a", rack: "rack-a1" },
    { name: "cpu-b-01", zone: "us-east-1b", rack: "rack-b1" },
  ];
  addNodes(b, racks, cpu);
  b.topologyBinding("grove-topology", ZONE_RACK_HOST);

  const age = 2 * 86400 + 3 * 3600; // 2d3h
  const placement: Record<string, string> = {
    "frontend/0": "cpu-a-01",
    "frontend/1": "cpu-a-01",
    "prefill/0": "gpu-a1-01",
    "prefill/1": "gpu-a1-01",
    "dleader/0/0": "gpu-a1-02",
    "dworker/0/0": "gpu-a1-03",
    "dleader/1/0": "gpu-a2-01",
    "dworker/1/0": "gpu-a2-02",
  };
  const key = (s: PodSlot) =>
    s.group !== undefined ? `${s.clique}/${s.groupReplica}/${s.index}` : `${s.clique}/${s.index}`;
  b.pcs(
    {
      name: "qwen-disagg",
      namespace: NS,
      replicas: 1,
      createdAgo: age,
      terminationDelay: "4h",
      topologyName: "grove-topology",
      pack: { required: "zone", preferred: "rack" },
      schedulerName: "kai-scheduler",
      labels: { "app.kubernetes.io/name": "qwen3-32b", "nvidia.com/dynamo-graph": "disagg" },
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
          model: MODEL,
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
          model: MODEL,
          args: ["--nnodes", "2", "--node-rank", "1"],
        },
      ],
      groups: [{
        name: "decode",
        cliqueNames: ["dleader", "dworker"],
        replicas: 2,
        minAvailable: 1,
        pack: { required: "rack", preferred: "host" },
      }],
    },
    {
      pod: (s): PodPlan => ({ node: placement[key(s)], createdAgo: age - 5, readyAgo: age - 420 }),
      gangs: {
        "qwen-disagg-0": { phase: "Running", placementScore: 0.95 },
        "qwen-disagg-0-decode-0": { phase: "Running", placementScore: 0.97 },
      },
    },
  );

  b.pcs(
    {
      name: "sglang-chat",
      namespace: NS,
      replicas: 1,
      createdAgo: 5 * 86400,
      topologyName: "grove-topology",
      pack: { preferred: "host" },
      schedulerName: "kai-scheduler",
      cliques: [{
        name: "worker",
        role: "worker",
        replicas: 1,
        gpus: 2,
        cpu: 24,
        memory: "256Gi",
        engine: "sglang",
        model: MODEL,
      }],
    },
    {
      pod: () => ({ node: "gpu-b1-01", createdAgo: 5 * 86400 - 5, readyAgo: 5 * 86400 - 300 }),
      gangs: { "sglang-chat-0": { phase: "Running", placementScore: 1 } },
    },
  );

  // Other teams' GPU pods.
  b.otherPod({
    name: `embedder-6b9f5d7c8-${suffixFor("embedder")}`,
    namespace: "default",
    node: "gpu-a1-04",
    gpus: 2,
    app: "embedder",
    owner: { apiVersion: "apps/v1", kind: "ReplicaSet", name: "embedder-6b9f5d7c8" },
    createdAgo: 9 * 86400,
  });
  for (const [i, n] of ["gpu-a2-03", "gpu-a2-04"].entries()) {
    b.otherPod({
      name: `llama-ft-worker-${i}`,
      namespace: "ml-batch",
      node: n,
      gpus: 8,
      app: "llama-ft",
      owner: { apiVersion: "batch/v1", kind: "Job", name: "llama-ft" },
      createdAgo: 7 * 3600,
    });
  }
  b.otherPod({
    name: `eval-harness-${suffixFor("eval")}`,
    namespace: "ml-batch",
    node: "gpu-b1-02",
    gpus: 4,
    app: "eval-harness",
    owner: { apiVersion: "batch/v1", kind: "Job", name: "eval-harness" },
    createdAgo: 40 * 60,
  });
  addSystemPods(b, racks.flatMap((r) => r.nodes), cpu.map((c) => c.name));

  // Operator with a restart 2 days ago.
  const prev = [
    ...startupLines(b, 9 * 86400),
    ...reconcileLines(b, "sglang-chat", 5 * 86400),
    b.opLog(2 * 86400 + 3 * 3600 + 30, "error", "podclique-controller", "Reconciler error", {
      controller: "podclique",
      error: "failed to list pods: context deadline exceeded",
      podclique: { name: "sglang-chat-0-worker", namespace: NS },
    }),
  ];
  b.operator({
    node: "cpu-b-01",
    previousLogLines: prev,
    logLines: [
      ...startupLines(b, 2 * 86400 + 3 * 3600 + 10),
      ...reconcileLines(b, "qwen-disagg", age),
      b.opLog(age - 1, "info", "podgang-component", "Created PodGang", {
        podgang: { name: "qwen-disagg-0", namespace: NS },
      }),
      b.opLog(age - 1.2, "info", "podgang-component", "Created PodGang", {
        podgang: { name: "qwen-disagg-0-decode-0", namespace: NS },
      }),
      ...reconcileLines(b, "qwen-disagg", 600),
      ...reconcileLines(b, "sglang-chat", 300),
      ...reconcileLines(b, "qwen-disagg", 30),
    ],
  });

  const prefill = b.objects.find((o) =>
    o.kind === "Pod" && o.metadata.name.startsWith("qwen-disagg-0-prefill-")
  );
  if (prefill) {
    b.logs.set(
      `${NS}/${prefill.metadata.name}/vllm`,
      [
        `INFO ${b.t(age - 60)} [__init__.py:216] Automatically detected platform cuda.`,
        `INFO ${
          b.t(age - 300)
        } [gpu_model_runner.py:2007] Model loading took 30.5 GiB and 41.2 seconds`,
        `INFO ${
          b.t(age - 410)
        } [api_server.py:1839] Starting vLLM API server 0 on http://0.0.0.0:8000`,
        `INFO ${
          b.t(60)
        } [loggers.py:123] Engine 000: Avg prompt throughput: 17438.7 tokens/s, Avg generation throughput: 4262.6 tokens/s, Running: 128 reqs, Waiting: 5 reqs, GPU KV cache usage: 89.0%, Prefix cache hit rate: 41.3%`,
      ].join("\n") + "\n",
    );
  }
  b.event({
    namespace: NS,
    involved: { kind: "PodCliqueSet", name: "qwen-disagg", apiVersion: "grove.io/v1alpha1" },
    type: "Normal",
    reason: "Reconciled",
    message: "Reconciled PodCliqueSet qwen-disagg",
    firstAgo: 3000,
    lastAgo: 30,
    count: 48,
    component: "grove-operator",
  });

  return b.build({
    description:
      "Healthy disaggregated serving: PCS qwen-disagg (frontend, prefill, decode scaling group of 2 multi-node replicas) and PCS sglang-chat, all Running/Ready, PodGangs scored 0.95-1.0 on a zone/rack/host ClusterTopologyBinding; other teams' GPU pods share the nodes.",
    namespace: NS,
    groveInstalled: true,
  });
}
