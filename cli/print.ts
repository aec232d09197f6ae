/**
 * The two printers every command uses: {@link printOutput} for `-o`
 * (json and yaml from the report itself through `formatStructured`, the
 * command's own renderer for table/wide) and {@link watchPrinter} /
 * {@link printWatch} for `--watch` (one JSON document per line, `---`
 * separated YAML, a redraw on a terminal, reports one after another on a
 * pipe).
 *
 * @module
 */

import { formatStructured } from "../lib/render/output.ts";
import type { CliContext } from "./context.ts";
import { WatchScreen } from "./watch_screen.ts";

/**
 * Prints `value` as `-o json|yaml` and returns true, or returns false for
 * a text format (the caller renders it).
 */
export function printStructured(
  ctx: CliContext,
  value: unknown,
  format: string | undefined,
): boolean {
  const doc = formatStructured(value, format);
  if (doc === undefined) return false;
  ctx.write(doc);
  return true;
}

/** Prints `value` as `-o json|yaml`, else the text `text()` renders. */
export function printOutput(
  ctx: CliContext,
  value: unknown,
  format: string | undefined,
  text: () => string,
): void {
  if (!printStructured(ctx, value, format)) ctx.write(text());
}

/** How a command's `--watch` prints its reports. */
export interface WatchPrintOptions<R> {
  /** `-o`. */
  format: string | undefined;
  /** The text of one report (table or wide). */
  text: (report: R) => string;
  /** On a terminal, a line under each redraw (after a blank line); none when omitted. */
  footer?: (report: R) => string;
  /** On a pipe, what precedes each report; default: a blank line between reports. */
  pipeHeader?: (report: R) => string;
  /**
   * On a pipe, print a report only when its text differs from the last one
   * (reports rebuilt by a clock tick, e.g. health's countdowns).
   */
  skipUnchanged?: boolean;
}

/**
 * A printer of one report after another: json one document per line, yaml
 * `---` documents, text redrawn on a terminal and appended on a pipe.
 */
export function watchPrinter<R>(ctx: CliContext, o: WatchPrintOptions<R>): WatchPrinter<R> {
  const tty = ctx.io.stdoutIsTTY;
  // on a terminal: redrawn in place on the alternate screen, the last report left on exit
  const screen = new WatchScreen((s) => ctx.write(s));
  let printed = 0;
  let last: string | undefined;
  const print = ((report: R) => {
    const doc = formatStructured(report, o.format, { stream: true });
    if (doc !== undefined) return ctx.write(doc);
    const body = o.text(report);
    if (tty) {
      screen.frame(body, o.footer ? o.footer(report) : "(watching; Ctrl-C to stop)");
    } else if (!o.skipUnchanged || body !== last) {
      ctx.write((o.pipeHeader ? o.pipeHeader(report) : printed > 0 ? "\n" : "") + body);
      printed++;
    }
    last = body;
  }) as WatchPrinter<R>;
  print.close = () => screen.close();
  return print;
}

/** A watch printer: call it per report, `close()` when the watch ends. */
export interface WatchPrinter<R> {
  (report: R): void;
  /** Restores the terminal's normal screen with the last report on it. */
  close(): void;
}

/**
 * Prints every report of a `--watch` generator until it ends or Ctrl-C
 * stops it; Ctrl-C is the normal end (exit code as the command set it,
 * not 130). `onReport` sees each report before it is printed (exit codes).
 */
export async function printWatch<R>(
  ctx: CliContext,
  reports: AsyncIterable<R>,
  o: WatchPrintOptions<R> & { onReport?: (report: R) => void },
): Promise<void> {
  ctx.interruptIsNormal = true;
  const print = watchPrinter(ctx, o);
  try {
    for await (const r of reports) {
      o.onReport?.(r);
      print(r);
    }
  } catch (e) {
    if (ctx.abort.signal.aborted) return;
    throw e;
  } finally {
    print.close();
  }
}
