import { assert, assertEquals, assertStringIncludes, assertThrows } from "../../helpers/assert.ts";
import {
  mergePidSeries,
  parsePrometheusText,
  parsePromNumber,
  PromParseError,
} from "../../../lib/metrics/prom_parser.ts";
import { GroveError } from "../../../lib/errors.ts";

const one = (text: string) => {
  const s = parsePrometheusText(text);
  return [...s.bySample.values()].flat()[0];
};

Deno.test("label values with escapes: backslash, quote, newline", () => {
  const s = one('m{a="x\\\\y",b="say \\"hi\\"",c="l1\\nl2"} 1\n');
  assertEquals(s.labels, { a: "x\\y", b: 'say "hi"', c: "l1\nl2" });
});

Deno.test("numbers: exponents, NaN, +Inf, -Inf, signs, large exponents", () => {
  assertEquals(one("m 4.5e+010\n").value, 4.5e10);
  assertEquals(one("m 2.1368375e+07\n").value, 21368375);
  assertEquals(one("m -1.5E-3\n").value, -0.0015);
  assert(Number.isNaN(one("m NaN\n").value));
  assertEquals(one("m +Inf\n").value, Infinity);
  assertEquals(one("m -Inf\n").value, -Infinity);
  assertEquals(one('m_bucket{le="+Inf"} 7\n').labels.le, "+Inf");
  assertEquals(parsePromNumber("1e"), undefined);
  assertEquals(parsePromNumber(""), undefined);
});

Deno.test("optional timestamps, blank lines, comments, CRLF, spaces around labels", () => {
  const s = parsePrometheusText(
    '# a comment\r\n\r\n# TYPE m counter\r\nm_total{ a = "1" , } 3 1700000000000\r\n  \r\nm_total{a="2"} 4\r\n',
  );
  const samples = s.bySample.get("m_total")!;
  assertEquals(samples.map((x) => [x.labels.a, x.value, x.timestampMs]), [
    ["1", 3, 1700000000000],
    ["2", 4, undefined],
  ]);
  assertEquals(samples.map((x) => x.line), [4, 6]);
  assertEquals(s.families.get("m")?.type, "counter");
});

Deno.test("HELP/TYPE attach _bucket/_count/_sum/_created/_total samples to their family", () => {
  const s = parsePrometheusText(
    [
      "# HELP h Latency\\nwith newline \\\\ backslash",
      "# TYPE h histogram",
      'h_bucket{le="1.0"} 1',
      'h_bucket{le="+Inf"} 2',
      "h_count 2",
      "h_sum 1.5",
      "h_created 1.7e9",
      "# TYPE c counter",
      "c_total 5",
      "c_created 1.7e9",
      "# TYPE s summary",
      's{quantile="0.5"} 0.2',
      "s_count 3",
      "s_sum 0.9",
      "",
    ].join("\n"),
  );
  const h = s.families.get("h")!;
  assertEquals(h.help, "Latency\nwith newline \\ backslash");
  assertEquals(h.samples.map((x) => x.name), [
    "h_bucket",
    "h_bucket",
    "h_count",
    "h_sum",
    "h_created",
  ]);
  assertEquals(s.families.get("c")!.samples.map((x) => x.name), ["c_total", "c_created"]);
  assertEquals(s.families.get("s")!.samples.length, 3);
  assertEquals(s.sampleCount, 10);
});

Deno.test("a histogram family named *_total (vllm:iteration_tokens_total) keeps its suffix", () => {
  const s = parsePrometheusText(
    '# TYPE x_total histogram\nx_total_bucket{le="+Inf"} 1\nx_total_count 1\nx_total_sum 2\n',
  );
  assertEquals(s.families.get("x_total")?.samples.length, 3);
});

