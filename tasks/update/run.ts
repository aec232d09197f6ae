/**
 * `update <pcs> --image IMG`: the library function and its CLI glue.
 *
 * @module
 */

import { GroveError } from "../../lib/errors.ts";
import { pauseRefusal } from "../../lib/grove/strategy.ts";
import type { Kube } from "../../lib/kube/types.ts";
import { pausedPcs } from "../../lib/revisions/pause.ts";
import { assertNotDeleting, getPcs } from "../../lib/change/pcs.ts";
import { type ChangeResult, runChange } from "../../lib/change/run.ts";
import { applyImageChange, type ImageUpdateRequest, type UpdatePlan } from "./plan.ts";
import { checkPlacement } from "../../lib/change/placement.ts";
import { placementFit } from "../../lib/change/fit.ts";

/** Options of {@link updateImage}. */
export interface UpdateImageOptions extends ImageUpdateRequest {
  /** PodCliqueSet name. */
  name: string;
  /** Namespace (default: the client's). */
  namespace?: string;
  /** Preview and server-validate only. */
  dryRun?: boolean;
  /** Change cause recorded with the revision (`-m`). */
  changeCause?: string;
  /** Who makes the change (default: the context name). */
  createdBy?: string;
  /** Revisions kept (default 10). */
  historyLimit?: number;
  /** Keep topology constraints as they are; warn when GPUs per pod change. */
  preservePlacement?: boolean;
  /** Apply the change paused (OnDelete); `rollout resume` starts it. */
  paused?: boolean;
  /** Called with the preview after the server dry-run passed; false cancels. */
  confirm?: (plan: UpdatePlan) => Promise<boolean>;
  /** The clock. */
  now?: () => Date;
  /** Ctrl-C: nothing is written once it fired; see `RunChangeOptions.signal`. */
  signal?: AbortSignal;
  /** Go ahead although a clique of 1 pod with minAvailable 1 goes below it (`plan.needsForce`). */
  force?: boolean;
}

/**
 * Changes the image of a PodCliqueSet's containers, with a preview, a server
 * dry-run, a resourceVersion precondition and a recorded revision.
 *
 * @example
 * ```ts ignore
 * import { connect, updateImage } from "./mod.ts";
 * const kube = await connect({ context: "prod" });
 * const r = await updateImage(kube, {
 *   name: "qwen", namespace: "inference", image: "vllm/vllm-openai:v0.11.0", role: "decode",
 *   changeCause: "vllm 0.11", confirm: async (plan) => plan.totalRecreated < 20,
 * });
 * console.log(r.applied, r.revision);
 * ```
 */
export async function updateImage(kube: Kube, opts: UpdateImageOptions): Promise<ChangeResult> {
  const ns = opts.namespace ?? kube.namespace;
  const before = await getPcs(kube, ns, opts.name);
  assertNotDeleting(before, "update it");
  const { next, targets } = applyImageChange(before, opts);
  const warnings = checkPlacement(before, next, opts.preservePlacement ?? false);
  if (opts.preservePlacement) warnings.push(...await placementFit(kube, before, next));
  const imageChanged = targets.some((t) => t.from !== t.to);
  const now = opts.now ?? (() => new Date());
  const refusal = imageChanged && opts.paused ? pauseRefusal(before) : undefined;
  if (refusal) {
    throw new GroveError(`cannot apply the update paused: ${refusal}`, {
      hint: `update without --paused: the operator then rolls it out under its own strategy`,
    });
  }
  const desired = imageChanged && opts.paused ? (pausedPcs(next, now()) ?? next) : next;
  return await runChange(kube, {
    signal: opts.signal,
    before,
    next: desired,
    targets,
    warnings,
    dryRun: opts.dryRun,
    confirm: opts.confirm,
    changeCause: opts.changeCause ??
      `update image ${opts.image}${opts.role ? ` (role ${opts.role})` : ""}`,
    createdBy: opts.createdBy ?? kube.contextName,
    historyLimit: opts.historyLimit,
    now,
    force: opts.force ?? false,
  });
}
