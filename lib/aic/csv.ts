/**
 * A small RFC 4180 CSV reader for AIConfigurator's result tables: quoted
 * fields, doubled quotes, commas and line breaks inside quotes, CRLF or LF.
 * Columns are looked up by header name, never by position.
 *
 * @module
 */

import { GroveError } from "../errors.ts";

/** A parsed CSV table: the header and the rows as records keyed by header name. */
export interface CsvTable {
  /** The file the table came from (for messages). */
  file: string;
  /** Header names, in file order. */
  header: string[];
  /** Data rows keyed by header name. */
  rows: Record<string, string>[];
  /** 1-based line number of each data row in the file. */
  lines: number[];
}

/**
 * Splits CSV text into records of fields (RFC 4180). Throws a
 * {@link GroveError} naming the file and line for an unterminated quote or
 * a stray quote inside an unquoted field.
 *
 * @example
 * ```ts
 * import { parseCsvRecords } from "./csv.ts";
 * parseCsvRecords('a,b\n"x, y","say ""hi"""\n', "t.csv");
 * // [{ fields: ["a", "b"], line: 1 }, { fields: ["x, y", 'say "hi"'], line: 2 }]
 * ```
 */
export function parseCsvRecords(
  text: string,
  file: string,
): { fields: string[]; line: number }[] {
  const out: { fields: string[]; line: number }[] = [];
  let fields: string[] = [];
  let field = "";
  let quoted = false;
  let wasQuoted = false;
  let line = 1;
  let recordLine = 1;
  let i = 0;
  const src = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  const endRecord = () => {
    fields.push(field);
    if (!(fields.length === 1 && fields[0] === "" && !wasQuoted)) {
      out.push({ fields, line: recordLine });
    }
    fields = [];
    field = "";
    wasQuoted = false;
  };
  while (i < src.length) {
    const c = src[i];
    if (quoted) {
      if (c === '"') {
        if (src[i + 1] === '"') {
          field += '"';
          i += 2;
          continue;
        }
        quoted = false;
        i++;
        const next = src[i];
        if (next !== undefined && next !== "," && next !== "\n" && next !== "\r") {
          throw new GroveError(
            `${file}:${line}: unexpected character ${JSON.stringify(next)} after a closing quote`,
            { hint: "the file is not valid CSV; re-run aiconfigurator to write it again" },
          );
        }
        continue;
      }
      if (c === "\n") line++;
      field += c;
      i++;
      continue;
    }
    if (c === '"') {
      if (field !== "") {
        throw new GroveError(`${file}:${line}: a quote inside an unquoted field`, {
          hint: "the file is not valid CSV; re-run aiconfigurator to write it again",
        });
      }
      quoted = true;
      wasQuoted = true;
      i++;
      continue;
    }
    if (c === ",") {
      fields.push(field);
      field = "";
      wasQuoted = false;
      i++;
      continue;
    }
    if (c === "\r" || c === "\n") {
      endRecord();
      if (c === "\r" && src[i + 1] === "\n") i++;
      i++;
      line++;
      recordLine = line;
      continue;
    }
    field += c;
    i++;
  }
  if (quoted) {
    throw new GroveError(`${file}:${recordLine}: a quoted field is not closed before the end`, {
      hint: "the file looks truncated; re-run aiconfigurator to write it again",
    });
  }
  if (field !== "" || fields.length > 0 || wasQuoted) endRecord();
  return out;
}

/**
 * Parses a CSV file's text into a header and rows keyed by header name.
 * A row with a different number of fields than the header is an error
 * naming the file and line.
 *
 * @example
 * ```ts
 * import { parseCsv } from "./csv.ts";
 * const t = parseCsv("tp,pp\n4,1\n", "best_config_topn.csv");
 * console.log(t.rows[0].tp); // "4"
 * ```
 */
export function parseCsv(text: string, file: string): CsvTable {
  const records = parseCsvRecords(text, file);
  if (records.length === 0) {
    throw new GroveError(`${file}: the file is empty (no header row)`, {
      hint: "re-run aiconfigurator; the run may have been interrupted while saving",
    });
  }
  const header = records[0].fields.map((h) => h.trim());
  const rows: Record<string, string>[] = [];
  const lines: number[] = [];
  for (const r of records.slice(1)) {
    if (r.fields.length !== header.length) {
      throw new GroveError(
        `${file}:${r.line}: expected ${header.length} fields like the header, found ${r.fields.length}`,
        { hint: "the file is malformed or truncated; re-run aiconfigurator to write it again" },
      );
    }
    const row: Record<string, string> = {};
    header.forEach((h, k) => (row[h] = r.fields[k]));
    rows.push(row);
    lines.push(r.line);
  }
  return { file, header, rows, lines };
}

/**
 * Checks that every named column exists; the error names the missing
 * columns, the file, and a close match among the columns we do not know
 * (a renamed column). `known` lists every column the format should have.
 */
export function requireColumns(
  table: CsvTable,
  columns: readonly string[],
  known: readonly string[] = columns,
): void {
  const have = new Set(table.header);
  const missing = columns.filter((c) => !have.has(c));
  if (missing.length === 0) return;
  const unexpected = table.header.filter((h) => !columns.includes(h) && !known.includes(h));
  const near = missing.map((m) => {
    const key = normalise(m);
    let match: string | undefined;
    let best = Math.max(2, Math.floor(key.length / 3)) + 1;
    for (const h of unexpected) {
      const nh = normalise(h);
      const d = nh === key ? 0 : nh.includes(key) || key.includes(nh) ? 1 : distance(nh, key);
      if (d < best) {
        best = d;
        match = h;
      }
    }
    return match ? `"${m}" (found "${match}")` : `"${m}"`;
  });
  throw new GroveError(
    `${table.file}: missing column${missing.length > 1 ? "s" : ""} ${near.join(", ")}`,
    {
      hint:
        "this aiconfigurator version writes a layout we do not read; check `aiconfigurator version` (0.7 or later is supported) or report the header line",
    },
  );
}

/** Levenshtein distance (small strings only). */
function distance(a: string, b: string): number {
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const cur = [i];
    for (let j = 1; j <= b.length; j++) {
      cur[j] = Math.min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1));
    }
    prev = cur;
  }
  return prev[b.length];
}

function normalise(s: string): string {
  return s.toLowerCase().replace(/[^a-z0-9()/]/g, "");
}

/** Reads a numeric cell; an empty or non-numeric value is an error naming file, line and column. */
export function numberCell(table: CsvTable, index: number, column: string): number {
  const raw = (table.rows[index][column] ?? "").trim();
  const n = Number(raw);
  if (raw === "" || !Number.isFinite(n)) {
    throw new GroveError(
      `${table.file}:${table.lines[index]}: column "${column}" should be a number, got ${
        JSON.stringify(raw)
      }`,
      { hint: "the file is malformed; re-run aiconfigurator to write it again" },
    );
  }
  return n;
}

/** Reads an optional numeric cell: undefined when the column is absent or empty. */
export function optionalNumberCell(
  table: CsvTable,
  index: number,
  column: string,
): number | undefined {
  const raw = table.rows[index][column];
  if (raw === undefined || raw.trim() === "") return undefined;
  return numberCell(table, index, column);
}
