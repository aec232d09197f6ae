/**
 * Helpers every command file uses: the `-o` option, examples in help, and
 * parsing of numbers and durations from flags.
 *
 * @module
 */

import { InvalidArgumentError, Option } from "../lib/deps.ts";
import { parseGoDuration } from "../lib/grove/duration.ts";
import type { OutputFormat } from "../lib/render/output.ts";

/** An `-o, --output <format>` option limited to the given formats. */
export function outputOption(formats: readonly OutputFormat[], def: OutputFormat = "table") {
  return new Option("-o, --output <format>", `output format: ${formats.join("|")}`)
    .choices(formats as OutputFormat[])
    .default(def);
}

/** Help text listing examples, appended after the options. */
export function examples(lines: string[]): string {
  return "\nExamples:\n" + lines.map((l) => (l.startsWith("#") ? `  ${l}` : `  ${l}`)).join("\n") +
    "\n";
}

/** Parses a non-negative integer flag value (commander argParser). */
export function parseCount(value: string): number {
  if (!/^\d+$/.test(value.trim())) {
    throw new InvalidArgumentError(`expected a whole number >= 0, got "${value}"`);
  }
  return Number(value.trim());
}

/** Parses a positive integer flag value (commander argParser). */
export function parsePositive(value: string): number {
  // the same message for "-2", "0" and "x": the rule is >= 1
  if (!/^\d+$/.test(value.trim()) || Number(value.trim()) < 1) {
    throw new InvalidArgumentError(`expected a whole number >= 1, got "${value}"`);
  }
  return Number(value.trim());
}

/** Parses a duration flag like `30s`, `5m`, `1h30m` into milliseconds (commander argParser). */
export function parseDurationMs(value: string): number {
  let ms: number;
  try {
    ms = parseGoDuration(value);
  } catch {
    ms = NaN;
  }
  if (!Number.isFinite(ms) || ms < 0) {
    throw new InvalidArgumentError(`expected a duration like 30s, 5m or 1h30m, got "${value}"`);
  }
  return Math.round(ms);
}
