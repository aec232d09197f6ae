/**
 * `--preserve-placement`: keep the topology constraints of the live template
 * in a changed one, and warn when a change (more GPUs per pod) may not fit
 * the domains the pods occupy now. Pure.
 *
 * @module
 */

import type { PodCliqueSet } from "../../lib/grove/types.ts";
import { summarizeTemplate } from "../../lib/revisions/summary.ts";

function same(a: unknown, b: unknown): boolean {
  return JSON.stringify(a ?? null) === JSON.stringify(b ?? null);
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
      out.push(`the topology constraint of scaling group ${g.name} changes`);
    }
  }
  const oldSummary = new Map(summarizeTemplate(bt).map((s) => [s.clique, s]));
  for (const s of summarizeTemplate(nt)) {
    const o = oldSummary.get(s.clique);
    if (!o || o.gpusPerPod === s.gpusPerPod) continue;
    const c = (nt.cliques ?? []).find((x) => x.name === s.clique);
    const pack = c?.topologyConstraint?.pack?.required ?? nt.topologyConstraint?.pack?.required;
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
