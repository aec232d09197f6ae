// The recommend report over the recorded scenarios (golden, pinned now =
// recordedAt, every namespace as with -A), and each rule on its own.
import { assert, assertEquals, assertMatch } from "../../helpers/assert.ts";
import { assertGolden } from "../../helpers/golden.ts";
import { loadScenario } from "../../../lib/sim/fixtures.ts";
import { PLAIN } from "../../../lib/render/style.ts";
import { toJson } from "../../../lib/render/output.ts";
import type { Node, Pod, PodCliqueSet } from "../../../lib/grove/types.ts";
import type { KubeObject } from "../../../lib/kube/types.ts";
import { pausedPcs } from "../../../lib/revisions/pause.ts";
import { nodeGpuStates } from "../../../lib/topology/model.ts";
import { recommendObjectsFrom } from "../../../tasks/recommend/from_objects.ts";
import {
  buildRecommendReport,
  cheapestMove,
  commandDryRun,
  deletionBreaksFloor,
  lastErrorLine,
  mergeFleetFindings,
  type RecommendReport,
} from "../../../tasks/recommend/report.ts";
import { renderFindings, renderRecommend } from "../../../tasks/recommend/render.ts";

const MIN = 60_000;

async function scenario(name: string) {
  const sc = await loadScenario(name, { shiftTimes: false });
  return { sc, now: Date.parse(sc.meta.recordedAt) };
}

function build(objects: KubeObject[], logs: Map<string, string>, now: number, ns?: string) {
  return buildRecommendReport(recommendObjectsFrom(objects, logs, { namespace: ns }), { now });
}

for (const name of ["fragmented", "healthy", "aggregated", "rollout", "large"]) {
  Deno.test(`recommend golden: ${name} (-A)`, async () => {
    const { sc, now } = await scenario(name);
    const r = build(sc.objects, sc.logs, now);
    await assertGolden(`${name}/recommend.table`, renderRecommend(r, PLAIN));
    await assertGolden(`${name}/recommend.json`, toJson(r));
  });
}

Deno.test("recommend: fragmented ranks the imminent termination first, then the later one, then the crash loop", async () => {
  const { sc, now } = await scenario("fragmented");
  const r = build(sc.objects, sc.logs, now);
  const head = r.findings.slice(0, 3).map((f) => [f.rank, f.severity, f.rule, f.object]);
  assertEquals(head, [
    [1, "critical", "termination", "podgang/llama-disagg-0"],
    [2, "critical", "termination", "podgang/llama-disagg-0-decode-0"],
    [3, "critical", "crash-loop", "pod/llama-disagg-0-prefill-g77jp"],
  ]);
  assertEquals(r.findings[0].remainingMs, 20 * MIN);
  assertEquals(r.findings[0].deadline, "2026-11-01T12:20:00Z");
  assertMatch(r.findings[2].evidence.join("\n"), /torch\.OutOfMemoryError: CUDA out of memory/);
  // the cordoned empty node is named with the uncordon that would host the waiting 8-GPU pods
  const cordoned = r.findings.find((f) => f.object === "node/gpu-a2-04")!;
  assertEquals(cordoned.severity, "warning");
  assertEquals(cordoned.commands[0].command, "kubectl uncordon gpu-a2-04");
  const notReady = r.findings.find((f) => f.object === "node/gpu-b2-04")!;
  assertEquals(notReady.commands[0].dryRun, "none");
  assertEquals(r.summary.critical, 3);
  // past the deadline: still first, and it says so
  const late = build(sc.objects, sc.logs, now + 25 * MIN);
  assertEquals(late.findings[0].rule, "termination");
  assertMatch(late.findings[0].title, /now \(deadline passed\)/);
});

