// The placement analysis of new pods (pure): first-fit decreasing within the
// pack constraint, anchoring to the gang's domain, the preferred domain,
// capacity taken by earlier units, and the reasons when nothing fits.
import { assert, assertEquals, assertMatch } from "../../helpers/assert.ts";
import { analysePlacement, narrowestKey } from "../../../tasks/scale/placement.ts";
import type { NodeGpuState } from "../../../lib/topology/mod.ts";

const levels = [{ domain: "zone", key: "zone" }, { domain: "rack", key: "rack" }];
function node(
  name: string,
  zone: string,
  rack: string,
  free: number,
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
    domains: [zone, rack],
    labels: { zone, rack, "kubernetes.io/hostname": name },
  };
}
const nodes = [
  node("a1", "z1", "r1", 4),
  node("a2", "z1", "r1", 2),
  node("b1", "z1", "r2", 8),
  node("c1", "z2", "r3", 8),
  node("c2", "z2", "r3", 8, false),
];

Deno.test("placement: pods joining a gang stay in its zone and prefer its rack", () => {
  const a = analysePlacement(
    [{
      label: "x +1",
      gang: "x-0",
      newGang: false,
      shapes: [4],
      requiredKey: "zone",
      anchor: { key: "zone", value: "z1" },
      preferredKey: "rack",
      preferredValue: "r1",
      scoreNow: 0.9,
    }],
    nodes,
    levels,
  );
  assertEquals(a.units[0].nodes, [{ node: "a1", pods: 1, gpus: 4 }]);
  assert(a.units[0].preferredKept);
  assertMatch(a.units[0].scoreEffect, /unchanged \(now 0\.90\)/);
  assertEquals(a.freeGpus, 22);
  assertEquals(a.unusableFreeGpus, 8);
});

Deno.test("placement: outside the preferred rack the score is expected to drop", () => {
  const a = analysePlacement(
    [{
      label: "x +2",
      gang: "x-0",
      newGang: false,
      shapes: [4, 4],
      requiredKey: "zone",
      anchor: { key: "zone", value: "z1" },
      preferredKey: "rack",
      preferredValue: "r1",
    }],
    nodes,
    levels,
  );
  assert(a.units[0].fits);
  assertEquals(a.units[0].domain, "zone z1");
  assert(!a.units[0].preferredKept);
  assertMatch(a.units[0].scoreEffect, /score expected to drop/);
});

Deno.test("placement: earlier units take capacity from later ones; no room names the largest block", () => {
  const a = analysePlacement(
    [
      { label: "g1", gang: "g1", newGang: true, shapes: [8], requiredKey: "rack" },
      { label: "g2", gang: "g2", newGang: true, shapes: [8], requiredKey: "rack" },
      { label: "g3", gang: "g3", newGang: true, shapes: [8], requiredKey: "rack" },
    ],
    nodes,
    levels,
  );
  assertEquals(a.units.map((u) => u.fits), [true, true, false]);
  assertEquals(new Set(a.units.slice(0, 2).map((u) => u.domain)), new Set(["rack r2", "rack r3"]));
  assertMatch(
    a.units[2].reason!,
    /need 8 GPUs on one node; the largest free block in the cluster is 4 GPUs/,
  );
  assert(!a.fits);
});

Deno.test("placement: required pack across nodes of one rack; reason names the best rack", () => {
  const a = analysePlacement(
    [
      { label: "g", gang: "g", newGang: true, shapes: [4, 4, 4], requiredKey: "rack" },
    ],
    [node("a1", "z1", "r1", 4), node("a2", "z1", "r1", 4), node("b1", "z1", "r2", 4)],
    levels,
  );
  assert(!a.units[0].fits);
  assertMatch(a.units[0].reason!, /must share one rack .* the best, r1, has 8 free GPUs/);
  assertEquals(narrowestKey(levels, ["zone", "rack", undefined]), "rack");
});

Deno.test("placement: pods without GPUs fit without touching capacity", () => {
  const a = analysePlacement(
    [{ label: "fe", gang: "x", newGang: false, shapes: [0, 0] }],
    nodes,
    levels,
  );
  assert(a.units[0].fits);
  assertMatch(a.units[0].scoreEffect, /no GPUs needed/);
});
