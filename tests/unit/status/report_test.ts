// The pure status report: what a user reads off it for each scenario, and
// objects with missing status blocks or from older Grove versions.
import { assert, assertEquals } from "../../helpers/assert.ts";
import {
  ago,
  demoClique,
  demoGang,
  demoPcs,
  demoPod,
  NOW,
  reportOf,
  scenarioReport,
} from "./_helpers.ts";

Deno.test("report: typed header, scope and stable apiVersion/kind", async () => {
  const r = await scenarioReport("healthy", { name: "qwen-disagg" });
  assertEquals(r.apiVersion, "kubectl-grove.io/v1alpha1");
  assertEquals(r.kind, "StatusReport");
  assertEquals(r.generatedAt, "2026-11-01T12:00:00Z");
  assertEquals(r.scope, {
    name: "qwen-disagg",
    namespace: "inference",
    all: false,
    allNamespaces: false,
  });
  assertEquals(r.podCliqueSets.length, 1);
  const p = r.podCliqueSets[0];
  assertEquals(p.state, "Ready");
  assertEquals(p.replicas, { desired: 1, available: 1, updated: 1 });
  assertEquals(p.summary.cliquesBelowMin, 0);
  assertEquals(p.summary.podsReady, p.summary.podsDesired);
  assert(p.gangs.every((g) => g.placementScore !== null && g.placementScoreReason === null));
});

Deno.test("report: healthy orders cliques by replica, standalone first, then scaling group members", async () => {
  const r = await scenarioReport("healthy", { name: "qwen-disagg" });
  const names = r.podCliqueSets[0].cliques.map((c) => c.name);
  assertEquals(names, [
    "qwen-disagg-0-frontend",
    "qwen-disagg-0-prefill",
    "qwen-disagg-0-decode-0-dleader",
    "qwen-disagg-0-decode-0-dworker",
    "qwen-disagg-0-decode-1-dleader",
    "qwen-disagg-0-decode-1-dworker",
  ]);
  const member = r.podCliqueSets[0].cliques[2];
  assertEquals(member.scalingGroup, "decode");
  assertEquals(member.scalingGroupReplica, 0);
  assertEquals(member.role, "decode-leader");
});

Deno.test("report: fragmented prefill is below minAvailable with a 20m countdown; pending gang says why it has no score", async () => {
  const r = await scenarioReport("fragmented", { name: "llama-disagg" });
  const p = r.podCliqueSets[0];
  assertEquals(p.state, "Unhealthy");
  const prefill = p.cliques.find((c) => c.name === "llama-disagg-0-prefill")!;
  assertEquals([prefill.ready, prefill.desired, prefill.minAvailable], [1, 3, 2]);
  assert(prefill.belowMinAvailable);
  assert(prefill.minAvailableBreached);
  assertEquals(prefill.termination?.remainingMs, 20 * 60_000);
  assertEquals(prefill.termination?.expired, false);
  const base = p.gangs.find((g) => g.name === "llama-disagg-0")!;
  assertEquals(base.placementScore, 0.62);
  const pending = p.gangs.find((g) => g.phase === "Pending")!;
  assertEquals(pending.placementScore, null);
  assertEquals(pending.placementScoreReason, "not scheduled yet");
  assertEquals(p.lastErrors[0].code, "ERR_SYNC_PODGANG");
});

Deno.test("report: rollout shows the update in progress and a running gang without score", async () => {
  const r = await scenarioReport("rollout", { name: "chat-disagg" });
  const p = r.podCliqueSets[0];
  assertEquals(p.state, "Updating");
  assert(p.update.inProgress);
  assertEquals(p.update.updatedCliques, 1);
  assertEquals(p.update.totalCliques, 4);
  assertEquals(p.update.currentlyUpdating, [0]);
  const g = p.gangs[0];
  assertEquals(g.phase, "Running");
  assertEquals(g.placementScore, null);
  assertEquals(g.placementScoreReason, "not written by the scheduler (kai-scheduler)");
  assert(p.conditions.some((c) => c.type === "UpdateInProgress" && c.status === "True"));
});

Deno.test("report: --all -A covers every PCS, sorted by namespace and name, with totals", async () => {
  const r = await scenarioReport("healthy", {
    all: true,
    allNamespaces: true,
    namespace: undefined,
  });
  assertEquals(r.podCliqueSets.map((p) => `${p.namespace}/${p.name}`), [
    "inference/qwen-disagg",
    "inference/sglang-chat",
  ]);
  assertEquals(r.summary.podCliqueSets, 2);
  assertEquals(
    r.summary.podsReady,
    r.podCliqueSets.reduce((s, p) => s + p.summary.podsReady, 0),
  );
});

Deno.test("report: a gang without status has phase Unknown and says why there is no score", () => {
  const r = reportOf([
    demoPcs(),
    demoClique({
      readyReplicas: 2,
      updatedReplicas: 2,
      scheduleGatedReplicas: 0,
      scheduledReplicas: 2,
    }),
    demoGang(undefined),
    demoPod(0, { ready: true, node: "n1" }),
    demoPod(1, { ready: true, node: "n2" }),
  ]);
  const g = r.podCliqueSets[0].gangs[0];
  assertEquals(g.phase, "Unknown");
  assertEquals(g.placementScore, null);
  assertEquals(g.placementScoreReason, "no status yet: no scheduler has picked this gang up");
  assertEquals([g.pods, g.minPods, g.readyPods], [2, 1, 2]);
  assertEquals(r.podCliqueSets[0].cliques[0].nodes, 2);
});

