// Update strategies (issue 26 item 7): Coherent read and shown (fields
// optional), an unknown strategy shown as unknown (never as RollingRecreate),
// pause refused where switching to OnDelete is not safe, scale refused during
// a Coherent update.
import { assert, assertEquals } from "../../helpers/assert.ts";
import { loadScenario } from "../../../lib/sim/fixtures.ts";
import { PLAIN } from "../../../lib/render/style.ts";
import type { KubeObject } from "../../../lib/kube/types.ts";
import type { PodCliqueSet } from "../../../lib/grove/types.ts";
import { pauseRefusal, strategyInfo } from "../../../lib/grove/strategy.ts";
import { pausedPcs, resumedPcs } from "../../../lib/revisions/pause.ts";
import { buildStatusReport, selectStatusObjects } from "../../../tasks/status/report.ts";
import { renderStatus } from "../../../tasks/status/render.ts";
import { planScale } from "../../../tasks/scale/plan.ts";

const pcs = (type?: string, extra: Record<string, unknown> = {}): PodCliqueSet =>
  ({
    metadata: { name: "x", namespace: "n" },
    spec: {
      ...(type ? { updateStrategy: { type } } : {}),
      template: { cliques: [{ name: "w", spec: { roleName: "w", replicas: 1 } }], ...extra },
    },
  }) as unknown as PodCliqueSet;

Deno.test("strategy: known, unknown, defaults and per-component maxUnavailable", () => {
  assertEquals(strategyInfo(pcs()).type, "RollingRecreate");
  assertEquals(strategyInfo(pcs()).explicit, false);
  assertEquals(strategyInfo(pcs("Coherent")).known, true);
  const odd = strategyInfo(pcs("ReplicaRecreate"));
  assertEquals([odd.type, odd.known], ["ReplicaRecreate", false]);
  const mu = strategyInfo(
    pcs("Coherent", {
      cliques: [{
        name: "p",
        spec: { roleName: "p", replicas: 2 },
        rollingUpdate: { maxUnavailable: 1 },
      }],
      podCliqueScalingGroups: [{
        name: "d",
        cliqueNames: [],
        rollingUpdate: { maxUnavailable: 2 },
      }],
    }),
  ).maxUnavailable;
  assertEquals(mu, [
    { component: "p", kind: "clique", value: 1 },
    { component: "d", kind: "scalingGroup", value: 2 },
  ]);
  // every field optional: no rollingUpdate at all
  assertEquals(strategyInfo(pcs("Coherent")).maxUnavailable, []);
});

Deno.test("pause: refused for Coherent and unknown strategies; resume restores exactly what was paused", () => {
  assert(pauseRefusal(pcs("Coherent"))!.includes("cannot be paused"));
  assert(pauseRefusal(pcs("ReplicaRecreate"))!.includes("does not know"));
  assertEquals(pauseRefusal(pcs("RollingRecreate")), undefined);
  assertEquals(pauseRefusal(pcs()), undefined);
  // a set paused by an older kubectl-grove while on OnDelete or RollingRecreate resumes to it
  for (const t of ["RollingRecreate", "OnDelete"]) {
    const p = pausedPcs(pcs(t), new Date(0))!;
    assertEquals(resumedPcs(p)!.spec.updateStrategy?.type, t);
  }
  // resume never turns a remembered Coherent into RollingRecreate
  const p = pausedPcs(pcs("Coherent"), new Date(0))!;
  assertEquals(resumedPcs(p)!.spec.updateStrategy?.type, "Coherent");
});

Deno.test("status: Coherent mid-update shows scope, in-flight gangs and maxUnavailable; unknown strategy says so", async () => {
  const sc = await loadScenario("coherent", { shiftTimes: false });
  const now = new Date(sc.meta.recordedAt);
  const r = buildStatusReport(
    selectStatusObjects(sc.objects, {
      namespace: "inference",
      name: "chat-coherent",
      all: false,
      allNamespaces: false,
    }),
    { now },
  );
  const u = r.podCliqueSets[0].update;
  assertEquals([u.strategy, u.strategyKnown, u.inProgress], ["Coherent", true, true]);
  assertEquals(u.inScope, ["prefill", "decode"]);
  assertEquals(u.inFlightPodGangs, ["chat-coherent-0-1764590400000000000"]);
  const text = renderStatus(r, { style: PLAIN });
  assert(text.includes("IN PROGRESS for 20m (Coherent)"), text);
  assert(!text.includes("RollingRecreate"), text);
  const odd = sc.objects.map((o) =>
    o.kind === "PodCliqueSet"
      ? { ...o, spec: { ...(o as PodCliqueSet).spec, updateStrategy: { type: "ReplicaRecreate" } } }
      : o
  ) as KubeObject[];
  const r2 = buildStatusReport(
    selectStatusObjects(odd, {
      namespace: "inference",
      name: "chat-coherent",
      all: false,
      allNamespaces: false,
    }),
    { now },
  );
  assertEquals(r2.podCliqueSets[0].update.strategyKnown, false);
  assert(renderStatus(r2, { style: PLAIN }).includes("(ReplicaRecreate, an unknown strategy)"));
});

Deno.test("scale: refused while a Coherent update is in flight", async () => {
  const sc = await loadScenario("coherent", { shiftTimes: false });
  // deno-lint-ignore no-explicit-any
  const of = (kind: string) => sc.objects.filter((o) => o.kind === kind) as any[];
  const part = (o: KubeObject) =>
    o.metadata.labels?.["app.kubernetes.io/part-of"] === "chat-coherent";
  const p = planScale({
    pcs: of("PodCliqueSet")[0],
    cliques: of("PodClique").filter(part),
    groups: of("PodCliqueScalingGroup").filter(part),
    gangs: of("PodGang").filter(part),
    pods: of("Pod").filter(part),
    nodes: of("Node"),
    allPods: of("Pod"),
    bindings: of("ClusterTopologyBinding"),
  }, { roles: [{ role: "prefill", replicas: 3 }] });
  assert(
    p.refusals.some((x) => x.startsWith("a Coherent update of chat-coherent is in flight")),
    p.refusals.join("\n"),
  );
});
