/**
 * The Grove expansion rule, once for the simulator: which PodCliques,
 * PodCliqueScalingGroups and PodGangs a PodCliqueSet has at its spec. Set
 * replica `r` gets its standalone cliques `<pcs>-<r>-<clique>` in the base
 * gang `<pcs>-<r>`; scaling group `sg` gets replicas `j` of its cliques
 * `<pcs>-<r>-<sg>-<j>-<clique>`, the first `minAvailable` of them in the base
 * gang, the others in scaled gangs `<pcs>-<r>-<sg>-<j - minAvailable>`. A
 * scaling group's live replicas (its `/scale`) override the template's.
 *
 * Used by the operator simulation (`operator/`) and the scenario builder
 * (`scenarios/builder.ts`). This is the one seam to switch to the shared
 * `expectedCliques` of `lib/grove/expansion.ts` when that exists.
 *
 * @module
 */

import {
  baseGangName,
  cliqueName,
  scaledGangName,
  scalingGroupCliqueName,
  scalingGroupName,
} from "../grove/names.ts";
import type { PodCliqueSet, PodCliqueTemplateSpec } from "../grove/types.ts";

/** One PodClique the set should have now. */
export interface DesiredClique {
  name: string;
  template: PodCliqueTemplateSpec;
  replica: number;
  /** Full PCSG name, for a member. */
  group?: string;
  /** Scaling group template name. */
  groupTemplate?: string;
  groupReplica?: number;
  gang: string;
}

/** One scaling group the set should have now. */
export interface DesiredGroup {
  name: string;
  template: string;
  replica: number;
  replicas: number;
  minAvailable: number;
  cliqueNames: string[];
}

/** What {@link expandPodCliqueSet} returns. */
export interface Expansion {
  /** Every clique, by set replica: standalone cliques, then each group's replicas. */
  cliques: DesiredClique[];
  /** Every scaling group. */
  groups: DesiredGroup[];
  /** Gang name -> its cliques' full names, base gangs first per replica. */
  gangs: Map<string, string[]>;
}

/**
 * The cliques, groups and gangs of a set at its spec, taking scaling-group
 * replicas from the live PCSG objects (their `/scale` wins over the template).
 *
 * @example
 * ```ts
 * import { expandPodCliqueSet } from "./expansion.ts";
 * const pcs = {
 *   apiVersion: "grove.io/v1alpha1", kind: "PodCliqueSet", metadata: { name: "m" },
 *   spec: { replicas: 1, template: {
 *     cliques: [{ name: "fe", spec: { replicas: 1 } }, { name: "w", spec: { replicas: 1 } }],
 *     podCliqueScalingGroups: [{ name: "sg", cliqueNames: ["w"], replicas: 2, minAvailable: 1 }],
 *   } },
 * };
 * const e = expandPodCliqueSet(pcs, new Map([["m-0-sg", 3]]));
 * [...e.gangs.keys()]; // ["m-0", "m-0-sg-0", "m-0-sg-1"]
 * ```
 */
export function expandPodCliqueSet(
  pcs: PodCliqueSet,
  liveGroupReplicas: ReadonlyMap<string, number> = new Map(),
): Expansion {
  const name = pcs.metadata.name;
  const tpl = pcs.spec?.template;
  const templates = tpl?.cliques ?? [];
  const groupsTpl = tpl?.podCliqueScalingGroups ?? [];
  const inGroup = new Set(groupsTpl.flatMap((g) => g.cliqueNames ?? []));
  const byName = new Map(templates.map((c) => [c.name, c]));
  const cliques: DesiredClique[] = [];
  const groups: DesiredGroup[] = [];
  const gangs = new Map<string, string[]>();
  const addGang = (g: string, c: string) => gangs.set(g, [...(gangs.get(g) ?? []), c]);
  for (let r = 0; r < (pcs.spec?.replicas ?? 0); r++) {
    const base = baseGangName(name, r);
    gangs.set(base, []);
    for (const c of templates) {
      if (inGroup.has(c.name)) continue;
      const n = cliqueName(name, r, c.name);
      cliques.push({ name: n, template: c, replica: r, gang: base });
      addGang(base, n);
    }
    for (const g of groupsTpl) {
      const full = scalingGroupName(name, r, g.name);
      const replicas = liveGroupReplicas.get(full) ?? g.replicas ?? 1;
      const min = g.minAvailable ?? 1;
      groups.push({
        name: full,
        template: g.name,
        replica: r,
        replicas,
        minAvailable: min,
        cliqueNames: g.cliqueNames ?? [],
      });
      for (let j = 0; j < replicas; j++) {
        const gang = j < min ? base : scaledGangName(name, r, g.name, j - min);
        for (const cn of g.cliqueNames ?? []) {
          const c = byName.get(cn);
          if (!c) continue;
          const n = scalingGroupCliqueName(name, r, g.name, j, cn);
          cliques.push({
            name: n,
            template: c,
            replica: r,
            group: full,
            groupTemplate: g.name,
            groupReplica: j,
            gang,
          });
          addGang(gang, n);
        }
      }
    }
  }
  return { cliques, groups, gangs };
}
