/**
 * The TUI without the terminal: holds the latest snapshot, the data
 * freshness, the interaction state and the terminal size; builds each
 * view's report lazily (once per snapshot) with the other commands' pure
 * builders; turns keys into state changes and effects (logs, YAML, quit);
 * runs the metrics scrapes while the Metrics view is open. The ink app only
 * draws {@link TuiController.frame} and forwards keys, so tests drive this
 * class directly.
 *
 * @module
 */

import type { Pod, PodClique } from "../../lib/grove/types.ts";
import type { Kube, KubeObject } from "../../lib/kube/types.ts";
import { toYaml } from "../../lib/render/output.ts";
import { frameLines, frameOffset, type Freshness, type HeaderInfo } from "./frame.ts";
import { type Line, line, seg } from "./lines.ts";
import { type Built, tuiHealth, tuiRollouts, tuiStatus, tuiTopology } from "./reports.ts";
import type { SourceEvent, TuiScope, TuiSnapshot } from "./source.ts";
import {
  type Action,
  initialState,
  type KeyInfo,
  keyToAction,
  reduce,
  type TuiState,
  type ViewName,
} from "./state.ts";
import { healthView } from "./views/health.ts";
import { hierarchyView } from "./views/hierarchy.ts";
import { type MetricsHistory, metricsView, pushReport } from "./views/metrics.ts";
import { rolloutsView } from "./views/rollouts.ts";
import { indexOf, type Row, type ViewBody } from "./views/rows.ts";
import { topologyView } from "./views/topology.ts";
import type { MetricsReport } from "../metrics/report.ts";
import type { StatusReport } from "../status/report.ts";
import { sleep } from "../../lib/async.ts";

/** One metrics collection for a PodCliqueSet (the controller keeps the history). */
export type MetricsCollector = (
  target: { pcs: string; namespace: string; pods: Pod[]; cliques: PodClique[] },
  signal: AbortSignal,
) => Promise<MetricsReport>;

/** What the controller needs from outside. */
export interface ControllerOptions {
  /** The client (logs). */
  kube?: Pick<Kube, "logs">;
  /** Where the TUI looks. */
  scope: TuiScope;
  /** Context and server for the header. */
  context: string;
  /** API server URL. */
  server: string;
  /** The clock. */
  now?: () => number;
  /** Unicode bars and arrows. */
  unicode: boolean;
  /** Terminal size. */
  size: { columns: number; rows: number };
  /** Metrics refresh, ms (config `tui.refresh_interval`). */
  refreshMs: number;
  /** Runs one metrics collection; absent: the Metrics view says it is unavailable. */
  collectMetrics?: MetricsCollector;
  /** Called on `q` / Ctrl-C. */
  onQuit?: () => void;
}

/** The TUI's model and behaviour. */
export class TuiController {
  /** Interaction state. */
  state: TuiState = initialState();
  /** Latest snapshot. */
  snapshot?: TuiSnapshot;
  #lastAt: number;
  #sourceStale?: { since: number; reason: string; retryInMs: number };
  #watchTrouble?: { since: number; reason: string };
  /** Terminal size. */
  size: { columns: number; rows: number };
  #o: ControllerOptions;
  #now: () => number;
  #listeners = new Set<() => void>();
  #cache = new Map<string, unknown>();
  #metrics = new Map<string, MetricsHistory>();
  #metricsLoop?: { key: string; abort: AbortController };
  #logRequest = 0;
  #metricsVersion = 0;
  #closed = false;

  /** A controller over options. */
  constructor(o: ControllerOptions) {
    this.#o = o;
    this.#now = o.now ?? Date.now;
    this.size = o.size;
    this.#lastAt = this.#now();
  }

  /** Calls `fn` after every change that needs a redraw; returns the unsubscribe. */
  subscribe(fn: () => void): () => void {
    this.#listeners.add(fn);
    return () => this.#listeners.delete(fn);
  }

