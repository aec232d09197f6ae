import {
  assert,
  assertEquals,
  assertMatch,
  assertStringIncludes,
  assertThrows,
} from "../../helpers/assert.ts";
import { GroveError, UsageError } from "../../../lib/errors.ts";
import type { Pod, PodClique } from "../../../lib/grove/types.ts";
import { planChange } from "../../../lib/change/plan.ts";
import { applyImageChange } from "../../../tasks/update/plan.ts";
import { checkPlacement } from "../../../lib/change/placement.ts";
import { planRestart } from "../../../tasks/restart/plan.ts";
import { parseManifest } from "../../../tasks/apply/parse.ts";
import { mergeForApply } from "../../../tasks/apply/run.ts";
import { previousRevision } from "../../../tasks/rollout/undo.ts";
import { buildRolloutStatus } from "../../../tasks/rollout/status_report.ts";
import { buildRevision, readRevision } from "../../../lib/revisions/revision.ts";
import { pausedPcs } from "../../../lib/revisions/pause.ts";
import { samplePcs } from "./fixtures.ts";

const now = new Date("2026-01-01T00:10:00Z");

function pod(
  name: string,
  clique: string,
  hash: string,
  ready: boolean,
  extra: Partial<Pod["status"]> = {},
): Pod {
  return {
    metadata: {
      name,
      uid: `uid-${name}`,
      creationTimestamp: "2026-01-01T00:00:00Z",
      labels: {
        "grove.io/podclique": clique,
        "grove.io/pod-template-hash": hash,
        "app.kubernetes.io/part-of": "demo",
      },
    },
    spec: { containers: [{ name: "vllm" }], nodeName: "n1" },
    status: {
      conditions: [{
        type: "Ready",
        status: ready ? "True" : "False",
        lastTransitionTime: "2026-01-01T00:01:00Z",
      }],
      ...extra,
    },
  };
}

function clique(
  name: string,
  role: string,
  replicas: number,
  min: number,
  hash: string,
): PodClique {
  return {
    metadata: {
      name,
      labels: { "app.kubernetes.io/part-of": "demo", "grove.io/pod-template-hash": hash },
    },
    spec: { roleName: role, replicas, minAvailable: min, podSpec: { containers: [] } },
    status: {
      readyReplicas: 0,
      updatedReplicas: 0,
      scheduleGatedReplicas: 0,
      scheduledReplicas: 0,
      currentPodTemplateHash: hash,
    },
  };
}

Deno.test("image change: repository match picks the container; ambiguity and unknowns are usage errors", () => {
  const pcs = samplePcs();
  const { next, targets } = applyImageChange(pcs, { image: "vllm/vllm-openai:v0.11.0" });
  assertEquals(targets.map((t) => `${t.role}/${t.container}`), ["worker/vllm"]);
  assertEquals(
    next.spec.template.cliques[0].spec.podSpec.containers[0].image,
    "dynamo/frontend:1.0",
  );
  assertEquals(
    pcs.spec.template.cliques[1].spec.podSpec.containers[0].image,
    "vllm/vllm-openai:v0.10.0",
    "input untouched",
  );
  const e = assertThrows(
    () => applyImageChange(pcs, { image: "other:1", role: "worker" }),
    UsageError,
  );
  assertMatch(e.message, /has 2 containers \(vllm, sidecar\)/);
  assertEquals(e.hint, "name the container with --container");
  assertEquals(
    applyImageChange(pcs, { image: "busybox:1.37", role: "worker", container: "sidecar" })
      .targets[0].from,
    "busybox:1.36",
  );
  assertStringIncludes(
    assertThrows(() => applyImageChange(pcs, { image: "x:1", container: "nope" }), UsageError)
      .message,
    'no clique of podcliqueset "demo" has a container "nope"',
  );
});

Deno.test("preview: affected pods, no-op, OnDelete duration", () => {
  const pcs = samplePcs();
  const same = planChange(pcs, structuredClone(pcs), { pods: [] });
  assert(same.noChange);
  const { next } = applyImageChange(pcs, { image: "vllm/vllm-openai:v0.11.0" });
  const p = planChange(pcs, next, { pods: [] });
  assertEquals(p.affected.map((a) => [a.role, a.pods, a.recreated]), [["worker", 3, 3]]);
  assertEquals(p.estimatedDurationMs, 3 * 60_000);
  const paused = planChange(pcs, pausedPcs(next, now)!, { pods: [] });
  assertEquals(
    [paused.strategy, paused.paused, paused.totalRecreated, paused.estimatedDurationMs],
    ["OnDelete", true, 0, 0],
  );
});

