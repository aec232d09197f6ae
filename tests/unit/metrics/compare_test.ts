// compare rules over an in-memory cluster: KV saturation, under-used roles,
// missing workers, throughput thresholds, placement split, no plan.
import { assert, assertEquals } from "../../helpers/assert.ts";
import { collectMetrics } from "../../../tasks/metrics/collect.ts";
import { buildCompareReport, safeDeletions } from "../../../tasks/compare/report.ts";
import { renderCompare } from "../../../tasks/compare/render.ts";
import { PLAIN } from "../../../lib/render/style.ts";
import type { KubeObject } from "../../../lib/kube/types.ts";
import { type FakeData, fakeKube, pcsObject, planConfigMap, pod } from "./fake_kube.ts";

const dir = new URL("../../../fixtures/metrics-samples/", import.meta.url);
const V1 = Deno.readTextFileSync(new URL("vllm-0.11_v1_metrics_scrape1.txt", dir));
const V2 = Deno.readTextFileSync(new URL("vllm-0.11_v1_metrics_scrape2.txt", dir));
const NOW = new Date("2026-01-15T10:00:00Z");
const withKv = (text: string, kv: number, waiting = 5) =>
  text.replace(/^(vllm:kv_cache_usage_perc\{[^}]*\}) .*$/m, `$1 ${kv}`)
    .replace(/^(vllm:num_requests_waiting\{[^}]*\}) .*$/m, `$1 ${waiting}.0`);

function time() {
  let t = NOW.getTime() - 30_000;
  return {
    clock: () => t,
    sleep: (ms: number) => {
      t += ms;
      return Promise.resolve();
    },
  };
}

async function compareOf(data: FakeData, sla: { slaTtftMs?: number; slaTpotMs?: number } = {}) {
  const c = await collectMetrics(fakeKube(data), {
    pcs: "demo",
    namespace: "inference",
    windowMs: 30_000,
    placement: true,
    ...time(),
  });
  return buildCompareReport(c, { now: NOW, ...sla });
}

function decodeCluster(kvs: number[], waiting: number[], extra: KubeObject[] = []): FakeData {
  const objects: KubeObject[] = [pcsObject("demo"), ...extra];
  const metrics: FakeData["metrics"] = {};
  kvs.forEach((kv, j) => {
    const name = `demo-0-decode-${j}-dworker-x${j}`;
    objects.push(pod("demo", name, {
      clique: `demo-0-decode-${j}-dworker`,
      sg: "demo-0-decode",
      sgReplica: j,
      port: 8000,
      gpus: 4,
    }));
    metrics[name] = [withKv(V1, kv, waiting[j]), withKv(V2, kv, waiting[j])];
  });
  return { objects, metrics };
}

Deno.test("compare: decode KV saturation recommends more decode workers", async () => {
  const r = await compareOf(decodeCluster([0.95, 0.97], [0, 0]));
  const f = r.findings.find((x) => x.rule === "decode-kv-saturation");
  assert(f, JSON.stringify(r.findings));
  assert(f.message.includes("KV cache 97% full"));
  const rec = r.recommendations.find((x) => x.rule === "decode-kv-saturation")!;
  assertEquals(rec.command, "kubectl grove scale demo -n inference --decode=3");
});

Deno.test("compare: an under-used role can give a worker back (only with an SLA in force)", async () => {
  const r = await compareOf(decodeCluster([0.1, 0.12, 0.08], [0, 0, 0]), {
    slaTtftMs: 5000,
    slaTpotMs: 100,
  });
  const rec = r.recommendations.find((x) => x.rule === "under-used-role");
  assertEquals(rec?.command, "kubectl grove scale demo -n inference --decode=2");
  assertEquals(rec?.level, "low");
});

Deno.test("compare: missing workers against the plan -> scale to plan, exit-worthy breach", async () => {
  const plan = {
    config: { decode_workers: 3, decode_tp: 4 },
    expected: { throughput_tokens_per_sec_per_gpu: 200 },
    sla: { ttft_ms: 5000, tpot_ms: 100 },
  };
  const r = await compareOf(decodeCluster([0.5], [0], [planConfigMap("demo", plan)]));
  const workers = r.rows.find((x) => x.item === "workers")!;
  assertEquals([workers.planned, workers.actual, workers.status], [3, 1, "breach"]);
  assertEquals(r.status, "breach");
  assertEquals(
    r.recommendations.find((x) => x.rule === "missing-workers")?.command,
    "kubectl grove scale demo -n inference --decode=3",
  );
  const gpus = r.rows.find((x) => x.item === "gpus")!;
  assertEquals([gpus.planned, gpus.actual, gpus.status], [12, 4, "warn"]);
});

