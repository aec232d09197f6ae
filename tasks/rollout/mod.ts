/**
 * The `rollout` family as a library: status of a rollout (one look, or
 * followed until it completes, fails, stalls or times out), the revision
 * history and diffs, undo, pause and resume, with their reports and text.
 *
 * @module
 */

export {
  rolloutStatus,
  type RolloutStatusOptions,
  waitForRollout,
  type WaitOptions,
  type WaitStep,
} from "./status.ts";
export {
  buildRolloutStatus,
  type RoleLatency,
  type RoleProgress,
  type RolloutEvent,
  type RolloutPhase,
  type RolloutStatusReport,
  statusExitCode,
  withLatency,
} from "./status_report.ts";
export { renderProgressLine, renderRolloutStatus } from "./status_render.ts";
export {
  buildHistoryReport,
  type DiffReport,
  findRevision,
  type HistoryEntry,
  type HistoryReport,
  rolloutDiff,
  type RolloutDiffOptions,
  rolloutHistory,
  type RolloutHistoryOptions,
} from "./history.ts";
export { renderDiff, renderHistory, renderRevision } from "./history_render.ts";
export { undo, type UndoOptions, type UndoResult } from "./undo.ts";
export { pause, type PauseOptions, type PauseResult, resume } from "./pause.ts";
