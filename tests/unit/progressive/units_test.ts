// Units, constraints and domains of the healthy scenario (pure planning over recorded objects).
import { assertEquals, assertStringIncludes, assertThrows } from "../../helpers/assert.ts";
import { loadScenario } from "../../../lib/sim/fixtures.ts";
import {
  assertReplaceable,
  chooseCanary,
  constraintsOf,
  currentHashes,
  domainOrder,
  pendingUnits,
  planBatches,
} from "../../../tasks/progressive/plan.ts";
import type { Node, Pod, PodClique, PodCliqueScalingGroup } from "../../../lib/grove/types.ts";

const sc = await loadScenario("healthy", { shiftTimes: false });
const of = <T>(kind: string) =>
  sc.objects.filter((o) =>
    o.kind === kind &&
    (kind === "Node" || o.metadata.labels?.["app.kubernetes.io/part-of"] === "qwen-disagg")
  ) as unknown as T[];
const cliques = of<PodClique>("PodClique");
const groups = of<PodCliqueScalingGroup>("PodCliqueScalingGroup");
const pods = of<Pod>("Pod");
const nodes = of<Node>("Node");
const RACK = "topology.kubernetes.io/rack";

Deno.test("units: standalone pods and scaling-group replicas, by rack", () => {
  const units = pendingUnits({
    pcs: "qwen-disagg",
    cliques,
    groups,
    pods,
    nodes,
    changed: ["prefill", "dleader", "dworker"],
    stableHashes: currentHashes(pods, cliques),
    direction: "forward",
    domainKey: RACK,
  });
  const ids = units.map((u) => `${u.id}@${u.domain}:${u.pods.length}`).sort();
  assertEquals(ids.filter((x) => x.startsWith("qwen-disagg-0-decode")), [
    "qwen-disagg-0-decode-0@rack-a1:2",
    "qwen-disagg-0-decode-1@rack-a2:2",
  ]);
  assertEquals(units.filter((u) => u.role === "prefill").length, 2);
  assertEquals(domainOrder(units), ["rack-a1", "rack-a2"]);
  const cs = constraintsOf(cliques, groups);
  assertEquals(
    cs.map((c) => `${c.key} ${c.maxDown}`).sort(),
    [
      "clique/qwen-disagg-0-frontend 1",
      "clique/qwen-disagg-0-prefill 1",
      "group/qwen-disagg-0-decode 1",
    ],
  );
  // rack-a1: both prefill pods and decode-0, one of each constraint per batch
  const a1 = planBatches(units.filter((u) => u.domain === "rack-a1"), cs, 4);
  assertEquals(a1.length, 2);
  assertEquals(a1[0].map((u) => u.constraint).sort(), [
    "clique/qwen-disagg-0-prefill",
    "group/qwen-disagg-0-decode",
  ]);
  // nothing to do when every pod is already on the new template
  assertEquals(
    pendingUnits({
      pcs: "qwen-disagg",
      cliques,
      groups,
      pods,
      nodes,
      changed: ["prefill"],
      stableHashes: {},
      direction: "forward",
    }).length,
    0,
  );
});

Deno.test("units: a clique with replicas == minAvailable cannot be replaced", () => {
  const units = pendingUnits({
    pcs: "qwen-disagg",
    cliques,
    groups,
    pods,
    nodes,
    changed: ["prefill"],
    stableHashes: currentHashes(pods, cliques),
    direction: "forward",
  });
  const strict = constraintsOf(
    cliques.map((q) => ({ ...q, spec: { ...q.spec, minAvailable: q.spec.replicas } })),
    groups,
  );
  const e = assertThrows(() => assertReplaceable("qwen-disagg", units, strict));
  assertStringIncludes(e.message, "clique qwen-disagg-0-prefill (2 replicas, minAvailable 2)");
});

Deno.test("canary: prefers pods whose node can take the replacement back (cordoned last)", () => {
  // the scenario's two prefill pods share a node: move one to another GPU node
  const prefillPods = pods.filter((p) => p.metadata.name.startsWith("qwen-disagg-0-prefill-"));
  const other = nodes.find((n) =>
    n.metadata.name.startsWith("gpu-") && n.metadata.name !== prefillPods[0].spec?.nodeName
  )!;
  const moved = pods.map((p) =>
    p === prefillPods[1] ? { ...p, spec: { ...p.spec!, nodeName: other.metadata.name } } : p
  );
  const input = (ns: Node[]) =>
    pendingUnits({
      pcs: "qwen-disagg",
      cliques,
      groups,
      pods: moved,
      nodes: ns,
      changed: ["prefill"],
      stableHashes: currentHashes(pods, cliques),
      direction: "forward",
    });
  const prefill = input(nodes);
  assertEquals(prefill.length, 2);
  assertEquals(prefill.every((u) => u.keepsPlacement), true);
  // cordon the node of the pod a canary of 1 would take first: the other pod is chosen
  const first = chooseCanary("qwen-disagg", prefill, 1, "prefill")[0];
  const cordoned = nodes.map((n) =>
    n.metadata.name === first.pods[0].node
      ? { ...n, spec: { ...n.spec, unschedulable: true } } as Node
      : n
  );
  const units = input(cordoned);
  const chosen = chooseCanary("qwen-disagg", units, 1, "prefill");
  assertEquals(chosen.length, 1);
  assertEquals(chosen[0].keepsPlacement, true);
  assertEquals(chosen[0].id !== first.id, true, `${chosen[0].id} runs on a cordoned node`);
  assertEquals(units.at(-1)?.id, first.id);
  assertEquals(units.at(-1)?.keepsPlacement, false);
});