Deno.test("errors name the line and what is wrong", () => {
  const cases: [string, string][] = [
    ['ok 1\nm{a="1} 2\n', "line 2: label value is not closed"],
    ["m{a=1} 2\n", 'label "a" value must be in double quotes'],
    ['m{a="\\x"} 1\n', "invalid escape sequence"],
    ['m{a="1",a="2"} 1\n', 'duplicate label "a"'],
    ["m abc\n", 'invalid value "abc"'],
    ["m 1 xyz\n", 'invalid timestamp "xyz"'],
    ["m\n", 'sample "m" has no value'],
    ["# TYPE m foo\n", 'unknown metric type "foo"'],
    ["# TYPE m gauge\n# TYPE m counter\n", 'line 2: second TYPE line for "m"'],
    ["m 1\n# TYPE m gauge\n", "comes after its samples"],
    ["# TYPE h histogram\nh_bucket 1\n", 'has no "le" label'],
    ['# TYPE h histogram\nh_bucket{le="abc"} 1\n', 'invalid le="abc"'],
    ["# TYPE s summary\ns 1\n", 'no "quantile" label'],
    ["9m 1\n", "invalid metric name"],
    ["m 1 2 3\n", "too many fields"],
    ['m{a="1"}2\n', "unexpected character"],
  ];
  for (const [text, msg] of cases) {
    const e = assertThrows(
      () => parsePrometheusText(text, { source: "pod/p" }),
      PromParseError,
    );
    assertStringIncludes(e.message, msg);
    assert(e instanceof GroveError);
    assert(e.message.startsWith("pod/p: metrics text line "), e.message);
    assert(e.hint);
  }
});

Deno.test("lenient mode keeps valid samples and collects notes for a truncated scrape", () => {
  const text = '# TYPE a gauge\na 1\nb{x="2"} 2\nc{x="3",y="trunc';
  assertStringIncludes(
    assertThrows(() => parsePrometheusText(text), PromParseError).message,
    "line 4",
  );
  const s = parsePrometheusText(text, { lenient: true });
  assertEquals(s.sampleCount, 2);
  assertEquals(s.notes.map((n) => n.line), [4, 4]);
  assert(s.notes[0].message.includes("truncated"));
  assert(s.notes[1].message.includes("does not end with a newline"));
});

Deno.test("a sample cut after its value gets a missing-newline note in both modes", () => {
  const s = parsePrometheusText("a 1\nb 12", {});
  assertEquals(s.sampleCount, 2);
  assertEquals(s.notes, [{
    line: 2,
    message: "the text does not end with a newline: the last sample may be truncated",
  }]);
});

Deno.test("# EOF ends an OpenMetrics text; exemplars are ignored", () => {
  const s = parsePrometheusText('a_total 1 # {trace_id="x"} 1\n# EOF\ngarbage {{{\n');
  assertEquals(s.sampleCount, 1);
});

Deno.test("empty text and comment-only text parse to nothing", () => {
  assertEquals(parsePrometheusText("").sampleCount, 0);
  assertEquals(parsePrometheusText("# hello\n\n").sampleCount, 0);
});

Deno.test("__proto__ as a label name does not touch the prototype", () => {
  const s = one('m{__proto__="x"} 1\n');
  assertEquals(Object.getPrototypeOf(s.labels), Object.prototype);
  assertEquals(s.labels["__proto__"], "x");
});

Deno.test("multiprocess pid labels: counters and histograms summed, gauges keep pid", () => {
  const s = mergePidSeries(parsePrometheusText(
    [
      "# TYPE r counter",
      'r_total{m="a",pid="1"} 2',
      'r_total{m="a",pid="2"} 3',
      "# TYPE h histogram",
      'h_bucket{le="1",pid="1"} 1',
      'h_bucket{le="1",pid="2"} 2',
      'h_bucket{le="+Inf",pid="1"} 1',
      'h_bucket{le="+Inf",pid="2"} 4',
      'h_count{pid="1"} 1',
      'h_count{pid="2"} 4',
      "# TYPE g gauge",
      'g{pid="1"} 7',
      'g{pid="2"} 8',
      "",
    ].join("\n"),
  ));
  assertEquals(s.bySample.get("r_total")!.map((x) => [x.labels, x.value]), [[{ m: "a" }, 5]]);
  assertEquals(s.bySample.get("h_bucket")!.map((x) => x.value), [3, 5]);
  assertEquals(s.bySample.get("h_count")![0].value, 5);
  assertEquals(s.bySample.get("g")!.map((x) => x.labels.pid), ["1", "2"]);
});

Deno.test("a byte order mark before the first line is ignored", () => {
  const s = parsePrometheusText("\ufeff# TYPE up gauge\nup 1\n");
  assertEquals(s.families.get("up")?.type, "gauge");
});
