/**
 * The `large` scenario, generated at load time: 520 nodes (512 GPU nodes in
 * 4 zones x 16 racks x 8 hosts, 8 CPU nodes), 60 PodCliqueSets in 4
 * namespaces (20 disaggregated with a 3-replica decode scaling group, 40
 * aggregated), 2,000 Grove pods plus one device-plugin pod per GPU node, a
 * zone -> rack -> host ClusterTopologyBinding. A few sets have a
 * crash-looping or Unschedulable pod; agg-11 has two schedule-gated pods;
 * node gpu-c07-03 is cordoned. Deterministic and fast (well under
 * 200 ms).
 *
 * @module
 */

import type { KubeObject } from "../../kube/types.ts";
import { DOMAIN_KEYS, unschedulableMessage, ZONE_RACK_HOST } from "./topology.ts";
import type { PodPlan, PodSlot } from "./types.ts";
import { prng } from "../prng.ts";
import { ScenarioBuilder } from "./builder.ts";
import { addSystemPods, MODEL, RECORDED_AT } from "./common.ts";

/** How big a generated scenario is. */
export interface ScenarioSizes {
  /** Zones (at most 4: a to d). */
  zones: number;
  /** Racks per zone. */
  racksPerZone: number;
  /** GPU nodes (8 GPUs each) per rack. */
  nodesPerRack: number;
  /** CPU-only nodes. */
  cpuNodes: number;
  /** PodCliqueSets (one in three disaggregated). */
  pcs: number;
  /** Workload namespaces the sets are spread over. */
  namespaces: readonly string[];
}

/** Sizes of the large scenario. */
export const LARGE_SIZES = {
  zones: 4,
  racksPerZone: 16,
  nodesPerRack: 8,
  cpuNodes: 8,
  pcs: 60,
  namespaces: ["inference", "team-a", "team-b", "team-c"],
} as const satisfies ScenarioSizes;

/** meta.json of the large scenario. */
export function largeMeta(recordedAt = RECORDED_AT): {
  recordedAt: string;
  description: string;
  namespace: string;
  groveInstalled: boolean;
  generator: string;
} {
  return {
    recordedAt,
    description:
      "Large generated cluster: 520 nodes (512 x 8 GPUs over 4 zones x 16 racks), 60 PodCliqueSets in 4 namespaces, 2,000 Grove pods plus 512 device-plugin pods, 100 PodGangs, zone/rack/host ClusterTopologyBinding.",
    namespace: "inference",
    groveInstalled: true,
    generator: "large",
  };
}

const ZONE_LETTERS = "abcd";

/**
 * Generates the large scenario's objects. Options are accepted for the
 * loader's call signature; only `recordedAt` (or `meta.recordedAt`) is used.
 *
 * @example
 * ```ts
 * import { generateLargeScenario } from "./large.ts";
 * const { objects } = generateLargeScenario();
 * console.log(objects.filter((o) => o.kind === "Pod").length); // 2521
 * ```
 */
export function generateLargeScenario(
  opts: { recordedAt?: string; meta?: { recordedAt?: string } } = {},
): { meta: ReturnType<typeof largeMeta>; objects: KubeObject[] } {
  const recordedAt = opts.recordedAt ?? opts.meta?.recordedAt ?? RECORDED_AT;
  return { meta: largeMeta(recordedAt), objects: generateSizedObjects(LARGE_SIZES, recordedAt) };
}

/**
 * The objects of a generated cluster of the given sizes: the `large`
 * scenario's shapes (placement, faults, set mix) repeated to that size.
 * `lib/sim/scenarios/xlarge.ts` uses it for the 10x scenario.
 */
