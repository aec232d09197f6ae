/**
 * The `--watch` screen on a terminal: each report is redrawn in place on the
 * alternate screen (no copy per refresh in the scrollback); when the watch ends
 * (Ctrl-C, the object gone, an error), the normal screen comes back with the
 * last report printed once. Pipes never get here: they get one report per change.
 *
 * @module
 */

const ENTER = "\x1b[?1049h";
const LEAVE = "\x1b[?1049l";
const HOME = "\x1b[H";
const CLEAR_LINE_END = "\x1b[K";
const CLEAR_BELOW = "\x1b[J";

/** Redraws frames in place; `close()` restores the screen and leaves the last frame. */
export class WatchScreen {
  #write: (s: string) => void;
  #active = false;
  #last = "";

  /** A screen writing through `write` (the terminal's stdout). */
  constructor(write: (s: string) => void) {
    this.#write = write;
  }

  /** Draws one frame: the body, then the footer line. */
  frame(body: string, footer: string): void {
    if (!this.#active) {
      this.#write(ENTER);
      this.#active = true;
    }
    const text = `${body.endsWith("\n") ? body : `${body}\n`}\n${footer}\n`;
    this.#last = body.endsWith("\n") ? body : `${body}\n`;
    // every line overwrites the old one to its end, and what the old frame had below goes
    this.#write(HOME + text.replaceAll("\n", `${CLEAR_LINE_END}\n`) + CLEAR_BELOW);
  }

  /** Leaves the alternate screen and prints the last frame's body (no footer) on the normal one. */
  close(): void {
    if (!this.#active) return;
    this.#active = false;
    this.#write(LEAVE + this.#last);
  }
}

/**
 * The footer of a watch frame, with the time in UTC like every other time shown.
 *
 * @example
 * ```ts
 * import { watchFooter } from "./watch_screen.ts";
 * watchFooter("countdowns tick every second", "2026-11-01T12:00:05.120Z");
 * // "(watching; countdowns tick every second; updated 12:00:05Z; Ctrl-C to stop)"
 * ```
 */
export function watchFooter(what: string, at: Date | string | number): string {
  const t = new Date(typeof at === "string" ? Date.parse(at) : at);
  return `(watching; ${what ? `${what}; ` : ""}updated ${
    t.toISOString().slice(11, 19)
  }Z; Ctrl-C to stop)`;
}