Deno.test("preview: live pods count over the template (a /scale'd clique), duration per live pod", () => {
  const pcs = samplePcs();
  const { next } = applyImageChange(pcs, { image: "vllm/vllm-openai:v0.11.0" });
  // The live worker clique was scaled to 5 through its /scale; the template still says 3.
  const live = ["a", "b", "c", "d", "e"].map((n) => pod(n, "demo-0-worker", "old", true));
  const p = planChange(pcs, next, { pods: live });
  assertEquals(p.affected.map((a) => [a.role, a.cliques, a.pods]), [["worker", 1, 5]]);
  const perPod = p.affected[0].startupMs ?? 60_000;
  assertEquals(
    p.estimatedDurationMs,
    5 * perPod,
    "one step per live pod, not per template replica",
  );
});

Deno.test("placement: constraints kept with --preserve-placement, GPU changes warned", () => {
  const a = samplePcs();
  const b = structuredClone(a);
  delete b.spec.template.cliques[1].topologyConstraint;
  b.spec.template.cliques[1].spec.podSpec.containers[0].resources = {
    limits: { "nvidia.com/gpu": "2" },
  };
  const warn = checkPlacement(a, structuredClone(b), false);
  assertMatch(warn[0], /topology constraint of clique worker changes/);
  assertMatch(
    warn[1],
    /role worker: GPUs per pod 1 -> 2; the new pods may not fit the nodes they use now/,
  );
  const kept = structuredClone(b);
  const w2 = checkPlacement(a, kept, true);
  assertEquals(kept.spec.template.cliques[1].topologyConstraint, { pack: { required: "rack" } });
  assertMatch(w2[0], /kept the topology constraint of clique worker/);
  assertMatch(w2[1], /"rack" domains .*placement cannot be kept as is/);
  // The same constraints with keys in another order (a manifest written by
  // hand or by kubectl) are no change.
  const reordered = structuredClone(a);
  reordered.spec.template.topologyConstraint = { pack: { preferred: "host", required: "rack" } };
  const withSet = structuredClone(a);
  withSet.spec.template.topologyConstraint = { pack: { required: "rack", preferred: "host" } };
  assertEquals(checkPlacement(withSet, reordered, false), []);
});

Deno.test("restart plan: never below minAvailable, not-ready pods first, refusal names the clique", () => {
  const cliques = [
    clique("demo-0-worker", "worker", 3, 2, "h"),
    clique("demo-0-frontend", "frontend", 2, 2, "h"),
  ];
  const pods = [
    pod("w1", "demo-0-worker", "h", true),
    pod("w2", "demo-0-worker", "h", true),
    pod("w3", "demo-0-worker", "h", false),
    pod("f1", "demo-0-frontend", "h", true),
    pod("f2", "demo-0-frontend", "h", true),
  ];
  const p = planRestart({
    name: "demo",
    namespace: "ns",
    cliques,
    pods,
    role: "worker",
    batchSize: 3,
    force: false,
  });
  assertEquals(p.batches.map((b) => b.map((x) => x.name)), [["w3"], ["w1"], ["w2"]]);
  const e = assertThrows(
    () => planRestart({ name: "demo", namespace: "ns", cliques, pods, batchSize: 1, force: false }),
    GroveError,
  );
  assertMatch(
    e.message,
    /cannot restart demo-0-frontend \(2 ready, minAvailable 2\) without going below minAvailable/,
  );
  const f = planRestart({
    name: "demo",
    namespace: "ns",
    cliques,
    pods,
    batchSize: 1,
    force: true,
  });
  assertEquals([f.batches.length, f.total], [1, 5]);
  // --force says what it does: every pod at once, and which cliques go below minAvailable
  assertMatch(
    f.warnings[0],
    /^--force deletes all 5 pods at once: nothing serves until they are back; /,
  );
  assertMatch(f.warnings[0], /demo-0-worker, demo-0-frontend go below minAvailable/);
});

Deno.test("manifest parsing: file and line in every error", () => {
  const ok =
    "---\napiVersion: grove.io/v1alpha1\nkind: PodCliqueSet\nmetadata:\n  name: a\nspec:\n  template:\n    cliques: []\n";
  assertEquals(parseManifest(ok, "f.yaml").map((d) => [d.pcs.metadata.name, d.line]), [["a", 2]]);
  assertStringIncludes(
    assertThrows(() => parseManifest("a: [\n", "f.yaml"), GroveError).message,
    "f.yaml:2:1: not valid YAML",
  );
  assertStringIncludes(
    assertThrows(
      () =>
        parseManifest(ok + "---\napiVersion: v1\nkind: ConfigMap\nmetadata: {name: c}\n", "f.yaml"),
      GroveError,
    ).message,
    "f.yaml:10: document 2 is a ConfigMap (v1), not a PodCliqueSet",
  );
  assertStringIncludes(
    assertThrows(
      () =>
        parseManifest(
          "apiVersion: grove.io/v1alpha1\nkind: PodCliqueSet\nmetadata: {}\n",
          "g.yaml",
        ),
      GroveError,
    ).message,
    "g.yaml:1: the PodCliqueSet has no metadata.name",
  );
  assertStringIncludes(
    assertThrows(() => parseManifest("", "e.yaml"), GroveError).message,
    "e.yaml: no PodCliqueSet in the file",
  );
});

