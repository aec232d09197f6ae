// planScale over the fixture scenarios (pure): targets, which object scales,
// GPU impact, placement that fits and one that does not, refusals, rounding,
// bad input; golden previews of the figures.
import { assert, assertEquals, assertMatch, assertThrows } from "../../helpers/assert.ts";
import { assertGolden } from "../../helpers/golden.ts";
import { loadScenario } from "../../../lib/sim/fixtures.ts";
import { toJson } from "../../../lib/render/output.ts";
import { PLAIN } from "../../../lib/render/style.ts";
import { UsageError } from "../../../lib/errors.ts";
import type { KubeObject } from "../../../lib/kube/types.ts";
import { planScale, type ScaleInput } from "../../../tasks/scale/plan.ts";
import { collapseReplicas, renderScalePlan } from "../../../tasks/scale/render.ts";
import { largestRemainder } from "../../../tasks/scale/distribute.ts";
import { parseRoleAssignment, parseScaleArgs } from "../../../tasks/scale/args.ts";

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
    allPods: pods.filter((p) => !["Succeeded", "Failed"].includes(p.status?.phase)),
    bindings: of("ClusterTopologyBinding"),
    legacy: of("ClusterTopology"),
  };
}

Deno.test("largest remainder: keeps the ratio, says how it rounded, sums to the total", () => {
  assertEquals(
    largestRemainder(5, [{ role: "p", weight: 2 }, { role: "d", weight: 2 }]).map((s) => s.target),
    [3, 2],
  );
  assertEquals(
    largestRemainder(16, [{ role: "p", weight: 3 }, { role: "d", weight: 1 }]).map((s) => s.target),
    [12, 4],
  );
  assertEquals(
    largestRemainder(7, [{ role: "a", weight: 1 }, { role: "b", weight: 1 }, {
      role: "c",
      weight: 1,
    }]).map((s) => s.target),
    [3, 2, 2],
  );
  assertEquals(
    largestRemainder(4, [{ role: "a", weight: 0 }, { role: "b", weight: 0 }]).map((s) => s.target),
    [2, 2],
  );
  for (let n = 0; n < 40; n++) {
    const s = largestRemainder(n, [{ role: "a", weight: 3 }, { role: "b", weight: 5 }, {
      role: "c",
      weight: 7,
    }]);
    assertEquals(s.reduce((t, x) => t + x.target, 0), n);
  }
});

Deno.test("args: --role=N, --role N, --role x=N; bad counts name the flag", () => {
  assertEquals(parseScaleArgs(["p", "--prefill=4", "--decode", "8"]), {
    pcs: "p",
    roles: [{ role: "prefill", replicas: 4 }, { role: "decode", replicas: 8 }],
  });
  assertEquals(parseScaleArgs(["--prefill=4", "p"]).pcs, "p");
  assertEquals(parseRoleAssignment("prefill=3"), { role: "prefill", replicas: 3 });
  for (
    const bad of [["p", "--prefill=-1"], ["p", "--prefill=1.5"], ["p", "--prefill=x"], [
      "p",
      "--prefill",
    ]]
  ) {
    const e = assertThrows(() => parseScaleArgs(bad), UsageError);
    assertMatch(e.message, /--prefill/);
  }
  assertThrows(() => parseRoleAssignment("prefill"), UsageError);
  assertThrows(() => parseScaleArgs(["p", "q"]), UsageError);
});

Deno.test("plan: standalone clique scales through PodClique /scale and the template; placement fits", async () => {
  const p = planScale(await input("healthy", "qwen-disagg"), {
    roles: [{ role: "prefill", replicas: 3 }],
  });
  assertEquals(p.changes.map((c) => [c.role, c.kind, c.current, c.target, c.gpusDelta]), [[
    "prefill",
    "clique",
    2,
    3,
    4,
  ]]);
  assertEquals(p.writes.map((w) => [w.kind, w.name, w.how]), [
    ["PodClique", "qwen-disagg-0-prefill", "scale"],
    ["PodCliqueSet", "qwen-disagg", "template"],
  ]);
  assert(p.writes.every((w) => w.resourceVersion), "every write carries a resourceVersion");
  assertEquals(p.gpu, { delta: 4, freeNow: 32, freeAfter: 28, unusable: 0 });
  assert(p.placement.fits);
  assertEquals(p.placement.units[0].domain, "zone us-east-1a");
  assertEquals(p.placement.units[0].nodes, [{ node: "gpu-a1-04", pods: 1, gpus: 4 }]);
  assertMatch(p.placement.units[0].scoreEffect, /unchanged \(now 0\.95\)/);
  assertEquals(p.refusals, []);
  await assertGolden("healthy/scale.table", renderScalePlan(p, PLAIN));
});

Deno.test("plan: clique name matches like the role name", async () => {
  const p = planScale(await input("healthy", "qwen-disagg"), {
    roles: [{ role: "frontend", replicas: 3 }],
  });
  assertEquals(p.changes[0].gpusDelta, 0);
  assertMatch(p.placement.units[0].scoreEffect, /no GPUs needed/);
});

