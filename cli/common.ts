/**
 * Helpers every command file uses: the `-o` option, examples in help, and
 * parsing of numbers and durations from flags.
 *
 * @module
 */

import { InvalidArgumentError, Option } from "../lib/deps.ts";
import { parseGoDuration } from "../lib/grove/duration.ts";
import { parseImageReference, validateObjectName } from "../lib/validate.ts";
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

/**
 * Checks a PodCliqueSet name argument (commander argParser): one rule and one message for every
 * command (a DNS-1123 subdomain), a usage error (exit 2) before anything is sent.
 */
export function parsePcsName(value: string): string {
  try {
    return validateObjectName(value);
  } catch (e) {
    // commander prefixes "command-argument value '<v>' is invalid for argument '<name>'."
    const hint = (e as { hint?: string }).hint ?? "";
    throw new InvalidArgumentError(value.trim() === "" ? `It is empty: ${hint}.` : `${cap(hint)}.`);
  }
}

function cap(s: string): string {
  return s.charAt(0).toUpperCase() + s.slice(1);
}

/** Checks an `--image` value by the image reference grammar (commander argParser). */
export function parseImage(value: string): string {
  try {
    parseImageReference(value);
    return value;
  } catch (e) {
    const hint = (e as { hint?: string }).hint;
    throw new InvalidArgumentError(`${(e as Error).message}${hint ? ` (${hint})` : ""}`);
  }
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

/** The longest duration any flag takes (7 days): timers hold at most ~24.8 days, no wait needs more. */
export const MAX_DURATION_FLAG_MS = 7 * 24 * 3600_000;

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
  if (ms > MAX_DURATION_FLAG_MS) {
    throw new InvalidArgumentError(
      `"${value}" is too long: a duration flag is at most 7d (168h)`,
    );
  }
  return Math.round(ms);
}