Deno.test("compare: throughput per GPU thresholds (>=90% ok, >=70% warn, else breach)", async () => {
  // one decode pod with 4 GPUs: 4262.57 tok/s -> 1065.6 tok/s/GPU
  for (const [planned, status] of [[1100, "ok"], [1400, "warn"], [2000, "breach"]] as const) {
    const r = await compareOf(
      decodeCluster([0.5], [0], [
        planConfigMap("demo", { expected: { throughput_tokens_per_sec_per_gpu: planned } }),
      ]),
    );
    const row = r.rows.find((x) => x.item === "throughputPerGpu")!;
    assertEquals(row.actual, 1065.64);
    assertEquals(row.status, status, `planned ${planned}`);
  }
});

Deno.test("compare: placement split across racks names the target rack and the role to move", async () => {
  const node = (name: string, rack: string): KubeObject => ({
    apiVersion: "v1",
    kind: "Node",
    metadata: {
      name,
      labels: { "topology.kubernetes.io/rack": rack, "kubernetes.io/hostname": name },
    },
  });
  const gang: KubeObject = {
    apiVersion: "scheduler.grove.io/v1alpha1",
    kind: "PodGang",
    metadata: {
      name: "demo-0",
      namespace: "inference",
      labels: { "app.kubernetes.io/part-of": "demo" },
    },
    spec: {
      podgroups: [],
      topologyConstraint: { packConstraint: { preferred: "topology.kubernetes.io/rack" } },
    },
    status: { phase: "Running", placementScore: 0.55 },
  };
  const data: FakeData = {
    objects: [
      pcsObject("demo"),
      gang,
      node("n1", "r1"),
      node("n2", "r2"),
      pod("demo", "demo-0-prefill-a", { clique: "demo-0-prefill", port: 8000, node: "n1" }),
      pod("demo", "demo-0-prefill-b", { clique: "demo-0-prefill", port: 8000, node: "n1" }),
      pod("demo", "demo-0-decode-a", { clique: "demo-0-decode", port: 8000, node: "n2" }),
    ],
    metrics: {
      "demo-0-prefill-a": [V1, V2],
      "demo-0-prefill-b": [V1, V2],
      "demo-0-decode-a": [V1, V2],
    },
  };
  const r = await compareOf(data);
  const f = r.findings.find((x) => x.rule === "placement-split")!;
  assert(f.message.includes("split across 2 racks (r1: 2, r2: 1)"), f.message);
  // demo-0-decode-a is the only ready decode pod: deleting it would take its clique below
  // minAvailable, so the recommendation says so and points at a read-only command
  const rec = r.recommendations.find((x) => x.rule === "placement-split")!;
  assertEquals(rec.command, "kubectl grove topology demo -n inference");
  assert(rec.action.includes("into rack r1"));
  assert(rec.action.includes("demo-0-decode-a (podclique demo-0-decode: 1 ready, minAvailable 1"));
  assertEquals(rec.expected, "none by itself: shows where GPUs are free");
  assertEquals(r.rows.find((x) => x.item === "placementScore")?.status, "warn");

  // with two ready decode pods outside r1, one may go and the other stays
  data.objects.push(
    pod("demo", "demo-0-decode-b", { clique: "demo-0-decode", port: 8000, node: "n2" }),
  );
  data.metrics["demo-0-decode-b"] = [V1, V2];
  const r2 = await compareOf(data);
  const rec2 = r2.recommendations.find((x) => x.rule === "placement-split")!;
  assertEquals(rec2.command, "kubectl delete pod demo-0-decode-a -n inference");
  assert(rec2.action.includes("not deleted, as that would take a clique below minAvailable"));
  assert(rec2.action.includes("demo-0-decode-b (podclique demo-0-decode: 1 ready"), rec2.action);
  assertEquals(
    rec2.expected,
    "3 of 4 pods in rack r1 once rescheduled there (PlacementScore rises; the scheduler computes the new value)",
  );
});

