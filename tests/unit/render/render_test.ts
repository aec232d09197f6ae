import { assertEquals, assertThrows } from "../../helpers/assert.ts";
import { bar, percent } from "../../../lib/render/bar.ts";
import { parseOutputFormat, toJson, toYaml } from "../../../lib/render/output.ts";
import { detectStyle, displayWidth, paint, PLAIN, stripAnsi } from "../../../lib/render/style.ts";
import { renderTable } from "../../../lib/render/table.ts";
import { renderTree } from "../../../lib/render/tree.ts";
import { UsageError } from "../../../lib/errors.ts";

const TTY = { color: true, unicode: true };

Deno.test("table: upper-case headers, aligned columns, no trailing spaces", () => {
  const t = renderTable(["name", "ready", "age"], [["prefill", "2/2", "5m"], [
    "decode-long",
    "4/4",
    "2h15m",
  ]]);
  assertEquals(
    t,
    "NAME          READY   AGE\nprefill       2/2     5m\ndecode-long   4/4     2h15m\n",
  );
});

Deno.test("table: --no-headers, right alignment and ANSI-aware widths", () => {
  const t = renderTable(["a", "n"], [[paint(TTY, "red", "xx"), "1"], ["y", "10"]], {
    noHeaders: true,
    alignRight: [1],
  });
  assertEquals(stripAnsi(t), "xx    1\ny    10\n");
});

Deno.test("style: colour only on a TTY, off with NO_COLOR or TERM=dumb", () => {
  const env = (m: Record<string, string>) => (k: string) => m[k];
  assertEquals(detectStyle(false, env({})), { color: false, unicode: false });
  assertEquals(detectStyle(true, env({})).color, true);
  assertEquals(detectStyle(true, env({ NO_COLOR: "1" })).color, false);
  assertEquals(detectStyle(true, env({ NO_COLOR: "1" })).unicode, true);
  assertEquals(detectStyle(true, env({ TERM: "dumb" })), {
    color: false,
    unicode: false,
    width: undefined,
  });
  assertEquals(paint(PLAIN, "red", "x"), "x");
});

Deno.test("bar: ASCII when plain, Unicode eighths on a TTY, clamped", () => {
  assertEquals(bar(0.5, PLAIN, { width: 10 }), "[#####.....]");
  assertEquals(bar(2, PLAIN, { width: 4 }), "[####]");
  assertEquals(bar(NaN, PLAIN, { width: 4 }), "[....]");
  const u = stripAnsi(bar(0.55, { color: false, unicode: true }, { width: 10 }));
  assertEquals(displayWidth(u), 10);
  assertEquals(u.startsWith("█████▌"), true);
  assertEquals(percent(0.456), "46%");
  assertEquals(percent(NaN), "-");
});

Deno.test("tree: ASCII connectors when plain", () => {
  const t = renderTree(
    [{
      label: "zone-a",
      children: [{ label: "rack-1", children: [{ label: "node-1" }] }, { label: "rack-2" }],
    }],
    PLAIN,
  );
  assertEquals(t, "zone-a\n|- rack-1\n|  `- node-1\n`- rack-2\n");
});

Deno.test("output: formats validated, json stable, yaml without folding", () => {
  assertEquals(parseOutputFormat(undefined, ["table", "json"]), "table");
  assertEquals(parseOutputFormat("JSON", ["table", "json"]), "json");
  const e = assertThrows(() => parseOutputFormat("xml", ["table", "json"]), UsageError);
  assertEquals(e.hint, "use one of: table, json");
  assertEquals(toJson({ b: 1, a: [1] }), '{\n  "b": 1,\n  "a": [\n    1\n  ]\n}\n');
  const long = "x".repeat(200);
  assertEquals(toYaml({ long }), `long: ${long}\n`);
});
