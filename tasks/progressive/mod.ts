/**
 * Progressive rollouts as a library: start a canary, rack-by-rack or gated
 * rollout, promote, abort or resume it; the tool drives it and keeps its
 * state on the PodCliqueSet. Also the state, the units and the gates.
 *
 * @module
 */

export {
  abortProgressive,
  type GroupFigures,
  type ProgressiveCommonOptions,
  type ProgressiveResult,
  promote,
  resumeProgressive,
  startProgressive,
  type StartProgressiveOptions,
} from "./run.ts";
export {
  describeState,
  type DriverLease,
  type GateResult,
  type GateSpec,
  type ProgressiveKind,
  type ProgressivePhase,
  type ProgressiveState,
  readState,
} from "./state.ts";
export type { Unit, UnitPod } from "./plan.ts";
export type { ScrapeOptions } from "./io.ts";
export { renderGates } from "./gates.ts";
export { renderResult } from "./render.ts";
