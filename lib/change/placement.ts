/**
 * `--preserve-placement`: keep the topology constraints of the live template
 * in a changed one, and warn when a change (more GPUs per pod) may not fit
 * the domains the pods occupy now. Pure.
 *
 * @module
 */

import { packDomains } from "../grove/pack.ts";
import { gpusAllocatedByNode, nodeGpus, podGpus, podRef } from "../grove/relations.ts";
import type { Node, Pod, PodCliqueSet } from "../grove/types.ts";
import { stableStringify } from "../revisions/hash.ts";
import { summarizeTemplate } from "../revisions/summary.ts";

/** Equal as JSON, whatever the key order (a manifest may list keys differently from the server). */
function same(a: unknown, b: unknown): boolean {
  return stableStringify(a ?? null) === stableStringify(b ?? null);
}

/**
 * Checks (and with `preserve`, restores) placement in `next` against
 * `before`. Returns the warnings; mutates `next` only when preserving.
 *
 * @example
 * ```ts
 * import { checkPlacement } from "./placement.ts";
 * const a = { metadata: { name: "d" }, spec: { template: { cliques: [],
 *   topologyConstraint: { pack: { required: "rack" } } } } };
 * const b = structuredClone(a);
 * delete b.spec.template.topologyConstraint;
 * checkPlacement(a, b, true); // ["kept the set's topology constraint ..."]
 * ```
 */
export function checkPlacement(
  before: PodCliqueSet,
  next: PodCliqueSet,
  preserve: boolean,
): string[] {
  const out: string[] = [];
  const bt = before.spec?.template;
  const nt = next.spec?.template;
  if (!bt || !nt) return out;
  const describe = (x: unknown) => (x === undefined ? "none" : JSON.stringify(x));
  if (!same(bt.topologyConstraint, nt.topologyConstraint)) {
    if (preserve) {
      if (bt.topologyConstraint === undefined) delete nt.topologyConstraint;
      else nt.topologyConstraint = structuredClone(bt.topologyConstraint);
      out.push(
        `kept the set's topology constraint ${
          describe(bt.topologyConstraint)
        } (--preserve-placement)`,
      );
    } else {
      out.push(
        `the set's topology constraint changes: ${describe(bt.topologyConstraint)} -> ${
          describe(nt.topologyConstraint)
        }`,
      );
    }
  }
  const oldCliques = new Map((bt.cliques ?? []).map((c) => [c.name, c]));
  for (const c of nt.cliques ?? []) {
    const o = oldCliques.get(c.name);
    if (!o || same(o.topologyConstraint, c.topologyConstraint)) continue;
    if (preserve) {
      if (o.topologyConstraint === undefined) delete c.topologyConstraint;
      else c.topologyConstraint = structuredClone(o.topologyConstraint);
      out.push(`kept the topology constraint of clique ${c.name} (--preserve-placement)`);
    } else {
      out.push(
        `the topology constraint of clique ${c.name} changes: ${
          describe(o.topologyConstraint)
        } -> ${describe(c.topologyConstraint)}`,
      );
    }
  }
  const oldGroups = new Map((bt.podCliqueScalingGroups ?? []).map((g) => [g.name, g]));
  for (const g of nt.podCliqueScalingGroups ?? []) {
    const o = oldGroups.get(g.name);
    if (!o || same(o.topologyConstraint, g.topologyConstraint)) continue;
    if (preserve) {
      if (o.topologyConstraint === undefined) delete g.topologyConstraint;
      else g.topologyConstraint = structuredClone(o.topologyConstraint);
      out.push(`kept the topology constraint of scaling group ${g.name} (--preserve-placement)`);
    } else {
      out.push(
        `the topology constraint of scaling group ${g.name} changes: ${
          describe(o.topologyConstraint)
        } -> ${describe(g.topologyConstraint)}`,
      );
    }
  }
  const oldSummary = new Map(summarizeTemplate(bt).map((s) => [s.clique, s]));
  for (const s of summarizeTemplate(nt)) {
    const o = oldSummary.get(s.clique);
    if (!o || o.gpusPerPod === s.gpusPerPod) continue;
    const c = (nt.cliques ?? []).find((x) => x.name === s.clique);
    const pack = packDomains(c?.topologyConstraint)?.required ??
      packDomains(nt.topologyConstraint)?.required;
    const more = s.gpusPerPod > o.gpusPerPod;
    out.push(
      `role ${s.role}: GPUs per pod ${o.gpusPerPod} -> ${s.gpusPerPod}${
        more
          ? `; the new pods may not fit the ${pack ? `"${pack}" domains` : "nodes"} they use now${
            preserve ? " (placement cannot be kept as is)" : ""
          }: check free GPUs with kubectl grove topology ${before.metadata.name}`
          : ""
      }`,
    );
  }
  return out;
}

/**
 * Whether the pods of roles whose GPUs per pod change still fit the nodes
 * they run on now (pure): for each such pod, the node's allocatable GPUs
 * minus what other pods hold there, plus what the pod itself frees. One line
 * per node that would not fit, naming the pods and the shortfall.
 *
 * @example
 * ```ts
 * import { gpuFitWarnings } from "./placement.ts";
 * gpuFitWarnings(new Map([["worker", 8]]), [], [], []); // []
 * ```
 */
export function gpuFitWarnings(
  newGpusByClique: Map<string, number>,
  pcsPods: Pod[],
  nodes: Node[],
  allPods: Pod[],
): string[] {
  const used = gpusAllocatedByNode(allPods);
  const alloc = new Map(nodes.map((n) => [n.metadata.name, nodeGpus(n)]));
  const need = new Map<string, { pods: string[]; extra: number }>();
  for (const p of pcsPods) {
    const tpl = podRef(p)?.cliqueTemplate;
    const node = p.spec?.nodeName;
    if (!tpl || !node || !newGpusByClique.has(tpl)) continue;
    const delta = newGpusByClique.get(tpl)! - podGpus(p);
    if (delta <= 0) continue;
    const e = need.get(node) ?? { pods: [], extra: 0 };
    e.pods.push(p.metadata.name);
    e.extra += delta;
    need.set(node, e);
  }
  const out: string[] = [];
  for (const [node, e] of need) {
    const free = (alloc.get(node) ?? 0) - (used.get(node) ?? 0);
    if (free < e.extra) {
      out.push(
        `node ${node}: ${e.pods.join(", ")} would need ${e.extra} more GPU${
          e.extra === 1 ? "" : "s"
        }, ${Math.max(0, free)} free: the new pods cannot keep this placement`,
      );
    }
  }
  return out.sort();
}

/** Cliques whose GPUs per pod grow from `before` to `next`, with the new GPUs per pod. */
export function growingGpuCliques(before: PodCliqueSet, next: PodCliqueSet): Map<string, number> {
  const old = new Map(
    summarizeTemplate(before.spec?.template).map((s) => [s.clique, s.gpusPerPod]),
  );
  const out = new Map<string, number>();
  for (const s of summarizeTemplate(next.spec?.template)) {
    const o = old.get(s.clique);
    if (o !== undefined && s.gpusPerPod > o) out.set(s.clique, s.gpusPerPod);
  }
  return out;
}
