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

Deno.test("Coherent: rollout status shows the strategy and in-flight gangs; pause is refused, nothing written", opts, async () => {
  const sim = await startSimCluster({ scenario: "coherent", shiftTimes: false });
  try {
    const kube = await connect({ kubeconfig: sim.kubeconfigPath, env: {} });
    const s = await rolloutStatus(kube, { name: "chat-coherent", namespace: "inference" });
    assertEquals([s.strategy, s.strategyKnown], ["Coherent", true]);
    assertEquals(s.inFlightPodGangs, ["chat-coherent-0-1764590400000000000"]);
    assert(s.phase !== "WaitingForDeletes" && s.phase !== "Complete", s.phase);
    const text = renderRolloutStatus(s, PLAIN, new Date(sim.scenario.meta.recordedAt));
    assertStringIncludes(text, "strategy Coherent");
    assertStringIncludes(text, "in-flight PodGangs (Coherent sub-step): chat-coherent-0-");
    const before = await kube.get<PodCliqueSet>(Resources.podcliquesets, "chat-coherent", "inference");
    const e = await assertRejects(
      () => pause(kube, { name: "chat-coherent", namespace: "inference" }),
      GroveError,
    );
    assertStringIncludes((e as Error).message, "Coherent update strategy, which cannot be paused");
    const after = await kube.get<PodCliqueSet>(Resources.podcliquesets, "chat-coherent", "inference");
    assertEquals(after.metadata.resourceVersion, before.metadata.resourceVersion);
    assertEquals(after.spec.updateStrategy?.type, "Coherent");
  } finally {
    await sim.stop();
  }
});
