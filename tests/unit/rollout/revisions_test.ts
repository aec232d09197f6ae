import { assert, assertEquals, assertMatch } from "../../helpers/assert.ts";
import {
  buildRevision,
  fieldChanges,
  isPaused,
  pausedPcs,
  planRecording,
  readRevision,
  resumedPcs,
  revisionName,
  stableHash,
  summaryChanges,
  templateHash,
  yamlDiff,
} from "../../../lib/revisions/mod.ts";
import { samplePcs } from "./fixtures.ts";

const now = new Date("2026-01-02T03:04:05Z");

Deno.test("template hash ignores key order and is name-safe", () => {
  assertEquals(
    stableHash({ a: 1, b: [1, { c: 2, d: 3 }] }),
    stableHash({ b: [1, { d: 3, c: 2 }], a: 1 }),
  );
  assert(stableHash({ a: 1 }) !== stableHash({ a: 2 }));
  assertMatch(stableHash({ x: "y" }), /^[bcdfghjklmnpqrstvwxz2456789]{10}$/);
});

Deno.test("a revision carries labels, owner, cause and round-trips through readRevision", () => {
  const pcs = samplePcs();
  const cr = buildRevision(pcs, pcs.spec.template, 3, {
    now,
    changeCause: "bump vllm",
    createdBy: "alice@prod",
    placementScore: 0.875,
  });
  assertEquals(cr.metadata.name, revisionName("demo", templateHash(pcs.spec.template)));
  assertEquals(cr.metadata.labels, {
    "app.kubernetes.io/managed-by": "kubectl-grove",
    "grove.io/podcliqueset": "demo",
  });
  assertEquals(cr.metadata.ownerReferences?.[0].uid, "uid-demo");
  const info = readRevision(cr);
  assertEquals(info.revision, 3);
  assertEquals(info.changeCause, "bump vllm");
  assertEquals(info.createdBy, "alice@prod");
  assertEquals(info.recordedAt, "2026-01-02T03:04:05Z");
  assertEquals(info.placementScore, 0.875);
  assertEquals(info.unrecorded, false);
});

Deno.test("recording records an unrecorded live template first, then the new one", () => {
  const before = samplePcs();
  const after = samplePcs("vllm/vllm-openai:v0.11.0");
  const plan = planRecording([], {
    pcs: before,
    before: before.spec.template,
    after: after.spec.template,
    limit: 10,
    meta: { now, changeCause: "upgrade" },
  });
  assertEquals(plan.map((a) => a.op), ["create", "create"]);
  const [a, b] = plan.map((x) => x.op === "delete" ? undefined : readRevision(x.object));
  assertEquals([a!.revision, a!.unrecorded], [1, true]);
  assertEquals([b!.revision, b!.changeCause], [2, "upgrade"]);
});

Deno.test("undo to a recorded template renumbers it as the newest, keeping its old number", () => {
  const v1 = samplePcs();
  const v2 = samplePcs("v2");
  const r1 = buildRevision(v1, v1.spec.template, 1, { now });
  const r2 = buildRevision(v2, v2.spec.template, 2, { now });
  const plan = planRecording([r1, r2], {
    pcs: v2,
    before: v2.spec.template,
    after: v1.spec.template,
    limit: 10,
    meta: { now, changeCause: "rollback" },
  });
  assertEquals(plan.length, 1);
  assertEquals(plan[0].op, "replace");
  const info = plan[0].op === "replace" ? readRevision(plan[0].object) : undefined;
  assertEquals(info?.revision, 3);
  assertEquals(info?.previousNumbers, [1]);
  assertEquals(info?.changeCause, "rollback");
});

Deno.test("history is trimmed to the limit, oldest first", () => {
  const revs = [1, 2, 3].map((n) => {
    const p = samplePcs(`img:${n}`);
    const cr = buildRevision(p, p.spec.template, n, { now });
    cr.metadata.resourceVersion = String(10 + n);
    return cr;
  });
  const cur = samplePcs("img:3");
  const next = samplePcs("img:4");
  const plan = planRecording(revs, {
    pcs: cur,
    before: cur.spec.template,
    after: next.spec.template,
    limit: 2,
    meta: { now },
  });
  assertEquals(plan.map((a) => a.op), ["create", "delete", "delete"]);
  assertEquals(plan[1].op === "delete" && plan[1].resourceVersion, "11");
});

Deno.test("field changes address named list items", () => {
  const a = samplePcs().spec.template;
  const b = samplePcs("v2").spec.template;
  assertEquals(fieldChanges(a, b, "spec.template"), [{
    path: "spec.template.cliques[worker].spec.podSpec.containers[vllm].image",
    before: "vllm/vllm-openai:v0.10.0",
    after: "v2",
  }]);
});

Deno.test("summary changes show image, replicas and GPUs at a glance", () => {
  const a = samplePcs().spec.template;
  const b = structuredClone(samplePcs("v2").spec.template);
  b.cliques[0].spec.replicas = 4;
  b.cliques[1].spec.podSpec.containers[0].resources = { limits: { "nvidia.com/gpu": 2 } };
  assertEquals(summaryChanges(a, b), [
    "frontend replicas: 2 -> 4",
    "worker image vllm: vllm/vllm-openai:v0.10.0 -> v2",
    "worker GPUs/pod: 1 -> 2",
  ]);
});

Deno.test("unified YAML diff of two templates", async () => {
  const d = await yamlDiff(
    samplePcs().spec.template,
    samplePcs("v2").spec.template,
    "revision 1",
    "live",
  );
  assertMatch(d, /^--- revision 1\n\+\+\+ live\n@@/);
  assertMatch(d, /\n- +image: vllm\/vllm-openai:v0.10.0\n\+ +image: v2\n/);
  assertMatch(d, /name: vllm\n-/);
  assertEquals(await yamlDiff({ a: 1 }, { a: 1 }, "x", "y"), "");
});

Deno.test("pause keeps the previous strategy; resume restores it", () => {
  const p = pausedPcs(samplePcs(), now)!;
  assertEquals(p.spec.updateStrategy?.type, "OnDelete");
  assert(isPaused(p));
  assertEquals(
    p.metadata.annotations?.["kubectl-grove.io/paused-from-strategy"],
    "RollingRecreate",
  );
  assertEquals(pausedPcs(p, now), undefined);
  const r = resumedPcs(p)!;
  assertEquals(r.spec.updateStrategy?.type, "RollingRecreate");
  assert(!isPaused(r));
  assertEquals(resumedPcs(r), undefined);
});

Deno.test("history: a live change made outside kubectl-grove shows as unrecorded", async () => {
  const { buildHistoryReport } = await import("../../../tasks/rollout/history.ts");
  const { renderHistory } = await import("../../../tasks/rollout/history_render.ts");
  const { PLAIN } = await import("../../../lib/render/style.ts");
  const v1 = samplePcs("img:1");
  const revs = [
    readRevision(buildRevision(v1, v1.spec.template, 1, { now, createdBy: "bob@prod" })),
  ];
  const live = samplePcs("img:2"); // kubectl edit
  const h = buildHistoryReport(live, revs);
  assertEquals([h.currentRevision, h.liveUnrecorded], [null, true]);
  assertEquals(h.entries.at(-1)?.revision, null);
  assertEquals(h.entries.at(-1)?.changes, ["worker image vllm: img:1 -> img:2"]);
  const text = renderHistory(h, PLAIN, now);
  assertMatch(text, /^live\* +- +- +/m);
  assertMatch(text, /the live template matches no revision/);
});
