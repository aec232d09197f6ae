/**
 * The TUI's interaction state and its pure transitions: which view, which
 * row is selected (by id, so updates do not move it), what is expanded, the
 * name filter, and the overlay (help, logs, YAML). Keys map to actions in
 * {@link keyToAction}; {@link reduce} applies one. Effects (fetching logs,
 * quitting) are the controller's.
 *
 * @module
 */

import { indexOf, type Row } from "./views/rows.ts";

/** The five views. */
export type ViewName = "hierarchy" | "topology" | "health" | "metrics" | "rollouts";

/** Views in tab order with their key and title. */
export const VIEWS: readonly { name: ViewName; key: string; title: string }[] = [
  { name: "hierarchy", key: "1", title: "Hierarchy" },
  { name: "topology", key: "2", title: "Topology" },
  { name: "health", key: "3", title: "Health" },
  { name: "metrics", key: "4", title: "Metrics" },
  { name: "rollouts", key: "5", title: "Rollouts" },
];

/** A full-body panel over the view. */
export interface Overlay {
  /** What it shows. */
  kind: "help" | "logs" | "yaml";
  /** Title line. */
  title: string;
  /** Text lines. */
  lines: string[];
  /** First line shown. */
  offset: number;
  /** Logs: of the previous (crashed) container. */
  previous?: boolean;
}

/** Everything the user has chosen. */
export interface TuiState {
  /** Current view. */
  view: ViewName;
  /** Selected row id per view. */
  selected: Partial<Record<ViewName, string>>;
  /** Index of the selection per view (where it falls back to when its row disappears). */
  index: Partial<Record<ViewName, number>>;
  /** Scroll offset per view. */
  offset: Partial<Record<ViewName, number>>;
  /** Expanded/collapsed rows by id (overrides each view's default). */
  expanded: Record<string, boolean>;
  /** Applied name filter (Hierarchy). */
  filter: string;
  /** The filter being typed; undefined when not editing. */
  filterDraft?: string;
  /** Help, logs or YAML over the view. */
  overlay?: Overlay;
  /** Which PodCliqueSet the Metrics view shows (index into the sets in scope). */
  metricsIndex: number;
  /** A one-line message in the footer until the next key. */
  message?: string;
}

/** The state at start. */
export function initialState(): TuiState {
  return {
    view: "hierarchy",
    selected: {},
    index: {},
    offset: {},
    expanded: {},
    filter: "",
    metricsIndex: 0,
  };
}

/** What a key asks for. */
export type Action =
  | { type: "view"; view: ViewName }
  | { type: "move"; delta: number }
  | { type: "top" }
  | { type: "bottom" }
  | { type: "toggle" }
  | { type: "filter-start" }
  | { type: "filter-input"; text: string }
  | { type: "filter-backspace" }
  | { type: "filter-apply" }
  | { type: "filter-cancel" }
  | { type: "help" }
  | { type: "close" }
  | { type: "metrics-switch"; delta: number }
  | { type: "logs"; previous?: boolean }
  | { type: "yaml" }
  | { type: "quit" };

/** The parts of ink's key object we read. */
export interface KeyInfo {
  /** The upArrow key (or modifier) is pressed. */
  upArrow?: boolean;
  /** The downArrow key (or modifier) is pressed. */
  downArrow?: boolean;
  /** The leftArrow key (or modifier) is pressed. */
  leftArrow?: boolean;
  /** The rightArrow key (or modifier) is pressed. */
  rightArrow?: boolean;
  /** The pageUp key (or modifier) is pressed. */
  pageUp?: boolean;
  /** The pageDown key (or modifier) is pressed. */
  pageDown?: boolean;
  /** The home key (or modifier) is pressed. */
  home?: boolean;
  /** The end key (or modifier) is pressed. */
  end?: boolean;
  /** The return key (or modifier) is pressed. */
  return?: boolean;
  /** The escape key (or modifier) is pressed. */
  escape?: boolean;
  /** The ctrl key (or modifier) is pressed. */
  ctrl?: boolean;
  /** The backspace key (or modifier) is pressed. */
  backspace?: boolean;
  /** The delete key (or modifier) is pressed. */
  delete?: boolean;
  /** The tab key (or modifier) is pressed. */
  tab?: boolean;
  /** The shift key (or modifier) is pressed. */
  shift?: boolean;
}

/** Rows moved by PgUp/PgDn when the page size is unknown. */
const PAGE = 10;

