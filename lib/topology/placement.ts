/**
 * Placement arithmetic over free GPUs: first-fit-decreasing packing of pod
 * shapes into nodes, which domains could host a set of pods under a pack
 * constraint, how many pods of a size still fit, and how much free capacity
 * is stranded (fragmented).
 *
 * A "shape" is the number of GPUs one pod requests. Pods must fit whole on
 * one node; GPUs are counts (no device indices).
 *
 * @module
 */

import { groupNodesByKey, type NodeGpuState } from "./model.ts";

/** A node's free GPUs, as a bin to pack pods into. */
export interface Bin {
  /** Node name. */
  name: string;
  /** Free GPUs. */
  free: number;
}

/** One pod placed by {@link placeFirstFitDecreasing}. */
export interface PlacedShape {
  /** GPUs of the pod. */
  shape: number;
  /** Bin (node) it went to. */
  bin: string;
}

/** Result of {@link placeFirstFitDecreasing}. */
export interface PackResult {
  /** True when every shape found a bin. */
  fits: boolean;
  /** Placed shapes, largest first. */
  placed: PlacedShape[];
  /** Shapes that found no bin, largest first. */
  unplaced: number[];
  /** Free GPUs per bin after packing, in the bins' order. */
  remaining: Bin[];
}

/**
 * First-fit decreasing: sorts shapes from largest to smallest and puts each
 * into the first bin (in the given order) with room for it. Shapes of 0 or
 * less need no GPU and are ignored. Bins are not modified.
 *
 * @example
 * ```ts
 * import { placeFirstFitDecreasing } from "./placement.ts";
 * const r = placeFirstFitDecreasing([2, 4, 4], [{ name: "a", free: 4 }, { name: "b", free: 6 }]);
 * r.fits; // true: 4 -> a, 4 -> b, 2 -> b
 * placeFirstFitDecreasing([8], [{ name: "a", free: 4 }, { name: "b", free: 4 }]).fits; // false
 * ```
 */
export function placeFirstFitDecreasing(shapes: number[], bins: Bin[]): PackResult {
  const remaining = bins.map((b) => ({ name: b.name, free: Math.max(0, b.free) }));
  const sorted = shapes.filter((s) => s > 0).sort((a, b) => b - a);
  const placed: PlacedShape[] = [];
  const unplaced: number[] = [];
  for (const shape of sorted) {
    const bin = remaining.find((b) => b.free >= shape);
    if (!bin) {
      unplaced.push(shape);
      continue;
    }
    bin.free -= shape;
    placed.push({ shape, bin: bin.name });
  }
  return { fits: unplaced.length === 0, placed, unplaced, remaining };
}

/** Options of {@link rankDomainsForShapes}. */
export interface RankOptions {
  /**
   * GPUs per node to count as free in addition to the node's free GPUs: the
   * workload's own allocation, released if it were placed again.
   */
  release?: Map<string, number>;
  /** Include unschedulable (cordoned or NotReady) nodes; default false. */
  includeUnschedulable?: boolean;
}

/** How well one domain could host a set of pod shapes. */
export interface DomainFit {
  /** Label value of the domain (`rack-a1`; the node name for the host key). */
  domain: string;
  /** Free GPUs usable in the domain (with released GPUs). */
  free: number;
  /** Largest free block on one node in the domain. */
  largestBlock: number;
  /** Schedulable nodes in the domain. */
  nodes: number;
  /** True when first-fit decreasing places every shape. */
  fits: boolean;
  /** Free GPUs left after placing (0 when it does not fit). */
  leftover: number;
  /** Shapes that would not fit. */
  unplaced: number[];
}

/**
 * For every domain of a label key, whether the pod shapes fit inside it by
 * first-fit decreasing over its schedulable nodes. Fitting domains come
 * first, tightest fit (least leftover) first; then the others, most free
 * first. This is how a gang's pack constraint is checked: the gang needs one
 * domain of its required key that fits all its pods.
 *
 * @example
 * ```ts
 * import { rankDomainsForShapes } from "./placement.ts";
 * const node = (name: string, rack: string, free: number) => ({
 *   name, allocatable: 8, allocated: 8 - free, free, hasGpuResource: true, cordoned: false,
 *   ready: true, schedulable: true, domains: [rack], labels: { rack },
 * });
 * const ranked = rankDomainsForShapes(
 *   [node("n1", "r1", 4), node("n2", "r1", 4), node("n3", "r2", 8)], "rack", [8]);
 * ranked[0].domain; // "r2"
 * ```
 */
