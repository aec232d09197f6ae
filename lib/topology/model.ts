/**
 * The GPU model of a cluster: per node the allocatable GPUs, the GPUs held by
 * every non-terminated pod bound to it, what is free, and whether the
 * scheduler may use it; and the tree of topology domains above the nodes.
 *
 * GPUs are counts: the API does not say which device a pod holds, so nothing
 * here names device indices.
 *
 * @module
 */

import {
  isNodeCordoned,
  isNodeReady,
  isPodTerminated,
  nodeGpus,
  nodeHasGpuResource,
  podGpus,
} from "../grove/relations.ts";
import type { Node, Pod, TopologyLevel } from "../grove/types.ts";
import { type DraGpuIndex, NO_DRA, podDraGpus } from "./dra.ts";
import { HOST_KEY, nodeDomainValue } from "./levels.ts";

/** Where a node's GPU figures come from. */
export type GpuSource = "extended-resource" | "dra" | "both" | "none";

/** Shown for a node that lacks a level's label. */
export const NO_DOMAIN = "<none>";

/** The GPU state of one node. */
export interface NodeGpuState {
  /** Node name. */
  name: string;
  /** `status.allocatable["nvidia.com/gpu"]` plus the GPU devices DRA ResourceSlices publish for it. */
  allocatable: number;
  /** GPUs requested by non-terminated pods bound to the node (all namespaces seen). */
  allocated: number;
  /** `max(0, allocatable - allocated)`. */
  free: number;
  /** False when the node reports no `nvidia.com/gpu` resource and no DRA GPU devices. */
  hasGpuResource: boolean;
  /** Where the GPU figures come from: the `nvidia.com/gpu` extended resource, DRA, both or none. */
  source?: GpuSource;
  /** `spec.unschedulable`. */
  cordoned: boolean;
  /** `Ready` condition is True. */
  ready: boolean;
  /** Ready and not cordoned: new pods may land here. */
  schedulable: boolean;
  /** The node's value per level (same order as the levels; {@link NO_DOMAIN} when unlabelled). */
  domains: string[];
  /** The node's labels (to group by any key, e.g. a pack constraint's). */
  labels: Record<string, string>;
}

/** A pod bound to a node the node list does not contain. */
export interface OrphanPod {
  /** Namespace. */
  namespace: string;
  /** Pod name. */
  name: string;
  /** The missing node. */
  nodeName: string;
  /** GPUs it requests. */
  gpus: number;
}

/** Result of {@link nodeGpuStates}. */
export interface GpuModel {
  /** Nodes in name order. */
  nodes: NodeGpuState[];
  /** Non-terminated pods bound to nodes that do not exist. */
  orphanPods: OrphanPod[];
}

/**
 * Computes each node's GPU allocation from every non-terminated pod bound
 * to it, and each node's domain per level.
 *
 * @example
 * ```ts
 * import { nodeGpuStates } from "./model.ts";
 * const m = nodeGpuStates(
 *   [{ metadata: { name: "n1" }, status: { allocatable: { "nvidia.com/gpu": "8" },
 *     conditions: [{ type: "Ready", status: "True" }] } }],
 *   [{ metadata: { name: "p", namespace: "a" }, spec: { nodeName: "n1", containers: [
 *     { name: "c", resources: { limits: { "nvidia.com/gpu": "2" } } }] } }],
 *   [],
 * );
 * m.nodes[0].free; // 6
 * ```
 */
export function nodeGpuStates(
  nodes: Node[],
  pods: Pod[],
  levels: TopologyLevel[],
  dra: DraGpuIndex = NO_DRA,
): GpuModel {
  const byName = new Map<string, NodeGpuState>();
  for (const n of nodes) {
    const cordoned = isNodeCordoned(n);
    const ready = isNodeReady(n);
    const ext = nodeHasGpuResource(n);
    const devices = dra.nodeDevices.get(n.metadata.name) ?? 0;
    byName.set(n.metadata.name, {
      name: n.metadata.name,
      allocatable: nodeGpus(n) + devices,
      allocated: 0,
      free: 0,
      hasGpuResource: ext || devices > 0,
      source: ext && devices > 0
        ? "both"
        : ext
        ? "extended-resource"
        : devices > 0
        ? "dra"
        : "none",
      cordoned,
      ready,
      schedulable: ready && !cordoned,
      domains: levels.map((l) => nodeDomainValue(n, l.key) ?? NO_DOMAIN),
      labels: n.metadata.labels ?? {},
    });
  }
  const orphanPods: OrphanPod[] = [];
  const draOnNode = new Map<string, number>();
  for (const p of pods) {
    const nodeName = p.spec?.nodeName;
    if (!nodeName || isPodTerminated(p)) continue;
    const viaDra = podDraGpus(dra, p);
    const g = podGpus(p) + viaDra;
    if (viaDra) draOnNode.set(nodeName, (draOnNode.get(nodeName) ?? 0) + viaDra);
    const st = byName.get(nodeName);
    if (!st) {
      orphanPods.push({
        namespace: p.metadata.namespace ?? "",
        name: p.metadata.name,
        nodeName,
        gpus: g,
      });
      continue;
    }
    st.allocated += g;
  }
  // DRA claims allocated on a node to pods we cannot see (other namespaces) still hold devices.
  for (const [node, n] of dra.nodeAllocated) {
    const st = byName.get(node);
    if (st) st.allocated += Math.max(0, n - (draOnNode.get(node) ?? 0));
  }
  for (const st of byName.values()) st.free = Math.max(0, st.allocatable - st.allocated);
  const out = [...byName.values()].sort((a, b) => a.name.localeCompare(b.name));
  orphanPods.sort((a, b) => `${a.namespace}/${a.name}`.localeCompare(`${b.namespace}/${b.name}`));
  return { nodes: out, orphanPods };
}

