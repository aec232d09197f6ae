/**
 * The scheduler of the operator simulation: picks a node for a new pod like
 * kube-scheduler would (Ready, schedulable, GPU room, near its clique or
 * gang, inside the gang's required pack domain), marks pods Unschedulable
 * when no node has room, and binds them when room appears.
 *
 * @module
 */

import { LabelKeys } from "../../grove/labels.ts";
import { gpusAllocatedByNode, nodeGpus, podGpus } from "../../grove/relations.ts";
import type { Node, Pod } from "../../grove/types.ts";
import type { KubeObject } from "../../kube/types.ts";
import type { SimStore } from "../store.ts";
import { rfc3339 } from "./objects.ts";
import { keyOf, put, R } from "./store_ops.ts";
import type { OperatorContext } from "./types.ts";

/** GPUs a pod with this spec asks for. */
function specGpus(podSpec: unknown): number {
  return podGpus({ metadata: { name: "" }, spec: podSpec } as Pod);
}

/** The node of a scheduled pod of the same gang as `clique`, to place its first pod near. */
export function gangNode(pods: Pod[], clique: KubeObject): string | undefined {
  const gang = clique.metadata.labels?.[LabelKeys.podGang];
  return gang === undefined
    ? undefined
    : pods.find((p) => p.spec.nodeName && p.metadata.labels?.[LabelKeys.podGang] === gang)?.spec
      .nodeName;
}

/** Binds a pending pod to a node (PodScheduled True). */
export function bind(pod: Pod, node: string, nowMs: number): Pod {
  const p = structuredClone(pod);
  p.spec.nodeName = node;
  p.status = {
    ...p.status,
    conditions: [
      ...(p.status?.conditions ?? []).filter((c) => c.type !== "PodScheduled"),
      { type: "PodScheduled", status: "True", lastTransitionTime: rfc3339(nowMs) },
    ],
  };
  return p;
}

/** Node placement over the store's nodes and pods. */
export class Scheduler {
  #store: SimStore;
  /** Round-robin start among equally good nodes. */
  #rr = 0;

  constructor(store: SimStore) {
    this.#store = store;
  }