export function generateSizedObjects(sizes: ScenarioSizes, recordedAt: string): KubeObject[] {
  const namespaces = sizes.namespaces;
  const b = new ScenarioBuilder(recordedAt);
  const rand = prng(20261101);
  b.namespaces(["default", "kube-system", "grove-system", ...namespaces]);

  // Nodes.
  const gpuNodes: string[] = [];
  for (let z = 0; z < sizes.zones; z++) {
    const zl = ZONE_LETTERS[z];
    for (let r = 1; r <= sizes.racksPerZone; r++) {
      const rack = `rack-${zl}${String(r).padStart(2, "0")}`;
      for (let n = 1; n <= sizes.nodesPerRack; n++) {
        const name = `gpu-${zl}${String(r).padStart(2, "0")}-${String(n).padStart(2, "0")}`;
        gpuNodes.push(name);
        b.node({
          name,
          gpus: 8,
          labels: {
            [DOMAIN_KEYS.region]: "us-east-1",
            [DOMAIN_KEYS.zone]: `us-east-1${zl}`,
            [DOMAIN_KEYS.rack]: rack,
          },
          unschedulable: name === "gpu-c07-03",
        });
      }
    }
  }
  const cpuNodes: string[] = [];
  for (let i = 0; i < sizes.cpuNodes; i++) {
    const zl = ZONE_LETTERS[i % sizes.zones];
    const name = `cpu-${zl}-${String(Math.floor(i / sizes.zones) + 1).padStart(2, "0")}`;
    cpuNodes.push(name);
    b.node({
      name,
      gpus: 0,
      labels: {
        [DOMAIN_KEYS.region]: "us-east-1",
        [DOMAIN_KEYS.zone]: `us-east-1${zl}`,
        [DOMAIN_KEYS.rack]: `rack-${zl}01`,
      },
    });
  }
  b.topologyBinding("grove-topology", ZONE_RACK_HOST);

  // Placement: first fit from a moving cursor, so sets pack rack by rack.
  const free = new Map(gpuNodes.map((n) => [n, n === "gpu-c07-03" ? 0 : 8]));
  let cursor = 0;
  const take = (gpus: number): string | undefined => {
    for (let k = 0; k < gpuNodes.length; k++) {
      const n = gpuNodes[(cursor + k) % gpuNodes.length];
      if ((free.get(n) ?? 0) >= gpus) {
        free.set(n, free.get(n)! - gpus);
        cursor = (cursor + k) % gpuNodes.length;
        return n;
      }
    }
    return undefined;
  };
  let cpuTurn = 0;
  const nodeCount = gpuNodes.length + cpuNodes.length;
  const noFit = unschedulableMessage(nodeCount, [
    { count: 1, reason: "node(s) were unschedulable" },
    { count: nodeCount - 1, reason: "Insufficient nvidia.com/gpu" },
  ]);

  for (let i = 0; i < sizes.pcs; i++) {
    const ns = namespaces[i % namespaces.length];
    const disagg = i % 3 === 0;
    const name = disagg
      ? `disagg-${String(i).padStart(2, "0")}`
      : `agg-${String(i).padStart(2, "0")}`;
    const age = Math.floor(3600 + rand() * 30 * 86400);
    const crashIndex = i % 10 === 7 ? 1 : -1;
    const pendingIndex = i % 15 === 4 ? 2 : -1;
    // Start each set on a fresh rack boundary now and then, to vary placement quality.
    if (i % 4 === 0) {
      cursor = Math.ceil(cursor / sizes.nodesPerRack) * sizes.nodesPerRack %
        gpuNodes.length;
    }
    const plan = (s: PodSlot): PodPlan => {
      if (s.gpus === 0) return { node: cpuNodes[cpuTurn++ % cpuNodes.length], createdAgo: age - 5 };
      const workerIdx = s.index + (s.groupReplica ?? 0) * 10;
      // agg-11 was just scaled up: its last two workers still wait for their PodGang.
      if (i === 11 && s.clique === "worker" && s.index >= 35) {
        return { state: "gated", createdAgo: 20 };
      }
      if (s.clique !== "frontend" && workerIdx === pendingIndex) {
        return { state: "pending", unschedulableMessage: noFit, createdAgo: 900, stateSince: 900 };
      }
      const node = take(s.gpus);
      if (!node) {
        return { state: "pending", unschedulableMessage: noFit, createdAgo: 900, stateSince: 900 };
      }
      if (workerIdx === crashIndex && s.clique !== "frontend") {
        return {
          node,
          state: "crashloop",
          restarts: 3 + (i % 5),
          createdAgo: age - 5,
          stateSince: 60,
        };
      }
      return { node, createdAgo: age - 5, readyAgo: age - 300 };
    };
    const score = () => Math.round((0.55 + rand() * 0.44) * 100) / 100;
    if (disagg) {
      b.pcs(
        {
          name,
          namespace: ns,
          replicas: 1,
          createdAgo: age,
          topologyName: "grove-topology",
          pack: { required: "zone", preferred: "rack" },
          schedulerName: "kai-scheduler",
          cliques: [
            {
              name: "frontend",
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
              replicas: 8,
              minAvailable: 6,
              gpus: 2,
              cpu: 24,
              memory: "256Gi",
              engine: "vllm",
              model: MODEL,
            },
            {
              name: "dleader",
              role: "decode-leader",
              replicas: 1,
              gpus: 4,
              cpu: 48,
              memory: "512Gi",
              engine: "vllm",
              model: MODEL,
            },
            {
              name: "dworker",
              role: "decode-worker",
              replicas: 3,
              gpus: 4,
              cpu: 48,
              memory: "512Gi",
              engine: "vllm-follower",
              model: MODEL,
            },
          ],
          groups: [{
            name: "decode",
            cliqueNames: ["dleader", "dworker"],
            replicas: 3,
            minAvailable: 1,
            pack: { required: "rack" },
          }],
        },
        {
          pod: plan,
          gangs: {
            [`${name}-0`]: { phase: "Running", placementScore: score() },
            [`${name}-0-decode-0`]: { phase: "Running", placementScore: score() },
            [`${name}-0-decode-1`]: { phase: "Running", placementScore: score() },
          },
          cliques: { [`${name}-0-prefill`]: { breachedAgo: 1200 } },
        },
      );
    } else {
      b.pcs(
        {
          name,
          namespace: ns,
          replicas: 1,
          createdAgo: age,
          topologyName: "grove-topology",
          pack: { preferred: "rack" },
          schedulerName: "kai-scheduler",
          cliques: [
            {
              name: "frontend",
              replicas: 2,
              minAvailable: 1,
              gpus: 0,
              cpu: 8,
              memory: "32Gi",
              engine: "dynamo-frontend",
              model: MODEL,
            },
            {
              name: "worker",
              replicas: 37,
              minAvailable: 30,
              gpus: 1,
              cpu: 12,
              memory: "128Gi",
              engine: "sglang",
              model: MODEL,
            },
          ],
        },
        {
          pod: plan,
          gangs: { [`${name}-0`]: { phase: "Running", placementScore: score() } },
        },
      );
    }
  }
  addSystemPods(b, gpuNodes, []);
  b.operator({
    node: cpuNodes[0],
    logLines: [
      b.opLog(7200, "info", "setup", "Starting grove operator", { version: "v0.1.0-alpha.12" }),
    ],
  });
  return b.objects;
}
