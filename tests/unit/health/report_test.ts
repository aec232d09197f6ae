// The health report over the recorded scenarios (golden, pinned now =
// recordedAt, plus a second now past a termination deadline) and edge cases.
import { assert, assertEquals, assertMatch, assertThrows } from "../../helpers/assert.ts";
import { assertGolden } from "../../helpers/golden.ts";
import { loadScenario } from "../../../lib/sim/fixtures.ts";
import { PLAIN } from "../../../lib/render/style.ts";
import { toJson } from "../../../lib/render/output.ts";
import { GroveError } from "../../../lib/errors.ts";
import type { KubeObject } from "../../../lib/kube/types.ts";
import { healthObjectsFrom } from "../../../tasks/health/from_objects.ts";
import { buildHealthReport, type HealthReport } from "../../../tasks/health/report.ts";
import { countdownLine, renderHealth } from "../../../tasks/health/render.ts";

const MIN = 60_000;

async function scenario(name: string) {
  const sc = await loadScenario(name, { shiftTimes: false });
  return { objects: sc.objects, ns: sc.meta.namespace!, now: Date.parse(sc.meta.recordedAt) };
}

function build(objects: KubeObject[], ns: string, now: number, pcs?: string): HealthReport {
  return buildHealthReport(healthObjectsFrom(objects, { namespace: ns, pcs }), { now, pcs });
}

for (const name of ["healthy", "fragmented", "aggregated", "rollout"]) {
  Deno.test(`health golden: ${name}`, async () => {
    const { objects, ns, now } = await scenario(name);
    const r = build(objects, ns, now);
    await assertGolden(`${name}/health.table`, renderHealth(r, PLAIN));
    await assertGolden(`${name}/health.json`, toJson(r));
  });
}

Deno.test("health golden: fragmented countdown crossing zero (now = recordedAt + 25m)", async () => {
  const { objects, ns, now } = await scenario("fragmented");
  const r = build(objects, ns, now + 25 * MIN);
  await assertGolden("fragmented/health.expired.table", renderHealth(r, PLAIN));
  const prefill = r.gangs[0].countdowns.find((c) => c.name === "llama-disagg-0-prefill")!;
  assertEquals([prefill.expired, prefill.remainingMs], [true, -5 * MIN]);
  assertMatch(
    renderHealth(r, PLAIN),
    /\[\.{10}\] TERMINATION IMMINENT\n {6}deadline passed 5m ago \(2026-11-01T12:20:00Z\)/,
  );
  assertMatch(renderHealth(r, PLAIN), /Termination imminent: podclique\/llama-disagg-0-prefill/);
});

Deno.test("health: countdowns are two aligned lines that fit 80 columns", async () => {
  const { objects, ns, now } = await scenario("fragmented");
  const text = renderHealth(build(objects, ns, now), PLAIN);
  const heads = text.split("\n").filter((l) => l.startsWith("    podclique/"));
  assertEquals(heads.length, 3);
  assert(heads.every((l) => l.length <= 80), heads.join("\n"));
  assertEquals(new Set(heads.slice(1).map((l) => l.indexOf("["))).size, 1, "bars aligned");
  const details = text.split("\n").filter((l) => l.startsWith("      breached since "));
  assertEquals(details.length, 3);
  assert(details.every((l) => l.length <= 80), details.join("\n"));
  assertMatch(text, /Termination countdown \(MinAvailableBreached since \+ terminationDelay\):/);
});

Deno.test("health: healthy scenario has every gang Healthy", async () => {
  const { objects, ns, now } = await scenario("healthy");
  const r = build(objects, ns, now);
  assert(r.healthy);
  assertEquals(r.summary.atRisk, []);
  assert(r.gangs.length >= 3);
  assert(r.gangs.every((g) => g.cliques.every((c) => c.verdict === "ok")));
});

