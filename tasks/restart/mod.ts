/**
 * `restart` as a library: plan the batches that recreate a PodCliqueSet's
 * pods without going below any clique's minAvailable, render the plan, and
 * run it batch by batch.
 *
 * @module
 */

export { planRestart, type PlanRestartInput, type RestartPlan, type RestartPod } from "./plan.ts";
export { renderRestartPlan } from "./render.ts";
export {
  executeBatches,
  type ExecuteBatchesOptions,
  restart,
  type RestartOptions,
  type RestartResult,
} from "./run.ts";
