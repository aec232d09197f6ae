import {
  assert,
  assertEquals,
  assertMatch,
  assertNotMatch,
  assertStringIncludes,
} from "../../helpers/assert.ts";
import { runCli } from "../../helpers/cli.ts";
import { frameElement, loadInk } from "../../../tasks/tui/app.ts";
import { fitLine, line, lineText, paletteFor, seg, sparkline } from "../../../tasks/tui/lines.ts";
import { initialState, keyToAction, reduce } from "../../../tasks/tui/state.ts";
import type { MetricsReport } from "../../../tasks/metrics/report.ts";
import { metricsView, pushReport } from "../../../tasks/tui/views/metrics.ts";
import { linesText } from "../../../tasks/tui/lines.ts";
import { scenarioController, screen } from "./helpers.ts";

Deno.test("screen: exactly 24 lines of at most 80 columns, header, tabs and key footer", async () => {
  const { c } = await scenarioController("healthy");
  const lines = c.frame();
  assertEquals(lines.length, 24);
  for (const l of lines) assert([...lineText(l)].length <= 80, lineText(l));
  const text = screen(c);
  assertMatch(text.split("\n")[0], /^grove tui {2}ctx sim {2}ns inference {2}live 12:00:00Z/);
  assertMatch(
    text.split("\n")[1],
    /\[1\]Hierarchy \[2\]Topology \[3\]Health \[4\]Metrics \[5\]Rollouts/,
  );
  assertMatch(text.split("\n")[23], /1-5 view {2}j\/k move {2}Enter expand {2}\/ filter {2}l logs/);
  // the first row is selected (reverse video across the width)
  assert(lines[2].selected);
  assertEquals(lineText(lines[2]).length, 80);
});

Deno.test("screen: at 80 columns every view's footer ends with q quit", async () => {
  const { c } = await scenarioController("healthy");
  for (const k of ["1", "2", "3", "4", "5"]) {
    c.key(k, {});
    const last = screen(c).split("\n").at(-1)!;
    assertMatch(last, /\? help +q quit/, `view ${k}: ${last}`);
    assert([...last].length <= 80);
  }
  c.key("4", {});
  assertMatch(screen(c).split("\n").at(-1)!, /\[ \] set/);
});

Deno.test("screen: redraws for a new size", async () => {
  const { c } = await scenarioController("healthy");
  let redraws = 0;
  c.subscribe(() => redraws++);
  c.resize(120, 40);
  assertEquals(redraws, 1);
  assertEquals(c.frame().length, 40);
  assertMatch(screen(c), /https:\/\/127\.0\.0\.1:6443/);
  c.resize(120, 40);
  assertEquals(redraws, 1);
});

Deno.test("screen: a stale watch is said in the header, then live again", async () => {
  const { c, now } = await scenarioController("healthy");
  c.onSource({ type: "stale", since: now.t, reason: "connection refused", retryInMs: 4000 });
  now.t += 1000;
  assertMatch(screen(c).split("\n")[0], /STALE since 12:00:00Z \(retry in 3s\): connec/);
  const snap = c.snapshot!;
  c.onSource({ type: "snapshot", snapshot: { ...snap, sequence: 1, receivedAt: now.t } });
  assertMatch(screen(c).split("\n")[0], /live 12:00:01Z/);
});

Deno.test("keys: j/k and arrows move, Enter expands, views switch with 1-5", async () => {
  const { c } = await scenarioController("healthy");
  c.key("j", {});
  c.key("", { downArrow: true });
  assertEquals(c.selectedRow()?.id, "clique:inference/qwen-disagg-0-frontend");
  c.key("", { return: true });
  // at 80 columns a long pod name is cut from the left: its end and its role stay
  assertMatch(screen(c), /~[\w-]*-frontend-7szrh frontend +Running/);
  c.key("k", {});
  assertEquals(c.selectedRow()?.id, "gang:inference/qwen-disagg-0");
  c.key("j", {});
  c.key("", { return: true }); // collapse again
  assertNotMatch(screen(c), /frontend-7szrh/);
  c.key("3", {});
  assertEquals(c.state.view, "health");
  assertMatch(screen(c), /Healthy {3}qwen-disagg-0 /);
  c.key("", { tab: true });
  assertEquals(c.state.view, "metrics");
  assertStringIncludes(screen(c), "Metrics are not available in this build.");
});

Deno.test("keys: the selection stays on its object when rows above it appear", async () => {
  const { c } = await scenarioController("healthy");
  for (let i = 0; i < 4; i++) c.key("j", {});
  const id = c.selectedRow()?.id;
  c.state = { ...c.state, expanded: { "clique:inference/qwen-disagg-0-frontend": true } };
  assertEquals(c.selectedRow()?.id, id);
});

