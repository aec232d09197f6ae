// Unit tests of lib/topology: levels, the GPU model, FFD placement, domain
// ranking, pods that fit and the fragmentation figure.
import { assert, assertEquals } from "../../helpers/assert.ts";
import {
  buildDomainTree,
  flattenDomains,
  fragmentation,
  type NodeGpuState,
  nodeGpuStates,
  placeFirstFitDecreasing,
  podsThatFit,
  rankDomainsForShapes,
  resolveTopology,
} from "../../../lib/topology/mod.ts";
import type { Node, Pod } from "../../../lib/grove/types.ts";

const ZONE = "topology.kubernetes.io/zone";
const RACK = "example.com/rack";
const HOST = "kubernetes.io/hostname";

function node(
  name: string,
  labels: Record<string, string>,
  gpus: number | undefined,
  extra: { cordoned?: boolean; ready?: boolean } = {},
): Node {
  return {
    kind: "Node",
    metadata: { name, labels: { [HOST]: name, ...labels } },
    spec: extra.cordoned ? { unschedulable: true } : {},
    status: {
      allocatable: gpus === undefined ? { cpu: "8" } : { cpu: "8", "nvidia.com/gpu": String(gpus) },
      conditions: [{ type: "Ready", status: extra.ready === false ? "False" : "True" }],
    },
  };
}

function pod(name: string, nodeName: string | undefined, gpus: number, phase = "Running"): Pod {
  return {
    kind: "Pod",
    metadata: { name, namespace: "ns" },
    spec: {
      nodeName,
      containers: [{ name: "c", resources: { limits: { "nvidia.com/gpu": String(gpus) } } }],
    },
    status: { phase: phase as "Running" },
  };
}

function st(
  name: string,
  free: number,
  labels: Record<string, string> = {},
  schedulable = true,
): NodeGpuState {
  return {
    name,
    allocatable: 8,
    allocated: 8 - free,
    free,
    hasGpuResource: true,
    cordoned: !schedulable,
    ready: true,
    schedulable,
    domains: [],
    labels: { [HOST]: name, ...labels },
  };
}

Deno.test("FFD places the largest shapes first and reports what does not fit", () => {
  const r = placeFirstFitDecreasing([2, 4, 4], [{ name: "a", free: 4 }, { name: "b", free: 6 }]);
  assert(r.fits);
  assertEquals(r.placed, [{ shape: 4, bin: "a" }, { shape: 4, bin: "b" }, { shape: 2, bin: "b" }]);
  // one GPU more than the bins hold: the smallest shape is left over
  const over = placeFirstFitDecreasing([2, 4, 4, 1], [{ name: "a", free: 4 }, {
    name: "b",
    free: 6,
  }]);
  assertEquals([over.fits, over.unplaced], [false, [1]]);
  // 8 free GPUs in two blocks of 4 cannot host an 8-GPU pod
  const no = placeFirstFitDecreasing([8, 2], [{ name: "a", free: 4 }, { name: "b", free: 4 }]);
  assertEquals(no.fits, false);
  assertEquals(no.unplaced, [8]);
  assertEquals(no.remaining, [{ name: "a", free: 2 }, { name: "b", free: 4 }]);
  // zero-GPU shapes need nothing
  assert(placeFirstFitDecreasing([0, 0], []).fits);
});

Deno.test("FFD never modifies the bins it is given", () => {
  const bins = [{ name: "a", free: 8 }];
  placeFirstFitDecreasing([8], bins);
  assertEquals(bins, [{ name: "a", free: 8 }]);
});

Deno.test("rankDomainsForShapes: fitting domains first (tightest fit), then most free; released GPUs count", () => {
  const nodes = [
    st("n1", 4, { [RACK]: "r1" }),
    st("n2", 4, { [RACK]: "r1" }),
    st("n3", 8, { [RACK]: "r2" }),
    st("n4", 8, { [RACK]: "r3" }),
    st("n5", 8, { [RACK]: "r3" }),
  ];
  const ranked = rankDomainsForShapes(nodes, RACK, [8]);
  assertEquals(ranked.map((r) => [r.domain, r.fits, r.leftover]), [
    ["r2", true, 0],
    ["r3", true, 8],
    ["r1", false, 0],
  ]);
  // r1 has 8 free GPUs but in two blocks of 4: an 8-GPU pod does not fit
  assertEquals(ranked[2].largestBlock, 4);
  // releasing the gang's own 4 GPUs on n1 makes r1 fit
  const released = rankDomainsForShapes(nodes, RACK, [8], { release: new Map([["n1", 4]]) });
  assert(released.find((r) => r.domain === "r1")!.fits);
});

