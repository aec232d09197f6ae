/**
 * Puts the terminal back as the shell expects it: main screen, cursor
 * shown, attributes reset, line mode. Safe to call more than once and
 * without a terminal; used on every way out of the TUI, a crash included.
 *
 * @module
 */

/** The escape sequence: leave the alternate screen, show the cursor, reset attributes. */
export const RESTORE_SEQUENCE = "\x1b[?1049l\x1b[?25h\x1b[0m";

/** Restores the terminal (no-op when stdout is not a terminal). */
export function restoreTerminal(): void {
  try {
    if (Deno.stdin.isTerminal()) Deno.stdin.setRaw(false);
  } catch {
    // stdin closed or not a terminal
  }
  try {
    if (Deno.stdout.isTerminal()) {
      Deno.stdout.writeSync(new TextEncoder().encode(RESTORE_SEQUENCE));
    }
  } catch {
    // stdout closed
  }
}
