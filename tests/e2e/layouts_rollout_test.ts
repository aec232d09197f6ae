// Update strategies and revisions on today's Grove API (issue 26 items 7 and
// 8), against the simulated cluster serving the layout fixtures: a set on the
// Coherent strategy mid-update, and a set whose operator writes its own
// ControllerRevisions and status.currentRevision.
import { assert, assertEquals, assertRejects, assertStringIncludes } from "../helpers/assert.ts";
import { assertGolden } from "../helpers/golden.ts";
import { startSimCluster } from "../../lib/sim/server.ts";
import { connect } from "../../lib/kube/connect.ts";
import { PLAIN } from "../../lib/render/style.ts";
import { Resources } from "../../lib/kube/resources.ts";
import { GroveError } from "../../lib/errors.ts";
import { rolloutStatus } from "../../tasks/rollout/status.ts";
import { renderRolloutStatus } from "../../tasks/rollout/status_render.ts";
import { pause } from "../../tasks/rollout/pause.ts";
import type { PodCliqueSet } from "../../lib/grove/types.ts";

const opts = { sanitizeResources: false, sanitizeOps: false };

Deno.test(
  "Coherent: rollout status shows the strategy and in-flight gangs; pause is refused, nothing written",
  opts,
  async () => {
    const sim = await startSimCluster({ scenario: "coherent", shiftTimes: false });
    try {
      const kube = await connect({ kubeconfig: sim.kubeconfigPath, env: {} });
      const s = await rolloutStatus(kube, { name: "chat-coherent", namespace: "inference" });
      assertEquals([s.strategy, s.strategyKnown], ["Coherent", true]);
      assertEquals(s.inFlightPodGangs, ["chat-coherent-0-1764590400000000000"]);
      assert(s.phase !== "WaitingForDeletes" && s.phase !== "Complete", s.phase);
      const text = renderRolloutStatus(s, PLAIN, new Date(sim.scenario.meta.recordedAt));
      assertStringIncludes(text.replace(/\s+/g, " "), "strategy Coherent");
      assertStringIncludes(text, "in-flight PodGangs (Coherent sub-step): chat-coherent-0-");
      const before = await kube.get<PodCliqueSet>(
        Resources.podcliquesets,
        "chat-coherent",
        "inference",
      );
      const e = await assertRejects(
        () => pause(kube, { name: "chat-coherent", namespace: "inference" }),
        GroveError,
      );
      assertStringIncludes(
        (e as Error).message,
        "Coherent update strategy, which cannot be paused",
      );
      const after = await kube.get<PodCliqueSet>(
        Resources.podcliquesets,
        "chat-coherent",
        "inference",
      );
      assertEquals(after.metadata.resourceVersion, before.metadata.resourceVersion);
      assertEquals(after.spec.updateStrategy?.type, "Coherent");
    } finally {
      await sim.stop();
    }
  },
);

Deno.test(
  "operator-written revisions: history and diff use them, undo and update record no second copy",
  opts,
  async () => {
    const { rolloutHistory, rolloutDiff } = await import("../../tasks/rollout/history.ts");
    const { renderHistory } = await import("../../tasks/rollout/history_render.ts");
    const { undo } = await import("../../tasks/rollout/undo.ts");
    const { updateImage } = await import("../../tasks/update/run.ts");
    const sim = await startSimCluster({ scenario: "operator-revisions", shiftTimes: false });
    try {
      const kube = await connect({ kubeconfig: sim.kubeconfigPath, env: {} });
      const ns = "inference";
      const h = await rolloutHistory(kube, { name: "rev-agg", namespace: ns });
      assertEquals(h.revisionsBy, "operator");
      assertEquals(h.entries.map((e) => [e.revision, e.current]), [[1, false], [2, false], [
        3,
        true,
      ]]);
      assertEquals(h.currentRevision, 3);
      assert(h.statusCurrentRevision?.startsWith("rev-agg-"));
      const text = renderHistory(h, PLAIN, new Date(sim.scenario.meta.recordedAt));
      assertStringIncludes(
        text.replace(/\s+/g, " "),
        "revisions written by the Grove operator (status.currentRevision rev-agg-",
      );
      assertStringIncludes(text, "grove-operator");
      await assertGolden("operator-revisions/rollout-history.table", text);
      const d = await rolloutDiff(kube, { name: "rev-agg", namespace: ns, revision: 1 });
      assertStringIncludes(JSON.stringify(d), "sglang-runtime:0.5.0");
      const count = async () =>
        (await kube.list(Resources.controllerrevisions, { namespace: ns })).items.length;
      assertEquals(await count(), 3);
      const u = await undo(kube, { name: "rev-agg", namespace: ns, toRevision: 2 });
      assertEquals(u.target, 2);
      assertEquals(u.revision, undefined, "no revision of ours");
      const pcs = await kube.get<PodCliqueSet>(Resources.podcliquesets, "rev-agg", ns);
      assertStringIncludes(JSON.stringify(pcs.spec.template), "sglang-runtime:0.5.1");
      assertEquals(await count(), 3, "undo wrote no ControllerRevision");
      await updateImage(kube, {
        name: "rev-agg",
        namespace: ns,
        image: "nvcr.io/nvidia/ai-dynamo/sglang-runtime:0.7.0",
      });
      assertEquals(await count(), 3, "update wrote no ControllerRevision");
    } finally {
      await sim.stop();
    }
  },
);