Deno.test("recommend: no command takes a clique below minAvailable (aggregated's spread gang)", async () => {
  const { sc, now } = await scenario("aggregated");
  const r = build(sc.objects, sc.logs, now);
  const f = r.findings.find((x) => x.rule === "low-placement")!;
  assert(f.commands.every((c) => !c.command.startsWith("kubectl delete")));
  assertMatch(f.withheld[0], /qwen-agg-1-frontend has 1 ready with minAvailable 1/);
});

Deno.test("recommend: a paused rollout left paused for 2h is a warning with the resume command", async () => {
  const { sc, now } = await scenario("rollout");
  const objects = sc.objects.map((o) =>
    o.kind === "PodCliqueSet"
      ? pausedPcs(o as unknown as PodCliqueSet, new Date(now - 120 * MIN)) as unknown as KubeObject
      : o
  );
  const r = build(objects, sc.logs, now);
  const f = r.findings.find((x) => x.rule === "rollout-paused")!;
  assertEquals(f.severity, "warning");
  assertEquals(f.commands[0].command, "kubectl grove rollout resume chat-disagg -n inference");
  assertEquals(f.commands[0].dryRun, "flag");
  assertMatch(f.title, /paused for 2h/);
});

Deno.test("recommend: a rollout without progress for 30m is stalled, with undo", async () => {
  const { sc, now } = await scenario("rollout");
  const r = build(sc.objects, sc.logs, now + 30 * MIN);
  const f = r.findings.find((x) => x.rule === "rollout-stalled")!;
  assertEquals(f.severity, "warning");
  assertEquals(f.commands[0].command, "kubectl grove rollout undo chat-disagg -n inference");
  // and at recordedAt it is progressing: no finding
  assertEquals(
    build(sc.objects, sc.logs, now).findings.filter((x) => x.rule.startsWith("rollout")),
    [],
  );
});

Deno.test("lastErrorLine: exception line, else an error line, else the last line", () => {
  assertEquals(
    lastErrorLine("a\nValueError: bad\nERROR later failure\n"),
    "ValueError: bad",
  );
  assertEquals(lastErrorLine("start\nERROR boom\nshutting down\n"), "ERROR boom");
  assertEquals(lastErrorLine("one\ntwo\n\n"), "two");
  assertEquals(lastErrorLine(""), undefined);
});

Deno.test("commandDryRun: kubectl writes preview on the server, grove writes with --dry-run", () => {
  assertEquals(commandDryRun("kubectl uncordon n1"), "server");
  assertEquals(commandDryRun("kubectl logs p -n x --previous"), "none");
  assertEquals(commandDryRun("kubectl grove rollout resume x -n y"), "flag");
  assertEquals(commandDryRun("kubectl grove topology --cluster"), "none");
});

function pod(
  name: string,
  node: string,
  gpus: number,
  extra: Partial<Pod["metadata"]> = {},
  ready = true,
): Pod {
  return {
    apiVersion: "v1",
    kind: "Pod",
    metadata: {
      name,
      namespace: "ns",
      ownerReferences: [{
        apiVersion: "batch/v1",
        kind: "Job",
        name: "j",
        uid: "u",
        controller: true,
      }],
      ...extra,
    },
    spec: {
      nodeName: node,
      containers: [{ name: "c", resources: { requests: { "nvidia.com/gpu": String(gpus) } } }],
    },
    status: {
      phase: "Running",
      conditions: [{ type: "Ready", status: ready ? "True" : "False" }],
    },
  } as unknown as Pod;
}

function node(name: string, gpus = 8): Node {
  return {
    apiVersion: "v1",
    kind: "Node",
    metadata: { name, labels: { "kubernetes.io/hostname": name } },
    status: {
      allocatable: { "nvidia.com/gpu": String(gpus) },
      conditions: [{ type: "Ready", status: "True" }],
    },
  } as unknown as Node;
}