export function rankDomainsForShapes(
  nodes: NodeGpuState[],
  key: string,
  shapes: number[],
  opts: RankOptions = {},
): DomainFit[] {
  const out: DomainFit[] = [];
  for (const [domain, members] of groupNodesByKey(nodes, key)) {
    const usable = members.filter((n) => opts.includeUnschedulable || n.schedulable);
    const bins = usable
      .map((n) => ({ name: n.name, free: n.free + (opts.release?.get(n.name) ?? 0) }))
      .map((b) => ({ ...b, free: Math.min(b.free, capOf(usable, b.name)) }))
      .sort((a, b) => b.free - a.free || a.name.localeCompare(b.name));
    const r = placeFirstFitDecreasing(shapes, bins);
    const free = bins.reduce((s, b) => s + b.free, 0);
    out.push({
      domain,
      free,
      largestBlock: bins.reduce((m, b) => Math.max(m, b.free), 0),
      nodes: usable.length,
      fits: r.fits,
      leftover: r.fits ? r.remaining.reduce((s, b) => s + b.free, 0) : 0,
      unplaced: r.unplaced,
    });
  }
  return out.sort((a, b) =>
    a.fits !== b.fits
      ? (a.fits ? -1 : 1)
      : a.fits
      ? a.leftover - b.leftover || a.domain.localeCompare(b.domain)
      : b.free - a.free || a.domain.localeCompare(b.domain)
  );
}

function capOf(nodes: NodeGpuState[], name: string): number {
  return nodes.find((n) => n.name === name)?.allocatable ?? 0;
}

/**
 * How many pods of `shape` GPUs still fit on schedulable nodes, each pod
 * whole on one node.
 *
 * @example
 * ```ts
 * import { podsThatFit } from "./placement.ts";
 * podsThatFit([{ name: "a", free: 7, schedulable: true }, { name: "b", free: 3, schedulable: true }], 2); // 4
 * ```
 */
export function podsThatFit(
  nodes: Pick<NodeGpuState, "free" | "schedulable">[],
  shape: number,
): number {
  if (shape <= 0) return 0;
  return nodes.reduce((s, n) => s + (n.schedulable ? Math.floor(n.free / shape) : 0), 0);
}

/** The fragmentation figure of {@link fragmentation}. */
export interface Fragmentation {
  /** The largest pod shape in use (GPUs of the biggest GPU pod), 0 when none. */
  largestShape: number;
  /** Free GPUs on schedulable nodes. */
  freeGpus: number;
  /** Free GPUs that cannot host a pod of the largest shape (the remainder on each node). */
  strandedGpus: number;
  /** `strandedGpus / freeGpus` (0 when nothing is free). */
  ratio: number;
  /** Free GPUs on cordoned or NotReady nodes, not usable at all. */
  unavailableGpus: number;
}

/**
 * Free GPUs that cannot host a pod of the largest shape in use: on each
 * schedulable node, `free mod largestShape`. With no GPU pod in use every
 * free GPU counts as usable (shape 1).
 *
 * @example
 * ```ts
 * import { fragmentation } from "./placement.ts";
 * const f = fragmentation([{ free: 6, schedulable: true }, { free: 3, schedulable: true }], 4);
 * f.strandedGpus; // 5 (2 on the first node, 3 on the second)
 * ```
 */
export function fragmentation(
  nodes: Pick<NodeGpuState, "free" | "schedulable">[],
  largestShape: number,
): Fragmentation {
  const shape = Math.max(1, largestShape);
  let freeGpus = 0;
  let stranded = 0;
  let unavailable = 0;
  for (const n of nodes) {
    if (!n.schedulable) {
      unavailable += n.free;
      continue;
    }
    freeGpus += n.free;
    stranded += n.free % shape;
  }
  return {
    largestShape: Math.max(0, largestShape),
    freeGpus,
    strandedGpus: stranded,
    ratio: freeGpus ? stranded / freeGpus : 0,
    unavailableGpus: unavailable,
  };
}