/** One topology domain and the nodes below it. */
export interface DomainNode {
  /** Level domain name, e.g. `rack`. */
  level: string;
  /** Node label key of the level. */
  key: string;
  /** The label value, e.g. `rack-a1` ({@link NO_DOMAIN} for unlabelled nodes). */
  value: string;
  /** Values from the top level down to this one, joined with `/`: a unique id. */
  id: string;
  /** Child domains (next level). */
  children: DomainNode[];
  /** Names of the nodes directly below (only at the deepest domain level). */
  nodes: string[];
  /** Every node name in this domain, at any depth. */
  allNodes: string[];
  /** Allocatable GPUs in the domain. */
  allocatable: number;
  /** Allocated GPUs in the domain. */
  allocated: number;
  /** Free GPUs in the domain (all nodes). */
  free: number;
  /** Free GPUs on schedulable nodes (ready, not cordoned). */
  schedulableFree: number;
  /** Most free GPUs on one schedulable node: the largest pod that fits here. */
  largestFreeBlock: number;
}

/**
 * The levels that group nodes into domains: every level except the host
 * level, which is the node itself.
 */
export function domainLevels(levels: TopologyLevel[]): TopologyLevel[] {
  return levels.filter((l) => l.key !== HOST_KEY);
}

/**
 * Builds the domain tree (broadest level first) over the nodes. Levels with
 * the host key are skipped: nodes are the leaves. With no domain levels the
 * result is empty and callers list nodes flat.
 *
 * @example
 * ```ts
 * import { buildDomainTree, nodeGpuStates } from "./model.ts";
 * const levels = [{ domain: "rack", key: "rack" }];
 * const m = nodeGpuStates([{ metadata: { name: "n1", labels: { rack: "r1" } } }], [], levels);
 * buildDomainTree(m.nodes, levels)[0].id; // "r1"
 * ```
 */
export function buildDomainTree(nodes: NodeGpuState[], levels: TopologyLevel[]): DomainNode[] {
  const dl = domainLevels(levels);
  const idx = dl.map((l) => levels.indexOf(l));
  if (dl.length === 0) return [];
  const roots: DomainNode[] = [];
  const byId = new Map<string, DomainNode>();
  for (const n of nodes) {
    let siblings = roots;
    let id = "";
    for (let d = 0; d < dl.length; d++) {
      const value = n.domains[idx[d]] ?? NO_DOMAIN;
      id = id ? `${id}/${value}` : value;
      let dom = byId.get(id);
      if (!dom) {
        dom = {
          level: dl[d].domain,
          key: dl[d].key,
          value,
          id,
          children: [],
          nodes: [],
          allNodes: [],
          allocatable: 0,
          allocated: 0,
          free: 0,
          schedulableFree: 0,
          largestFreeBlock: 0,
        };
        byId.set(id, dom);
        siblings.push(dom);
      }
      dom.allNodes.push(n.name);
      dom.allocatable += n.allocatable;
      dom.allocated += n.allocated;
      dom.free += n.free;
      if (n.schedulable) {
        dom.schedulableFree += n.free;
        dom.largestFreeBlock = Math.max(dom.largestFreeBlock, n.free);
      }
      if (d === dl.length - 1) dom.nodes.push(n.name);
      siblings = dom.children;
    }
  }
  const sortRec = (list: DomainNode[]) => {
    list.sort((a, b) =>
      a.value === NO_DOMAIN ? 1 : b.value === NO_DOMAIN ? -1 : a.value.localeCompare(b.value)
    );
    for (const d of list) sortRec(d.children);
  };
  sortRec(roots);
  return roots;
}

/** Every domain of a tree, depth first (parents before children). */
export function flattenDomains(roots: DomainNode[]): DomainNode[] {
  const out: DomainNode[] = [];
  const walk = (l: DomainNode[]) => {
    for (const d of l) {
      out.push(d);
      walk(d.children);
    }
  };
  walk(roots);
  return out;
}

/** The value of a node for a label key (host key: the node name when unlabelled). */
export function nodeStateValue(n: NodeGpuState, key: string): string | undefined {
  return n.labels[key] ?? (key === HOST_KEY ? n.name : undefined);
}

/**
 * Groups nodes by their value of a label key (any key, including the host
 * key and keys that are not levels). Nodes lacking the label are left out.
 * Groups come in value order.
 */
export function groupNodesByKey(
  nodes: NodeGpuState[],
  key: string,
): Map<string, NodeGpuState[]> {
  const out = new Map<string, NodeGpuState[]>();
  for (const n of nodes) {
    const v = nodeStateValue(n, key);
    if (v === undefined) continue;
    const list = out.get(v) ?? [];
    list.push(n);
    out.set(v, list);
  }
  return new Map([...out].sort((a, b) => a[0].localeCompare(b[0])));
}
