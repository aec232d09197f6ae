/**
 * The Grove expansion rule, written once: which PodCliques and PodGangs a
 * PodCliqueSet should have. Per set replica `r`: the standalone cliques
 * (`<pcs>-<r>-<clique>`) in the base gang `<pcs>-<r>`; per scaling group,
 * replicas `j` of its member cliques (`<pcs>-<r>-<sg>-<j>-<clique>`), the
 * first `minAvailable` of them in the base gang, each further one in its
 * own scaled gang `<pcs>-<r>-<sg>-<j - minAvailable>`.
 *
 * A scaling group's `replicas` and `minAvailable` come from the template,
 * unless the live PodCliqueScalingGroup is given: an HPA or `kubectl grove
 * scale` resizes the PCSG object, not the PodCliqueSet template, so status
 * and health pass the PCSGs they listed.
 *
 * @module
 */

import { cliqueRole } from "./relations.ts";
import {
  baseGangName,
  cliqueName,
  gangForScalingGroupReplica,
  scaledGangName,
  scalingGroupCliqueName,
  scalingGroupName,
} from "./names.ts";
import type { PodCliqueScalingGroup, PodCliqueSet, PodCliqueTemplateSpec } from "./types.ts";

/** A PodClique a PodCliqueSet should have. */
export interface ExpectedClique {
  /** Full PodClique name. */
  name: string;
  /** Template name. */
  template: string;
  /** Role (roleName, else template name). */
  role: string;
  /** PCS replica. */
  replica: number;
  /** Scaling group template name, for a member clique. */
  scalingGroup?: string;
  /** Full PCSG name, for a member clique. */
  scalingGroupFullName?: string;
  /** Scaling group replica `j`. */
  scalingGroupReplica?: number;
  /** The PodGang its pods belong to. */
  gang: string;
  /** Desired pods (from the template). */
  replicas: number;
  /** minAvailable (template value, else replicas). */
  minAvailable: number;
}

/** A PodGang a PodCliqueSet should have. */
export interface ExpectedGang {
  /** PodGang name. */
  name: string;
  /** PCS replica. */
  replica: number;
  /** True for the base gang. */
  base: boolean;
  /** Scaling group template name, for a scaled gang. */
  scalingGroup?: string;
  /** Index `k` of a scaled gang. */
  scaledIndex?: number;
  /** Full names of the cliques whose pods it holds. */
  cliques: string[];
}

/** Options of {@link expectedCliques} and {@link expectedGangs}. */
export interface ExpansionOptions {
  /**
   * The live PodCliqueScalingGroups (of this set or others; matched by name
   * and namespace): their `spec.replicas` and `spec.minAvailable` override
   * the template's.
   */
  scalingGroups?: PodCliqueScalingGroup[];
}

/** A number, or undefined for anything else (a malformed field counts as absent). */
function num(v: unknown): number | undefined {
  return typeof v === "number" && Number.isFinite(v) ? v : undefined;
}

/** Replicas and minAvailable of scaling group `sg` of set replica `r`. */
function groupSize(
  pcs: PodCliqueSet,
  r: number,
  sg: { name: string; replicas?: number; minAvailable?: number },
  live: Map<string, PodCliqueScalingGroup>,
): { replicas: number; min: number } {
  const pcsg = live.get(scalingGroupName(pcs.metadata.name, r, sg.name));
  return {
    replicas: num(pcsg?.spec?.replicas) ?? num(sg.replicas) ?? 1,
    min: num(pcsg?.spec?.minAvailable) ?? num(sg.minAvailable) ?? 1,
  };
}

function liveGroups(pcs: PodCliqueSet, opts: ExpansionOptions): Map<string, PodCliqueScalingGroup> {
  const ns = pcs.metadata.namespace ?? "";
  return new Map(
    (opts.scalingGroups ?? [])
      .filter((g) => (g.metadata.namespace ?? "") === ns)
      .map((g) => [g.metadata.name, g]),
  );
}

