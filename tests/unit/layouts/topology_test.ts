// topology on today's Grove API (issue 26 item 6): the ClusterTopologyBinding's
// schedulerTopologyBindings and SchedulerTopologyDrift condition; pack.required
// / pack.preferred and the deprecated packDomain read the same way.
import { assert, assertEquals } from "../../helpers/assert.ts";
import { assertGolden } from "../../helpers/golden.ts";
import { loadScenario } from "../../../lib/sim/fixtures.ts";
import { PLAIN } from "../../../lib/render/style.ts";
import { toJson } from "../../../lib/render/output.ts";
import { packDomains } from "../../../lib/grove/pack.ts";
import type { PodCliqueSet, TopologyLevel } from "../../../lib/grove/types.ts";
import { topologyObjectsFrom } from "../../../tasks/topology/from_objects.ts";
import { buildTopologyReport, resolvePack } from "../../../tasks/topology/report.ts";
import { renderTopology } from "../../../tasks/topology/render.ts";

const LEVELS: TopologyLevel[] = [
  { domain: "zone", key: "topology.kubernetes.io/zone" },
  { domain: "rack", key: "topology.kubernetes.io/rack" },
  { domain: "host", key: "kubernetes.io/hostname" },
];

const pcsWith = (tc: Record<string, unknown>) =>
  ({
    metadata: { name: "p" },
    spec: { template: { cliques: [], topologyConstraint: tc } },
  }) as unknown as PodCliqueSet;

Deno.test("pack: pack.required/preferred and the deprecated packDomain", () => {
  assertEquals(packDomains({ pack: { required: "zone", preferred: "rack" } }), {
    required: "zone",
    preferred: "rack",
  });
  assertEquals(packDomains({ packDomain: "rack" }), { required: "rack" });
  // Grove: RequiredDomain() = pack.required, else packDomain
  assertEquals(packDomains({ pack: { preferred: "host" }, packDomain: "rack" }), {
    required: "rack",
    preferred: "host",
  });
  assertEquals(packDomains({ pack: { required: "zone" }, packDomain: "rack" }), {
    required: "zone",
  });
  assertEquals(packDomains({}), undefined);
  const legacy = resolvePack(undefined, pcsWith({ packDomain: "rack" }), LEVELS);
  assertEquals([legacy.required, legacy.requiredKey], ["rack", "topology.kubernetes.io/rack"]);
  const both = resolvePack(
    undefined,
    pcsWith({ pack: { required: "zone", preferred: "rack" } }),
    LEVELS,
  );
  assertEquals([both.requiredKey, both.preferredKey], [
    "topology.kubernetes.io/zone",
    "topology.kubernetes.io/rack",
  ]);
});

Deno.test("topology: schedulerTopologyBindings and SchedulerTopologyDrift of the binding", async () => {
  const sc = await loadScenario("dra", { shiftTimes: false });
  const now = Date.parse(sc.meta.recordedAt);
  const r = buildTopologyReport(topologyObjectsFrom(sc.objects, { namespace: "inference" }), {
    now,
  });
  assertEquals(r.topology.schedulerBindings, [{
    schedulerName: "kai-scheduler",
    topologyReference: "grove-topology",
    inSync: false,
    message: "levels differ: rack missing in the scheduler's topology",
  }]);
  assertEquals(r.topology.drift?.reason, "TopologyLevelsMismatch");
  const text = renderTopology(r, PLAIN);
  assert(
    text.includes(
      "bound to kai-scheduler topology grove-topology   OUT OF SYNC\n    levels differ",
    ),
    text,
  );
  assert(
    text.includes("SchedulerTopologyDrift (TopologyLevelsMismatch) since 2026-11-01T11:20:00Z"),
    text,
  );
  // a binding without scheduler bindings or drift shows neither
  const h = await loadScenario("healthy", { shiftTimes: false });
  const hr = buildTopologyReport(topologyObjectsFrom(h.objects, { namespace: "inference" }), {
    now: Date.parse(h.meta.recordedAt),
  });
  assertEquals([hr.topology.schedulerBindings, hr.topology.drift], [[], undefined]);
});

for (const name of ["sg-prefill-decode", "mn-disagg", "dra", "coherent", "operator-revisions"]) {
  Deno.test(`layout goldens: ${name} topology`, async () => {
    const sc = await loadScenario(name, { shiftTimes: false });
    const now = Date.parse(sc.meta.recordedAt);
    const o = topologyObjectsFrom(sc.objects, { namespace: sc.meta.namespace });
    const r = buildTopologyReport(o, { now });
    await assertGolden(`${name}/topology.table`, renderTopology(r, PLAIN));
    await assertGolden(`${name}/topology.json`, toJson(r));
    const c = buildTopologyReport(o, { now, cluster: true });
    await assertGolden(`${name}/topology.cluster.table`, renderTopology(c, PLAIN));
  });
}

Deno.test("topology: GPUs from DRA ResourceSlices and ResourceClaims, source named", async () => {
  const sc = await loadScenario("dra", { shiftTimes: false });
  const now = Date.parse(sc.meta.recordedAt);
  const o = topologyObjectsFrom(sc.objects, { namespace: "inference" });
  assertEquals(o.resourceSlices?.length, 4);
  const r = buildTopologyReport(o, { now, cluster: true });
  const nodes = r.domains.flatMap((z) => z.children.flatMap((rk) => rk.nodes));
  const by = Object.fromEntries(nodes.map((n) => [n.name, n]));
  assertEquals(
    [by["gpu-a1-01"].allocatable, by["gpu-a1-01"].allocated, by["gpu-a1-01"].gpuSource],
    [8, 8, "dra"],
  );
  // the other team's DRA-allocated trainer (6 devices) counts as used
  assertEquals([by["gpu-b1-01"].allocated, by["gpu-b1-01"].free], [6, 2]);
  assertEquals([r.cluster!.totalGpus, r.cluster!.allocatedGpus], [32, 18]);
  assert(r.notes.some((n) => n.startsWith("GPUs of 4 nodes counted from DRA")));
  const w = buildTopologyReport(o, { now });
  assertEquals(w.podCliqueSets[0].gangs[0].gpus, 12, "3 pods x 4 DRA GPUs");
  assert(renderTopology(w, PLAIN).includes("8/8 DRA GPUs (this 8, others 0, free 0)"));
});

Deno.test("tui: the topology view counts DRA GPUs and lists claims and slices", async () => {
  const { tuiTopology } = await import("../../../tasks/tui/reports.ts");
  const { tuiListSpecs } = await import("../../../tasks/tui/source.ts");
  const keys = tuiListSpecs({ namespace: "inference", allNamespaces: false }).map((s) => s.key);
  assert(keys.includes("resourceclaims") && keys.includes("resourceslices"));
  const sc = await loadScenario("dra", { shiftTimes: false });
  const snap = { objects: sc.objects, byKind: {}, sequence: 0, receivedAt: 0, missing: [] };
  const built = tuiTopology(
    snap as never,
    { namespace: "inference", allNamespaces: false },
    Date.parse(sc.meta.recordedAt),
    true,
  );
  const r = (built as { report?: { cluster?: { totalGpus: number } } }).report;
  assertEquals(r?.cluster?.totalGpus, 32);
});
