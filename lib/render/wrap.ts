/**
 * Word wrapping for prose lines (headers, notes, findings, issues) so default
 * output fits the terminal: 80 columns when the width is unknown or the output
 * is piped. Tables are laid out to fit by their renderers; this wraps text.
 *
 * @module
 */

import { displayWidth, type Style } from "./style.ts";

/** The width default output is laid out for when the terminal's width is unknown. */
export const DEFAULT_WIDTH = 80;

/** The width to lay out for: the terminal's, else {@link DEFAULT_WIDTH}; never below 40. */
export function outputWidth(style: Style): number {
  return Math.max(40, style.width ?? DEFAULT_WIDTH);
}

// a leading bullet whose text the continuation lines align with: "- ", "* ", "1. "
const BULLET = /^(?:[-*] |\d+\. )/;
// a leading label ("[warning] "): continuation lines are indented two columns
const LABEL = /^\[[^\]]+\] /;

/**
 * Wraps one line at spaces to `width` columns. Continuation lines are indented
 * to the text after the line's indent and bullet (`- `, `1. `), else two
 * columns deeper than the line, so a wrapped item stays readable as one. A word longer than the width stays whole on its own line.
 *
 * @example
 * ```ts
 * import { wrapLine } from "./wrap.ts";
 * wrapLine("  - one two three four", 14);
 * // ["  - one two", "    three four"]
 * ```
 */
export function wrapLine(line: string, width = DEFAULT_WIDTH): string[] {
  if (displayWidth(line) <= width) return [line];
  const indent = line.match(/^ */)![0];
  const rest = line.slice(indent.length);
  const bullet = rest.match(BULLET)?.[0] ?? rest.match(LABEL)?.[0] ?? "";
  const hang = " ".repeat(
    indent.length + (BULLET.test(rest) ? displayWidth(bullet) : 2),
  );
  // words with the spaces before them, so runs of spaces inside a line stay as they were
  const parts = rest.slice(bullet.length).trimStart().split(/( +)/);
  const out: string[] = [];
  let cur = indent + bullet;
  let curHasWord = false;
  for (let i = 0; i < parts.length; i += 2) {
    const w = parts[i];
    if (w === "") continue;
    const gap = i > 0 ? parts[i - 1] : "";
    const next = curHasWord ? cur + gap + w : cur + w;
    if (displayWidth(next) <= width || !curHasWord) {
      cur = next;
      curHasWord = true;
    } else {
      out.push(cur);
      cur = hang + w;
    }
  }
  out.push(cur);
  return out;
}

/**
 * Wraps every line of a block of text (see {@link wrapLine}).
 *
 * @example
 * ```ts
 * import { wrapText } from "./wrap.ts";
 * wrapText("short\n  - a longer line here", 12);
 * // "short\n  - a longer\n    line here"
 * ```
 */
export function wrapText(text: string, width = DEFAULT_WIDTH): string {
  return text.split("\n").flatMap((l) => wrapLine(l, width)).join("\n");
}

/**
 * A copy-pastable shell command that fits `width`: broken at spaces with a
 * trailing ` \` so the pasted lines still run as one command.
 *
 * @example
 * ```ts
 * import { wrapCommand } from "./wrap.ts";
 * wrapCommand("kubectl delete pod a b c -n prod", 22, "  ");
 * // ["  kubectl delete pod \\", "    a b c -n prod"]
 * ```
 */
export function wrapCommand(cmd: string, width = DEFAULT_WIDTH, indent = ""): string[] {
  if (displayWidth(indent + cmd) <= width) return [indent + cmd];
  const words = cmd.split(/ +/);
  const out: string[] = [];
  let cur = indent;
  let has = false;
  for (const w of words) {
    const next = has ? `${cur} ${w}` : cur + w;
    // room for the trailing " \"
    if (displayWidth(next) + 2 <= width || !has) {
      cur = next;
      has = true;
    } else {
      out.push(cur + " \\");
      cur = `${indent}  ${w}`;
    }
  }
  out.push(cur);
  return out;
}
