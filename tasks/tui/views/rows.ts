/**
 * A view's body is a list of selectable rows; this module holds the row
 * type and the pure scrolling and selection helpers shared by every view.
 *
 * @module
 */

import type { Line } from "../lines.ts";

/** The API object a row stands for (what `l` and `y` act on). */
export interface RowTarget {
  /** Kind: `Pod`, `PodClique`, `PodGang`, `PodCliqueSet`, `Node`, ... */
  kind: string;
  /** Namespace (absent for nodes). */
  namespace?: string;
  /** Name. */
  name: string;
}

/** One selectable row of a view. */
export interface Row {
  /** Stable id (survives updates, so the selection stays on the same object). */
  id: string;
  /** What is drawn. */
  line: Line;
  /** Enter expands or collapses it. */
  expandable?: boolean;
  /** Drawn expanded (its children follow). */
  open?: boolean;
  /** The object it shows. */
  target?: RowTarget;
}

/** A view's answer: rows, and lines shown when there are none (or above them). */
export interface ViewBody {
  /** Column headers, drawn above the rows (not selectable). */
  header?: Line[];
  /** Rows. */
  rows: Row[];
  /** Shown instead of rows when `rows` is empty. */
  empty?: Line[];
  /** Below the rows: notes, warnings. */
  footer?: Line[];
}

/** Index of the row with `id`; else `fallback` clamped to the rows. */
export function indexOf(rows: Row[], id: string | undefined, fallback = 0): number {
  if (rows.length === 0) return -1;
  const i = id === undefined ? -1 : rows.findIndex((r) => r.id === id);
  return i >= 0 ? i : Math.max(0, Math.min(rows.length - 1, fallback));
}

/**
 * The first row to show so that `selected` is visible in `height` rows,
 * moving as little as possible from `offset`.
 *
 * @example
 * ```ts
 * import { scrollOffset } from "./rows.ts";
 * scrollOffset(12, 0, 10, 50); // 3
 * ```
 */
export function scrollOffset(selected: number, offset: number, height: number, total: number) {
  if (height <= 0 || total <= height) return 0;
  let o = Math.max(0, Math.min(offset, total - height));
  if (selected < o) o = selected;
  if (selected >= o + height) o = selected - height + 1;
  return Math.max(0, o);
}
