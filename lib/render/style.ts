/**
 * Terminal style: whether to use colour and Unicode, decided once from the
 * output stream and the environment, then passed to pure renderers.
 *
 * Colour and Unicode bars appear only on a TTY; `NO_COLOR` (any value) and
 * `TERM=dumb` turn colour off; piped output stays plain and greppable.
 *
 * @module
 */

/** How a renderer may decorate its output. */
export interface Style {
  /** Use ANSI colours. */
  color: boolean;
  /** Use Unicode block characters and box drawing (else ASCII). */
  unicode: boolean;
  /** Terminal width in columns, when known. */
  width?: number;
}

/** Plain style: no colour, ASCII only. What tests and pipes get. */
export const PLAIN: Style = { color: false, unicode: false };

/**
 * Decides the style for a stream.
 *
 * @example
 * ```ts
 * import { detectStyle } from "./style.ts";
 * const style = detectStyle(false, (k) => Deno.env.get(k));
 * console.log(style.color); // false: not a TTY
 * ```
 */
export function detectStyle(
  isTTY: boolean,
  env: (name: string) => string | undefined,
  width?: number,
): Style {
  if (!isTTY) return { ...PLAIN };
  const dumb = env("TERM") === "dumb";
  const noColor = env("NO_COLOR") !== undefined && env("NO_COLOR") !== "";
  return { color: !dumb && !noColor, unicode: !dumb, width };
}

const codes = {
  bold: [1, 22],
  dim: [2, 22],
  red: [31, 39],
  green: [32, 39],
  yellow: [33, 39],
  blue: [34, 39],
  magenta: [35, 39],
  cyan: [36, 39],
  gray: [90, 39],
} as const;

/** Name of a colour or emphasis. */
export type Paint = keyof typeof codes;

/** Wraps `text` in ANSI codes when the style has colour; returns it unchanged otherwise. */
export function paint(style: Style, how: Paint, text: string): string {
  if (!style.color || text === "") return text;
  const [on, off] = codes[how];
  return `\x1b[${on}m${text}\x1b[${off}m`;
}

// deno-lint-ignore no-control-regex
const ANSI = /\x1b\[[0-9;]*m/g;

/** Removes ANSI colour codes. */
export function stripAnsi(text: string): string {
  return text.replace(ANSI, "");
}

/** Display width of a string: ANSI codes count zero, every code point one column. */
export function displayWidth(text: string): number {
  let n = 0;
  for (const _ of stripAnsi(text)) n++;
  return n;
}

/** Pads to a display width, on the right (or the left with `alignRight`). */
export function pad(text: string, width: number, alignRight = false): string {
  const fill = " ".repeat(Math.max(0, width - displayWidth(text)));
  return alignRight ? fill + text : text + fill;
}
