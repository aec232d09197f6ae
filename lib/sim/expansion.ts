/**
 * The simulator's view of the Grove expansion: which PodCliques, PodCliqueScalingGroups and
 * PodGangs a PodCliqueSet has at its spec, with the clique templates attached. The rule itself
 * (names, base and scaled gangs, the scaling group's `/scale` over the template) is
 * `expectedCliques` of `lib/grove/expansion.ts`, the one the reports use too.
 *
 * Used by the operator simulation (`operator/`) and the scenario builder
 * (`scenarios/builder.ts`).
 *
 * @module
 */

import { baseGangName, scalingGroupName } from "../grove/names.ts";
import { expectedCliques } from "../grove/expansion.ts";
import type { PodCliqueScalingGroup, PodCliqueSet, PodCliqueTemplateSpec } from "../grove/types.ts";

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
  const byName = new Map(templates.map((c) => [c.name, c]));
  // the one Grove expansion (lib/grove): the live PCSGs' /scale wins over the template
  const scalingGroups = [...liveGroupReplicas].map(([n, replicas]) =>
    ({
      metadata: { name: n, namespace: pcs.metadata.namespace },
      spec: { replicas },
    }) as unknown as PodCliqueScalingGroup
  );
  const cliques: DesiredClique[] = expectedCliques(pcs, { scalingGroups })
    .filter((e) => byName.has(e.template))
    .map((e) => ({
      name: e.name,
      template: byName.get(e.template)!,
      replica: e.replica,
      ...(e.scalingGroupFullName === undefined ? {} : {
        group: e.scalingGroupFullName,
        groupTemplate: e.scalingGroup,
        groupReplica: e.scalingGroupReplica,
      }),
      gang: e.gang,
    }));
  const groups: DesiredGroup[] = [];
  const gangs = new Map<string, string[]>();
  for (let r = 0; r < (pcs.spec?.replicas ?? 0); r++) {
    gangs.set(baseGangName(name, r), []); // the base gang first, even without cliques
    for (const c of cliques) {
      if (c.replica === r) gangs.set(c.gang, [...(gangs.get(c.gang) ?? []), c.name]);
    }
    for (const g of groupsTpl) {
      const full = scalingGroupName(name, r, g.name);
      groups.push({
        name: full,
        template: g.name,
        replica: r,
        replicas: liveGroupReplicas.get(full) ?? g.replicas ?? 1,
        minAvailable: g.minAvailable ?? 1,
        cliqueNames: g.cliqueNames ?? [],
      });
    }
  }
  return { cliques, groups, gangs };
}