Deno.test("report: a clique without status is counted from its pods, with a note", () => {
  const r = reportOf([
    demoPcs(),
    demoClique(undefined),
    demoGang({ phase: "Starting" }),
    demoPod(0, { ready: true, node: "n1" }),
    demoPod(1, { gated: true }),
  ]);
  const p = r.podCliqueSets[0];
  const c = p.cliques[0];
  assertEquals(c.countsFrom, "pods");
  assertEquals([c.ready, c.scheduled, c.scheduleGated, c.desired], [1, 1, 1, 2]);
  assertEquals(c.belowMinAvailable, false);
  assertEquals(c.podTemplateHash, "abc123");
  assert(
    p.notes.some((n) => n.includes("no ready count in the status of 1 PodClique (demo-0-w)")),
    p.notes.join("\n"),
  );
});

Deno.test("report: a PCS without status (not reconciled yet) is Unknown, cliques not created yet are listed", () => {
  const r = reportOf([demoPcs({ status: undefined })]);
  const p = r.podCliqueSets[0];
  assertEquals(p.state, "Unknown");
  assertEquals(p.replicas, { desired: 1, available: null, updated: null });
  assertEquals(p.cliques.map((c) => [c.name, c.exists]), [["demo-0-w", false]]);
  assertEquals(p.gangs.map((g) => [g.name, g.phase]), [["demo-0", "NotCreated"]]);
  assert(p.notes.some((n) => n.startsWith("no status yet")));
  assert(p.notes.some((n) => n.includes("not created yet: demo-0-w")));
});

Deno.test("report: objects from an older Grove (no roleName, no minAvailable, empty status, no podgroups) do not crash", () => {
  const pcs = demoPcs({
    spec: { replicas: 1, template: { cliques: [{ name: "w", spec: { replicas: 2 } }] } },
    status: {},
  });
  const clique = demoClique({}, { replicas: 2 });
  const gang: Record<string, unknown> = { ...demoGang({ phase: "Running" }), spec: {} };
  const r = reportOf([pcs, clique, gang as never, demoPod(0, { ready: true, node: "n1" })]);
  const p = r.podCliqueSets[0];
  const c = p.cliques[0];
  assertEquals(c.role, "w");
  assertEquals(c.minAvailable, 2, "minAvailable defaults to replicas");
  assertEquals([c.ready, c.scheduled, c.scheduleGated], [1, 1, 0]);
  assertEquals(c.countsFrom, "pods");
  assert(c.belowMinAvailable);
  assertEquals(p.replicas, { desired: 1, available: 0, updated: 0 });
  assertEquals(p.gangs[0].pods, 1, "pods counted from labels when the gang lists none");
});

Deno.test("report: breach countdown past its deadline is marked expired; a bad terminationDelay becomes a note", () => {
  const breached = {
    readyReplicas: 0,
    updatedReplicas: 2,
    scheduleGatedReplicas: 0,
    scheduledReplicas: 2,
    conditions: [{
      type: "MinAvailableBreached",
      status: "True",
      reason: "InsufficientReadyPods",
      message: "",
      lastTransitionTime: ago(300),
    }],
  };
  const r = reportOf([demoPcs(), demoClique(breached)]);
  const c = r.podCliqueSets[0].cliques[0];
  assertEquals(c.termination?.expired, true);
  assertEquals(c.termination?.remainingMs, -60 * 60_000);
  const bad = demoPcs();
  bad.spec.template.terminationDelay = "soon";
  const r2 = reportOf([bad, demoClique(breached)]);
  assertEquals(r2.podCliqueSets[0].cliques[0].termination, undefined);
  assert(
    r2.podCliqueSets[0].notes.some((n) =>
      n.includes('invalid terminationDelay of podcliqueset "demo"')
    ),
  );
});

Deno.test("report: the status lagging behind the spec is noted", () => {
  const pcs = demoPcs();
  pcs.metadata.generation = 3;
  const r = reportOf([pcs]);
  assert(r.podCliqueSets[0].notes.some((n) => n.includes("generation 3, observed 1")));
});

Deno.test("report: pure and JSON-stable (same input, same output)", async () => {
  const a = await scenarioReport("fragmented", { name: "llama-disagg" });
  const b = await scenarioReport("fragmented", { name: "llama-disagg" });
  assertEquals(JSON.stringify(a), JSON.stringify(b));
  assertEquals(JSON.parse(JSON.stringify(a)), a);
  assertEquals(NOW, Date.parse(a.generatedAt));
});

Deno.test("report: a clique below min with too few pods scheduled waits for scheduling (Grove holds the breach)", () => {
  const r = reportOf([
    demoPcs(),
    demoClique({
      readyReplicas: 0,
      updatedReplicas: 2,
      scheduleGatedReplicas: 2,
      scheduledReplicas: 0,
      conditions: [{
        type: "MinAvailableBreached",
        status: "False",
        reason: "InsufficientScheduledPods",
        message: "Insufficient scheduled pods. expected at least: 1, found: 0",
        lastTransitionTime: ago(2),
      }],
    }),
    demoGang({ phase: "Pending" }),
    demoPod(0, { gated: true }),
    demoPod(1, { gated: true }),
  ]);
  const p = r.podCliqueSets[0];
  const c = p.cliques[0];
  assertEquals([c.belowMinAvailable, c.minAvailableBreached, c.waitingForScheduling], [
    true,
    false,
    true,
  ]);
  assertEquals(c.termination, undefined);
  assertEquals(p.state, "Starting");
});

Deno.test("report: state speaks health's words: Degraded above minAvailable with pods not ready", async () => {
  // agg-04 of the large scenario: 38/39 pods ready, every clique at or above minAvailable
  const r = await scenarioReport("large", { name: "agg-04" });
  const p = r.podCliqueSets[0];
  assertEquals(p.summary.cliquesBelowMin, 0);
  assert(p.summary.podsReady < p.summary.podsDesired);
  assertEquals(p.state, "Degraded");
});
