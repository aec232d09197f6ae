/**
 * Placement analysis of a scale-up: put the new pods on the free GPUs of the
 * topology domains their pack constraint allows, first-fit decreasing, and
 * say which domain takes them, or that none can and why, and the expected
 * effect on the PodGang's PlacementScore. Pure; built on lib/topology.
 *
 * @module
 */

import {
  domainNameForKey,
  groupNodesByKey,
  HOST_KEY,
  type NodeGpuState,
  nodeStateValue,
  placeFirstFitDecreasing,
} from "../../lib/topology/mod.ts";
import type { TopologyLevel } from "../../lib/grove/types.ts";

/** A group of new pods that must be placed together (one gang, or one group replica). */
export interface PlacementUnit {
  /** What is placed, e.g. `qwen-disagg-0-prefill +1 pod`. */
  label: string;
  /** PodGang the pods join or form. */
  gang: string;
  /** True when the pods form a new PodGang (a new set replica or scaled group replica). */
  newGang: boolean;
  /** GPUs of each new pod (pods without GPUs are listed with 0). */
  shapes: number[];
  /** Node label key all pods must share (the narrowest required pack), if any. */
  requiredKey?: string;
  /** Pods joining an existing gang stay in its domain: key and value. */
  anchor?: { key: string; value: string };
  /** Node label key the scheduler tries to share. */
  preferredKey?: string;
  /** The existing gang's value of the preferred key (its pods' most common). */
  preferredValue?: string;
  /** The gang's placement score now, if it has one. */
  scoreNow?: number;
}

/** Where one unit's pods would go. */
export interface UnitPlacement {
  /** The unit's label. */
  label: string;
  /** PodGang. */
  gang: string;
  /** New pods. */
  pods: number;
  /** GPUs they need. */
  gpus: number;
  /** True when every pod found room. */
  fits: boolean;
  /** The domain that takes them (`rack rack-a1`), when a constraint applies and they fit. */
  domain?: string;
  /** Pods per node: `gpu-a1-04: 1 pod, 4 GPUs`. */
  nodes: { node: string; pods: number; gpus: number }[];
  /** The pods stay within the preferred domain. */
  preferredKept: boolean;
  /** Why they do not fit. */
  reason?: string;
  /** Expected effect on the PlacementScore. */
  scoreEffect: string;
}

/** The whole analysis. */
export interface PlacementAnalysis {
  /** True when every unit fits. */
  fits: boolean;
  /** Per unit. */
  units: UnitPlacement[];
  /** Free GPUs on schedulable nodes before the change. */
  freeGpus: number;
  /** Largest free block on one schedulable node. */
  largestBlock: number;
  /** Free GPUs on cordoned or NotReady nodes (not usable). */
  unusableFreeGpus: number;
  /** Remarks (topology notes, unknown pack domains). */
  notes: string[];
}

/** The label key of a pack domain name (`rack` -> its level's key; `host` -> the hostname key). */
export function keyForDomain(
  levels: TopologyLevel[],
  domain: string | undefined,
): string | undefined {
  if (!domain) return undefined;
  const l = levels.find((x) => x.domain === domain || x.key === domain);
  if (l) return l.key;
  if (domain === "host") return HOST_KEY;
  return undefined;
}

/** Of several keys, the narrowest level (deepest), e.g. rack over zone. Unknown keys lose. */
export function narrowestKey(
  levels: TopologyLevel[],
  keys: (string | undefined)[],
): string | undefined {
  const rank = (k: string) =>
    k === HOST_KEY ? levels.length + 1 : levels.findIndex((l) => l.key === k);
  let best: string | undefined;
  for (const k of keys) {
    if (!k) continue;
    if (best === undefined || rank(k) > rank(best)) best = k;
  }
  return best;
}

interface Attempt {
  domain?: string;
  fits: boolean;
  preferredKept: boolean;
  anchorPreferred: boolean;
  leftover: number;
  placed: { shape: number; bin: string }[];
}

function pack(shapes: number[], nodes: NodeGpuState[], free: Map<string, number>) {
  const bins = nodes.map((n) => ({ name: n.name, free: free.get(n.name) ?? 0 }));
  return placeFirstFitDecreasing(shapes, bins);
}