Deno.test("keys: / filters by name, Esc cancels typing, Esc again clears", async () => {
  const { c } = await scenarioController("healthy");
  c.key("/", {});
  for (const ch of "sglang") c.key(ch, {});
  assertMatch(screen(c).split("\n")[23], /^\/sglang_/);
  c.key("", { return: true });
  const text = screen(c);
  assertStringIncludes(text, "filter: sglang");
  assertNotMatch(text, /qwen-disagg/);
  assertStringIncludes(text, "sglang-chat-0-worker");
  c.key("/", {});
  c.key("x", {});
  c.key("", { escape: true });
  assertEquals(c.state.filter, "sglang");
  c.key("", { escape: true });
  assertEquals(c.state.filter, "");
  assertStringIncludes(screen(c), "qwen-disagg");
});

Deno.test("keys: y shows the selected object's YAML, l asks for a pod, ? shows help, q quits", async () => {
  let quit = 0;
  const logs: string[] = [];
  const { c } = await scenarioController("healthy", undefined, {
    onQuit: () => quit++,
    kube: {
      logs: (
        ns: string,
        pod: string,
        o?: { container?: string; tailLines?: number; previous?: boolean },
      ) => {
        logs.push(`${ns}/${pod}/${o?.container}/${o?.tailLines}${o?.previous ? "/previous" : ""}`);
        return Promise.resolve(
          o?.previous ? "crashed\n" : `line one\nline two\n${"x".repeat(100)}\n`,
        );
      },
    },
  });
  c.key("y", {});
  assertMatch(
    screen(c),
    /podcliqueset\/qwen-disagg -n inference \(YAML\)\nkind: PodCliqueSet|apiVersion: grove\.io\/v1alpha1/,
  );
  c.key("", { escape: true });
  c.key("l", {});
  assertStringIncludes(screen(c).split("\n")[23], "select a pod");
  // open the prefill clique and select its first pod
  c.key("j", {});
  c.key("j", {});
  c.key("j", {});
  c.key("", { return: true });
  c.key("j", {});
  assertEquals(c.selectedRow()?.target?.kind, "Pod");
  c.key("l", {});
  await new Promise((r) => setTimeout(r, 0));
  assertEquals(logs, ["inference/qwen-disagg-0-prefill-28mlr/vllm/200"]);
  assertMatch(
    screen(c),
    /logs of pod\/qwen-disagg-0-prefill-28mlr -c vllm \(200 lines; p: previous\)\nline one\nline two\nx{80}\nx{20}\n/,
  );
  // p: the previous container's log
  c.key("p", {});
  await new Promise((r) => setTimeout(r, 0));
  assertEquals(logs[1], "inference/qwen-disagg-0-prefill-28mlr/vllm/200/previous");
  assertMatch(screen(c), /-c vllm -p \(200 lines; p: current\)\ncrashed/);
  c.key("", { escape: true });
  c.key("?", {});
  assertStringIncludes(screen(c), "termination countdowns tick every second");
  c.key("?", {});
  assertEquals(c.state.overlay, undefined);
  c.key("q", {});
  c.key("c", { ctrl: true });
  assertEquals(quit, 2);
});

Deno.test("health view ticks: the countdown moves with the clock, no new snapshot", async () => {
  const { c, now } = await scenarioController("fragmented", { columns: 100, rows: 30 });
  let redraws = 0;
  c.subscribe(() => redraws++);
  c.key("3", {});
  assertStringIncludes(screen(c), "gang terminates in 20m00s");
  now.t += 1000;
  c.tick();
  assert(redraws >= 2);
  assertStringIncludes(screen(c), "gang terminates in 19m59s");
  c.key("1", {});
  const before = redraws;
  c.tick();
  assertEquals(redraws, before, "no redraw on other views when nothing moves");
});

Deno.test("state: keyToAction maps keys and ignores others; reduce clamps moves", () => {
  const s = initialState();
  assertEquals(keyToAction("q", {}, s), { type: "quit" });
  assertEquals(keyToAction("2", {}, s), { type: "view", view: "topology" });
  assertEquals(keyToAction("z", {}, s), undefined);
  assertEquals(keyToAction("q", {}, { ...s, filterDraft: "" }), {
    type: "filter-input",
    text: "q",
  });
  const rows = [1, 2, 3].map((n) => ({ id: `r${n}`, line: line(`row ${n}`) }));
  let t = reduce(s, { type: "move", delta: -1 }, rows, 10);
  assertEquals(t.selected.hierarchy, "r1");
  t = reduce(t, { type: "bottom" }, rows, 10);
  t = reduce(t, { type: "move", delta: 1 }, rows, 10);
  assertEquals(t.selected.hierarchy, "r3");
});

