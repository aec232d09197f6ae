/**
 * Golden files: `tests/golden/<scenario>/<command>.<format>`. Set
 * `GOLDEN_UPDATE=1` to rewrite them from the current output, then review the
 * diff before committing.
 *
 * @module
 */

import { strictEqual as assertEquals } from "node:assert/strict";

const ROOT = new URL("../golden/", import.meta.url);

/** Compares `actual` with the golden file at `relPath` (under tests/golden/). */
export async function assertGolden(relPath: string, actual: string): Promise<void> {
  const url = new URL(relPath, ROOT);
  if (Deno.env.get("GOLDEN_UPDATE") === "1") {
    await Deno.mkdir(new URL(".", url), { recursive: true });
    await Deno.writeTextFile(url, actual);
    return;
  }
  let expected: string;
  try {
    expected = await Deno.readTextFile(url);
  } catch {
    throw new Error(
      `golden file tests/golden/${relPath} is missing; create it with GOLDEN_UPDATE=1 deno task test`,
    );
  }
  assertEquals(actual, expected, `output differs from tests/golden/${relPath}`);
}
