/**
 * The write pipeline every command that changes a PodCliqueSet goes
 * through (update, apply, undo, scale, restart, progressive rollouts):
 * read the set ({@link getPcs}), preview the change ({@link planChange}),
 * check placement and GPU fit, dry-run it on the server, ask, write it with
 * the read resourceVersion, record the revision ({@link runChange}).
 *
 * @module
 */

export { assertNotDeleting, getPcs, listGangs, meanPlacementScore } from "./pcs.ts";
export {
  type AffectedRole,
  DEFAULT_STARTUP_MS,
  type ImageTarget,
  observedStartupMs,
  planChange,
  type PlanChangeOptions,
  type UpdatePlan,
} from "./plan.ts";
export { checkPlacement, gpuFitWarnings, growingGpuCliques } from "./placement.ts";
export { placementFit } from "./fit.ts";
export { renderUpdatePlan } from "./render.ts";
export { type ChangeResult, runChange, type RunChangeOptions } from "./run.ts";
export {
  serverDryRun,
  type WriteChangeOptions,
  type WriteChangeResult,
  writePcsChange,
} from "./write.ts";
