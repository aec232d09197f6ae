// Every default output fits 80 columns (issue 25 item 9, issue 26 item 4): each golden
// `*.table` (what a command prints by default, piped or on a terminal of unknown width) has no
// line over 80 columns. `*.wide` (-o wide) and structured goldens may be wider.
import { assert } from "../../helpers/assert.ts";
import { displayWidth } from "../../../lib/render/style.ts";
import { DEFAULT_WIDTH } from "../../../lib/render/wrap.ts";

const ROOT = new URL("../../golden/", import.meta.url);

/**
 * Goldens not yet laid out for 80 columns, each with the reason. `plan` and `generate`
 * (tests/golden/aic/) are not among the commands of issue 25 item 9 and are being changed
 * on other branches (plan diff per role; generate's replanning).
 */
const NOT_YET: Record<string, string> = {
  "aic/generate.table": "generate is reworked on the aic branch",
  "aic/plan.diff.table": "plan diff per role is reworked after the layouts merge",
  "aic/plan.diff-drift.table": "plan diff per role is reworked after the layouts merge",
  "aic/plan.list.table": "plan list: model names; not in issue 25 item 9",
  "aic/plan.show.table": "plan show: not in issue 25 item 9",
};

async function goldens(dir: URL, prefix = ""): Promise<string[]> {
  const out: string[] = [];
  for await (const e of Deno.readDir(dir)) {
    if (e.isDirectory) {
      out.push(...await goldens(new URL(`${e.name}/`, dir), `${prefix}${e.name}/`));
    } else if (e.name.endsWith(".table")) out.push(`${prefix}${e.name}`);
  }
  return out.sort();
}

Deno.test("goldens: every default table output fits 80 columns", async () => {
  const files = await goldens(ROOT);
  assert(files.length >= 35, `only ${files.length} goldens found`);
  const over: string[] = [];
  for (const f of files) {
    if (NOT_YET[f]) continue;
    const text = await Deno.readTextFile(new URL(f, ROOT));
    text.split("\n").forEach((l, i) => {
      if (displayWidth(l) > DEFAULT_WIDTH) over.push(`${f}:${i + 1} (${displayWidth(l)}): ${l}`);
    });
  }
  assert(over.length === 0, `lines over ${DEFAULT_WIDTH} columns:\n${over.join("\n")}`);
});

Deno.test("goldens: the exceptions still exist and are still too wide (remove them when fixed)", async () => {
  for (const f of Object.keys(NOT_YET)) {
    const text = await Deno.readTextFile(new URL(f, ROOT));
    assert(
      text.split("\n").some((l) => displayWidth(l) > DEFAULT_WIDTH),
      `${f} fits now: remove it from NOT_YET`,
    );
  }
});
