/**
 * Reading and writing the store for the operator simulation: children of a
 * set, a write only when something differs, and pod deletion that remembers
 * the node a pod left.
 *
 * @module
 */

import { LabelKeys } from "../../grove/labels.ts";
import { Resources } from "../../kube/resources.ts";
import type { KubeObject } from "../../kube/types.ts";
import type { SimStore } from "../store.ts";
import type { OperatorContext, PcsState } from "./types.ts";

/** The resources the operator touches. */
export const R = Resources;

/** A resource of {@link R}. */
export type OperatorResource = typeof R[keyof typeof R];

/** `<namespace>/<name>`. */
export function keyOf(o: KubeObject): string {
  return `${o.metadata.namespace ?? ""}/${o.metadata.name}`;
}

/** The PodCliqueSet an object is part of (its `app.kubernetes.io/part-of` label). */
export function partOf(o: KubeObject): string | undefined {
  return o.metadata.labels?.[LabelKeys.partOf];
}

/** A pod's index in its clique, -1 when unlabelled. */
export function podIndex(p: KubeObject): number {
  const v = p.metadata.labels?.[LabelKeys.podIndex];
  return v !== undefined && /^\d+$/.test(v) ? Number(v) : -1;
}

/** The objects of a kind that belong to a set. */
export function childrenOf(
  store: SimStore,
  r: OperatorResource,
  ns: string,
  pcs: string,
): KubeObject[] {
  return store.list(r, ns).filter((o) => partOf(o) === pcs);
}

/** Replaces `cur` with `next` unless they are equal; returns the stored object. */
export function put(
  store: SimStore,
  r: OperatorResource,
  cur: KubeObject,
  next: KubeObject,
): KubeObject {
  if (JSON.stringify(cur) === JSON.stringify(next)) return cur;
  const copy = structuredClone(next);
  delete copy.metadata.resourceVersion;
  return store.replace(r, copy, { checkResourceVersion: false });
}

/** Deletes a pod, remembering its node for its replacement. */
export function deletePod(ctx: OperatorContext, pcs: string, pod: KubeObject, s: PcsState): void {
  if (pod.spec?.nodeName) {
    s.vacated.set(
      `${pod.metadata.labels?.[LabelKeys.podClique]}/${podIndex(pod)}`,
      pod.spec.nodeName,
    );
  }
  ctx.readyAt.delete(keyOf(pod));
  if (ctx.store.get(R.pods, pod.metadata.namespace, pod.metadata.name)) {
    ctx.store.delete(R.pods, pod.metadata.namespace, pod.metadata.name);
    ctx.log({
      action: "delete-pod",
      namespace: pod.metadata.namespace ?? "",
      name: pod.metadata.name,
      pcs,
      hash: pod.metadata.labels?.[LabelKeys.podTemplateHash],
    });
  }
}
