// Golden outputs of the pure rollout reports over the `rollout` scenario
// (mid-rollout, revisions 1 and 2 recorded), with `now` pinned to recordedAt.
import { assertEquals } from "../../helpers/assert.ts";
import { assertGolden } from "../../helpers/golden.ts";
import { loadScenario } from "../../../lib/sim/fixtures.ts";
import { PLAIN } from "../../../lib/render/style.ts";
import { toJson } from "../../../lib/render/output.ts";
import { readRevision } from "../../../lib/revisions/revision.ts";
import type { ControllerRevision } from "../../../lib/revisions/revision.ts";
import type { Event, Pod, PodClique, PodCliqueSet } from "../../../lib/grove/types.ts";
import { buildRolloutStatus } from "../../../tasks/rollout/status_report.ts";
import { renderProgressLine, renderRolloutStatus } from "../../../tasks/rollout/status_render.ts";
import { buildHistoryReport } from "../../../tasks/rollout/history.ts";
import { renderHistory } from "../../../tasks/rollout/history_render.ts";
import { planChange } from "../../../lib/change/plan.ts";
import { applyImageChange } from "../../../tasks/update/plan.ts";
import { renderUpdatePlan } from "../../../lib/change/render.ts";

async function scenario() {
  const s = await loadScenario("rollout", { shiftTimes: false });
  const of = <T>(kind: string) => s.objects.filter((o) => o.kind === kind) as T[];
  const pcs = of<PodCliqueSet>("PodCliqueSet").find((p) => p.metadata.name === "chat-disagg")!;
  const part = (o: { metadata: { labels?: Record<string, string> } }) =>
    o.metadata.labels?.["app.kubernetes.io/part-of"] === "chat-disagg";
  return {
    now: new Date(s.meta.recordedAt),
    pcs,
    cliques: of<PodClique>("PodClique").filter(part),
    pods: of<Pod>("Pod").filter(part),
    gangs: of<PodClique>("PodGang").filter(part),
    events: of<Event>("Event"),
    revisions: of<ControllerRevision>("ControllerRevision").map(readRevision),
  };
}

Deno.test("golden: rollout status of the mid-rollout scenario", async () => {
  const s = await scenario();
  const r = buildRolloutStatus(s);
  assertEquals(r.phase, "Progressing");
  assertEquals(r.revision, { from: 1, to: 2 });
  assertEquals(r.roles.map((x) => [x.role, x.updatedReady, x.desired, x.old]), [
    ["frontend", 2, 2, 0],
    ["prefill", 1, 3, 1],
    ["decode-leader", 0, 1, 1],
    ["decode-worker", 0, 1, 1],
  ]);
  assertEquals(renderProgressLine(r).startsWith("Progressing: frontend 2/2, prefill 1/3"), true);
  await assertGolden("rollout/rollout-status.table", renderRolloutStatus(r, PLAIN, s.now));
  await assertGolden("rollout/rollout-status.json", toJson(r));
});

Deno.test("golden: rollout history of the scenario", async () => {
  const s = await scenario();
  const h = buildHistoryReport(s.pcs, s.revisions);
  assertEquals(h.currentRevision, 2);
  assertEquals(h.liveUnrecorded, false);
  await assertGolden("rollout/rollout-history.table", renderHistory(h, PLAIN, s.now));
  await assertGolden("rollout/rollout-history.wide", renderHistory(h, PLAIN, s.now, true));
  await assertGolden("rollout/rollout-history.json", toJson(h));
});

Deno.test("golden: update preview on the scenario", async () => {
  const s = await scenario();
  const { next, targets } = applyImageChange(s.pcs, {
    image: "nvcr.io/nvidia/ai-dynamo/vllm-runtime:0.6.2",
    role: "prefill",
  });
  const plan = planChange(s.pcs, next, { pods: s.pods, targets });
  assertEquals(plan.totalRecreated, 3);
  await assertGolden("rollout/rollout-update-plan.table", renderUpdatePlan(plan, PLAIN));
});
