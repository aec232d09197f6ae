/**
 * Template hashes for the operator simulation: a clique's pod-template-hash
 * and the set's generation hash per template content, adopting the hashes a
 * loaded scenario already carries until the template actually changes.
 *
 * @module
 */

import { LabelKeys } from "../../grove/labels.ts";
import type { PodCliqueSet, PodCliqueTemplateSpec } from "../../grove/types.ts";
import type { KubeObject } from "../../kube/types.ts";
import { stableHash, stableStringify } from "../../revisions/hash.ts";
import { podTemplateContent } from "./objects.ts";
import { keyOf } from "./store_ops.ts";
import type { PcsState } from "./types.ts";

/** The template a PodClique was made from (matched by name suffix). */
export function templateOfClique(
  pcs: PodCliqueSet,
  q: KubeObject,
  byName: Map<string, PodCliqueTemplateSpec>,
): PodCliqueTemplateSpec | undefined {
  const full = q.metadata.name;
  const prefix = `${pcs.metadata.name}-`;
  if (!full.startsWith(prefix)) return undefined;
  for (const [n, t] of byName) if (full.endsWith(`-${n}`)) return t;
  return undefined;
}

/** The remembered state of a set, created on first sight from its live cliques. */
export function stateOf(
  states: Map<string, PcsState>,
  pcs: PodCliqueSet,
  pclqs: KubeObject[],
): PcsState {
  const k = keyOf(pcs);
  let s = states.get(k);
  if (s) return s;
  s = { hashes: new Map(), gens: new Map(), lastStepAt: 0, vacated: new Map() };
  const tpl = pcs.spec?.template;
  // The recorded generation hash belongs to the template only once the operator has observed it.
  if (
    pcs.status?.currentGenerationHash &&
    pcs.status.observedGeneration === pcs.metadata.generation
  ) {
    s.gens.set(stableStringify(tpl), pcs.status.currentGenerationHash);
  }
  const byName = new Map((tpl?.cliques ?? []).map((c) => [c.name, c]));
  for (const q of pclqs) {
    const t = templateOfClique(pcs, q, byName);
    if (!t) continue;
    const liveContent = podTemplateContent({
      ...t,
      spec: { ...t.spec, podSpec: q.spec?.podSpec },
    });
    const hash = q.status?.updateProgress?.podTemplateHash ?? q.status?.currentPodTemplateHash ??
      q.metadata.labels?.[LabelKeys.podTemplateHash];
    if (hash) s.hashes.set(q.metadata.name, new Map([[liveContent, hash]]));
  }
  states.set(k, s);
  return s;
}

/** The pod-template-hash a clique's pods should carry for this template. */
export function targetHash(s: PcsState, clique: string, t: PodCliqueTemplateSpec): string {
  const content = podTemplateContent(t);
  let m = s.hashes.get(clique);
  if (!m) s.hashes.set(clique, m = new Map());
  let h = m.get(content);
  if (!h) {
    h = stableHash(`${clique}\n${content}`).slice(0, 10);
    m.set(content, h);
  }
  return h;
}

/** The set's generation hash for its current template. */
export function genHash(s: PcsState, pcs: PodCliqueSet): string {
  const c = stableStringify(pcs.spec?.template);
  let h = s.gens.get(c);
  if (!h) {
    h = stableHash(pcs.spec?.template).slice(0, 10);
    s.gens.set(c, h);
  }
  return h;
}
