/**
 * Pod start-up for the operator simulation: a starting pod becomes Ready
 * `readyDelayMs` after it was placed, unless its image is one of
 * `badImages` (then it stays in ImagePullBackOff). Pods that run but fail
 * probes or crash-loop are left as they are.
 *
 * @module
 */

import { LabelKeys } from "../../grove/labels.ts";
import { isPodReady } from "../../grove/relations.ts";
import type { Pod } from "../../grove/types.ts";
import { readyPod, rfc3339 } from "./objects.ts";
import { keyOf, put, R } from "./store_ops.ts";
import type { OperatorContext } from "./types.ts";

/** True when a container of the pod runs one of the bad images. */
export function imageBad(pod: Pod, bad: (string | RegExp)[]): boolean {
  return (pod.spec.containers ?? []).some((c) =>
    c.image !== undefined &&
    bad.some((b) => (typeof b === "string" ? b === c.image : b.test(c.image!)))
  );
}

/** The pod in ImagePullBackOff. */
export function badPod(pod: Pod, nowMs: number): Pod {
  const p = structuredClone(pod);
  p.status = {
    ...p.status,
    phase: "Pending",
    containerStatuses: (p.spec.containers ?? []).map((c) => ({
      name: c.name,
      image: c.image,
      ready: false,
      restartCount: 0,
      state: {
        waiting: { reason: "ImagePullBackOff", message: `Back-off pulling image "${c.image}"` },
      },
    })),
    startTime: rfc3339(nowMs),
  };
  return p;
}

/** Makes starting pods Ready when their delay has passed; true while some still wait. */
export function advanceReadiness(
  ctx: OperatorContext,
  ns: string,
  name: string,
  pods: Pod[],
  t: number,
): boolean {
  let work = false;
  for (const p of pods) {
    if (isPodReady(p) || !p.spec.nodeName) continue;
    const k = keyOf(p);
    // Only starting pods come up: not ones that run but fail probes or crash-loop.
    const starting = ctx.readyAt.has(k) || (p.status?.phase ?? "Pending") === "Pending" &&
        (p.status?.containerStatuses ?? []).every((c) =>
          !c.state?.waiting?.reason ||
          ["ContainerCreating", "PodInitializing"].includes(c.state.waiting.reason)
        );
    if (!starting) continue;
    if (imageBad(p, ctx.badImages)) {
      if (p.status?.containerStatuses?.[0]?.state?.waiting?.reason !== "ImagePullBackOff") {
        put(ctx.store, R.pods, p, badPod(p, t));
      }
      ctx.readyAt.delete(k);
      continue;
    }
    if (!ctx.readyAt.has(k)) ctx.readyAt.set(k, t + ctx.readyDelayMs);
    if (ctx.readyAt.get(k)! <= t) {
      put(ctx.store, R.pods, p, readyPod(p, t));
      ctx.readyAt.delete(k);
      ctx.log({
        action: "pod-ready",
        namespace: ns,
        name: p.metadata.name,
        pcs: name,
        hash: p.metadata.labels?.[LabelKeys.podTemplateHash],
      });
    } else work = true;
  }
  return work;
}