Deno.test("apply merge keeps the tool's pause and annotations", () => {
  const live = pausedPcs(samplePcs(), now)!;
  live.metadata.annotations!["team"] = "a";
  const desired = samplePcs("v2");
  desired.metadata.annotations = { owner: "b" };
  const m = mergeForApply(live, desired);
  assertEquals(m.spec.updateStrategy?.type, "OnDelete");
  assertEquals(
    m.metadata.annotations?.["kubectl-grove.io/paused-from-strategy"],
    "RollingRecreate",
  );
  assertEquals([m.metadata.annotations?.team, m.metadata.annotations?.owner], ["a", "b"]);
  assertEquals(m.spec.template.cliques[1].spec.podSpec.containers[0].image, "v2");
});

Deno.test("undo target: the newest revision whose template is not live", () => {
  const revs = ["a", "b", "c"].map((img, i) => {
    const p = samplePcs(img);
    return readRevision(buildRevision(p, p.spec.template, i + 1, { now }));
  });
  assertEquals(previousRevision(revs, 3)?.revision, 2);
  assertEquals(previousRevision(revs, 2)?.revision, 1);
  assertEquals(previousRevision(revs, null)?.revision, 3);
  assertEquals(previousRevision(revs.slice(0, 1), 1), undefined);
});

Deno.test("status phases: failed, paused, waiting for deletes, stalled, estimate", () => {
  const base = samplePcs();
  base.metadata.generation = 2;
  base.status = {
    observedGeneration: 2,
    updatedReplicas: 0,
    availableReplicas: 1,
    updateProgress: { updateStartedAt: "2026-01-01T00:00:00Z" },
  };
  const q = clique("demo-0-worker", "worker", 3, 2, "new");
  q.status!.updateProgress = { podCliqueSetGenerationHash: "g", podTemplateHash: "new" };
  const pods = [
    pod("a", "demo-0-worker", "new", true),
    pod("b", "demo-0-worker", "old", true),
    pod("c", "demo-0-worker", "old", true),
  ];
  const input = { pcs: base, cliques: [q], pods, gangs: [], events: [], revisions: [], now };
  const r = buildRolloutStatus(input);
  assertEquals([r.phase, r.totals.updatedReady, r.totals.old], ["Progressing", 1, 2]);
  assertEquals(r.estimate.remainingMs, 20 * 60_000, "1 pod in 10 minutes: 2 left take 20");
  // Pods of a role the change left alone (on their hash since before the
  // update started) are not part of the pace.
  const fq = clique("demo-0-frontend", "frontend", 2, 2, "f");
  const untouched = ["f1", "f2"].map((n) => {
    const p = pod(n, "demo-0-frontend", "f", true);
    p.metadata.creationTimestamp = "2025-12-30T00:00:00Z";
    return p;
  });
  const mixed = buildRolloutStatus({
    ...input,
    cliques: [fq, q],
    pods: [...untouched, ...pods],
  });
  assertEquals([mixed.totals.updatedReady, mixed.totals.desired], [3, 5]);
  assertEquals(mixed.estimate, { podsPerMinute: 0.1, remainingMs: 20 * 60_000 });
  const none = buildRolloutStatus({ ...input, pods: [...untouched, ...pods.slice(1)] });
  assertEquals(none.estimate, {}, "no pod replaced yet: no pace, no estimate");
  const failing = buildRolloutStatus({
    ...input,
    pods: [
      ...pods.slice(1),
      pod("a", "demo-0-worker", "new", false, {
        containerStatuses: [{
          name: "vllm",
          ready: false,
          restartCount: 3,
          state: { waiting: { reason: "CrashLoopBackOff" } },
        }],
      }),
    ],
  });
  assertEquals(failing.phase, "Failed");
  assertMatch(failing.message, /a: CrashLoopBackOff/);
  const paused = buildRolloutStatus({ ...input, pcs: pausedPcs(base, now)! });
  assertEquals([paused.phase, paused.paused], ["Paused", true]);
  const onDelete = structuredClone(base);
  onDelete.spec.updateStrategy = { type: "OnDelete" };
  assertEquals(buildRolloutStatus({ ...input, pcs: onDelete }).phase, "WaitingForDeletes");
  const stalled = buildRolloutStatus({
    ...input,
    lastProgressAt: new Date(now.getTime() - 11 * 60_000),
  });
  assertEquals(stalled.phase, "Stalled");
  const unobserved = structuredClone(base);
  unobserved.metadata.generation = 3;
  assertMatch(
    buildRolloutStatus({ ...input, pcs: unobserved }).message,
    /waiting for the operator to observe generation 3/,
  );
  const progressive = structuredClone(base);
  progressive.metadata.annotations = {
    "kubectl-grove.io/rollout-state": '{"kind":"canary","step":1}',
  };
  assertEquals(buildRolloutStatus({ ...input, pcs: progressive }).progressive, {
    kind: "canary",
    step: 1,
  });
});