/** Maps a key press to an action (undefined: ignored). */
export function keyToAction(input: string, key: KeyInfo, state: TuiState): Action | undefined {
  if (key.ctrl && input === "c") return { type: "quit" };
  if (state.filterDraft !== undefined) {
    if (key.return) return { type: "filter-apply" };
    if (key.escape) return { type: "filter-cancel" };
    if (key.backspace || key.delete) return { type: "filter-backspace" };
    if (key.ctrl || key.upArrow || key.downArrow || key.tab) return undefined;
    return input ? { type: "filter-input", text: input } : undefined;
  }
  if (state.overlay) {
    if (key.escape || input === "q" || (state.overlay.kind === "help" && input === "?")) {
      return { type: "close" };
    }
    if (state.overlay.kind === "logs" && input === "l") return { type: "close" };
    if (state.overlay.kind === "logs" && input === "p") {
      return { type: "logs", previous: !state.overlay.previous };
    }
    if (state.overlay.kind === "yaml" && input === "y") return { type: "close" };
  }
  if (key.upArrow || input === "k") return { type: "move", delta: -1 };
  if (key.downArrow || input === "j") return { type: "move", delta: 1 };
  if (key.pageUp || (key.ctrl && input === "b")) return { type: "move", delta: -PAGE };
  if (key.pageDown || (key.ctrl && input === "f") || input === " ") {
    return { type: "move", delta: PAGE };
  }
  if (key.home || input === "g") return { type: "top" };
  if (key.end || input === "G") return { type: "bottom" };
  if (state.overlay) return undefined;
  if (key.return || input === "o") return { type: "toggle" };
  const view = VIEWS.find((v) => v.key === input);
  if (view) return { type: "view", view: view.name };
  if (key.tab) {
    const i = VIEWS.findIndex((v) => v.name === state.view);
    const next = (i + (key.shift ? VIEWS.length - 1 : 1)) % VIEWS.length;
    return { type: "view", view: VIEWS[next].name };
  }
  if (input === "/") return { type: "filter-start" };
  if (key.escape) return state.filter ? { type: "filter-cancel" } : undefined;
  if (input === "?") return { type: "help" };
  if (input === "l") return { type: "logs" };
  if (input === "y") return { type: "yaml" };
  if (input === "q") return { type: "quit" };
  if (input === "]" || key.rightArrow) return { type: "metrics-switch", delta: 1 };
  if (input === "[" || key.leftArrow) return { type: "metrics-switch", delta: -1 };
  return undefined;
}

/**
 * Applies an action to the state, given the current view's rows and the
 * number of rows on screen. Pure; `logs`, `yaml` and `quit` are left to the
 * caller.
 */
export function reduce(state: TuiState, action: Action, rows: Row[], pageRows: number): TuiState {
  const s: TuiState = { ...state, message: undefined };
  const v = s.view;
  switch (action.type) {
    case "view":
      return { ...s, view: action.view, overlay: undefined };
    case "move":
    case "top":
    case "bottom": {
      const step = action.type === "move"
        ? Math.sign(action.delta) *
          (Math.abs(action.delta) === PAGE ? Math.max(1, pageRows - 1) : 1)
        : 0;
      if (s.overlay) {
        const max = Math.max(0, s.overlay.lines.length - pageRows);
        const o = action.type === "top"
          ? 0
          : action.type === "bottom"
          ? max
          : Math.max(0, Math.min(max, s.overlay.offset + step));
        return { ...s, overlay: { ...s.overlay, offset: o } };
      }
      if (rows.length === 0) return s;
      const cur = indexOf(rows, s.selected[v], s.index[v] ?? 0);
      const next = action.type === "top"
        ? 0
        : action.type === "bottom"
        ? rows.length - 1
        : Math.max(0, Math.min(rows.length - 1, cur + step));
      return select(s, rows, next);
    }
    case "toggle": {
      const i = indexOf(rows, s.selected[v], s.index[v] ?? 0);
      const row = rows[i];
      if (!row?.expandable) return s;
      return select({ ...s, expanded: { ...s.expanded, [row.id]: !row.open } }, rows, i);
    }
    case "filter-start":
      return { ...s, view: "hierarchy", overlay: undefined, filterDraft: s.filter };
    case "filter-input":
      return { ...s, filterDraft: (s.filterDraft ?? "") + action.text.replace(/[\r\n]/g, "") };
    case "filter-backspace":
      return { ...s, filterDraft: [...(s.filterDraft ?? "")].slice(0, -1).join("") };
    case "filter-apply":
      return {
        ...s,
        filter: (s.filterDraft ?? "").trim(),
        filterDraft: undefined,
        index: { ...s.index, hierarchy: 0 },
        selected: { ...s.selected, hierarchy: undefined },
      };
    case "filter-cancel":
      return s.filterDraft !== undefined ? { ...s, filterDraft: undefined } : { ...s, filter: "" };
    case "help":
      return { ...s, overlay: { kind: "help", title: "Keys", lines: HELP, offset: 0 } };
    case "close":
      return { ...s, overlay: undefined };
    case "metrics-switch":
      return v === "metrics" ? { ...s, metricsIndex: s.metricsIndex + action.delta } : s;
    default:
      return s;
  }
}

function select(s: TuiState, rows: Row[], i: number): TuiState {
  return {
    ...s,
    selected: { ...s.selected, [s.view]: rows[i]?.id },
    index: { ...s.index, [s.view]: i },
  };
}

/** The help text. */
export const HELP: string[] = [
  "Views",
  "  1 Hierarchy   PodCliqueSet > PodGang > PodClique > pods",
  "  2 Topology    domains and nodes with GPU use; this workload highlighted",
  "  3 Health      one card per gang; termination countdowns tick every second",
  "  4 Metrics     TTFT/TPOT p50/p99, throughput, queue depth (refreshed every tui.refresh_interval)",
  "  5 Rollouts    per-role update progress of updating or paused PodCliqueSets",
  "  Tab / Shift-Tab  next / previous view",
  "",
  "Moving",
  "  Up/Down, j/k  move     PgUp/PgDn, Space  page     g/G, Home/End  first/last",
  "  Enter, o      expand or collapse",
  "  /             filter by name (Enter applies, Esc cancels; Esc again clears)",
  "  [ ] Left/Right  previous/next PodCliqueSet (Metrics)",
  "",
  "Actions on the selected row",
  "  l   recent logs of a pod (last 200 lines); in the logs, p: the previous container",
  "  y   the object as YAML",
  "",
  "  ?   this help (Esc or ? closes)      q, Ctrl-C  quit",
  "",
  "The header shows the context, API server, namespace and data freshness:",
  "'live' while every watch runs, 'STALE' when a watch is down (it reconnects).",
  "Colours: config tui.color_scheme (auto, dark, light, none); NO_COLOR turns them off.",
];