/**
 * Places the units one after the other on the schedulable nodes' free GPUs
 * (each unit sees what the previous ones took).
 *
 * @example
 * ```ts
 * import { analysePlacement } from "./placement.ts";
 * const node = (name: string, rack: string, free: number) => ({
 *   name, allocatable: 8, allocated: 8 - free, free, hasGpuResource: true, cordoned: false,
 *   ready: true, schedulable: true, domains: [rack], labels: { rack },
 * });
 * const a = analysePlacement(
 *   [{ label: "x +2 pods", gang: "x-0", newGang: false, shapes: [4, 4], requiredKey: "rack" }],
 *   [node("n1", "r1", 4), node("n2", "r1", 4), node("n3", "r2", 2)],
 *   [{ domain: "rack", key: "rack" }],
 * );
 * a.units[0].domain; // "rack r1"
 * ```
 */
export function analysePlacement(
  units: PlacementUnit[],
  nodes: NodeGpuState[],
  levels: TopologyLevel[],
): PlacementAnalysis {
  const usable = nodes.filter((n) => n.schedulable);
  const free = new Map(usable.map((n) => [n.name, n.free]));
  const out: UnitPlacement[] = [];
  for (const u of units) out.push(placeUnit(u, usable, free, levels));
  return {
    fits: out.every((u) => u.fits),
    units: out,
    freeGpus: usable.reduce((s, n) => s + n.free, 0),
    largestBlock: usable.reduce((m, n) => Math.max(m, n.free), 0),
    unusableFreeGpus: nodes.filter((n) => !n.schedulable).reduce((s, n) => s + n.free, 0),
    notes: [],
  };
}

function placeUnit(
  u: PlacementUnit,
  usable: NodeGpuState[],
  free: Map<string, number>,
  levels: TopologyLevel[],
): UnitPlacement {
  const gpus = u.shapes.reduce((s, x) => s + x, 0);
  const base = { label: u.label, gang: u.gang, pods: u.shapes.length, gpus };
  const gpuShapes = u.shapes.filter((s) => s > 0);
  if (!gpuShapes.length) {
    return {
      ...base,
      fits: true,
      nodes: [],
      preferredKept: true,
      scoreEffect: "no GPUs needed (CPU and memory are not modelled); score unaffected",
    };
  }
  let candidates = usable;
  if (u.anchor) {
    candidates = usable.filter((n) => nodeStateValue(n, u.anchor!.key) === u.anchor!.value);
  }
  const domains: [string | undefined, NodeGpuState[]][] = u.requiredKey
    ? [...groupNodesByKey(candidates, u.requiredKey)]
    : [[undefined, candidates]];
  const attempts: Attempt[] = [];
  for (const [value, members] of domains) {
    const byName = (a: NodeGpuState, b: NodeGpuState) => a.name.localeCompare(b.name);
    let best: Attempt | undefined;
    if (u.preferredKey && u.preferredKey !== u.requiredKey) {
      const subs = [...groupNodesByKey(members, u.preferredKey)]
        .sort((a, b) =>
          (a[0] === u.preferredValue ? -1 : b[0] === u.preferredValue ? 1 : 0) ||
          a[0].localeCompare(b[0])
        );
      for (const [pv, sub] of subs) {
        const r = pack(gpuShapes, [...sub].sort(byName), free);
        if (r.fits) {
          best = {
            domain: value,
            fits: true,
            preferredKept: u.newGang || u.preferredValue === undefined || pv === u.preferredValue,
            anchorPreferred: pv === u.preferredValue,
            leftover: r.remaining.reduce((s, b) => s + b.free, 0),
            placed: r.placed,
          };
          break;
        }
      }
    }
    if (!best) {
      const r = pack(gpuShapes, [...members].sort(byName), free);
      const prefValues = new Set(
        r.placed.map((p) => {
          const n = members.find((m) => m.name === p.bin)!;
          return u.preferredKey ? nodeStateValue(n, u.preferredKey) : "";
        }),
      );
      best = {
        domain: value,
        fits: r.fits,
        preferredKept: !u.preferredKey ||
          (prefValues.size <= 1 &&
            (u.newGang || u.preferredValue === undefined || prefValues.has(u.preferredValue))),
        anchorPreferred: false,
        leftover: r.fits ? r.remaining.reduce((s, b) => s + b.free, 0) : 0,
        placed: r.placed,
      };
    }
    attempts.push(best);
  }
  const fitting = attempts.filter((a) => a.fits).sort((a, b) =>
    Number(b.anchorPreferred) - Number(a.anchorPreferred) ||
    Number(b.preferredKept) - Number(a.preferredKept) || a.leftover - b.leftover ||
    (a.domain ?? "").localeCompare(b.domain ?? "")
  );
  const reqName = u.requiredKey ? domainNameForKey(levels, u.requiredKey) : undefined;
  const prefName = u.preferredKey ? domainNameForKey(levels, u.preferredKey) : undefined;
  if (fitting.length) {
    const a = fitting[0];
    for (const p of a.placed) free.set(p.bin, (free.get(p.bin) ?? 0) - p.shape);
    const per = new Map<string, { pods: number; gpus: number }>();
    for (const p of a.placed) {
      const e = per.get(p.bin) ?? { pods: 0, gpus: 0 };
      e.pods++;
      e.gpus += p.shape;
      per.set(p.bin, e);
    }
    const where = a.domain !== undefined
      ? `${reqName} ${a.domain}`
      : u.anchor
      ? `${domainNameForKey(levels, u.anchor.key)} ${u.anchor.value}`
      : undefined;
    const score = u.scoreNow !== undefined ? ` (now ${u.scoreNow.toFixed(2)})` : "";
    const scoreEffect = !u.preferredKey
      ? `no preferred pack: score expected unchanged${score}`
      : a.preferredKept
      ? u.newGang
        ? `new gang packed in one ${prefName}: expected high score (close to 1.0)`
        : `pods stay in the gang's ${prefName}${
          u.preferredValue ? ` ${u.preferredValue}` : ""
        }: score expected unchanged${score}`
      : u.newGang
      ? `the new gang spreads over ${
        new Set(a.placed.map((p) => {
          const n = usable.find((x) => x.name === p.bin);
          return n ? nodeStateValue(n, u.preferredKey!) : p.bin;
        })).size
      } ${prefName}s (preferred: one): expected score below 1.0`
      : `pods land outside the gang's preferred ${prefName}${
        u.preferredValue ? ` ${u.preferredValue}` : ""
      }: score expected to drop${score}`;
    return {
      ...base,
      fits: true,
      domain: where,
      nodes: [...per].map(([node, e]) => ({ node, ...e })),
      preferredKept: a.preferredKept,
      scoreEffect,
    };
  }
  return {
    ...base,
    fits: false,
    nodes: [],
    preferredKept: false,
    reason: whyNot(u, gpuShapes, candidates, free, levels, reqName),
    scoreEffect: u.newGang
      ? "the new gang would stay Pending (no score)"
      : "the new pods would stay Pending (Unschedulable); the gang's score does not count them",
  };
}

