/**
 * `scale` as a library: {@link planScale} (pure preview) and {@link scale}
 * (preview, server dry-run, confirmation, writes, progress), with the types
 * they return.
 *
 * @example
 * ```ts ignore
 * import { connect } from "../../lib/kube/connect.ts";
 * import { scale } from "./mod.ts";
 * const r = await scale(await connect({}), { name: "qwen", roles: [{ role: "prefill", replicas: 3 }], dryRun: true });
 * console.log(r.plan.gpu.delta, r.plan.placement.fits);
 * ```
 *
 * @module
 */

export {
  type PlannedWrite,
  planScale,
  type RoleChange,
  type Rounding,
  type ScaleInput,
  type ScalePlan,
  type ScaleRequest,
} from "./plan.ts";
export { type NewPod, scale, type ScaleOptions, type ScaleResult } from "./run.ts";
export { collectScale, type ScaleCollected } from "./collect.ts";
export { renderScalePlan } from "./render.ts";
export type { PlacementAnalysis, PlacementUnit, UnitPlacement } from "./placement.ts";
export type { Share } from "./distribute.ts";
export type { DrainResult } from "./drain.ts";