/**
 * The cliques a PodCliqueSet should have, in display order: per set replica
 * its standalone cliques (template order), then each scaling group's
 * members, replica by replica.
 *
 * @example
 * ```ts
 * import { expectedCliques } from "./expansion.ts";
 * const pcs = {
 *   metadata: { name: "llm", namespace: "ns" },
 *   spec: {
 *     replicas: 1,
 *     template: {
 *       cliques: [{ name: "fe", spec: { replicas: 1 } }, { name: "w", spec: { replicas: 2 } }],
 *       podCliqueScalingGroups: [{ name: "dec", cliqueNames: ["w"], replicas: 1, minAvailable: 1 }],
 *     },
 *   },
 * };
 * const pcsg = { metadata: { name: "llm-0-dec", namespace: "ns" }, spec: { replicas: 2, minAvailable: 1 } };
 * const gangs = expectedCliques(pcs, { scalingGroups: [pcsg] }).map((c) => `${c.name}@${c.gang}`);
 * console.assert(gangs.join(" ") === "llm-0-fe@llm-0 llm-0-dec-0-w@llm-0 llm-0-dec-1-w@llm-0-dec-0");
 * ```
 */
export function expectedCliques(
  pcs: PodCliqueSet,
  opts: ExpansionOptions = {},
): ExpectedClique[] {
  const name = pcs.metadata.name;
  const tpl = pcs.spec?.template;
  const cliques = tpl?.cliques ?? [];
  const groups = tpl?.podCliqueScalingGroups ?? [];
  const live = liveGroups(pcs, opts);
  const inGroup = new Set(groups.flatMap((g) => g.cliqueNames ?? []));
  const byName = new Map(cliques.map((c) => [c.name, c]));
  const desiredOf = (c: PodCliqueTemplateSpec | undefined) => num(c?.spec?.replicas) ?? 0;
  const minOf = (c: PodCliqueTemplateSpec | undefined) =>
    num(c?.spec?.minAvailable) ?? desiredOf(c);
  const out: ExpectedClique[] = [];
  for (let r = 0; r < (num(pcs.spec?.replicas) ?? 0); r++) {
    for (const c of cliques) {
      if (inGroup.has(c.name)) continue;
      out.push({
        name: cliqueName(name, r, c.name),
        template: c.name,
        role: cliqueRole(c),
        replica: r,
        gang: baseGangName(name, r),
        replicas: desiredOf(c),
        minAvailable: minOf(c),
      });
    }
    for (const g of groups) {
      const { replicas, min } = groupSize(pcs, r, g, live);
      for (let j = 0; j < replicas; j++) {
        for (const cn of g.cliqueNames ?? []) {
          const c = byName.get(cn);
          out.push({
            name: scalingGroupCliqueName(name, r, g.name, j, cn),
            template: cn,
            role: c ? cliqueRole(c) : cn,
            replica: r,
            scalingGroup: g.name,
            scalingGroupFullName: scalingGroupName(name, r, g.name),
            scalingGroupReplica: j,
            gang: gangForScalingGroupReplica(name, r, g.name, j, min),
            replicas: desiredOf(c),
            minAvailable: c ? minOf(c) : 0,
          });
        }
      }
    }
  }
  return out;
}

/**
 * The PodGangs a PodCliqueSet should have: per set replica a base gang,
 * plus one per scaling group replica beyond the group's minAvailable.
 */
export function expectedGangs(pcs: PodCliqueSet, opts: ExpansionOptions = {}): ExpectedGang[] {
  const name = pcs.metadata.name;
  const cliques = expectedCliques(pcs, opts);
  const live = liveGroups(pcs, opts);
  const out: ExpectedGang[] = [];
  const groups = pcs.spec?.template?.podCliqueScalingGroups ?? [];
  for (let r = 0; r < (num(pcs.spec?.replicas) ?? 0); r++) {
    const base = baseGangName(name, r);
    out.push({
      name: base,
      replica: r,
      base: true,
      cliques: cliques.filter((c) => c.gang === base).map((c) => c.name),
    });
    for (const g of groups) {
      const { replicas, min } = groupSize(pcs, r, g, live);
      for (let j = min; j < replicas; j++) {
        const gang = scaledGangName(name, r, g.name, j - min);
        out.push({
          name: gang,
          replica: r,
          base: false,
          scalingGroup: g.name,
          scaledIndex: j - min,
          cliques: cliques.filter((c) => c.gang === gang).map((c) => c.name),
        });
      }
    }
  }
  return out;
}
