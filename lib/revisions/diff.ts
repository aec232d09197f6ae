/**
 * Unified YAML diffs of templates (for `rollout diff`, `undo --dry-run`,
 * `apply --diff`), coloured on a terminal. Loads the `diff` library lazily.
 *
 * @module
 */

import { yamlDump } from "../deps.ts";
import { paint, type Style } from "../render/style.ts";

function byKey(a: string, b: string): number {
  if (a === b) return 0;
  if (a === "name") return -1;
  if (b === "name") return 1;
  return a < b ? -1 : 1;
}

/** YAML of a value with sorted keys (`name` first), so key order never shows as a change. */
export function stableYaml(value: unknown): string {
  return yamlDump(value ?? null, { noRefs: true, lineWidth: -1, sortKeys: byKey });
}

/**
 * A unified diff of two values as YAML; empty string when they are equal. A
 * null or undefined side is empty (a new or deleted object: every line added or removed).
 *
 * @example
 * ```ts
 * import { yamlDiff } from "./diff.ts";
 * const text = await yamlDiff({ image: "a" }, { image: "b" }, "revision 1", "live");
 * // --- revision 1
 * // +++ live
 * // @@ -1,1 +1,1 @@
 * // -image: a
 * // +image: b
 * ```
 */
export async function yamlDiff(
  before: unknown,
  after: unknown,
  beforeLabel: string,
  afterLabel: string,
  context = 3,
): Promise<string> {
  // a side that does not exist (a new object) is empty, not the YAML `null`
  const a = before === null || before === undefined ? "" : stableYaml(before);
  const b = after === null || after === undefined ? "" : stableYaml(after);
  if (a === b) return "";
  const { createTwoFilesPatch } = await import("../deps_lazy/diff.ts");
  const patch = createTwoFilesPatch(beforeLabel, afterLabel, a, b, undefined, undefined, {
    context,
  });
  // Drop the "Index:"/"====" preamble the library writes before the headers.
  const lines = patch.split("\n");
  const start = lines.findIndex((l) => l.startsWith("--- "));
  return lines.slice(start < 0 ? 0 : start).join("\n").replace(/\n*$/, "\n");
}

/** Colours a unified diff for a terminal (red removals, green additions, cyan hunks). */
export function colorDiff(diff: string, style: Style): string {
  if (!style.color) return diff;
  return diff.split("\n").map((l) => {
    if (l.startsWith("+++") || l.startsWith("---")) return paint(style, "bold", l);
    if (l.startsWith("+")) return paint(style, "green", l);
    if (l.startsWith("-")) return paint(style, "red", l);
    if (l.startsWith("@@")) return paint(style, "cyan", l);
    return l;
  }).join("\n");
}
