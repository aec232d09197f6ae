// Progressive rollouts and the tui Metrics view on a scaling group holding
// prefill and decode (issue 26 item 1): a unit's role is its clique's role,
// answering to the group's name too, so canary gates compare like with like.
import { assert, assertEquals } from "../../helpers/assert.ts";
import { loadScenario } from "../../../lib/sim/fixtures.ts";
import type { Pod, PodClique } from "../../../lib/grove/types.ts";
import { pendingUnits } from "../../../tasks/progressive/plan.ts";
import { podTargets } from "../../../tasks/metrics/targets.ts";
import { cliqueRoles, roleClass, scalingGroupRoles } from "../../../lib/grove/roles.ts";

Deno.test("roles: group members keep their role; one engine's leader and workers stay one role", () => {
  const m = (t: string, r = t) => ({ template: t, role: r });
  assertEquals(
    [...scalingGroupRoles("workers", [m("prefill"), m("decode")])],
    [["prefill", "prefill"], ["decode", "decode"]],
  );
  assertEquals(
    [...scalingGroupRoles("prefill", [m("pleader"), m("pworker")])],
    [["pleader", "prefill"], ["pworker", "prefill"]],
  );
  assertEquals(
    [...scalingGroupRoles("decode", [
      m("dleader", "decode-leader"),
      m("dworker", "decode-worker"),
    ])],
    [["dleader", "decode"], ["dworker", "decode"]],
  );
  // one group holding two engines: each pair named after its class
  assertEquals(
    [...scalingGroupRoles("model", [m("pleader"), m("pworker"), m("dleader"), m("dworker")])],
    [["pleader", "prefill"], ["pworker", "prefill"], ["dleader", "decode"], ["dworker", "decode"]],
  );
  // aggregated multi-node: leader + worker of one engine, named after the group
  assertEquals(
    [...scalingGroupRoles("workers", [m("leader"), m("worker")])],
    [["leader", "workers"], ["worker", "workers"]],
  );
  // two different single-pod engines of one class are not merged
  assertEquals(
    [...scalingGroupRoles("models", [m("qwen"), m("llama")])],
    [["qwen", "qwen"], ["llama", "llama"]],
  );
  assertEquals(roleClass("pworker"), "prefill");
});

Deno.test("progressive units and metrics targets on a group holding prefill and decode", async () => {
  const sc = await loadScenario("sg-prefill-decode", { shiftTimes: false });
  const pods = sc.objects.filter((o) => o.kind === "Pod") as Pod[];
  const cliques = sc.objects.filter((o) => o.kind === "PodClique") as PodClique[];
  const roles = cliqueRoles("pd-pair", cliques);
  assertEquals(roles.get("pd-pair-0-workers-1-decode"), {
    role: "decode",
    scalingGroup: "workers",
    groupWorker: false,
  });
  const units = pendingUnits({
    pcs: "pd-pair",
    cliques,
    groups: [],
    pods,
    nodes: [],
    changed: ["prefill", "decode"],
    stableHashes: {},
    direction: "back",
  });
  assert(units.length > 0);
  for (const u of units) {
    assert(u.role === "prefill" || u.role === "decode", u.role);
    assert(u.roleNames.includes("workers"), u.roleNames.join(","));
  }
  const targets = podTargets("pd-pair", pods, cliques);
  const byRole = Object.groupBy(targets, (t) => t.role);
  assertEquals(Object.keys(byRole).sort(), ["decode", "frontend", "prefill"]);
  assertEquals(byRole.prefill!.length, 3);
});
