/**
 * One snapshot of the five Grove kinds of some PodCliqueSets, and the one
 * selector that picks it from a flat list of objects (a fixture scenario,
 * a diag bundle, a watch cache) the way the server's selectors would: the
 * PodCliqueSets asked for, and the objects labelled
 * `app.kubernetes.io/part-of` one of them in the same namespace.
 *
 * status, health and topology build their reports from it (each adds what
 * only it needs: the scope, events, nodes); progressive rollouts load the
 * same fields of one set from the API.
 *
 * @module
 */

import type { KubeObject } from "../kube/types.ts";
import { LabelKeys } from "./labels.ts";
import type { Pod, PodClique, PodCliqueScalingGroup, PodCliqueSet, PodGang } from "./types.ts";

/** The Grove objects of some PodCliqueSets. */
export interface GroveObjects {
  /** PodCliqueSets. */
  podCliqueSets: PodCliqueSet[];
  /** PodCliques of those sets. */
  podCliques: PodClique[];
  /** PodCliqueScalingGroups of those sets. */
  scalingGroups: PodCliqueScalingGroup[];
  /** PodGangs of those sets. */
  podGangs: PodGang[];
  /** Pods of those sets. */
  pods: Pod[];
}

/** Which PodCliqueSets {@link selectGroveObjects} keeps. */
export interface GroveSelection {
  /** Namespace; undefined keeps every namespace. */
  namespace?: string;
  /** One PodCliqueSet by name; undefined keeps every one in the namespace(s). */
  name?: string;
}

/** The snapshot with no objects. */
export function emptyGroveObjects(): GroveObjects {
  return { podCliqueSets: [], podCliques: [], scalingGroups: [], podGangs: [], pods: [] };
}

/**
 * Picks the PodCliqueSets of `sel` from `objects`, and the PodCliques,
 * scaling groups, PodGangs and pods labelled `app.kubernetes.io/part-of`
 * one of them in its namespace. Objects of other kinds are ignored.
 *
 * @example
 * ```ts
 * import { selectGroveObjects } from "./snapshot.ts";
 * const pcs = { kind: "PodCliqueSet", metadata: { name: "qwen", namespace: "inference" } };
 * const pod = {
 *   kind: "Pod",
 *   metadata: { name: "qwen-0-w-abc", namespace: "inference", labels: { "app.kubernetes.io/part-of": "qwen" } },
 * };
 * const stray = { kind: "Pod", metadata: { name: "other", namespace: "inference" } };
 * const o = selectGroveObjects([pcs, pod, stray], { namespace: "inference" });
 * console.assert(o.podCliqueSets.length === 1 && o.pods.length === 1);
 * ```
 */
export function selectGroveObjects(objects: KubeObject[], sel: GroveSelection): GroveObjects {
  const nsOf = (o: KubeObject) => o.metadata?.namespace ?? "";
  const inNamespace = (o: KubeObject) => sel.namespace === undefined || nsOf(o) === sel.namespace;
  const sets = objects.filter((o) =>
    o.kind === "PodCliqueSet" && inNamespace(o) &&
    (sel.name === undefined || o.metadata.name === sel.name)
  ) as PodCliqueSet[];
  const wanted = new Set(sets.map((s) => `${nsOf(s)}/${s.metadata.name}`));
  const belongs = (o: KubeObject) => {
    const pcs = o.metadata?.labels?.[LabelKeys.partOf];
    return pcs !== undefined && inNamespace(o) && wanted.has(`${nsOf(o)}/${pcs}`);
  };
  const of = <T extends KubeObject>(kind: string) =>
    objects.filter((o) => o.kind === kind && belongs(o)) as T[];
  return {
    podCliqueSets: sets,
    podCliques: of<PodClique>("PodClique"),
    scalingGroups: of<PodCliqueScalingGroup>("PodCliqueScalingGroup"),
    podGangs: of<PodGang>("PodGang"),
    pods: of<Pod>("Pod"),
  };
}
