// The topology report over the recorded scenarios (golden, pinned now =
// recordedAt) and over edited copies for bad input.
import { assert, assertEquals, assertMatch, assertThrows } from "../../helpers/assert.ts";
import { assertGolden } from "../../helpers/golden.ts";
import { loadScenario } from "../../../lib/sim/fixtures.ts";
import { PLAIN } from "../../../lib/render/style.ts";
import { toJson } from "../../../lib/render/output.ts";
import { GroveError } from "../../../lib/errors.ts";
import type { KubeObject } from "../../../lib/kube/types.ts";
import { topologyObjectsFrom } from "../../../tasks/topology/from_objects.ts";
import { buildTopologyReport, type TopologyReport } from "../../../tasks/topology/report.ts";
import { gpuBar, renderTopology } from "../../../tasks/topology/render.ts";

async function scenario(name: string) {
  const sc = await loadScenario(name, { shiftTimes: false });
  return { objects: sc.objects, ns: sc.meta.namespace!, now: Date.parse(sc.meta.recordedAt) };
}

function build(
  objects: KubeObject[],
  ns: string,
  now: number,
  opts: { pcs?: string; cluster?: boolean } = {},
): TopologyReport {
  return buildTopologyReport(topologyObjectsFrom(objects, { namespace: ns, ...opts }), {
    now,
    ...opts,
  });
}

for (const name of ["healthy", "fragmented", "aggregated", "rollout"]) {
  Deno.test(`topology golden: ${name} (workloads and --cluster)`, async () => {
    const { objects, ns, now } = await scenario(name);
    const r = build(objects, ns, now);
    await assertGolden(`${name}/topology.table`, renderTopology(r, PLAIN));
    await assertGolden(`${name}/topology.json`, toJson(r));
    const c = build(objects, ns, now, { cluster: true });
    await assertGolden(`${name}/topology.cluster.table`, renderTopology(c, PLAIN));
  });
}

Deno.test("topology: healthy scenario places every gang optimally under its binding", async () => {
  const { objects, ns, now } = await scenario("healthy");
  const r = build(objects, ns, now, { pcs: "qwen-disagg" });
  assertEquals([r.topology.source, r.topology.name], ["ClusterTopologyBinding", "grove-topology"]);
  assertEquals(r.topology.levels.map((l) => l.domain), ["zone", "rack", "host"]);
  assertEquals(r.podCliqueSets.map((p) => p.name), ["qwen-disagg"]);
  assert(r.podCliqueSets[0].gangs.every((g) => g.placement === "optimal"));
  assertEquals(r.warnings, []);
  // this workload's and others' GPUs are counted apart on each node
  for (const d of r.domains) {
    assert(d.label === "optimal");
  }
});

