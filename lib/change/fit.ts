/**
 * The I/O of the `--preserve-placement` GPU check: nodes and pods are listed
 * only when a change gives some role more GPUs per pod.
 *
 * @module
 */

import { partOfSelector } from "../grove/labels.ts";
import type { Node, Pod, PodCliqueSet } from "../grove/types.ts";
import { Resources } from "../kube/resources.ts";
import type { Kube } from "../kube/types.ts";
import { gpuFitWarnings, growingGpuCliques } from "./placement.ts";

/** Warnings for pods that would not fit their current nodes after the change (3 lists, only when needed). */
export async function placementFit(
  kube: Kube,
  before: PodCliqueSet,
  next: PodCliqueSet,
): Promise<string[]> {
  const growing = growingGpuCliques(before, next);
  if (!growing.size) return [];
  const ns = before.metadata.namespace ?? kube.namespace;
  try {
    const [nodes, mine, all] = await Promise.all([
      kube.list<Node>(Resources.nodes),
      kube.list<Pod>(Resources.pods, {
        namespace: ns,
        labelSelector: partOfSelector(before.metadata.name),
      }),
      kube.list<Pod>(Resources.pods, {
        fieldSelector: "status.phase!=Succeeded,status.phase!=Failed",
      }),
    ]);
    return gpuFitWarnings(growing, mine.items, nodes.items, all.items);
  } catch (e) {
    return [`could not check free GPUs on the current nodes: ${(e as Error).message}`];
  }
}