Deno.test(
  "clusters without operator revisions keep ours: update records a kubectl-grove revision",
  opts,
  async () => {
    const { updateImage } = await import("../../tasks/update/run.ts");
    const { rolloutHistory } = await import("../../tasks/rollout/history.ts");
    const sim = await startSimCluster({ scenario: "sg-prefill-decode", shiftTimes: false });
    try {
      const kube = await connect({ kubeconfig: sim.kubeconfigPath, env: {} });
      const r = await updateImage(kube, {
        name: "pd-pair",
        namespace: "inference",
        image: "nvcr.io/nvidia/ai-dynamo/vllm-runtime:0.7.0",
        role: "decode",
      });
      assert(typeof r.revision === "number" && r.revision > 0, JSON.stringify(r));
      const h = await rolloutHistory(kube, { name: "pd-pair", namespace: "inference" });
      assertEquals(h.revisionsBy, "kubectl-grove");
    } finally {
      await sim.stop();
    }
  },
);

// Golden outputs of metrics, rollout status and rollout history on every layout fixture.
const LAYOUTS: [string, string, string][] = [
  ["sg-prefill-decode", "pd-pair", "inference"],
  ["mn-disagg", "mn-disagg", "default"],
  ["dra", "dra-agg", "inference"],
  ["coherent", "chat-coherent", "inference"],
  ["operator-revisions", "rev-agg", "inference"],
];
for (const [scenario, name, ns] of LAYOUTS) {
  Deno.test(
    `layout goldens: ${scenario} metrics, rollout status, rollout history`,
    opts,
    async () => {
      const { collectMetrics } = await import("../../tasks/metrics/collect.ts");
      const { buildMetricsReport } = await import("../../tasks/metrics/report.ts");
      const { renderMetrics } = await import("../../tasks/metrics/render.ts");
      const { rolloutHistory } = await import("../../tasks/rollout/history.ts");
      const { renderHistory } = await import("../../tasks/rollout/history_render.ts");
      const sim = await startSimCluster({ scenario, shiftTimes: false });
      try {
        const kube = await connect({ kubeconfig: sim.kubeconfigPath, env: {} });
        const at = new Date(sim.scenario.meta.recordedAt);
        let t = at.getTime() - 30_000;
        const c = await collectMetrics(kube, {
          pcs: name,
          namespace: ns,
          windowMs: 30_000,
          clock: () => t,
          sleep: (ms: number) => {
            t += ms;
            return Promise.resolve();
          },
        });
        const m = buildMetricsReport(c, { now: at });
        assertEquals(m.pods.length, c.targets.length, "every pod of the set is counted");
        await assertGolden(`${scenario}/metrics.table`, renderMetrics(m, { style: PLAIN }));
        const s = await rolloutStatus(kube, { name, namespace: ns, now: () => at });
        await assertGolden(`${scenario}/rollout-status.table`, renderRolloutStatus(s, PLAIN, at));
        const h = await rolloutHistory(kube, { name, namespace: ns });
        await assertGolden(`${scenario}/rollout-history.table`, renderHistory(h, PLAIN, at));
      } finally {
        await sim.stop();
      }
    },
  );
}
