import {
  assert,
  assertEquals,
  assertMatch,
  assertNotMatch,
  assertStringIncludes,
} from "../../helpers/assert.ts";
import type { Pod } from "../../../lib/grove/types.ts";
import { tuiHealth, tuiRollouts, tuiStatus, tuiTopology } from "../../../tasks/tui/reports.ts";
import { linesText } from "../../../tasks/tui/lines.ts";
import { countdownText, healthView } from "../../../tasks/tui/views/health.ts";
import { hierarchyView } from "../../../tasks/tui/views/hierarchy.ts";
import { rolloutsView } from "../../../tasks/tui/views/rollouts.ts";
import { topologyView } from "../../../tasks/tui/views/topology.ts";
import type { ViewBody } from "../../../tasks/tui/views/rows.ts";
import { scenarioController, scenarioSnapshot, SCOPE, screen } from "./helpers.ts";

const rowsText = (b: ViewBody) => linesText(b.rows.map((r) => r.line));

async function hierarchyOf(scenario: string, expanded: Record<string, boolean> = {}, filter = "") {
  const { snapshot, now } = await scenarioSnapshot(scenario);
  const st = tuiStatus(snapshot, SCOPE, now);
  assert(st.report, st.error);
  return hierarchyView({
    report: st.report,
    pods: snapshot.byKind.pods as Pod[],
    expanded,
    filter,
    now,
    width: 100,
    unicode: false,
    showNamespace: false,
  });
}