Deno.test("lines: fitting, sparklines, palettes (NO_COLOR, none, light)", () => {
  assertEquals(lineText(fitLine(line("abcdef", seg("ghij")), 8)), "abcdefg~");
  assertEquals(lineText(fitLine({ ...line("ab"), selected: true }, 5)), "ab   ");
  assertEquals(sparkline([1, 2, 3, 4], 4, true), "▁▃▆█");
  assertEquals(sparkline([null, 5, 5], 3, false), " __");
  const env = (vars: Record<string, string>) => (k: string) => vars[k];
  assertEquals(paletteFor("dark", env({ NO_COLOR: "1" })).name, "none");
  assertEquals(paletteFor("auto", env({ NO_COLOR: "" })).name, "dark");
  assertEquals(paletteFor("none", env({})).palette.bad, undefined);
  assertEquals(paletteFor("auto", env({ COLORFGBG: "0;15" })).name, "light");
  assertEquals(paletteFor("light", env({})).palette.bad, "red");
});

Deno.test("ink: a frame renders to the same text through ink's renderToString", async () => {
  const ink = await loadInk();
  const { c } = await scenarioController("healthy");
  const lines = c.frame();
  const out = ink.inkRenderToString(
    frameElement(ink, lines, paletteFor("none", () => undefined).palette),
    {
      columns: 80,
    },
  );
  const strip = (s: string) => s.split("\n").map((l) => l.trimEnd()).join("\n").trimEnd();
  assertEquals(strip(out), strip(linesText(lines)));
});

Deno.test("ink: blank lines keep their row (help overlay is 24 rows with the footer last)", async () => {
  const ink = await loadInk();
  const { c } = await scenarioController("healthy");
  c.key("?", {});
  const lines = c.frame();
  assert(lines.some((l) => lineText(l) === ""), "the help has blank lines");
  const out = ink.inkRenderToString(
    frameElement(ink, lines, paletteFor("none", () => undefined).palette),
    { columns: 80 },
  );
  const rows = out.split("\n");
  assertEquals(rows.length, 24);
  assertMatch(rows[23], /Esc close/);
  assertEquals(rows.map((l) => l.trimEnd()), lines.map((l) => lineText(l).trimEnd()));
});

Deno.test("metrics view: roles with TTFT/TPOT p50/p99, throughput, queue and sparklines", () => {
  const summary = (tps: number, waiting: number) => ({
    pods: 2,
    scrapedPods: 2,
    readyPods: 2,
    workers: 2,
    gpus: 8,
    engines: ["vllm" as const],
    inputTokensPerSec: 100,
    outputTokensPerSec: tps,
    inputTokensPerSecPerGpu: null,
    outputTokensPerSecPerGpu: null,
    latencyMs: {
      ttft: { count: 10, mean: 200, p50: 180, p90: 400, p99: 950 },
      itl: { count: 10, mean: 20, p50: 18, p90: 30, p99: 45 },
    },
    running: 3,
    waiting,
    kvUsage: null,
    sla: { ttft: "breach" as const, tpot: "ok" as const },
  });
  const report = (tps: number, waiting: number) =>
    ({
      apiVersion: "kubectl-grove.io/v1alpha1",
      kind: "MetricsReport",
      pcs: "qwen",
      namespace: "inference",
      generatedAt: "2026-11-01T12:00:05Z",
      windowSeconds: 5,
      source: "proxy",
      sla: { ttftMs: 500, tpotMs: 50, source: "flags" },
      plan: null,
      throughput: {
        value: tps / 8,
        outputTokensPerSec: tps,
        source: "decode",
        roles: ["decode"],
        servingGpus: 8,
        servingPods: 2,
        allocatedGpus: 12,
        basis: "",
      },
      total: summary(tps, waiting),
      roles: [{ ...summary(tps, waiting), role: "decode", roleClass: "decode" }],
      pods: [],
      warnings: ["decode: TTFT p99 950ms over the 500ms SLA"],
      notes: [],
      partial: false,
    }) as unknown as MetricsReport;
  let h = { pcs: "qwen", namespace: "inference", reports: [] as MetricsReport[], loading: false };
  for (const [t, w] of [[100, 0], [200, 2], [400, 5]]) h = pushReport(h, report(t, w));
  const b = metricsView(h, { index: 0, count: 2 }, false);
  const text = linesText([...b.header!, ...b.rows.map((r) => r.line), ...b.footer!]);
  assertMatch(
    text,
    /PodCliqueSet qwen {2}inference {2}\(1\/2, \[ \] to switch\) {2}window 5s, 2\/2 pods scraped/,
  );
  assertMatch(text, /^decode\s+180ms\/950ms\s+18ms\/45ms\s+400\s+5\s+_-@\s+_=@/m);
  assertMatch(text, /^TOTAL\s+180ms\/950ms/m);
  assertStringIncludes(text, "! decode: TTFT p99 950ms over the 500ms SLA");
  // the throughput basis of metrics and compare, in the tui too
  assertStringIncludes(
    text,
    "tok/s per GPU 50 = 400 out tok/s (decode) / 8 ready GPUs; 12 allocated",
  );
  const empty = metricsView({ ...h, reports: [], error: "forbidden: cannot get pods/proxy" }, {
    index: 0,
    count: 1,
  }, false);
  assertStringIncludes(linesText(empty.empty!), "metrics: forbidden: cannot get pods/proxy");
});