  #changed(): void {
    if (this.#closed) return;
    this.#syncMetricsLoop();
    for (const fn of this.#listeners) fn();
  }

  /** Data freshness: stale while the source relists after a failure or a watch is reconnecting. */
  get freshness(): Freshness {
    const s = this.#sourceStale;
    if (s) return { kind: "stale", ...s, lastAt: this.#lastAt };
    const w = this.#watchTrouble;
    if (w) return { kind: "stale", ...w, retryInMs: 0, lastAt: this.#lastAt };
    return { kind: "live", at: this.#lastAt };
  }

  /** Takes an event of the data source. */
  onSource(ev: SourceEvent): void {
    if (ev.type === "snapshot") {
      this.snapshot = ev.snapshot;
      this.#cache.clear();
      this.#lastAt = ev.snapshot.receivedAt;
      this.#sourceStale = undefined;
    } else {
      this.#sourceStale = { since: ev.since, reason: ev.reason, retryInMs: ev.retryInMs };
    }
    this.#changed();
  }

  /**
   * A watch stream is down and being reconnected (`reason`), or all are up
   * again (undefined). See {@link watchTrouble}.
   */
  setWatchTrouble(reason: string | undefined): void {
    if (reason === this.#watchTrouble?.reason) return;
    this.#watchTrouble = reason === undefined
      ? undefined
      : { since: this.#watchTrouble?.since ?? this.#now(), reason };
    this.#changed();
  }

  /** The terminal was resized. */
  resize(columns: number, rows: number): void {
    if (columns === this.size.columns && rows === this.size.rows) return;
    this.size = { columns, rows };
    this.#changed();
  }

  /** A second passed: redraw when something on screen moves with time. */
  tick(): void {
    if (this.state.view === "health" || this.freshness.kind === "stale") this.#changed();
  }

  /** The error that ended the session (a bug), if any. */
  failure?: unknown;

  /** Ends the session because of an unexpected error; the runner rethrows it. */
  fail(e: unknown): void {
    if (this.failure !== undefined) return;
    this.failure = e;
    // not from inside a render: quit on the next turn
    setTimeout(() => this.#o.onQuit?.(), 0);
  }

  /** Stops background work. */
  close(): void {
    this.#closed = true;
    this.#metricsLoop?.abort.abort();
    this.#metricsLoop = undefined;
  }

  // ---- reports -------------------------------------------------------------

  #memo<T>(key: string, f: () => T): T {
    if (!this.#cache.has(key)) this.#cache.set(key, f());
    return this.#cache.get(key) as T;
  }

  /** The status report of the latest snapshot. */
  status(): Built<StatusReport> | undefined {
    const snap = this.snapshot;
    if (!snap) return undefined;
    return this.#memo("status", () => tuiStatus(snap, this.#o.scope, snap.receivedAt));
  }

  #bodyMemo?: { key: unknown[]; body: ViewBody };

  /**
   * The current view's body. Memoised on what it depends on (snapshot,
   * expansion, filter, width, and the clock: per second for Health, per
   * 10 s for ages elsewhere), so moving the selection does not rebuild it.
   */
  body(view: ViewName = this.state.view): ViewBody {
    const now = this.#now();
    const key = [
      view,
      this.snapshot?.sequence,
      this.state.expanded,
      this.state.filter,
      this.size.columns,
      this.state.metricsIndex,
      this.#metricsVersion,
      Math.floor(now / (view === "health" ? 1000 : 10_000)),
    ];
    const m = this.#bodyMemo;
    if (m && m.key.length === key.length && m.key.every((k, i) => k === key[i])) return m.body;
    let body: ViewBody;
    try {
      body = this.#buildBody(view, now);
    } catch (e) {
      // a bug in one view must not take the screen down: say so in the view
      const msg = e instanceof Error ? e.message : String(e);
      body = {
        rows: [],
        empty: [
          line(seg(`internal error in the ${view} view: ${msg}`, "bad")),
          line(seg("this is a bug in kubectl-grove; other views still work", "dim")),
        ],
      };
    }
    this.#bodyMemo = { key, body };
    return body;
  }

  #buildBody(view: ViewName, now: number): ViewBody {
    const snap = this.snapshot;
    if (!snap) return { rows: [], empty: [line(seg("Loading...", "dim"))] };
    const scope = this.#o.scope;
    const failed = (what: string, error: string): ViewBody => ({
      rows: [],
      empty: [line(seg(`${what} not available: ${error}`, "bad"))],
    });
    switch (view) {
      case "hierarchy": {
        const st = this.status()!;
        if (!st.report) return failed("status report", st.error);
        return hierarchyView({
          report: st.report,
          pods: (snap.byKind.pods ?? []) as Pod[],
          expanded: this.state.expanded,
          filter: this.state.filter,
          now,
          width: this.size.columns,
          unicode: this.#o.unicode,
          showNamespace: scope.allNamespaces,
        });
      }
      case "health": {
        const h = this.#memo("health", () => tuiHealth(snap, scope, snap.receivedAt));
        if (!h.report) return failed("health report", h.error);
        return healthView(h.report, now, scope.allNamespaces);
      }
      case "topology": {
        const t = this.#memo("topology", () => tuiTopology(snap, scope, snap.receivedAt));
        if (!t.report) return failed("topology report", t.error);
        const c = this.#memo("cluster", () => tuiTopology(snap, scope, snap.receivedAt, true));
        return topologyView({
          report: t.report,
          cluster: c.report,
          expanded: this.state.expanded,
          unicode: this.#o.unicode,
          width: this.size.columns,
        });
      }
      case "rollouts": {
        const st = this.status()!;
        if (!st.report) return failed("status report", st.error);
        const r = this.#memo("rollouts", () => tuiRollouts(snap, st.report!, snap.receivedAt));
        if (!r.report) return failed("rollout status", r.error);
        return rolloutsView(r.report, this.#o.unicode);
      }
      case "metrics": {
        if (!this.#o.collectMetrics) {
          return {
            rows: [],
            empty: [line(seg("Metrics are not available in this build.", "dim"))],
          };
        }
        const pick = this.#metricsTarget();
        if (!pick) return metricsView(undefined, { index: 0, count: 0 }, this.#o.unicode);
        return metricsView(
          this.#metrics.get(pick.key) ??
            { pcs: pick.pcs, namespace: pick.namespace, reports: [], loading: true },
          { index: pick.index, count: pick.count },
          this.#o.unicode,
        );
      }
    }
  }

  /** The full screen for the current size. */
  frame(): Line[] {
    const body = this.body();
    const input = {
      width: this.size.columns,
      height: this.size.rows,
      state: this.state,
      body,
      header: this.#header(),
      now: this.#now(),
    };
    const lines = frameLines(input);
    const off = frameOffset(input);
    if (this.state.offset[this.state.view] !== off) {
      this.state = { ...this.state, offset: { ...this.state.offset, [this.state.view]: off } };
    }
    return lines;
  }

  #header(): HeaderInfo {
    const s = this.#o.scope;
    return {
      context: this.#o.context,
      server: this.#o.server,
      namespace: s.allNamespaces ? "all namespaces" : s.namespace ?? "",
      freshness: this.freshness,
    };
  }

  // ---- keys ----------------------------------------------------------------

  /** Handles a key press (ink's `useInput` arguments). */
  key(input: string, key: KeyInfo): void {
    // Fast typing and pastes arrive as one chunk ("/abc\r"): one key at a time.
    const chars = [...input];
    if (chars.length > 1 && !key.ctrl && !key.escape) {
      for (const ch of chars) {
        if (ch === "\r" || ch === "\n") this.key("", { return: true });
        else if (ch === "\x7f" || ch === "\b") this.key("", { backspace: true });
        else this.key(ch, {});
      }
      return;
    }
    const action = keyToAction(input, key, this.state);
    if (!action) return;
    this.dispatch(action);
  }

  /** Applies an action. */
  dispatch(action: Action): void {
    if (action.type === "quit") {
      this.#o.onQuit?.();
      return;
    }
    if (action.type === "logs") return void this.#openLogs(action.previous === true);
    if (action.type === "yaml") return this.#openYaml();
    const body = this.body();
    const page = Math.max(1, this.size.rows - 4 - (body.header?.length ?? 0));
    this.state = reduce(this.state, action, body.rows, page);
    this.#changed();
  }

  /** The selected row of the current view. */
  selectedRow(): Row | undefined {
    const rows = this.body().rows;
    const v = this.state.view;
    return rows[indexOf(rows, this.state.selected[v], this.state.index[v] ?? 0)];
  }

  #message(text: string): void {
    this.state = { ...this.state, message: text };
    this.#changed();
  }

  #find(kind: string, namespace: string | undefined, name: string): KubeObject | undefined {
    return this.snapshot?.objects.find((o) =>
      o.kind === kind && o.metadata.name === name &&
      (namespace === undefined || o.metadata.namespace === namespace)
    );
  }

  #openYaml(): void {
    const t = this.selectedRow()?.target;
    if (!t) return this.#message("select an object (a set, gang, clique, pod or node) for y");
    const obj = this.#find(t.kind, t.namespace, t.name);
    if (!obj) return this.#message(`${t.kind} ${t.name} is not in the watched data`);
    const { managedFields: _, ...metadata } = obj.metadata as unknown as Record<string, unknown>;
    this.state = {
      ...this.state,
      message: undefined,
      overlay: {
        kind: "yaml",
        title: `${t.kind.toLowerCase()}/${t.name}${t.namespace ? ` -n ${t.namespace}` : ""} (YAML)`,
        lines: toYaml({ ...obj, metadata }).replace(/\n$/, "").split("\n"),
        offset: 0,
      },
    };
    this.#changed();
  }

  async #openLogs(previous = false): Promise<void> {
    const t = this.selectedRow()?.target;
    if (!t || t.kind !== "Pod") {
      return this.#message("select a pod (expand a clique with Enter) for l");
    }
    if (!this.#o.kube) return this.#message("logs are not available");
    const pod = this.#find("Pod", t.namespace, t.name) as Pod | undefined;
    const container = pod?.spec?.containers?.[0]?.name;
    const title = `logs of pod/${t.name}${container ? ` -c ${container}` : ""}${
      previous ? " -p" : ""
    } (200 lines; p: ${previous ? "current" : "previous"})`;
    const req = ++this.#logRequest;
    this.state = {
      ...this.state,
      message: undefined,
      overlay: { kind: "logs", title, lines: ["loading..."], offset: 0, previous },
    };
    this.#changed();
    let lines: string[];
    try {
      const text = await this.#o.kube.logs(t.namespace ?? "", t.name, {
        container,
        tailLines: 200,
        ...(previous ? { previous: true } : {}),
      });
      // long lines wrap at the screen's width instead of being cut
      const w = Math.max(20, this.size.columns);
      lines = text.replace(/\n$/, "").split("\n").flatMap((l) => {
        const chars = [...l.replace(/\t/g, "    ")];
        if (chars.length <= w) return [chars.join("")];
        const parts: string[] = [];
        for (let k = 0; k < chars.length; k += w) parts.push(chars.slice(k, k + w).join(""));
        return parts;
      });
      if (text.trim() === "") lines = ["(no log lines)"];
    } catch (e) {
      lines = [`could not read the logs: ${e instanceof Error ? e.message : String(e)}`];
    }
    if (req !== this.#logRequest || this.state.overlay?.kind !== "logs") return;
    const page = Math.max(1, this.size.rows - 4);
    this.state = {
      ...this.state,
      overlay: {
        kind: "logs",
        title,
        lines,
        offset: Math.max(0, lines.length - page),
        previous,
      },
    };
    this.#changed();
  }

  // ---- metrics -------------------------------------------------------------

  #metricsTarget() {
    const sets = this.status()?.report?.podCliqueSets ?? [];
    if (sets.length === 0) return undefined;
    const n = sets.length;
    const index = ((this.state.metricsIndex % n) + n) % n;
    const p = sets[index];
    return {
      key: `${p.namespace}/${p.name}`,
      pcs: p.name,
      namespace: p.namespace,
      index,
      count: n,
    };
  }

  #syncMetricsLoop(): void {
    const want = this.state.view === "metrics" && this.#o.collectMetrics && !this.#closed
      ? this.#metricsTarget()
      : undefined;
    if (this.#metricsLoop && this.#metricsLoop.key === want?.key) return;
    this.#metricsLoop?.abort.abort();
    this.#metricsLoop = undefined;
    if (!want) return;
    const abort = new AbortController();
    this.#metricsLoop = { key: want.key, abort };
    void this.#runMetrics(want, abort.signal);
  }

  async #runMetrics(t: { key: string; pcs: string; namespace: string }, signal: AbortSignal) {
    const collect = this.#o.collectMetrics!;
    while (!signal.aborted) {
      const started = this.#now();
      const h = this.#metrics.get(t.key) ??
        { pcs: t.pcs, namespace: t.namespace, reports: [], loading: true };
      this.#metrics.set(t.key, { ...h, loading: true });
      this.#metricsVersion++;
      const snap = this.snapshot;
      const mine = (kind: "pods" | "podcliques") =>
        (snap?.byKind[kind] ?? []).filter((o) =>
          o.metadata.namespace === t.namespace &&
          o.metadata.labels?.["app.kubernetes.io/part-of"] === t.pcs
        );
      try {
        const report = await collect({
          pcs: t.pcs,
          namespace: t.namespace,
          pods: mine("pods") as Pod[],
          cliques: mine("podcliques") as PodClique[],
        }, signal);
        if (signal.aborted) return;
        this.#metrics.set(t.key, { ...pushReport(h, report), loading: false });
        this.#metricsVersion++;
      } catch (e) {
        if (signal.aborted) return;
        this.#metricsVersion++;
        this.#metrics.set(t.key, {
          ...h,
          loading: false,
          error: e instanceof Error ? e.message : String(e),
        });
      }
      this.#changed();
      const wait = Math.max(200, this.#o.refreshMs - (this.#now() - started));
      await sleep(wait, signal);
    }
  }
}