Deno.test("hierarchy: sets, gangs with phase and score, cliques with ready/desired, min and bar", async () => {
  const b = await hierarchyOf("healthy");
  const text = rowsText(b);
  assertMatch(text, /^- qwen-disagg\s+Ready\s+replicas 1\/1\s+pods 8\/8/m);
  assertMatch(text, /^ {2}- qwen-disagg-0\s+Running\s+score 0\.95\s+pods 6\/6/m);
  assertMatch(text, /^ {2}- qwen-disagg-0-decode-0\s+Running\s+score 0\.97/m);
  assertMatch(text, /^ {4}\+ qwen-disagg-0-prefill\s+2\/2\s+min 1\s+#{10}/m);
  // decode-1 cliques sit under the scaled gang, not the base gang
  const lines = text.split("\n");
  const scaled = lines.findIndex((l) => l.includes("- qwen-disagg-0-decode-0 "));
  assert(lines.slice(scaled).some((l) => l.includes("qwen-disagg-0-decode-1-dleader")));
  // cliques start collapsed: no pod rows
  assertNotMatch(text, /prefill-28mlr/);
  assertEquals(b.rows[0].target, {
    kind: "PodCliqueSet",
    namespace: "inference",
    name: "qwen-disagg",
  });
});

Deno.test("hierarchy: Enter on a clique lists its pods with status, node, restarts and age", async () => {
  const b = await hierarchyOf("fragmented", { "clique:inference/llama-disagg-0-prefill": true });
  const text = rowsText(b);
  assertMatch(text, /llama-disagg-0-prefill\s+1\/3\s+min 2\s+#{3}\.{7} BREACHED/);
  assertMatch(
    text,
    /llama-disagg-0-prefill-g77jp\s+prefill\s+CrashLoopBackOff\s+gpu-a1-03\s+r7\s+\S+/,
  );
  assertMatch(text, /llama-disagg-0-prefill-mhtvw\s+prefill\s+Pending\s+<none>/);
  const pod = b.rows.find((r) => r.id === "pod:inference/llama-disagg-0-prefill-82vgb");
  assertEquals(pod?.target?.kind, "Pod");
});

Deno.test("hierarchy: the filter keeps matching rows with their ancestors", async () => {
  const b = await hierarchyOf("healthy", {}, "DWORKER");
  const names = b.rows.map((r) => r.id);
  assertEquals(names, [
    "pcs:inference/qwen-disagg",
    "gang:inference/qwen-disagg-0",
    "clique:inference/qwen-disagg-0-decode-0-dworker",
    "gang:inference/qwen-disagg-0-decode-0",
    "clique:inference/qwen-disagg-0-decode-1-dworker",
  ]);
  const none = await hierarchyOf("healthy", {}, "no-such-thing");
  assertEquals(none.rows.length, 0);
  assertStringIncludes(linesText(none.empty!), 'Nothing matches "no-such-thing"');
});

Deno.test("health: cards per gang, unhealthy first, countdown from the deadline and now", async () => {
  const { snapshot, now } = await scenarioSnapshot("fragmented");
  const h = tuiHealth(snapshot, SCOPE, now);
  assert(h.report, h.error);
  const b = healthView(h.report, now, false);
  const text = rowsText(b);
  assertMatch(text.split("\n")[0], /^UNHEALTHY/);
  assertStringIncludes(text, "PodClique llama-disagg-0-prefill: gang terminates in 20m00s");
  // one second later, from the same report: it ticks
  const later = rowsText(healthView(h.report, now + 1000, false));
  assertStringIncludes(later, "gang terminates in 19m59s");
  // past the deadline: overdue
  const overdue = rowsText(healthView(h.report, now + 21 * 60_000, false));
  assertStringIncludes(overdue, "llama-disagg-0-prefill: termination overdue by 1m00s");
  assertMatch(linesText(b.header!), /gangs 2: 0 healthy/);
  assertMatch(text, /CrashLoop pod\/llama-disagg-0-prefill-g77jp/);
});

Deno.test("health: countdownText keeps seconds visible", () => {
  assertEquals(countdownText(3_723_000), "1h02m03s");
  assertEquals(countdownText(59_999), "59s");
  assertEquals(countdownText(-5), "0s");
});

Deno.test("topology: the cluster tree with this workload's nodes highlighted and GPU use", async () => {
  const { snapshot, now } = await scenarioSnapshot("healthy");
  const w = tuiTopology(snapshot, SCOPE, now);
  const c = tuiTopology(snapshot, SCOPE, now, true);
  assert(w.report && c.report);
  const b = topologyView({
    report: w.report,
    cluster: c.report,
    expanded: {},
    unicode: false,
    width: 120,
  });
  const text = rowsText(b);
  assertMatch(text, /^- zone us-east-1a/m);
  // rack-a1 hosts the workload: open, its nodes listed with the workload's pods
  const node = b.rows.find((r) => r.id === "node:gpu-a1-01");
  assert(node, text);
  assertEquals(node.line.segments[0].tone, "accent");
  assertMatch(
    linesText([node.line]),
    /gpu-a1-01\s+#{8}\s+8\/8 free 0\s+2 pods: qwen-disagg-0-prefill/,
  );
  assertMatch(linesText(b.header!), /GPUs \d+\/96 used/);
});

Deno.test("topology: fragmented domains are marked", async () => {
  const { snapshot, now } = await scenarioSnapshot("fragmented");
  const w = tuiTopology(snapshot, SCOPE, now);
  const c = tuiTopology(snapshot, SCOPE, now, true);
  assert(w.report && c.report);
  const text = rowsText(
    topologyView({ report: w.report, cluster: c.report, expanded: {}, unicode: false, width: 160 }),
  );
  assertMatch(text, /fragmented max \d+ · \d+ nodes \(\d+ free, no node fits 8\)/);
  assertMatch(text, /\[split\]|\[fragmented\]/);
});

Deno.test("topology: at 80 columns the placement and fragmentation marks stay on screen", async () => {
  const { c } = await scenarioController("fragmented");
  c.key("2", {});
  const rows = screen(c).split("\n");
  const zone = rows.find((l) => l.includes("zone us-east-1a"));
  assertMatch(zone ?? "", /\[optimal\] fragmented/, rows.join("\n"));
  assertMatch(rows.find((l) => l.includes("rack rack-a1")) ?? "", /\[split\]/);
  assertMatch(rows.find((l) => l.includes("zone us-east-1b")) ?? "", / fragmented/);
});

Deno.test("rollouts: per-role progress of the updating PodCliqueSet", async () => {
  const { snapshot, now } = await scenarioSnapshot("rollout");
  const st = tuiStatus(snapshot, SCOPE, now);
  assert(st.report);
  const r = tuiRollouts(snapshot, st.report, now);
  assert(r.report, r.error);
  assertEquals(r.report.map((x) => x.name), ["chat-disagg"]);
  const text = rowsText(rolloutsView(r.report, false));
  assertMatch(text, /^chat-disagg\s+inference\s+Progressing\s+RollingRecreate\s+rev 1 -> 2/m);
  assertMatch(text, /^\s+prefill\s+#+\.+\s+1\/3/m);
  assertMatch(text, /^\s+frontend\s+#{16}\s+2\/2/m);
});

Deno.test("rollouts: a progressive rollout shows its state and next step", async () => {
  const { snapshot, now } = await scenarioSnapshot("rollout");
  const st = tuiStatus(snapshot, SCOPE, now);
  const r = tuiRollouts(snapshot, st.report!, now);
  assert(r.report, r.error);
  const canary = {
    version: 1,
    kind: "canary",
    image: "vllm:new",
    phase: "Canary",
    batch: 1,
    message: "1 unit(s) on vllm:new; promote or abort",
  };
  const text = rowsText(rolloutsView([{ ...r.report[0], progressive: canary }], false));
  assertMatch(
    text,
    /^ {3}progressive: canary to vllm:new, Canary, batch 1: 1 unit\(s\) on vllm:new; promote or abort$/m,
  );
  assertMatch(
    text,
    /next: kubectl grove rollout promote chat-disagg, or rollout abort chat-disagg/,
  );
  const going = rowsText(
    rolloutsView([{ ...r.report[0], progressive: { ...canary, phase: "Progressing" } }], false),
  );
  assertMatch(going, /if its command stopped: kubectl grove rollout resume chat-disagg/);
  // without a progressive rollout, no such rows
  assertEquals(/progressive:/.test(rowsText(rolloutsView(r.report, false))), false);
});

Deno.test("rollouts: nothing updating says so", async () => {
  const { snapshot, now } = await scenarioSnapshot("healthy");
  const st = tuiStatus(snapshot, SCOPE, now);
  const r = tuiRollouts(snapshot, st.report!, now);
  const b = rolloutsView(r.report!, false);
  assertEquals(b.rows.length, 0);
  assertStringIncludes(linesText(b.empty!), "No PodCliqueSet is updating or paused.");
});

Deno.test("tui at 80 columns: state and replicas apart, names cut from the left", async () => {
  const { snapshot, now } = await scenarioSnapshot("fragmented");
  const st = tuiStatus(snapshot, SCOPE, now);
  assert(st.report, st.error);
  const b = hierarchyView({
    report: st.report,
    pods: snapshot.byKind.pods as Pod[],
    expanded: { "clique:inference/llama-disagg-0-decode-0-dleader": true },
    filter: "",
    now,
    width: 80,
    unicode: false,
    showNamespace: false,
  });
  const text = rowsText(b);
  assertMatch(text, /Unhealthy replicas 0\/1/);
  assert(!text.includes("Unhealthyreplicas"), text);
  // the decode leader's pod keeps its distinguishing end and shows its role
  assertMatch(text, /~[\w-]*dleader-62jm6 +decode-l~ +Running/);
  assert(text.split("\n").every((l) => l.length <= 80), text);
});