Deno.test("topology: fragmented scenario flags the split gang and the unschedulable one with reasons", async () => {
  const { objects, ns, now } = await scenario("fragmented");
  const r = build(objects, ns, now, { pcs: "llama-disagg" });
  const base = r.podCliqueSets[0].gangs.find((g) => g.name === "llama-disagg-0")!;
  assertEquals(base.placement, "split");
  assertEquals(base.placementScore, 0.62);
  assert(r.domains.flatMap((d) => d.children).some((d) => d.label === "split"));
  const split = r.warnings.find((w) => w.gang === "llama-disagg-0")!;
  assertMatch(split.message, /spans 2 racks .* one rack/);
  assertMatch(split.recommendation, /no rack can host it \(needs \d+ GPUs as/);
  const pending = r.warnings.find((w) => w.kind === "unscheduled")!;
  assertMatch(
    pending.recommendation,
    /no zone can host it .*largest free block|no zone can host it/,
  );
  assertEquals(r.unscheduledPods.length > 0, true);
});

Deno.test("topology --cluster: fit counts and the fragmentation figure on the fragmented scenario", async () => {
  const { objects, ns, now } = await scenario("fragmented");
  const c = build(objects, ns, now, { cluster: true }).cluster!;
  assertEquals(c.fits.find((f) => f.gpus === 8)!.pods, 0);
  assertEquals(c.fits.find((f) => f.gpus === 4)!.pods, 0);
  assertEquals(c.fragmentation.largestShape, 8);
  assertEquals(c.fragmentation.strandedGpus, c.fragmentation.freeGpus);
  assert(c.unavailableGpus >= 8, "the cordoned node's free GPUs are not usable");
  assert(c.domains.length > 0);
});

Deno.test("topology: a cluster without any topology object infers levels from node labels", async () => {
  const { objects, ns, now } = await scenario("rollout");
  const r = build(objects, ns, now);
  assertEquals(r.topology.source, "node-labels");
  assert(r.notes.some((n) => n.startsWith("no ClusterTopologyBinding or ClusterTopology found")));
  assertMatch(renderTopology(r, PLAIN), /^Topology: inferred from well-known node labels/);
});

Deno.test("topology: the legacy ClusterTopology is used and said so", async () => {
  const { objects, ns, now } = await scenario("aggregated");
  const r = build(objects, ns, now);
  assertEquals(r.topology.source, "ClusterTopology");
  assert(r.notes.some((n) => n.includes("legacy ClusterTopology")));
});

Deno.test("topology: an unknown PodCliqueSet is a GroveError naming it and the namespace", async () => {
  const { objects, ns, now } = await scenario("healthy");
  const e = assertThrows(() => build(objects, ns, now, { pcs: "nope" }), GroveError);
  assertMatch((e as GroveError).message, /podcliqueset "nope" not found in namespace "inference"/);
  assertMatch((e as GroveError).hint!, /kubectl get podcliquesets -n inference/);
});

Deno.test("topology: nodes without GPU resources are marked and explained", async () => {
  const { objects, ns, now } = await scenario("healthy");
  const stripped = objects.map((o) =>
    o.kind === "Node"
      ? { ...o, status: { ...o.status, allocatable: { cpu: "8" }, capacity: { cpu: "8" } } }
      : o
  );
  const r = build(stripped, ns, now, { cluster: true });
  assert(r.notes.some((n) => n.includes("no node reports an nvidia.com/gpu resource")));
  assertEquals(r.cluster!.totalGpus, 0);
  assertMatch(renderTopology(r, PLAIN), /no GPUs/);
});

Deno.test("topology: pods on nodes that no longer exist are listed apart and not counted", async () => {
  const { objects, ns, now } = await scenario("healthy");
  const victim = objects.find((o) => o.kind === "Node" && o.metadata.name === "gpu-a1-01")!;
  const r = build(objects.filter((o) => o !== victim), ns, now, { pcs: "qwen-disagg" });
  assert(r.podsOnMissingNodes.length > 0);
  assert(r.podsOnMissingNodes.every((p) => p.node === "gpu-a1-01"));
  assert(r.notes.some((n) => n.includes("that no longer exist") && n.includes("gpu-a1-01")));
  assertMatch(renderTopology(r, PLAIN), /On nodes that no longer exist:\n {2}gpu-a1-01: /);
  // Those pods have no domain: the gang is not said to span a "<none>" zone.
  const g = r.podCliqueSets[0].gangs.find((x) => x.name === "qwen-disagg-0")!;
  assertEquals(g.spans.find((s) => s.level === "zone")!.domains, ["us-east-1a"]);
  assertEquals(g.placement, "optimal");
  assertEquals(r.warnings.filter((w) => w.gang === "qwen-disagg-0"), []);
});

Deno.test("topology: a gang whose pods all sit on vanished nodes, or that has no pods, says so", async () => {
  const { objects, ns, now } = await scenario("healthy");
  const gone = new Set(["gpu-a2-01", "gpu-a2-02"]);
  const edited = objects.filter((o) =>
    !(o.kind === "Node" && gone.has(o.metadata.name)) &&
    !(o.kind === "Pod" && o.metadata.labels?.["grove.io/podgang"] === "sglang-chat-0")
  );
  const r = build(edited, ns, now);
  const decode = r.podCliqueSets[0].gangs.find((g) => g.name === "qwen-disagg-0-decode-0")!;
  assertEquals(decode.scheduledPods, 2);
  assertEquals(decode.placement, undefined);
  const out = renderTopology(r, PLAIN);
  // at 80 columns pack and spans sit on a line under the gang
  assertMatch(out, /^ {2}qwen-disagg-0-decode-0 .* 2\/2 +16 +-\n {6}pack .*; spans nodes gone$/m);
  assertMatch(out, /^ {2}sglang-chat-0 .* 0\/0 +0 +-\n {6}pack .*; spans no pods$/m);
  const wideTerm = renderTopology(r, { ...PLAIN, width: 200 });
  assertMatch(wideTerm, /^ {2}qwen-disagg-0-decode-0 .* nodes gone +-$/m);
  assertMatch(wideTerm, /^ {2}sglang-chat-0 .* no pods +-$/m);
});

Deno.test("topology: a binding whose label keys no node carries is reported, gangs still shown", async () => {
  const { objects, ns, now } = await scenario("healthy");
  const edited = objects.map((o) =>
    o.kind === "ClusterTopologyBinding"
      ? {
        ...o,
        spec: {
          ...o.spec,
          levels: [{ domain: "zone", key: "nowhere.io/zone" }, {
            domain: "host",
            key: "kubernetes.io/hostname",
          }],
        },
      }
      : o
  );
  const r = build(edited, ns, now);
  assertEquals(r.topology.missingKeys, ["nowhere.io/zone"]);
  assert(r.notes.some((n) => n.includes("no node carries the label key nowhere.io/zone")));
  assert(r.podCliqueSets.length > 0);
});

Deno.test("topology: forbidden node listing gives the pod-level view and says what is missing", async () => {
  const { objects, ns, now } = await scenario("healthy");
  const o = topologyObjectsFrom(objects, { namespace: ns, pcs: "qwen-disagg" });
  const r = buildTopologyReport(
    {
      ...o,
      nodes: [],
      bindings: [],
      legacy: [],
      nodesForbidden: true,
      missing: ["nodes: forbidden"],
    },
    { now, pcs: "qwen-disagg" },
  );
  assertEquals(r.topology.source, "unavailable");
  assertEquals(r.domains, []);
  assert(r.nodes.length > 0 && r.nodes.every((n) => n.pods.length > 0));
  assertEquals(r.notes[0], "nodes: forbidden");
  assertEquals(r.warnings, []);
  // zone/rack packing cannot be judged by node name alone
  assertEquals(r.podCliqueSets[0].gangs.map((g) => g.placement), [undefined, undefined]);
  assertMatch(renderTopology(r, PLAIN), /Topology: unavailable \(nodes cannot be listed\)/);
});

Deno.test("topology: a low placement score is a warning; a gang already whole in one domain is told nothing moves", async () => {
  const { objects, ns, now } = await scenario("aggregated");
  const r = buildTopologyReport(topologyObjectsFrom(objects, { namespace: ns }), {
    now,
    lowScore: 0.95,
  });
  const low = r.warnings.filter((w) => w.kind === "low-score");
  assertEquals(low.map((w) => w.gang), ["qwen-agg-0"]);
  assertMatch(low[0].message, /low placement score 0\.90 \(below 0\.95\)/);
  assertMatch(low[0].recommendation, /^it already runs whole in rack rack-a1/);
  assert(!low[0].recommendation.includes("delete its 0 pods"));
  // qwen-agg-1 spans two racks: the preferred-level warning wins over the low score
  assertEquals(
    r.warnings.filter((w) => w.gang === "qwen-agg-1").map((w) => w.kind),
    ["spans-preferred"],
  );
  // the default threshold (0.7) flags neither
  assertEquals(build(objects, ns, now).warnings.filter((w) => w.kind === "low-score"), []);
});

Deno.test("gpuBar shows this workload, others and free apart, one cell per GPU up to 16", () => {
  assertEquals(gpuBar(2, 3, 8, PLAIN), "[##+++...]");
  assertEquals(gpuBar(0, 0, 0, PLAIN), "[]");
  assertEquals(gpuBar(32, 0, 64, PLAIN), "[########........]");
});

Deno.test("topology advice: a gang that can never fit says so, not 'add nodes'", async () => {
  const { objects, ns, now } = await scenario("fragmented");
  // pack required host: 2 pods x 8 GPUs on 8-GPU nodes
  const edited = objects.map((o) =>
    o.kind === "PodGang" && o.metadata.name === "llama-disagg-0-decode-0"
      ? {
        ...o,
        spec: {
          ...o.spec as object,
          topologyConstraint: { packConstraint: { required: "kubernetes.io/hostname" } },
        },
      }
      : o
  );
  const r = build(edited, ns, now);
  const w = r.warnings.find((x) => x.gang === "llama-disagg-0-decode-0")!;
  assertMatch(
    w.recommendation,
    /^it can never fit on these nodes: its required host packing needs 16 GPUs as 2x8 in one host; the largest host has 8 GPUs; relax the constraint/,
  );
  assert(!w.recommendation.includes("add nodes;"), w.recommendation);
});

Deno.test("topology advice: uncordoning a node is named when it is the cheapest way out", async () => {
  const { objects, ns, now } = await scenario("fragmented");
  // gpu-a2-03 is emptied (8 free); the cordoned gpu-a2-04 has 8 free: with it uncordoned,
  // zone us-east-1a holds the decode gang's 2 x 8 GPUs
  const edited = objects.filter((o) =>
    !(o.kind === "Pod" && (o.spec as { nodeName?: string })?.nodeName === "gpu-a2-03")
  );
  const r = build(edited, ns, now);
  const w = r.warnings.find((x) => x.gang === "llama-disagg-0-decode-0")!;
  assertMatch(
    w.recommendation,
    /cheapest way out: uncordon gpu-a2-04 \(8 GPUs free there\), then zone us-east-1a can host it whole: kubectl uncordon gpu-a2-04$/,
  );
});
