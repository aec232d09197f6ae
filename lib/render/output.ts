/**
 * `-o` output formats shared by all commands: the table/wide text form is
 * the command's own renderer; json, yaml and name are generic.
 *
 * @module
 */

import { yamlDump } from "../deps.ts";
import { UsageError } from "../errors.ts";

/** Output formats a command may accept. */
export type OutputFormat = "table" | "wide" | "json" | "yaml" | "name";

/** The API version stamped on every report we print as JSON or YAML. */
export const REPORT_API_VERSION = "kubectl-grove.io/v1alpha1";

/**
 * Validates an `-o` value against the formats a command supports.
 *
 * @example
 * ```ts
 * import { parseOutputFormat } from "./output.ts";
 * parseOutputFormat("json", ["table", "json"]); // "json"
 * ```
 */
export function parseOutputFormat(
  value: string | undefined,
  allowed: readonly OutputFormat[],
): OutputFormat {
  const v = (value ?? "table").trim().toLowerCase();
  const f = (v === "" ? "table" : v) as OutputFormat;
  if (!allowed.includes(f)) {
    throw new UsageError(
      `unsupported output format "${value}"`,
      `use one of: ${allowed.join(", ")}`,
    );
  }
  return f;
}

/** Stable JSON: two-space indent, trailing newline. */
export function toJson(value: unknown): string {
  return JSON.stringify(value, null, 2) + "\n";
}

/** One JSON document on one line (for `--watch -o json` streams). */
export function toJsonLine(value: unknown): string {
  return JSON.stringify(value) + "\n";
}

/** YAML with no anchors and no line folding. */
export function toYaml(value: unknown): string {
  return yamlDump(value, { noRefs: true, lineWidth: -1, sortKeys: false });
}

/** True for the formats that print the report as a document (json, yaml), not as text. */
export function isStructured(format: string | undefined): format is "json" | "yaml" {
  return format === "json" || format === "yaml";
}

/**
 * Renders a report as json or yaml; returns undefined for other formats.
 * With `stream` (one document after another, as `--watch` prints them):
 * JSON on one line each, YAML documents led by `---`.
 *
 * @example
 * ```ts
 * import { formatStructured } from "./output.ts";
 * console.assert(formatStructured({ a: 1 }, "json", { stream: true }) === '{"a":1}\n');
 * console.assert(formatStructured({ a: 1 }, "yaml", { stream: true }) === "---\na: 1\n");
 * console.assert(formatStructured({ a: 1 }, "table") === undefined);
 * ```
 */
export function formatStructured(
  value: unknown,
  format: string | undefined,
  opts: { stream?: boolean } = {},
): string | undefined {
  if (format === "json") return opts.stream ? toJsonLine(value) : toJson(value);
  if (format === "yaml") return (opts.stream ? "---\n" : "") + toYaml(value);
  return undefined;
}
