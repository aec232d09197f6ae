/**
 * kubectl-style tables: upper-case headers, columns separated by three
 * spaces, no borders, so output stays greppable and `awk`-able.
 *
 * @module
 */

import { displayWidth, pad } from "./style.ts";

/** Options of {@link renderTable}. */
export interface TableOptions {
  /** Omit the header row (`--no-headers`). */
  noHeaders?: boolean;
  /** Indices of columns aligned to the right. */
  alignRight?: number[];
  /** Column separator; three spaces like kubectl. */
  separator?: string;
}

/**
 * Renders rows under headers. Headers are upper-cased. Trailing spaces are trimmed.
 *
 * @example
 * ```ts
 * import { renderTable } from "./table.ts";
 * console.log(renderTable(["name", "ready"], [["prefill", "2/2"], ["decode", "4/4"]]));
 * // NAME      READY
 * // prefill   2/2
 * // decode    4/4
 * ```
 */
export function renderTable(
  headers: string[],
  rows: string[][],
  opts: TableOptions = {},
): string {
  const sep = opts.separator ?? "   ";
  const all = opts.noHeaders ? rows : [headers.map((h) => h.toUpperCase()), ...rows];
  if (all.length === 0) return "";
  const cols = Math.max(...all.map((r) => r.length));
  const widths = Array.from(
    { length: cols },
    (_, c) => Math.max(0, ...all.map((r) => displayWidth(r[c] ?? ""))),
  );
  const right = new Set(opts.alignRight ?? []);
  return all
    .map((r) =>
      widths
        .map((
          w,
          c,
        ) => (c === cols - 1 && !right.has(c) ? r[c] ?? "" : pad(r[c] ?? "", w, right.has(c))))
        .join(sep)
        .trimEnd()
    )
    .join("\n") + "\n";
}
