/**
 * `tui` as a library: the TUI's data source (one list + watch per kind,
 * stale detection), the controller (views, keys, overlays; no terminal),
 * the pure view models, and a session runner over a connected client. ink
 * and react are loaded only when a session starts.
 *
 * @module
 */

export {
  type SourceEvent,
  type TuiKind,
  tuiListSpecs,
  type TuiScope,
  type TuiSnapshot,
  watchTrouble,
  watchTuiObjects,
  type WatchTuiOptions,
} from "./source.ts";
export { type ControllerOptions, type MetricsCollector, TuiController } from "./controller.ts";
export {
  type Action,
  initialState,
  type KeyInfo,
  keyToAction,
  type Overlay,
  reduce,
  type TuiState,
  type ViewName,
  VIEWS,
} from "./state.ts";
export { type FrameInput, frameLines, type Freshness, type HeaderInfo } from "./frame.ts";
export {
  type ColorScheme,
  type Line,
  linesText,
  type Palette,
  paletteFor,
  type Segment,
  sparkline,
  type Tone,
} from "./lines.ts";
export { type Built, tuiHealth, tuiRollouts, tuiStatus, tuiTopology } from "./reports.ts";
export { type HierarchyInput, hierarchyView } from "./views/hierarchy.ts";
export { countdownText, healthView } from "./views/health.ts";
export { type TopologyInput, topologyView } from "./views/topology.ts";
export { rolloutsView } from "./views/rollouts.ts";
export { type MetricsHistory, metricsView } from "./views/metrics.ts";
export type { Row, RowTarget, ViewBody } from "./views/rows.ts";
export { tuiMetricsCollector, type TuiMetricsOptions } from "./metrics_source.ts";
export {
  runTuiSession,
  type TuiSessionHooks,
  type TuiSessionOptions,
  type TuiTimings,
} from "./run.ts";