Deno.test("compare: safeDeletions keeps cliques at minAvailable and a ready pod per role", () => {
  const t = (pod: string, clique: string, role: string, ready: boolean) => ({
    pod,
    namespace: "ns",
    role,
    clique,
    replica: 0,
    worker: pod,
    gpus: 1,
    ready,
    phase: "Running",
    restarts: 0,
    crashLooping: false,
  });
  const targets = [
    t("p-ready", "s-0-prefill", "prefill", true),
    t("p-crash", "s-0-prefill", "prefill", false),
    t("d-1", "s-0-decode", "decode", true),
    t("d-2", "s-0-decode", "decode", true),
    t("d-3", "s-0-decode", "decode", true),
  ];
  const clique = (name: string, replicas: number, minAvailable: number) => ({
    apiVersion: "grove.io/v1alpha1",
    kind: "PodClique",
    metadata: { name, namespace: "ns" },
    spec: { replicas, minAvailable, roleName: name.split("-").pop()! },
  });
  const c = {
    cliques: [clique("s-0-prefill", 2, 1), clique("s-0-decode", 3, 2)] as never,
    targets,
  };
  // the case: the only ready prefill pod and the crash-looping one
  const a = safeDeletions(c, [targets[0], targets[1]]);
  assertEquals(a.safe.map((x) => x.pod), ["p-crash"]);
  assertEquals(a.blocked.map((x) => [x.pod, x.ready, x.min, x.onlyReady]), [
    ["p-ready", 1, 1, true],
  ]);
  // minAvailable 2 of 3 ready: one decode pod may go, not two
  const b = safeDeletions(c, targets.slice(2));
  assertEquals(b.safe.map((x) => x.pod), ["d-1"]);
  assertEquals(b.blocked.map((x) => x.pod), ["d-2", "d-3"]);
});

Deno.test("compare: without a plan or SLA it shows actuals and how to store a plan", async () => {
  const r = await compareOf(decodeCluster([0.5], [0]));
  assertEquals(r.status, "actuals-only");
  assertEquals(r.plan, null);
  assert(r.planHint?.includes("kubectl grove plan store demo -n inference -f"));
  const text = renderCompare(r, PLAIN);
  assert(text.includes("Status: actuals only (no plan, no SLA)"));
  assert(r.rows.every((x) => x.planned === null));
});

function clique(name: string, replicas: number, setReplica = 0, roleName?: string): KubeObject {
  return {
    apiVersion: "grove.io/v1alpha1",
    kind: "PodClique",
    metadata: {
      name,
      namespace: "inference",
      labels: {
        "app.kubernetes.io/part-of": "demo",
        "grove.io/podcliqueset-replica-index": String(setReplica),
      },
    },
    spec: { roleName: roleName ?? "prefill", replicas, podSpec: { containers: [] } },
  };
}

Deno.test("compare: missing pods of a clique that already asks for the plan's count -> health, not scale", async () => {
  const plan = {
    config: { prefill_workers: 3, decode_workers: 0, prefill_tp: 1, decode_tp: 1 },
    expected: { throughput_tokens_per_sec_per_gpu: 10 },
    sla: { ttft_ms: 5000, tpot_ms: 100 },
  };
  const data: FakeData = {
    objects: [
      pcsObject("demo"),
      planConfigMap("demo", plan),
      clique("demo-0-prefill", 3),
      pod("demo", "demo-0-prefill-a", { clique: "demo-0-prefill", port: 8000 }),
    ],
    metrics: { "demo-0-prefill-a": [V1, V2] },
  };
  const r = await compareOf(data);
  const rec = r.recommendations.find((x) => x.rule === "missing-workers")!;
  assertEquals(rec.command, "kubectl grove health demo -n inference");
  assert(rec.action.includes("already ask for 3 worker(s) but only 1 exist"), rec.action);
  assertEquals(r.status, "breach");
});

Deno.test("compare: scale counts are per set replica when the set has several", async () => {
  const plan = {
    config: { prefill_workers: 6, decode_workers: 0, prefill_tp: 1, decode_tp: 1 },
    expected: { throughput_tokens_per_sec_per_gpu: 10 },
    sla: { ttft_ms: 5000, tpot_ms: 100 },
  };
  const objects: KubeObject[] = [
    pcsObject("demo"),
    planConfigMap("demo", plan),
    clique("demo-0-prefill", 1, 0),
    clique("demo-1-prefill", 1, 1),
  ];
  const metrics: FakeData["metrics"] = {};
  for (const i of [0, 1]) {
    const p = pod("demo", `demo-${i}-prefill-a`, { clique: `demo-${i}-prefill`, port: 8000 });
    p.metadata.labels!["grove.io/podcliqueset-replica-index"] = String(i);
    objects.push(p);
    metrics[p.metadata.name] = [V1, V2];
  }
  const r = await compareOf({ objects, metrics });
  const rec = r.recommendations.find((x) => x.rule === "missing-workers")!;
  // 6 workers in the whole deployment = 3 per set replica
  assertEquals(rec.command, "kubectl grove scale demo -n inference --prefill=3");
});
