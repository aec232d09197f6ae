import { numberCell, parseCsv, parseCsvRecords, requireColumns } from "../../../lib/aic/csv.ts";
import { GroveError } from "../../../lib/errors.ts";
import { assertEquals, assertMatch, assertThrows } from "../../helpers/assert.ts";

Deno.test("csv: quoted fields with commas, doubled quotes and line breaks", () => {
  const recs = parseCsvRecords('a,b,c\r\n"x, y","say ""hi""","two\nlines"\r\n', "t.csv");
  assertEquals(recs.map((r) => r.fields), [["a", "b", "c"], ["x, y", 'say "hi"', "two\nlines"]]);
  assertEquals(recs.map((r) => r.line), [1, 2]);
});

Deno.test("csv: empty fields, BOM, no trailing newline, blank lines skipped", () => {
  const t = parseCsv('\ufeffmodel,(e)parallel,tp\nQwen,,4\n\nLlama,"",8', "t.csv");
  assertEquals(t.header, ["model", "(e)parallel", "tp"]);
  assertEquals(t.rows, [{ model: "Qwen", "(e)parallel": "", tp: "4" }, {
    model: "Llama",
    "(e)parallel": "",
    tp: "8",
  }]);
  assertEquals(t.lines, [2, 4]);
});

Deno.test("csv: a row with the wrong field count names the file and line", () => {
  const e = assertThrows(() => parseCsv("a,b\n1,2\n3\n", "best.csv"), GroveError);
  assertMatch(e.message, /^best\.csv:3: expected 2 fields like the header, found 1/);
});

Deno.test("csv: an unterminated quote is reported, not swallowed", () => {
  const e = assertThrows(() => parseCsv('a,b\n1,"open\n', "best.csv"), GroveError);
  assertMatch(e.message, /best\.csv:2: a quoted field is not closed/);
});

Deno.test("csv: a stray quote inside a field is an error", () => {
  const e = assertThrows(() => parseCsv('a,b\n1,x"y\n', "best.csv"), GroveError);
  assertMatch(e.message, /best\.csv:2: a quote inside an unquoted field/);
  const e2 = assertThrows(() => parseCsv('a,b\n1,"x"y\n', "best.csv"), GroveError);
  assertMatch(e2.message, /after a closing quote/);
});

Deno.test("csv: an empty file has no header", () => {
  const e = assertThrows(() => parseCsv("", "best.csv"), GroveError);
  assertMatch(e.message, /best\.csv: the file is empty/);
});

Deno.test("csv: a renamed column is named with its likely new name", () => {
  const t = parseCsv("model,tokens_per_s_gpu,tp\nm,1,4\n", "agg/best_config_topn.csv");
  const e = assertThrows(
    () => requireColumns(t, ["model", "tokens/s/gpu", "pp"], ["model", "tp", "pp", "tokens/s/gpu"]),
    GroveError,
  );
  assertMatch(e.message, /agg\/best_config_topn\.csv: missing columns "tokens\/s\/gpu"/);
  assertMatch(e.message, /"pp"$/);
});

Deno.test("csv: a non-numeric cell names file, line and column", () => {
  const t = parseCsv("tp\nfour\n", "best.csv");
  const e = assertThrows(() => numberCell(t, 0, "tp"), GroveError);
  assertMatch(e.message, /best\.csv:2: column "tp" should be a number, got "four"/);
});
