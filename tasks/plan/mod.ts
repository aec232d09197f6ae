/**
 * `plan` as a library: load a plan (an AIConfigurator results directory, a
 * plan.json or a generated manifest), store it beside its PodCliqueSet, and
 * report the stored plan, its drift from the deployed set, or every plan.
 *
 * @module
 */

export {
  buildPlanDiffReport,
  buildPlanListReport,
  buildPlanShowReport,
  type PlanDiffReport,
  type PlanListItem,
  type PlanListReport,
  type PlanShowReport,
} from "./report.ts";
export { renderPlanBody, renderPlanDiff, renderPlanList, renderPlanShow } from "./render.ts";
export { planDiff, planList, planShow } from "./run.ts";
export { type LoadedPlan, loadPlanSource, type PlanSourceOptions } from "./source.ts";
export {
  planConfigMap,
  PlanExistsError,
  readStoredPlan,
  storePlan,
  type StorePlanOptions,
  type StorePlanResult,
} from "./store.ts";