Deno.test("health: fragmented scenario: breached clique with a 1h countdown, crash loop and unschedulable pods", async () => {
  const { objects, ns, now } = await scenario("fragmented");
  const r = build(objects, ns, now, "llama-disagg");
  assertEquals(r.healthy, false);
  const base = r.gangs.find((g) => g.name === "llama-disagg-0")!;
  assertEquals(base.status, "UNHEALTHY");
  const prefill = base.cliques.find((c) => c.name === "llama-disagg-0-prefill")!;
  assertEquals([prefill.verdict, prefill.ready, prefill.minAvailable], ["BREACHED", 1, 2]);
  assertEquals(prefill.countdown!.delay, "1h");
  assertEquals(prefill.countdown!.remainingMs, 20 * MIN);
  const crash = base.issues.find((i) => i.kind === "CrashLoop")!;
  assertMatch(crash.message, /CrashLoopBackOff, \d+ restarts, last exit 1/);
  const unsched = base.issues.find((i) => i.kind === "Unschedulable")!;
  assertMatch(unsched.message, /Insufficient nvidia.com\/gpu.*FailedScheduling x\d+/);
  assertEquals(r.summary.nextTermination!.object, "podclique/llama-disagg-0-prefill");
});

Deno.test("health: rollout scenario is Degraded (a pod still creating), not UNHEALTHY", async () => {
  const { objects, ns, now } = await scenario("rollout");
  const r = build(objects, ns, now);
  assertEquals(r.gangs[0].status, "Degraded");
  assertEquals(r.healthy, false);
});

Deno.test("health: the default terminationDelay is 4h when the template sets none", async () => {
  const { objects, ns, now } = await scenario("fragmented");
  const edited = objects.map((o) =>
    o.kind === "PodCliqueSet"
      ? { ...o, spec: { ...o.spec, template: { ...o.spec.template, terminationDelay: undefined } } }
      : o
  );
  const c = build(edited, ns, now).gangs[0].countdowns[0];
  assertEquals([c.delay, c.remainingMs], ["4h", 3 * 60 * MIN + 20 * MIN]);
});

Deno.test("health: an invalid terminationDelay falls back to 4h with a note", async () => {
  const { objects, ns, now } = await scenario("fragmented");
  const edited = objects.map((o) =>
    o.kind === "PodCliqueSet"
      ? { ...o, spec: { ...o.spec, template: { ...o.spec.template, terminationDelay: "soon" } } }
      : o
  );
  const r = build(edited, ns, now);
  assert(
    r.notes.some((n) => n.includes('invalid terminationDelay of podcliqueset "llama-disagg"')),
  );
  assertEquals(r.gangs[0].countdowns[0].delay, "4h");
});

Deno.test("health: an unknown PodCliqueSet is a GroveError naming it", async () => {
  const { objects, ns, now } = await scenario("healthy");
  const e = assertThrows(() => build(objects, ns, now, "nope"), GroveError) as GroveError;
  assertMatch(e.message, /podcliqueset "nope" not found in namespace "inference"/);
});

Deno.test("health: a gang without pods or PodGang yet is reported, not skipped", async () => {
  const { objects, ns, now } = await scenario("healthy");
  const edited = objects.filter((o) =>
    !(o.metadata.labels?.["grove.io/podgang"] === "sglang-chat-0" ||
      o.metadata.name === "sglang-chat-0")
  );
  const g = build(edited, ns, now, "sglang-chat").gangs[0];
  assertEquals([g.phase, g.status], ["NotCreated", "Degraded"]);
});

Deno.test("countdownLine: a bar of time left against the delay", () => {
  const line = countdownLine({
    kind: "PodClique",
    name: "q-0-prefill",
    since: "2026-11-01T11:20:00Z",
    delayMs: 60 * MIN,
    delay: "1h",
    deadline: "2026-11-01T12:20:00Z",
    remainingMs: 20 * MIN + 999,
    expired: false,
  }, PLAIN);
  assertEquals(
    line,
    "podclique/q-0-prefill  [#######.............] 20m left of 1h (MinAvailableBreached since 2026-11-01T11:20:00Z, terminates at 2026-11-01T12:20:00Z)",
  );
});