Deno.test("plan: scaling group through the PCSG /scale; a new scaled gang needs one rack", async () => {
  const p = planScale(await input("healthy", "qwen-disagg"), {
    roles: [{ role: "decode", replicas: 3 }],
  });
  assertEquals(p.writes.map((w) => [w.kind, w.name, w.current, w.target]), [
    ["PodCliqueScalingGroup", "qwen-disagg-0-decode", 2, 3],
  ]);
  assertEquals(p.changes[0].gpusDelta, 16);
  assertEquals(p.placement.units[0].gang, "qwen-disagg-0-decode-1");
  assertEquals(p.placement.units[0].domain, "rack rack-b1");
  await assertGolden("healthy/scale.json", toJson(p));
});

Deno.test("plan: --replicas distributes over worker roles by largest remainder and says so", async () => {
  const p = planScale(await input("healthy", "qwen-disagg"), { replicas: 5 });
  assertEquals(p.changes.map((c) => [c.role, c.target]), [["prefill", 3], ["decode", 2]]);
  assertMatch(p.rounding!.summary, /prefill 2\.5 -> 3 \(rounded up\), decode 2\.5 -> 2/);
  await assertGolden("healthy/scale.replicas.table", renderScalePlan(p, PLAIN));
  assert(!p.changes.some((c) => c.role === "frontend"), "frontend has no GPUs: not a worker");
});

Deno.test("plan: --set-replicas scales the PCS; placement per new gang", async () => {
  const p = planScale(await input("healthy", "sglang-chat"), { setReplicas: 2 });
  assertEquals(p.writes.map((w) => [w.kind, w.how, w.current, w.target]), [[
    "PodCliqueSet",
    "scale",
    1,
    2,
  ]]);
  assertEquals(p.changes[0].gpusDelta, 2);
  assert(p.placement.fits);
  assertEquals(p.placement.units[0].gang, "sglang-chat-1");
  await assertGolden("healthy/scale.set-replicas.table", renderScalePlan(p, PLAIN));
});

Deno.test("plan: fragmented cluster has free GPUs but no 4-GPU block: no capacity, needs --force", async () => {
  const p = planScale(await input("fragmented", "llama-disagg"), {
    roles: [{ role: "prefill", replicas: 4 }],
  });
  assert(!p.placement.fits);
  assertMatch(
    p.placement.units[0].reason!,
    /need 4 GPUs on one node; the largest free block in the gang's zone us-east-1a is 3 GPUs/,
  );
  assertEquals(p.refusals.length, 1);
  assertMatch(p.refusals[0], /^no capacity for llama-disagg-0-prefill \+1 pod/);
  assertEquals(p.gpu.freeNow, 23);
  assertEquals(p.gpu.unusable, 10);
  await assertGolden("fragmented/scale.table", renderScalePlan(p, PLAIN));
});

Deno.test("plan: below minAvailable is a refusal; scale-down names the pods that go", async () => {
  const p = planScale(await input("fragmented", "llama-disagg"), {
    roles: [{ role: "prefill", replicas: 1 }],
  });
  assertMatch(p.refusals[0], /role prefill: 1 is below minAvailable 2/);
  assertEquals(p.removedPods.length, 2);
  assertEquals(p.gpu.delta, -8);
  const g = planScale(await input("fragmented", "llama-disagg"), {
    roles: [{ role: "decode", replicas: 0 }],
  });
  assertMatch(g.refusals[0], /below the scaling group's minAvailable 1/);
});

Deno.test("plan: a role inside a scaling group, an unknown role, mixed forms are usage errors", async () => {
  const i = await input("healthy", "qwen-disagg");
  const e = assertThrows(
    () => planScale(i, { roles: [{ role: "dworker", replicas: 2 }] }),
    UsageError,
  );
  assertMatch(e.message, /clique dworker inside scaling group "decode"/);
  assertMatch(e.hint!, /--decode=N/);
  const u = assertThrows(
    () => planScale(i, { roles: [{ role: "nope", replicas: 2 }] }),
    UsageError,
  );
  assertMatch(u.hint!, /known roles: frontend, prefill, decode/);
  assertThrows(() => planScale(i, { replicas: 2, setReplicas: 2 }), UsageError);
  assertThrows(() => planScale(i, {}), UsageError);
  assertThrows(() => planScale(i, { replicas: -1 }), UsageError);
  assertThrows(
    () =>
      planScale(i, { roles: [{ role: "prefill", replicas: 2 }, { role: "prefill", replicas: 3 }] }),
    UsageError,
  );
});

Deno.test("plan: several set replicas: every PodClique is scaled, and the template once", async () => {
  const p = planScale(await input("aggregated", "qwen-agg"), {
    roles: [{ role: "worker", replicas: 4 }],
  });
  assertEquals(p.writes.map((w) => w.name), ["qwen-agg-0-worker", "qwen-agg-1-worker", "qwen-agg"]);
  assertEquals(p.changes[0].gpusDelta, 4);
  assertEquals(p.placement.units.map((u) => u.gang), ["qwen-agg-0", "qwen-agg-1"]);
});

Deno.test("scale render: lines differing only in a group replica's index collapse", () => {
  assertEquals(
    collapseReplicas([
      "d group replica 3: no room",
      "p: ok",
      "d group replica 4: no room",
      "d group replica 6: no room",
      "d group replica 2: fits",
    ]),
    ["d group replicas 3-4, 6 (x3): no room", "p: ok", "d group replica 2: fits"],
  );
});
