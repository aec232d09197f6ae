/**
 * The screen as data: every view of the TUI is a pure function returning
 * {@link Line}s (segments of text with a semantic tone), so views are tested
 * as plain text and ink only paints them. Tones become colours through a
 * {@link Palette} chosen from `tui.color_scheme` and `NO_COLOR`.
 *
 * @module
 */

/** What a piece of text means; the palette turns it into a colour. */
export type Tone =
  | "normal"
  | "dim"
  | "ok"
  | "warn"
  | "bad"
  | "accent"
  | "title"
  | "key";

/** A run of text with one tone. */
export interface Segment {
  /** The text (no newlines). */
  text: string;
  /** Meaning, for colour. */
  tone?: Tone;
  /** Bold. */
  bold?: boolean;
}

/** One screen line. */
export interface Line {
  /** Its segments, left to right. */
  segments: Segment[];
  /** Drawn in reverse video (the selected row). */
  selected?: boolean;
}

/** A line from segments (strings are `normal`). */
export function line(...parts: (Segment | string)[]): Line {
  return { segments: parts.map((p) => typeof p === "string" ? { text: p } : p) };
}

/** A segment with a tone. */
export function seg(text: string, tone: Tone = "normal", bold = false): Segment {
  return bold ? { text, tone, bold } : { text, tone };
}

/** The plain text of a line. */
export function lineText(l: Line): string {
  return l.segments.map((s) => s.text).join("");
}

/** Every line's plain text joined with newlines (what tests compare). */
export function linesText(lines: Line[]): string {
  return lines.map(lineText).join("\n");
}

/**
 * Cuts a line to `width` columns (one column per code point), ending with
 * `~` when text was cut, and pads a selected line to the full width so the
 * highlight spans the row.
 */
export function fitLine(l: Line, width: number): Line {
  const out: Segment[] = [];
  let used = 0;
  let cut = false;
  for (const s of l.segments) {
    if (used >= width) {
      cut = cut || s.text.length > 0;
      continue;
    }
    const chars = [...s.text];
    if (used + chars.length <= width) {
      out.push(s);
      used += chars.length;
    } else {
      out.push({ ...s, text: chars.slice(0, width - used).join("") });
      used = width;
      cut = true;
    }
  }
  if (cut && width > 0) {
    const last = out[out.length - 1];
    const chars = [...last.text];
    out[out.length - 1] = { ...last, text: chars.slice(0, -1).join("") + "~" };
  }
  if (l.selected && used < width) out.push({ text: " ".repeat(width - used) });
  return { segments: out, selected: l.selected };
}

/** Pads or cuts `text` to exactly `width` columns. */
export function cell(text: string, width: number, alignRight = false): string {
  const chars = [...text];
  if (chars.length > width) {
    return width <= 1 ? chars.slice(0, width).join("") : chars.slice(0, width - 1).join("") + "~";
  }
  const fill = " ".repeat(width - chars.length);
  return alignRight ? fill + text : text + fill;
}

/**
 * Pads or cuts `text` to `width`, cutting from the left after `keep`
 * characters (an indent, a tree arrow): `~decode-0-dleader-p6wxv`, so names
 * that share a long prefix stay told apart by their ends.
 *
 * @example
 * ```ts
 * import { cellTail } from "./lines.ts";
 * cellTail("  qwen-disagg-0-prefill-28mlr", 16, 2); // "  ~prefill-28mlr"
 * ```
 */
export function cellTail(text: string, width: number, keep = 0): string {
  const chars = [...text];
  if (chars.length <= width) return text + " ".repeat(width - chars.length);
  if (width <= keep + 1) return chars.slice(0, width).join("");
  const head = chars.slice(0, keep).join("");
  return head + "~" + chars.slice(chars.length - (width - keep - 1)).join("");
}

/** Colour scheme names of `tui.color_scheme`. */
export type ColorScheme = "auto" | "dark" | "light" | "none";

/** Ink colour (or none) per tone. */
export type Palette = Record<Tone, string | undefined>;

const DARK: Palette = {
  normal: undefined,
  dim: "gray",
  ok: "green",
  warn: "yellow",
  bad: "red",
  accent: "cyan",
  title: "cyanBright",
  key: "yellow",
};

const LIGHT: Palette = {
  normal: undefined,
  dim: "gray",
  ok: "green",
  warn: "#b58900",
  bad: "red",
  accent: "blue",
  title: "blue",
  key: "magenta",
};

const NONE: Palette = {
  normal: undefined,
  dim: undefined,
  ok: undefined,
  warn: undefined,
  bad: undefined,
  accent: undefined,
  title: undefined,
  key: undefined,
};

/**
 * The palette for a scheme: `none`, `NO_COLOR` (set and non-empty) or
 * `TERM=dumb` give no colours; `auto` picks light when `COLORFGBG` says the
 * background is light, dark otherwise.
 */
export function paletteFor(
  scheme: ColorScheme,
  env: (name: string) => string | undefined,
): { name: "dark" | "light" | "none"; palette: Palette } {
  const noColor = (env("NO_COLOR") ?? "") !== "" || env("TERM") === "dumb";
  if (scheme === "none" || noColor) return { name: "none", palette: NONE };
  if (scheme === "dark") return { name: "dark", palette: DARK };
  if (scheme === "light") return { name: "light", palette: LIGHT };
  const bg = Number(env("COLORFGBG")?.split(";").pop());
  const light = Number.isFinite(bg) && (bg === 7 || bg >= 9);
  return light ? { name: "light", palette: LIGHT } : { name: "dark", palette: DARK };
}

/** A tone for a 0..1 fraction: ok when full, warn when above `min`, bad below. */
export function fractionTone(fraction: number, minFraction = 0): Tone {
  if (fraction >= 1) return "ok";
  return fraction >= minFraction ? "warn" : "bad";
}

/** A bar of `width` cells for a 0..1 fraction: Unicode blocks or ASCII `#`/`.`. */
export function miniBar(fraction: number, width: number, unicode: boolean): string {
  const f = Number.isFinite(fraction) ? Math.min(1, Math.max(0, fraction)) : 0;
  const filled = Math.round(f * width);
  return unicode
    ? "█".repeat(filled) + "░".repeat(width - filled)
    : "#".repeat(filled) + ".".repeat(width - filled);
}

const SPARKS = "▁▂▃▄▅▆▇█";
const ASCII_SPARKS = "_.-=+*#@";

/**
 * A sparkline of the last `width` values (null values are gaps), scaled
 * between the smallest and largest value shown.
 *
 * @example
 * ```ts
 * import { sparkline } from "./lines.ts";
 * sparkline([1, 2, 3, 4], 4, true); // "▁▃▆█"
 * ```
 */
export function sparkline(values: (number | null)[], width: number, unicode: boolean): string {
  const chars = unicode ? SPARKS : ASCII_SPARKS;
  const shown = values.slice(-width);
  const nums = shown.filter((v): v is number => v !== null && Number.isFinite(v));
  if (nums.length === 0) return " ".repeat(Math.min(width, shown.length));
  const lo = Math.min(...nums);
  const hi = Math.max(...nums);
  return shown.map((v) => {
    if (v === null || !Number.isFinite(v)) return " ";
    const i = hi === lo ? 0 : Math.round(((v - lo) / (hi - lo)) * (chars.length - 1));
    return chars[i];
  }).join("");
}
