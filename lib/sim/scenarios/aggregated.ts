/**
 * The `aggregated` scenario: PodCliqueSet `qwen-agg` with two set replicas,
 * each a Dynamo frontend plus three SGLang workers (aggregated prefill and
 * decode), on a cluster that still uses the legacy ClusterTopology object.
 *
 * @module
 */

import type { BuiltScenario, PodSlot } from "./types.ts";
import { ScenarioBuilder } from "./builder.ts";
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

/** Builds the aggregated scenario. */
export function buildAggregated(): BuiltScenario {
  const b = new ScenarioBuilder(RECORDED_AT);
  b.namespaces(["default", "kube-system", "grove-system", NS]);
  const racks = [
    { zone: "us-east-1a", rack: "rack-a1", nodes: ["gpu-a1-01", "gpu-a1-02"] },
    { zone: "us-east-1a", rack: "rack-a2", nodes: ["gpu-a2-01", "gpu-a2-02"] },
  ];
  const cpu = [{ name: "cpu-a-01", zone: "us-east-1a", rack: "rack-a1" }];
  addNodes(b, racks, cpu);
  b.legacyTopology("grove-topology", ZONE_RACK_HOST);

  const age = 20 * 86400 + 5 * 3600; // 20d
  const place = (s: PodSlot): string => {
    if (s.clique === "frontend") return "cpu-a-01";
    const rack = s.replica === 0 ? "a1" : "a2";
    return s.index < 2 ? `gpu-${rack}-01` : `gpu-${rack}-02`;
  };
  b.pcs(
    {
      name: "qwen-agg",
      namespace: NS,
      replicas: 2,
      createdAgo: age,
      topologyName: "grove-topology",
      pack: { required: "zone", preferred: "rack" },
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
          name: "worker",
          role: "worker",
          replicas: 3,
          minAvailable: 2,
          gpus: 2,
          cpu: 24,
          memory: "256Gi",
          engine: "sglang",
          model: MODEL,
          startsAfter: ["frontend"],
        },
      ],
      cliqueStartupType: "CliqueStartupTypeExplicit",
    },
    {
      pod: (s) => ({ node: place(s), createdAgo: age - 5, readyAgo: age - 600 }),
      gangs: {
        "qwen-agg-0": { phase: "Running", placementScore: 0.9 },
        "qwen-agg-1": { phase: "Running", placementScore: 0.88 },
      },
    },
  );
  addSystemPods(b, racks.flatMap((r) => r.nodes), cpu.map((c) => c.name));
  b.operator({
    node: "cpu-a-01",
    logLines: [
      ...startupLines(b, 25 * 86400),
      b.opLog(25 * 86400 - 5, "info", "setup", "Using legacy ClusterTopology", {
        name: "grove-topology",
      }),
      ...reconcileLines(b, "qwen-agg", age),
      ...reconcileLines(b, "qwen-agg", 120),
    ],
  });
  return b.build({
    description:
      "Aggregated serving: PCS qwen-agg with 2 set replicas (frontend + 3 SGLang workers each, one gang per replica, scores 0.90 and 0.88) on a cluster with the legacy ClusterTopology (zone/rack/host).",
    namespace: NS,
    groveInstalled: true,
  });
}