Deno.test("health: a gang and cliques without status are Unknown, not Healthy, and say why", async () => {
  const { objects, ns, now } = await scenario("healthy");
  const stripped = objects.map((o) =>
    (o.kind === "PodGang" && o.metadata.name === "sglang-chat-0") ||
      (o.kind === "PodClique" && o.metadata.name === "sglang-chat-0-worker")
      ? { ...o, status: undefined }
      : o
  );
  const r = build(stripped, ns, now, "sglang-chat");
  const g = r.gangs[0];
  assertEquals([g.phase, g.status, g.placementScore], ["Unknown", "Degraded", undefined]);
  assertEquals(g.cliques[0].ready, 1, "ready pods counted from the pods");
  assertEquals(
    g.issues.filter((i) => i.kind === "NoStatus").map((i) => i.object),
    ["podclique/sglang-chat-0-worker", "podgang/sglang-chat-0"],
  );
  assertEquals(r.healthy, false);
  assertMatch(renderHealth(r, PLAIN), /: Degraded, phase Unknown, placement score -/);
  assertMatch(renderHealth(r, PLAIN), /podgang\/sglang-chat-0: no status yet/);
});

Deno.test("health: objects from an older Grove (no roleName, minAvailable, podgroups, status) do not crash", async () => {
  const { objects, ns, now } = await scenario("aggregated");
  // deno-lint-ignore no-explicit-any
  const old = objects.map((o: any) => {
    const c = structuredClone(o);
    if (c.kind === "PodClique") {
      delete c.spec.roleName;
      delete c.spec.minAvailable;
      c.status = {};
    }
    if (c.kind === "PodGang") c.spec = {};
    if (c.kind === "PodCliqueSet") {
      c.status = {};
      for (const t of c.spec.template.cliques ?? []) {
        delete t.spec.roleName;
        delete t.spec.minAvailable;
      }
    }
    return c;
  });
  const r = build(old, ns, now);
  assertEquals(r.gangs.map((g) => g.name), ["qwen-agg-0", "qwen-agg-1"]);
  const w = r.gangs[0].cliques.find((c) => c.name === "qwen-agg-0-worker")!;
  assertEquals([w.role, w.ready, w.minAvailable], ["worker", 3, 3]);
  assert(renderHealth(r, PLAIN).includes("qwen-agg-0-worker"));
});

Deno.test("health: no PodCliqueSet in the namespace is a note naming it, with the -A hint", () => {
  const r = build([], "default", 0);
  assertEquals(r.gangs, []);
  assertEquals(r.notes, [
    'no PodCliqueSets found in namespace "default" (look in every namespace with -A)',
  ]);
});

Deno.test("health: a set never available yet is Starting, as status calls it", async () => {
  const { demoClique, demoGang, demoPcs, demoPod, reportOf } = await import(
    "../status/_helpers.ts"
  );
  const objects = [
    demoPcs(),
    demoClique({
      readyReplicas: 0,
      updatedReplicas: 2,
      scheduleGatedReplicas: 2,
      scheduledReplicas: 0,
    }),
    demoGang({ phase: "Pending" }),
    demoPod(0, { gated: true }),
    demoPod(1, { gated: true }),
  ];
  assertEquals(reportOf(objects).podCliqueSets[0].state, "Starting");
  const r = buildHealthReport(healthObjectsFrom(objects, { namespace: "team", pcs: "demo" }), {
    now: Date.parse("2026-11-01T12:00:00Z"),
    pcs: "demo",
  });
  assertEquals(r.gangs.map((g) => g.status), ["Starting"]);
  assertEquals([r.summary.starting, r.healthy], [1, false]);
  assertMatch(renderHealth(r, PLAIN), /demo-0: Starting, phase Pending/);
  assertMatch(renderHealth(r, PLAIN), /\(1 starting, 0 degraded, 0 unhealthy\)/);
});
