// The update preview (issue 25 items 4 and 8): the order roles are replaced in, serving
// capacity during the transition, warnings before it hurts, and what needs --force.
import { assert, assertEquals, assertMatch } from "../../helpers/assert.ts";
import type { PodClique, PodCliqueSet } from "../../../lib/grove/types.ts";
import { orderText, planChange, updateOrder } from "../../../lib/change/plan.ts";
import { renderUpdatePlan } from "../../../lib/change/render.ts";
import { PLAIN } from "../../../lib/render/style.ts";

const IMG = "vllm/vllm-openai:v0.10.0";

/** A disaggregated set: decode (a scaling group) written before prefill, but starting after it. */
function disagg(image = IMG, prefillReplicas = 2): PodCliqueSet {
  const engine = (name: string, role: string, replicas: number, extra = {}) => ({
    name,
    spec: {
      roleName: role,
      replicas,
      minAvailable: 1,
      podSpec: { containers: [{ name: "vllm", image }] },
      ...extra,
    },
  });
  return {
    apiVersion: "grove.io/v1alpha1",
    kind: "PodCliqueSet",
    metadata: { name: "llm", namespace: "prod" },
    spec: {
      replicas: 1,
      template: {
        cliques: [
          engine("dleader", "decode-leader", 1, { startsAfter: ["prefill"] }),
          engine("dworker", "decode-worker", 1, { startsAfter: ["prefill"] }),
          engine("prefill", "prefill", prefillReplicas),
        ],
        podCliqueScalingGroups: [{
          name: "decode",
          cliqueNames: ["dleader", "dworker"],
          replicas: 2,
          minAvailable: 1,
        }],
      },
    },
  };
}

Deno.test("update preview: prefill first, then decode, from startsAfter over template order", () => {
  const plan = planChange(disagg(), disagg("vllm/vllm-openai:v0.11.0"), { pods: [] });
  assertEquals(plan.order, ["prefill", "decode"]);
  assertEquals(orderText(plan.order), "prefill first, then decode");
  assertEquals(plan.transition, [
    "prefill: 1 of 2 pods serve while one is recreated (50% capacity)",
    "decode: 1 of 2 workers serve while one is recreated (50% capacity)",
  ]);
  assertEquals(plan.needsForce, []);
  const text = renderUpdatePlan(plan, PLAIN);
  assertMatch(text, /^Strategy: RollingRecreate; order: prefill first, then decode$/m);
  assertMatch(text, /^ {2}- prefill: 1 of 2 pods serve while one is recreated \(50% capacity\)$/m);
  assert(text.split("\n").every((l) => l.length <= 80), text);
});

Deno.test("update preview: without startsAfter, template order decides", () => {
  const t = disagg().spec!.template;
  for (const c of t.cliques) delete c.spec.startsAfter;
  assertEquals(updateOrder(t, new Set(["dleader", "prefill"])), ["decode", "prefill"]);
  assertEquals(updateOrder(t, new Set(["prefill"])), ["prefill"]);
});

Deno.test("update preview: a clique of 1 pod with minAvailable 1 needs --force; OnDelete does not", () => {
  const plan = planChange(disagg(IMG, 1), disagg("vllm/vllm-openai:v0.11.0", 1), { pods: [] });
  assertEquals(plan.needsForce.length, 1);
  assertMatch(plan.needsForce[0], /^clique prefill has 1 replica and minAvailable 1: /);
  assertMatch(renderUpdatePlan(plan, PLAIN), /warning: clique prefill has 1 replica/);
  const onDelete = disagg("vllm/vllm-openai:v0.11.0", 1);
  onDelete.spec!.updateStrategy = { type: "OnDelete" } as never;
  const od = planChange(disagg(IMG, 1), onDelete, { pods: [] });
  assertEquals(od.needsForce, []);
  assertEquals(od.order, []);
});

Deno.test("update preview: warns of an update in flight and of a clique already breached", () => {
  const before = disagg();
  before.status = { updateProgress: { updateStartedAt: "2026-01-01T00:00:00Z" } } as never;
  const breached: PodClique = {
    apiVersion: "grove.io/v1alpha1",
    kind: "PodClique",
    metadata: { name: "llm-0-prefill", namespace: "prod" },
    spec: { roleName: "prefill", replicas: 2, podSpec: { containers: [] } },
    status: {
      readyReplicas: 1,
      updatedReplicas: 2,
      scheduleGatedReplicas: 0,
      scheduledReplicas: 2,
      conditions: [{
        type: "MinAvailableBreached",
        status: "True",
        lastTransitionTime: "2026-01-01T00:05:00Z",
        reason: "InsufficientReadyPods",
        message: "1 ready, minAvailable 2",
      }],
    },
  };
  const plan = planChange(before, disagg("vllm/vllm-openai:v0.11.0"), {
    pods: [],
    cliques: [breached],
  });
  assert(
    plan.warnings.some((w) => w.startsWith("an update is already in flight")),
    plan.warnings.join("\n"),
  );
  assert(
    plan.warnings.some((w) =>
      w.startsWith("podclique llm-0-prefill is already below minAvailable")
    ),
    plan.warnings.join("\n"),
  );
});
