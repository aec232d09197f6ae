/**
 * `replan` as a library: read what a PodCliqueSet's engines serve
 * ({@link collectReplan}, {@link observeWorkload}), derive the inputs of a new
 * AIConfigurator search ({@link replanInputs}), and, given the new plan, the
 * side-by-side report with the commands that move the set to it
 * ({@link buildReplanReport}, {@link renderReplan}). Running the search is the
 * caller's (lib/aic/runner.ts).
 *
 * @module
 */

export { collectReplan, type CollectReplanOptions, type ReplanObjects } from "./collect.ts";
export {
  buildReplanReport,
  type ChangeKind,
  type LengthStats,
  MIN_WINDOW_REQUESTS,
  type MoveCommand,
  moveCommands,
  type ObservedWorkload,
  observeWorkload,
  type Percentile,
  PERCENTILES,
  type PodScrapes,
  type ReplanInputs,
  replanInputs,
  type ReplanOverrides,
  type ReplanReport,
  type RoleCell,
  type SlaCheck,
} from "./report.ts";
export { renderReplan } from "./render.ts";
