/**
 * Progress and usage bars. Unicode blocks on a TTY, ASCII (`[####....]`)
 * elsewhere, so piped output stays plain.
 *
 * @module
 */

import { type Paint, paint, type Style } from "./style.ts";

/** Options of {@link bar}. */
export interface BarOptions {
  /** Width in cells, without brackets (default 20). */
  width?: number;
  /** Colour of the filled part, when the style has colour. */
  paint?: Paint;
}

/**
 * Draws a bar for `fraction` (clamped to 0..1; NaN draws empty).
 *
 * @example
 * ```ts
 * import { bar } from "./bar.ts";
 * import { PLAIN } from "./style.ts";
 * console.log(bar(0.5, PLAIN, { width: 10 })); // [#####.....]
 * ```
 */
export function bar(fraction: number, style: Style, opts: BarOptions = {}): string {
  const width = opts.width ?? 20;
  const f = Number.isFinite(fraction) ? Math.min(1, Math.max(0, fraction)) : 0;
  if (!style.unicode) {
    const filled = Math.round(f * width);
    return `[${"#".repeat(filled)}${".".repeat(width - filled)}]`;
  }
  const eighths = Math.round(f * width * 8);
  const full = Math.floor(eighths / 8);
  const part = eighths % 8;
  const partial = part ? "▏▎▍▌▋▊▉"[part - 1] : "";
  const filled = "█".repeat(full) + partial;
  const empty = "░".repeat(width - full - (part ? 1 : 0));
  return (opts.paint ? paint(style, opts.paint, filled) : filled) + paint(style, "dim", empty);
}

/** `12%`-style percentage of a fraction, rounded; `-` for NaN. */
export function percent(fraction: number): string {
  return Number.isFinite(fraction) ? `${Math.round(fraction * 100)}%` : "-";
}
