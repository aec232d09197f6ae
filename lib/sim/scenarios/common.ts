/**
 * Pieces shared by the fixture scenarios: the node layout, kube-system pods,
 * operator log lines.
 *
 * @module
 */

import { DOMAIN_KEYS } from "./topology.ts";
import type { ScenarioBuilder } from "./builder.ts";
import { suffixFor } from "./ids.ts";

/** The recording time of every static scenario. */
export const RECORDED_AT = "2026-11-01T12:00:00Z";

/** The namespace of the workloads. */
export const NS = "inference";

/** The model served in the scenarios (the metrics samples were recorded for it). */
export const MODEL = "Qwen/Qwen3-32B-FP8";

/** A rack of GPU nodes. */
export interface RackDef {
  /** Zone, e.g. `us-east-1a`. */
  zone: string;
  /** Rack, e.g. `rack-a1`. */
  rack: string;
  /** Node names. */
  nodes: string[];
}

/**
 * Adds GPU nodes rack by rack (8 GPUs each unless `gpus` says otherwise) and
 * CPU nodes; `withRack` false leaves the rack label off (no-topology clusters).
 */
export function addNodes(
  b: ScenarioBuilder,
  racks: RackDef[],
  cpuNodes: { name: string; zone: string; rack?: string }[],
  opts: {
    withRack?: boolean;
    cordoned?: string[];
    notReady?: string[];
    gpus?: number;
    gpuProduct?: string;
  } = {},
): void {
  const withRack = opts.withRack ?? true;
  for (const r of racks) {
    for (const n of r.nodes) {
      b.node({
        name: n,
        gpus: opts.gpus ?? 8,
        gpuProduct: opts.gpuProduct,
        labels: {
          [DOMAIN_KEYS.region]: "us-east-1",
          [DOMAIN_KEYS.zone]: r.zone,
          ...(withRack ? { [DOMAIN_KEYS.rack]: r.rack } : {}),
        },
        unschedulable: opts.cordoned?.includes(n),
        notReady: opts.notReady?.includes(n),
      });
    }
  }
  for (const c of cpuNodes) {
    b.node({
      name: c.name,
      gpus: 0,
      labels: {
        [DOMAIN_KEYS.region]: "us-east-1",
        [DOMAIN_KEYS.zone]: c.zone,
        ...(withRack && c.rack ? { [DOMAIN_KEYS.rack]: c.rack } : {}),
      },
    });
  }
}

/** Adds the NVIDIA device plugin DaemonSet pod on each GPU node and CoreDNS on CPU nodes. */
export function addSystemPods(b: ScenarioBuilder, gpuNodes: string[], cpuNodes: string[]): void {
  for (const n of gpuNodes) {
    b.pod({
      name: `nvidia-device-plugin-daemonset-${suffixFor(`dp/${n}`)}`,
      namespace: "kube-system",
      labels: {
        "app.kubernetes.io/name": "nvidia-device-plugin",
        "controller-revision-hash": "6f5c7b9d8",
      },
      ownerRef: {
        apiVersion: "apps/v1",
        kind: "DaemonSet",
        name: "nvidia-device-plugin-daemonset",
      },
      containers: [{
        name: "nvidia-device-plugin-ctr",
        image: "nvcr.io/nvidia/k8s-device-plugin:v0.17.2",
        resources: {
          requests: { cpu: "50m", memory: "64Mi" },
          limits: { cpu: "50m", memory: "64Mi" },
        },
      }],
      plan: { node: n, createdAgo: 30 * 86400 },
    });
  }
  cpuNodes.forEach((n, i) =>
    b.pod({
      name: `coredns-5d78c9869d-${suffixFor(`coredns/${i}`)}`,
      namespace: "kube-system",
      labels: { "k8s-app": "kube-dns", "pod-template-hash": "5d78c9869d" },
      ownerRef: { apiVersion: "apps/v1", kind: "ReplicaSet", name: "coredns-5d78c9869d" },
      containers: [{
        name: "coredns",
        image: "registry.k8s.io/coredns/coredns:v1.12.0",
        ports: [{ containerPort: 53, name: "dns", protocol: "UDP" }],
        resources: {
          requests: { cpu: "100m", memory: "70Mi" },
          limits: { cpu: "100m", memory: "170Mi" },
        },
      }],
      plan: { node: n, createdAgo: 30 * 86400 },
    })
  );
}

/** Reconcile log lines of the operator for a PCS. */
export function reconcileLines(
  b: ScenarioBuilder,
  pcs: string,
  secondsAgo: number,
  extra: Record<string, unknown> = {},
): string[] {
  const ref = { name: pcs, namespace: NS };
  return [
    b.opLog(secondsAgo, "info", "podcliqueset-controller", "Reconciling PodCliqueSet", {
      controller: "podcliqueset",
      podcliqueset: ref,
      reconcileID: suffixFor(`${pcs}/${secondsAgo}`, 8),
    }),
    b.opLog(
      secondsAgo - 0.2,
      "info",
      "podcliqueset-controller",
      "PodCliqueSet reconciled successfully",
      {
        controller: "podcliqueset",
        podcliqueset: ref,
        ...extra,
      },
    ),
  ];
}

/** The operator's start-up lines. */
export function startupLines(b: ScenarioBuilder, secondsAgo: number): string[] {
  return [
    b.opLog(secondsAgo, "info", "setup", "Starting grove operator", {
      version: "v0.1.0-alpha.12",
      gitCommit: "fcc3b3bb",
    }),
    b.opLog(secondsAgo - 1, "info", "setup", "Registered scheduler backend", {
      backend: "kai-scheduler",
    }),
    b.opLog(secondsAgo - 2, "info", "controller-runtime.metrics", "Starting metrics server", {
      bindAddress: ":9445",
    }),
    b.opLog(
      secondsAgo - 3,
      "info",
      "leader-election",
      "successfully acquired lease grove-system/grove-operator-leader-election",
    ),
    b.opLog(secondsAgo - 4, "info", "controller", "Starting workers", {
      controller: "podcliqueset",
      "worker count": 5,
    }),
    b.opLog(secondsAgo - 4, "info", "controller", "Starting workers", {
      controller: "podclique",
      "worker count": 10,
    }),
  ];
}