Deno.test("cheapestMove: fewest GPUs moved, pods must fit elsewhere, cliques keep minAvailable", () => {
  const nodes = [node("a"), node("b"), node("c")];
  const pods = [
    pod("a-big", "a", 4),
    pod("a-small", "a", 1), // a: 3 free; moving a-small (1) frees 4, not 8
    pod("b-1", "b", 2),
    pod("b-2", "b", 1), // b: 5 free; moving both (3 GPUs) frees 8
    pod("c-1", "c", 6), // c: 2 free
  ];
  const states = nodeGpuStates(nodes, pods, []).nodes;
  const m = cheapestMove(states, pods, new Map(), 8)!;
  assertEquals(m.node, "b");
  assertEquals(m.gpus, 3);
  assertEquals(m.pods.map((p) => [p.pod.metadata.name, p.to]), [["b-1", "a"], ["b-2", "a"]]);
  // a Grove pod at its clique's minimum is never moved
  const grove = pods.map((p) =>
    p.metadata.name === "b-1" ? pod("b-1", "b", 2, { labels: { "grove.io/podclique": "q" } }) : p
  );
  const floors = new Map([["ns/q", { ready: 1, min: 1 }]]);
  const m2 = cheapestMove(states, grove, floors, 8)!;
  // b cannot be emptied any more; the next cheapest is a (5 GPUs, both to b)
  assertEquals([m2.node, m2.gpus, m2.pods.map((p) => p.to)], ["a", 5, ["b", "b"]]);
  // with nowhere to go, nothing moves
  assertEquals(cheapestMove(states.filter((n) => n.name !== "b"), grove, floors, 8), undefined);
  assertMatch(
    deletionBreaksFloor([grove[2]], floors)!,
    /podclique\/q has 1 ready with minAvailable 1/,
  );
  // a pod that is not Ready costs its clique nothing
  assertEquals(
    deletionBreaksFloor(
      [pod("x", "b", 1, { labels: { "grove.io/podclique": "q" } }, false)],
      floors,
    ),
    undefined,
  );
});

Deno.test("mergeFleetFindings: one ranking across contexts, each finding tagged", async () => {
  const frag = await scenario("fragmented");
  const agg = await scenario("aggregated");
  const a = build(frag.sc.objects, frag.sc.logs, frag.now);
  const b = build(agg.sc.objects, agg.sc.logs, agg.now);
  const merged = mergeFleetFindings([{ context: "west", report: b }, {
    context: "east",
    report: a,
  }]);
  assertEquals(merged.length, a.findings.length + b.findings.length);
  assertEquals([merged[0].context, merged[0].rule], ["east", "termination"]);
  assertEquals(merged.map((f) => f.rank), merged.map((_, i) => i + 1));
  const text = renderFindings(merged, { style: PLAIN, contexts: true });
  assertMatch(text.split("\n")[0], /^RANK\s+SEVERITY\s+CONTEXT\s+RULE/);
  const none: RecommendReport = { ...b, findings: [] };
  assertMatch(renderRecommend(none, PLAIN), /^Nothing to fix/);
});

Deno.test("recommend: fragmentation names the cheapest move (which pod, from which node, to where)", async () => {
  const { sc, now } = await scenario("fragmented");
  // one 4-GPU batch pod gone: gpu-b1-03 has 7 free and one 1-GPU pod left
  const objects = sc.objects.filter((o) => o.metadata.name !== "batch-infer-kh9db");
  const r = build(objects, sc.logs, now);
  const f = r.findings.find((x) => x.rule === "fragmentation")!;
  assertEquals(f.severity, "warning");
  assertMatch(
    f.evidence.join("\n"),
    /cheapest move: free 8 GPUs on gpu-b1-03 \(7 free\) by moving ml-batch\/batch-infer-tzd4s \(1 GPU\) to gpu-a1-01; 1 GPU moved/,
  );
  assertEquals(f.commands.map((c) => [c.command, c.dryRun]), [
    ["kubectl cordon gpu-b1-03", "server"],
    ["kubectl delete pod batch-infer-tzd4s -n ml-batch", "server"],
    ["kubectl uncordon gpu-b1-03", "server"],
  ]);
});