Deno.test("cli: tui refuses without a terminal (exit 2, says what to do)", async () => {
  const r = await runCli(["tui"]);
  assertEquals(r.code, 2);
  assertMatch(
    r.stderr,
    /kubectl grove tui needs an interactive terminal, but standard input is not a terminal/,
  );
  assertMatch(r.stderr, /hint: .*status --all --watch/);
  assertEquals(r.stdout, "");
});

Deno.test("cli: tui --help lists the keys and config", async () => {
  const r = await runCli(["tui", "--help"]);
  assertEquals(r.code, 0);
  assertStringIncludes(r.stdout, "tui.color_scheme");
  assertStringIncludes(r.stdout, "l logs of the selected pod");
});

Deno.test({
  name: "metrics: scraped every refresh interval only while the view is open; [ ] switch sets",
  sanitizeOps: false,
  sanitizeResources: false,
  fn: async () => {
    const calls: string[] = [];
    const { c } = await scenarioController("healthy", { columns: 100, rows: 30 }, {
      refreshMs: 1000,
      collectMetrics: (t, signal) => {
        calls.push(`${t.pcs}:${t.pods.length}:${t.cliques.length}`);
        assert(!signal.aborted);
        return Promise.resolve({
          kind: "MetricsReport",
          pcs: t.pcs,
          namespace: t.namespace,
          generatedAt: "2026-11-01T12:00:00Z",
          windowSeconds: 1,
          total: {
            pods: t.pods.length,
            scrapedPods: t.pods.length,
            latencyMs: {},
            outputTokensPerSec: 42,
            waiting: 0,
            sla: { ttft: null, tpot: null },
          },
          roles: [],
          warnings: [],
          notes: [],
        } as unknown as MetricsReport);
      },
    });
    try {
      await new Promise((r) => setTimeout(r, 50));
      assertEquals(calls, [], "no scrape while another view is shown");
      c.key("4", {});
      await new Promise((r) => setTimeout(r, 50));
      assertEquals(calls, ["qwen-disagg:8:6"]);
      assertMatch(screen(c), /PodCliqueSet qwen-disagg {2}inference {2}\(1\/2/);
      assertMatch(screen(c), /^TOTAL\s+-\/-\s+-\/-\s+42\s+0/m);
      c.key("]", {});
      await new Promise((r) => setTimeout(r, 50));
      assertEquals(calls[1], "sglang-chat:1:1");
      assertStringIncludes(screen(c), "PodCliqueSet sglang-chat");
      await new Promise((r) => setTimeout(r, 1100));
      assertEquals(calls.length, 3, "again after the refresh interval");
      c.key("1", {});
      await new Promise((r) => setTimeout(r, 1100));
      assertEquals(calls.length, 3, "stopped when the view closed");
    } finally {
      c.close();
    }
  },
});

Deno.test("cli: tui.refresh_interval below 1s or malformed is a config error naming the setting", async () => {
  const short = await runCli(["tui"], {
    tty: true,
    answers: [],
    env: { KUBECTL_GROVE_TUI_REFRESH_INTERVAL: "100ms" },
  });
  assertEquals(short.code, 1);
  assertMatch(short.stderr, /tui\.refresh_interval: 100ms is too short \(at least 1s\)/);
  const bad = await runCli(["tui"], {
    tty: true,
    answers: [],
    env: { KUBECTL_GROVE_TUI_REFRESH_INTERVAL: "fast" },
  });
  assertEquals(bad.code, 1);
  assertMatch(bad.stderr, /tui\.refresh_interval: expected a duration like 5s/);
});

Deno.test("screen: a tiny terminal still gets exactly its size in every view", async () => {
  const { c } = await scenarioController("fragmented", { columns: 40, rows: 8 });
  for (const v of ["1", "2", "3", "4", "5"]) {
    c.key(v, {});
    const lines = c.frame();
    assertEquals(lines.length, 8, `view ${v}`);
    for (const l of lines) assert([...lineText(l)].length <= 40, lineText(l));
  }
});
