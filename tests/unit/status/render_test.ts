// The text renderer: markers that survive without colour, colour and Unicode
// on a terminal, --no-headers, wide columns, the --all table.
import {
  assert,
  assertEquals,
  assertMatch,
  assertNotMatch,
  assertStringIncludes,
} from "../../helpers/assert.ts";
import { PLAIN, stripAnsi } from "../../../lib/render/style.ts";
import { renderStatus } from "../../../tasks/status/render.ts";
import { scenarioReport } from "./_helpers.ts";

const TTY = { color: true, unicode: true, width: 120 };
/** A plain style on a wide terminal: every column fits on one line. */
const WIDE_TERM = { ...PLAIN, width: 200 };

Deno.test("render: a clique below minAvailable starts with '!' and says BELOW MIN, without colour", async () => {
  const r = await scenarioReport("fragmented", { name: "llama-disagg" });
  // at 80 columns the notes move under the table, each line still starting with the marker
  const narrow = renderStatus(r, { style: PLAIN });
  assertMatch(
    narrow,
    /^ {2}! llama-disagg-0-prefill: BELOW MIN; gang terminates in 20m; scheduled 2\/3$/m,
  );
  assertMatch(narrow, /^! llama-disagg-0-prefill +prefill +1\/3 +2 /m);
  const out = renderStatus(r, { style: WIDE_TERM });
  const line = out.split("\n").find((l) => l.includes("llama-disagg-0-prefill "))!;
  assertMatch(line, /^! llama-disagg-0-prefill/);
  assertStringIncludes(line, "BELOW MIN; gang terminates in 20m");
  assertStringIncludes(line, "1/3");
  assertStringIncludes(line, "min:2");
  assertStringIncludes(line, "[###.......]  33%");
  assert(!out.includes("\x1b["), "no ANSI codes without colour");
  const ok = out.split("\n").find((l) => l.includes("llama-disagg-0-frontend"))!;
  assertMatch(ok, /^ {2}llama-disagg-0-frontend/);
});

Deno.test("render: on a terminal the breach is red and bars use Unicode blocks", async () => {
  const r = await scenarioReport("fragmented", { name: "llama-disagg" });
  const out = renderStatus(r, { style: TTY });
  assertStringIncludes(out, "\x1b[31m!\x1b[39m");
  assertStringIncludes(out, "\x1b[31mBELOW MIN\x1b[39m");
  assertStringIncludes(out, "█");
  const plain = stripAnsi(out);
  assert(plain.includes("BELOW MIN"));
});

Deno.test("render: overview, gang lines with score bars, summary line", async () => {
  const r = await scenarioReport("healthy", { name: "qwen-disagg" });
  const out = renderStatus(r, { style: PLAIN });
  assertMatch(out, /^Name: +qwen-disagg$/m);
  assertMatch(out, /^Replicas: +1 desired \| 1 updated \| 1 available$/m);
  assertMatch(out, /^qwen-disagg-0 +Running +\[##########\] 0\.95$/m);
  assertMatch(out, /^Summary: 6 cliques \(6 ready\), 8\/8 pods ready, 2\/2 gangs running$/m);
});

Deno.test("render: the update line of a rollout, with progress", async () => {
  const r = await scenarioReport("rollout", { name: "chat-disagg" });
  const out = renderStatus(r, { style: WIDE_TERM });
  assertMatch(
    out,
    /^Update: +IN PROGRESS for 12m \(RollingRecreate\): cliques 1\/4, scaling groups 0\/1, updating replica 0 {2}\[##\.\.\.\.\.\.\.\.\] 20%$/m,
  );
  assertStringIncludes(out, "updated 2/3");
});

Deno.test("render: -o wide adds scheduled/gated/updated, node spread, template hash and gang columns", async () => {
  const r = await scenarioReport("fragmented", { name: "llama-disagg" });
  const out = renderStatus(r, { style: PLAIN, wide: true });
  const header = out.split("\n").find((l) => l.includes("CLIQUE"))!;
  for (const h of ["SCHEDULED", "GATED", "UPDATED", "NODES", "HASH", "GANG", "GROUP", "NOTES"]) {
    assertStringIncludes(header, h);
  }
  assertStringIncludes(out, "PODS READY");
  assertStringIncludes(out, "kai-scheduler");
});

Deno.test("render: --no-headers drops the table headers", async () => {
  const r = await scenarioReport("healthy", { name: "qwen-disagg" });
  const out = renderStatus(r, { style: PLAIN, noHeaders: true });
  assertNotMatch(out, /^CLIQUE/m);
  assertNotMatch(out, /^PODGANG/m);
  const all = await scenarioReport("healthy", { all: true, namespace: "inference" });
  const table = renderStatus(all, { style: PLAIN, noHeaders: true });
  assertMatch(table.split("\n")[0], /^qwen-disagg +Ready/);
});

Deno.test("render: --all is one row per PCS; NAMESPACE only with -A; attention marker and list of cliques below min", async () => {
  const one = await scenarioReport("healthy", { all: true, namespace: "inference" });
  const out = renderStatus(one, { style: WIDE_TERM });
  assertMatch(
    out.split("\n")[0],
    /^NAME +STATE +REPLICAS +CLIQUES +PODS +GANGS +SCORE +UPDATE +AGE$/,
  );
  assertEquals(out.split("\n").filter((l) => /^(qwen-disagg|sglang-chat) /.test(l)).length, 2);
  const frag = await scenarioReport("fragmented", {
    all: true,
    allNamespaces: true,
    namespace: undefined,
  });
  const f = renderStatus(frag, { style: WIDE_TERM });
  assertMatch(f.split("\n")[0], /^ {2}NAMESPACE +NAME/);
  assertMatch(f, /^! inference +llama-disagg +Unhealthy/m);
  assertStringIncludes(f, "Below minAvailable:");
  assertStringIncludes(
    f,
    "! inference/llama-disagg-0-prefill: 1/3 ready, min 2, BELOW MIN, gang terminates in 20m",
  );
});

Deno.test("render: an empty --all report renders nothing (the CLI says so on stderr)", async () => {
  const r = await scenarioReport("healthy", { all: true, namespace: "nowhere" });
  assertEquals(r.podCliqueSets.length, 0);
  assertEquals(renderStatus(r, { style: PLAIN }), "");
});

Deno.test("render: a clique waiting for scheduling says so instead of a countdown", async () => {
  const { demoClique, demoGang, demoPcs, demoPod, reportOf } = await import("./_helpers.ts");
  const r = reportOf([
    demoPcs(),
    demoClique({
      readyReplicas: 0,
      updatedReplicas: 2,
      scheduleGatedReplicas: 2,
      scheduledReplicas: 0,
    }),
    demoGang({ phase: "Pending" }),
    demoPod(0, { gated: true }),
    demoPod(1, { gated: true }),
  ]);
  const out = renderStatus(r, { style: WIDE_TERM });
  assertMatch(
    out,
    /^! demo-0-w .*BELOW MIN: waiting for scheduling \(0\/1 of min scheduled; no termination countdown yet\)$/m,
  );
  assertMatch(out, /^demo-0 +Pending +- +score: not scheduled yet$/m);
  assertMatch(out, /^State: +Starting$/m);
});
