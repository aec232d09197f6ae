// scale on the DRA layout (issue 26 item 5): GPUs per pod from the set's
// resourceClaimTemplates, free capacity from ResourceSlices minus
// ResourceClaims, placement against DRA capacity.
import { assert, assertEquals } from "../../helpers/assert.ts";
import { assertGolden } from "../../helpers/golden.ts";
import { loadScenario } from "../../../lib/sim/fixtures.ts";
import { PLAIN } from "../../../lib/render/style.ts";
import type { KubeObject } from "../../../lib/kube/types.ts";
import { planScale, type ScaleInput } from "../../../tasks/scale/plan.ts";
import { renderScalePlan } from "../../../tasks/scale/render.ts";

async function input(scenario: string, pcs: string): Promise<ScaleInput> {
  const s = await loadScenario(scenario, { shiftTimes: false });
  // deno-lint-ignore no-explicit-any
  const of = (kind: string) => s.objects.filter((o: KubeObject) => o.kind === kind) as any[];
  const part = (o: KubeObject) => o.metadata.labels?.["app.kubernetes.io/part-of"] === pcs;
  const pods = of("Pod");
  return {
    pcs: of("PodCliqueSet").find((p) => p.metadata.name === pcs),
    cliques: of("PodClique").filter(part),
    groups: of("PodCliqueScalingGroup").filter(part),
    gangs: of("PodGang").filter(part),
    pods: pods.filter(part),
    nodes: of("Node"),
    allPods: pods,
    bindings: of("ClusterTopologyBinding"),
    legacy: of("ClusterTopology"),
    resourceClaims: of("ResourceClaim"),
    resourceSlices: of("ResourceSlice"),
  };
}

Deno.test("scale on DRA GPUs: per-pod GPUs from claim templates, capacity from slices and claims", async () => {
  const p = planScale(await input("dra", "dra-agg"), { roles: [{ role: "worker", replicas: 4 }] });
  assertEquals(p.changes.map((c) => [c.role, c.current, c.target, c.gpusDelta]), [[
    "worker",
    3,
    4,
    4,
  ]]);
  // 32 devices, 18 held (12 this set + 6 the trainer): 14 free
  assertEquals(p.gpu, { delta: 4, freeNow: 14, freeAfter: 10, unusable: 0 });
  assert(p.placement.fits, JSON.stringify(p.placement));
  // pack required rack: the new pod goes to rack-a1's only free block (gpu-a1-02)
  assertEquals(p.placement.units[0].nodes, [{ node: "gpu-a1-02", pods: 1, gpus: 4 }]);
  assert(
    p.notes.some((n) => n.startsWith("GPU capacity of 4 node(s) from DRA")),
    p.notes.join("\n"),
  );
  await assertGolden("dra/scale.table", renderScalePlan(p, PLAIN));
  // two more do not fit in the rack
  const q = planScale(await input("dra", "dra-agg"), { roles: [{ role: "worker", replicas: 5 }] });
  assert(!q.placement.fits, JSON.stringify(q.placement));
});
