/**
 * The whole screen as lines: header (context, server, namespace, data
 * freshness), view tabs, the view's body (or an overlay) windowed around
 * the selection, and the key footer (or the filter prompt). Exactly
 * `height` lines, each cut to `width`. Pure.
 *
 * @module
 */

import { fitLine, type Line, line, seg } from "./lines.ts";
import { type TuiState, VIEWS } from "./state.ts";
import { indexOf, scrollOffset, type ViewBody } from "./views/rows.ts";

/** How fresh the data is. */
export type Freshness =
  | { kind: "live"; at: number }
  | { kind: "stale"; since: number; reason: string; retryInMs: number; lastAt?: number };

/** What the header shows. */
export interface HeaderInfo {
  /** kubeconfig context. */
  context: string;
  /** API server URL. */
  server: string;
  /** Namespace, or `all namespaces`. */
  namespace: string;
  /** Data freshness. */
  freshness: Freshness;
}

/** Inputs of {@link frameLines}. */
export interface FrameInput {
  /** Terminal columns. */
  width: number;
  /** Terminal rows. */
  height: number;
  /** Interaction state. */
  state: TuiState;
  /** The current view's body. */
  body: ViewBody;
  /** Header facts. */
  header: HeaderInfo;
  /** The present. */
  now: number;
}

/** Rows of the body area left for the view's rows at this size. */
export function bodyRows(height: number, body: ViewBody): number {
  const fixed = 3 + (body.header?.length ?? 0) + Math.min(3, body.footer?.length ?? 0);
  return Math.max(1, height - fixed);
}

function clock(t: number): string {
  return new Date(t).toISOString().slice(11, 19);
}

function headerLine(h: HeaderInfo, now: number): Line {
  const f = h.freshness;
  const when = f.kind === "stale" && f.retryInMs > 0
    ? `retry in ${Math.max(0, Math.ceil((f.since + f.retryInMs - now) / 1000))}s`
    : "reconnecting";
  const fresh = f.kind === "live"
    ? seg(`live ${clock(f.at)}Z`, "ok")
    : seg(`STALE since ${clock(f.since)}Z (${when}): ${f.reason}`, "bad", true);
  return line(
    seg("grove tui", "title", true),
    seg("  ctx ", "dim"),
    seg(h.context, "accent"),
    seg("  ns ", "dim"),
    seg(h.namespace, "accent"),
    seg("  "),
    fresh,
    seg("  "),
    seg(h.server, "dim"),
  );
}

function tabsLine(state: TuiState): Line {
  const parts = VIEWS.flatMap((v) => {
    const active = v.name === state.view;
    return [
      seg(`[${v.key}]`, active ? "key" : "dim", active),
      seg(v.title, active ? "title" : "dim", active),
      seg(" "),
    ];
  });
  if (state.filter) parts.push(seg(` filter: ${state.filter}`, "warn"));
  return line(...parts);
}

function footerLine(state: TuiState, width: number): Line {
  if (state.filterDraft !== undefined) {
    return line(
      seg("/", "key", true),
      seg(state.filterDraft),
      seg("_", "dim"),
      seg("   Enter apply  Esc cancel", "dim"),
    );
  }
  if (state.message) return line(seg(state.message, "warn"));
  if (state.overlay) {
    return line(
      seg("j/k PgUp/PgDn g/G", "key"),
      seg(" scroll  ", "dim"),
      seg("Esc", "key"),
      seg(" close  ", "dim"),
      seg("q", "key"),
      seg(" close", "dim"),
    );
  }
  const keys: [string, string][] = [
    ["1-5", "view"],
    ["j/k", "move"],
    ["Enter", "expand"],
    ["/", "filter"],
    ["l", "logs"],
    ["y", "yaml"],
    ["?", "help"],
    ["q", "quit"],
  ];
  if (state.view === "metrics") keys.splice(3, 0, ["[ ]", "set"]);
  // narrow terminals: one space between keys, so `q quit` stays visible
  const wide = keys.reduce((n, [k, what]) => n + k.length + what.length + 3, 0) <= width;
  const gap = wide ? "  " : " ";
  return line(...keys.flatMap(([k, what]) => [seg(k, "key", true), seg(` ${what}${gap}`, "dim")]));
}

/** The full screen. */
export function frameLines(i: FrameInput): Line[] {
  const { width, height, state, body } = i;
  const out: Line[] = [headerLine(i.header, i.now), tabsLine(state)];
  const avail = Math.max(1, height - 3);
  if (state.overlay) {
    const o = state.overlay;
    out.push(line(seg(o.title, "title", true)));
    for (const text of o.lines.slice(o.offset, o.offset + avail - 1)) {
      out.push(line(seg(text.replace(/\t/g, "    "))));
    }
  } else {
    for (const h of body.header ?? []) out.push(h);
    const n = bodyRows(height, body);
    if (body.rows.length === 0) {
      for (const e of body.empty ?? []) out.push(e);
    } else {
      const sel = indexOf(body.rows, state.selected[state.view], state.index[state.view] ?? 0);
      const off = scrollOffset(sel, state.offset[state.view] ?? 0, n, body.rows.length);
      body.rows.slice(off, off + n).forEach((r, k) => {
        out.push(off + k === sel ? { ...r.line, selected: true } : r.line);
      });
      if (body.rows.length > n) {
        const pos = `rows ${off + 1}-${Math.min(off + n, body.rows.length)} of ${body.rows.length}`;
        out[1] = line(...out[1].segments, seg(`  ${pos}`, "dim"));
      }
    }
    const fixedTop = 2 + (body.header?.length ?? 0);
    while (out.length < fixedTop + n) out.push(line());
    for (const f of (body.footer ?? []).slice(0, 3)) out.push(f);
  }
  while (out.length < height - 1) out.push(line());
  const lines = out.slice(0, height - 1);
  lines.push(footerLine(state, width));
  return lines.map((l) => fitLine(l, width));
}

/** The scroll offset the frame used for the current view (kept so scrolling is stable). */
export function frameOffset(i: FrameInput): number {
  const n = bodyRows(i.height, i.body);
  const sel = indexOf(
    i.body.rows,
    i.state.selected[i.state.view],
    i.state.index[i.state.view] ?? 0,
  );
  return scrollOffset(sel, i.state.offset[i.state.view] ?? 0, n, i.body.rows.length);
}