function whyNot(
  u: PlacementUnit,
  shapes: number[],
  candidates: NodeGpuState[],
  free: Map<string, number>,
  levels: TopologyLevel[],
  reqName: string | undefined,
): string {
  const need = [...shapes].sort((a, b) => b - a);
  const total = need.reduce((s, x) => s + x, 0);
  const podsDesc = describeShapes(need);
  const where = u.anchor
    ? `the gang's ${domainNameForKey(levels, u.anchor.key)} ${u.anchor.value}`
    : "the cluster";
  if (!candidates.length) return `no schedulable node in ${where}`;
  const freeOf = (ns: NodeGpuState[]) => ns.reduce((s, n) => s + (free.get(n.name) ?? 0), 0);
  const blockOf = (ns: NodeGpuState[]) =>
    ns.reduce((m, n) => Math.max(m, free.get(n.name) ?? 0), 0);
  const allFree = freeOf(candidates);
  const block = blockOf(candidates);
  if (block < need[0]) {
    return `${podsDesc} need ${
      need[0]
    } GPUs on one node; the largest free block in ${where} is ${block} GPUs (${allFree} free in total, fragmented)`;
  }
  if (allFree < total) {
    return `${podsDesc} need ${total} GPUs; ${where} has ${allFree} free`;
  }
  if (u.requiredKey) {
    const groups = [...groupNodesByKey(candidates, u.requiredKey)]
      .map(([v, ns]) => ({ v, free: freeOf(ns), block: blockOf(ns) }))
      .sort((a, b) => b.free - a.free);
    const top = groups[0];
    return `${podsDesc} must share one ${reqName} (required pack) and no ${reqName} in ${where} has room: the best, ${top.v}, has ${top.free} free GPUs (largest block ${top.block})`;
  }
  return `${podsDesc} do not fit the free blocks of ${where} (${allFree} GPUs free)`;
}

function describeShapes(shapes: number[]): string {
  const counts = new Map<number, number>();
  for (const s of shapes) counts.set(s, (counts.get(s) ?? 0) + 1);
  return [...counts].map(([g, n]) => `${n} pod${n === 1 ? "" : "s"} x ${g} GPUs`).join(" + ");
}