  /** GPUs in use per node, from every scheduled pod now. */
  gpuUse(): Map<string, number> {
    return gpusAllocatedByNode(
      (this.#store.list(R.pods) as Pod[]).filter((p) => !p.metadata.deletionTimestamp),
    );
  }

  /**
   * A node for a new pod, like a scheduler would pick it: the first Ready,
   * schedulable node (GPU nodes for GPU pods) with room for the pod's GPUs,
   * trying `near` first, then the nodes sharing most topology labels with
   * it, then the others round-robin. None has room: undefined (Pending).
   */
  pickNode(podSpec: unknown, near?: string, required?: string): string | undefined {
    const need = specGpus(podSpec);
    const wantsGpu = need > 0 || JSON.stringify(podSpec ?? {}).includes("nvidia.com/gpu");
    let nodes = (this.#store.list(R.nodes) as Node[]).filter((n) =>
      !n.spec?.unschedulable &&
      (n.status?.conditions ?? []).some((c: { type: string; status: string }) =>
        c.type === "Ready" && c.status === "True"
      ) &&
      (!wantsGpu || nodeGpus(n) > 0)
    );
    const home = near ? nodes.find((n) => n.metadata.name === near) : undefined;
    // The gang's required pack constraint: only nodes in the domain of its other pods.
    const domain = required ? home?.metadata.labels?.[required] : undefined;
    if (domain !== undefined) {
      nodes = nodes.filter((n) => n.metadata.labels?.[required!] === domain);
    }
    if (!nodes.length) return undefined;
    const start = this.#rr++ % nodes.length;
    const ordered = [...nodes.slice(start), ...nodes.slice(0, start)];
    if (home) {
      const topo = (n: Node) =>
        Object.entries(n.metadata.labels ?? {}).filter(([k]) => k.startsWith("topology."));
      const shared = (n: Node) =>
        n === home ? Infinity : topo(n).filter(([k, v]) => home.metadata.labels?.[k] === v).length;
      ordered.sort((a, b) => shared(b) - shared(a));
    }
    if (need === 0) return ordered[0].metadata.name;
    const use = this.gpuUse();
    return ordered.find((n) => nodeGpus(n) - (use.get(n.metadata.name) ?? 0) >= need)?.metadata
      .name;
  }

  /** True when `node` has room for the GPUs of a pod with this spec. */
  fits(podSpec: unknown, node: string): boolean {
    const need = specGpus(podSpec);
    if (need === 0) return true;
    const n = this.#store.get(R.nodes, undefined, node) as Node | undefined;
    return n !== undefined && nodeGpus(n) - (this.gpuUse().get(node) ?? 0) >= need;
  }

  /** The node label key of the required pack constraint of a pod's PodGang (its group's, else the gang's). */
  requiredPack(o: KubeObject): string | undefined {
    const gang = o.metadata.labels?.[LabelKeys.podGang];
    if (!gang) return undefined;
    const g = this.#store.get(R.podgangs, o.metadata.namespace, gang);
    const clique = o.metadata.labels?.[LabelKeys.podClique] ?? o.metadata.name;
    const group = (g?.spec?.podgroups ?? []).find((x: { name?: string }) => x.name === clique);
    return group?.topologyConstraint?.packConstraint?.required ??
      g?.spec?.topologyConstraint?.packConstraint?.required;
  }

  /** Where a pod may go under its gang's required pack constraint, for messages. */
  scopeOf(near: string | undefined, required: string | undefined): string {
    if (!near || !required) return "";
    const v = (this.#store.get(R.nodes, undefined, near) as Node | undefined)?.metadata.labels
      ?.[required];
    return v === undefined ? "" : ` in ${required}=${v} (the gang's required pack domain)`;
  }

  /** Marks a pod Unschedulable (no node had room) the way kube-scheduler reports it. */
  unschedulable(pod: Pod, nowMs: number, scope: string): Pod {
    const p = structuredClone(pod);
    const need = podGpus(p);
    p.status = {
      ...p.status,
      phase: "Pending",
      conditions: [
        ...(p.status?.conditions ?? []).filter((c) => c.type !== "PodScheduled"),
        {
          type: "PodScheduled",
          status: "False",
          reason: "Unschedulable",
          message: `0/${this.#store.list(R.nodes).length} nodes are available: ${
            need > 0 ? `insufficient nvidia.com/gpu (needs ${need})` : "no schedulable node"
          }${scope}.`,
          lastTransitionTime: rfc3339(nowMs),
        },
      ],
    };
    return p;
  }
}

/**
 * Pods no node had room for get one when room appears; forgets unplaced pods
 * of this set that are gone. Returns true when it bound a pod.
 */
export function scheduleUnplaced(
  ctx: OperatorContext,
  ns: string,
  name: string,
  pods: Pod[],
  t: number,
): boolean {
  let work = false;
  for (const p of pods) {
    if (p.spec.nodeName || !ctx.unplaced.has(keyOf(p))) continue;
    const near = pods.find((x) =>
      x.spec.nodeName && x.metadata.labels?.[LabelKeys.podClique] ===
        p.metadata.labels?.[LabelKeys.podClique]
    )?.spec.nodeName;
    const node = ctx.scheduler.pickNode(
      p.spec,
      near ?? gangNode(pods, p),
      ctx.scheduler.requiredPack(p),
    );
    if (!node) continue;
    put(ctx.store, R.pods, p, bind(p, node, t));
    ctx.unplaced.delete(keyOf(p));
    ctx.readyAt.set(keyOf(p), t + ctx.readyDelayMs);
    work = true;
  }
  for (const k of [...ctx.unplaced]) {
    if (!pods.some((p) => keyOf(p) === k) && k.startsWith(`${ns}/${name}-`)) {
      ctx.unplaced.delete(k);
    }
  }
  return work;
}