Deno.test("rankDomainsForShapes skips cordoned nodes unless asked", () => {
  const nodes = [st("n1", 8, { [RACK]: "r1" }, false)];
  assertEquals(rankDomainsForShapes(nodes, RACK, [8])[0].fits, false);
  assertEquals(
    rankDomainsForShapes(nodes, RACK, [8], { includeUnschedulable: true })[0].fits,
    true,
  );
});

Deno.test("podsThatFit counts whole pods per schedulable node", () => {
  const nodes = [st("a", 7), st("b", 3), st("c", 8, {}, false)];
  assertEquals([1, 2, 4, 8].map((s) => podsThatFit(nodes, s)), [10, 4, 1, 0]);
  assertEquals(podsThatFit(nodes, 0), 0);
});

Deno.test("fragmentation: free GPUs that cannot host the largest shape, cordoned free GPUs apart", () => {
  const f = fragmentation([st("a", 6), st("b", 3), st("c", 8), st("d", 8, {}, false)], 4);
  assertEquals(f, {
    largestShape: 4,
    freeGpus: 17,
    strandedGpus: 5,
    ratio: 5 / 17,
    unavailableGpus: 8,
  });
  assertEquals(fragmentation([st("a", 0)], 8).ratio, 0);
  // no GPU pod in use: nothing is stranded
  assertEquals(fragmentation([st("a", 5)], 0).strandedGpus, 0);
});

Deno.test("resolveTopology: binding first (preferred name), legacy next, node labels last", () => {
  const nodes = [node("n1", { [ZONE]: "z1", [RACK]: "r1" }, 8)];
  const levels = [{ domain: "zone", key: ZONE }, { domain: "rack", key: RACK }, {
    domain: "host",
    key: HOST,
  }];
  const b = (name: string) => ({
    kind: "ClusterTopologyBinding",
    metadata: { name },
    spec: { levels },
  });
  const t = resolveTopology({
    bindings: [b("zz"), b("grove-topology")],
    nodes,
    preferredName: "grove-topology",
  });
  assertEquals([t.source, t.name, t.missingKeys], ["ClusterTopologyBinding", "grove-topology", []]);
  const legacy = resolveTopology({
    legacy: [{ kind: "ClusterTopology", metadata: { name: "old" }, spec: { levels } }],
    nodes,
  });
  assertEquals(legacy.source, "ClusterTopology");
  assert(legacy.notes.some((n) => n.includes("legacy")));
  const inferred = resolveTopology({ nodes });
  assertEquals(inferred.source, "node-labels");
  assertEquals(inferred.levels.map((l) => l.domain), ["zone", "host"]);
  assert(inferred.notes[0].includes("no ClusterTopologyBinding or ClusterTopology found"));
});

Deno.test("resolveTopology: a binding whose label keys no node carries is reported", () => {
  const nodes = [node("n1", { [ZONE]: "z1" }, 8)];
  const t = resolveTopology({
    bindings: [{
      metadata: { name: "t" },
      spec: { levels: [{ domain: "zone", key: ZONE }, { domain: "rack", key: "wrong.io/rack" }] },
    }],
    nodes,
  });
  assertEquals(t.missingKeys, ["wrong.io/rack"]);
  assert(t.notes.some((n) => n.includes("no node carries the label key wrong.io/rack")));
});

Deno.test("nodeGpuStates: every non-terminated pod counts; pods on missing nodes and GPU-less nodes are reported", () => {
  const levels = [{ domain: "rack", key: RACK }];
  const m = nodeGpuStates(
    [
      node("n1", { [RACK]: "r1" }, 8),
      node("cpu", {}, undefined),
      node("n2", { [RACK]: "r1" }, 8, { cordoned: true }),
    ],
    [
      pod("a", "n1", 2),
      pod("b", "n1", 4),
      pod("done", "n1", 2, "Succeeded"),
      pod("lost", "gone-node", 4),
      pod("pending", undefined, 8, "Pending"),
    ],
    levels,
  );
  const n1 = m.nodes.find((n) => n.name === "n1")!;
  assertEquals([n1.allocated, n1.free, n1.schedulable], [6, 2, true]);
  const cpu = m.nodes.find((n) => n.name === "cpu")!;
  assertEquals([cpu.hasGpuResource, cpu.allocatable, cpu.domains], [false, 0, ["<none>"]]);
  assertEquals(m.nodes.find((n) => n.name === "n2")!.schedulable, false);
  assertEquals(m.orphanPods, [{ namespace: "ns", name: "lost", nodeName: "gone-node", gpus: 4 }]);
  const tree = buildDomainTree(m.nodes, levels);
  assertEquals(tree.map((d) => d.value), ["r1", "<none>"]);
  assertEquals([tree[0].free, tree[0].schedulableFree, tree[0].largestFreeBlock], [10, 2, 2]);
  assertEquals(flattenDomains(tree).length, 2);
});
