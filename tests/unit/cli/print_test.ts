// cli/print.ts: the one -o printer and the one --watch printer.
import { assertEquals } from "../../helpers/assert.ts";
import { CliContext, type CliIO } from "../../../cli/context.ts";
import { printOutput, printWatch, watchPrinter } from "../../../cli/print.ts";

function context(tty: boolean) {
  const out: string[] = [];
  const io: CliIO = {
    stdout: (t) => void out.push(t),
    stderr: () => {},
    stdoutIsTTY: tty,
    stdinIsTTY: false,
    readLine: () => Promise.resolve(null),
    env: () => undefined,
  };
  return { ctx: new CliContext(io), out };
}

const report = (n: number) => ({ kind: "R", count: n });

Deno.test("printOutput: json and yaml from the value, the text otherwise", () => {
  for (
    const [format, want] of [
      ["json", '{\n  "kind": "R",\n  "count": 1\n}\n'],
      ["yaml", "kind: R\ncount: 1\n"],
      ["table", "text 1\n"],
      ["wide", "text 1\n"],
    ] as const
  ) {
    const { ctx, out } = context(false);
    printOutput(ctx, report(1), format, () => "text 1\n");
    assertEquals(out.join(""), want, format);
  }
});

Deno.test("watchPrinter: one JSON document per line, --- separated YAML", () => {
  const json = context(true);
  const p = watchPrinter(json.ctx, { format: "json", text: () => "unused" });
  p(report(1));
  p(report(2));
  assertEquals(json.out.join(""), '{"kind":"R","count":1}\n{"kind":"R","count":2}\n');
  const yaml = context(false);
  const q = watchPrinter(yaml.ctx, { format: "yaml", text: () => "unused" });
  q(report(1));
  q(report(2));
  assertEquals(yaml.out.join(""), "---\nkind: R\ncount: 1\n---\nkind: R\ncount: 2\n");
});

Deno.test("watchPrinter: a terminal redraws with the footer; a pipe appends, blank-line separated", () => {
  const tty = context(true);
  const p = watchPrinter(tty.ctx, {
    format: "table",
    text: (r: { count: number }) => `n=${r.count}\n`,
    footer: (r) => `(watching ${r.count})`,
  });
  p(report(1));
  p(report(2));
  p.close();
  // the alternate screen, each frame redrawn in place (lines cleared to their end), then the
  // normal screen with the last report left on it
  assertEquals(tty.out, [
    "\x1b[?1049h",
    "\x1b[Hn=1\x1b[K\n\x1b[K\n(watching 1)\x1b[K\n\x1b[J",
    "\x1b[Hn=2\x1b[K\n\x1b[K\n(watching 2)\x1b[K\n\x1b[J",
    "\x1b[?1049ln=2\n",
  ]);
  const pipe = context(false);
  const q = watchPrinter(pipe.ctx, {
    format: "table",
    text: (r: { count: number }) => `n=${r.count}\n`,
  });
  q(report(1));
  q(report(2));
  assertEquals(pipe.out.join(""), "n=1\n\nn=2\n");
});

Deno.test("watchPrinter: skipUnchanged and pipeHeader on a pipe", () => {
  const pipe = context(false);
  const p = watchPrinter(pipe.ctx, {
    format: "table",
    text: (r: { count: number }) => `n=${Math.floor(r.count / 2)}\n`,
    skipUnchanged: true,
  });
  for (const n of [0, 1, 2, 3, 4]) p(report(n));
  assertEquals(pipe.out.join(""), "n=0\n\nn=1\n\nn=2\n");
  const headed = context(false);
  const q = watchPrinter(headed.ctx, {
    format: "wide",
    text: (r: { count: number }) => `n=${r.count}\n`,
    pipeHeader: (r) => `--- ${r.count}\n`,
  });
  q(report(1));
  q(report(2));
  assertEquals(headed.out.join(""), "--- 1\nn=1\n--- 2\nn=2\n");
});

Deno.test("printWatch: Ctrl-C is the normal end; errors after an abort are swallowed, others thrown", async () => {
  const { ctx, out } = context(false);
  async function* reports() {
    yield report(1);
    ctx.abort.abort();
    throw new Error("stream closed by the abort");
  }
  const seen: number[] = [];
  await printWatch(ctx, reports(), {
    format: "json",
    text: () => "",
    onReport: (r) => seen.push(r.count),
  });
  assertEquals([ctx.interruptIsNormal, seen, out.join("")], [
    true,
    [1],
    '{"kind":"R","count":1}\n',
  ]);
  const other = context(false);
  // deno-lint-ignore require-yield
  async function* failing(): AsyncGenerator<{ count: number }> {
    throw new Error("boom");
  }
  let err = "";
  await printWatch(other.ctx, failing(), { format: "json", text: () => "" }).catch((e) =>
    err = e.message
  );
  assertEquals(err, "boom");
});
