// collect -> report -> render over an in-memory cluster serving the sample scrapes.
import { assert, assertEquals, assertStringIncludes } from "../../helpers/assert.ts";
import { assertGolden } from "../../helpers/golden.ts";
import { collectMetrics } from "../../../tasks/metrics/collect.ts";
import { buildMetricsReport } from "../../../tasks/metrics/report.ts";
import { renderMetrics } from "../../../tasks/metrics/render.ts";
import { PLAIN } from "../../../lib/render/style.ts";
import { type FakeData, fakeKube, pcsObject, planConfigMap, pod } from "./fake_kube.ts";
import type { KubeObject } from "../../../lib/kube/types.ts";

const dir = new URL("../../../fixtures/metrics-samples/", import.meta.url);
const read = (f: string) => Deno.readTextFileSync(new URL(f, dir));
const V1 = read("vllm-0.11_v1_metrics_scrape1.txt");
const V2 = read("vllm-0.11_v1_metrics_scrape2.txt");
const SG = read("sglang-0.5_metrics.txt");
const DY = read("dynamo-frontend_metrics.txt");
const NOW = new Date("2026-01-15T10:00:00Z");

function clock() {
  let t = NOW.getTime() - 30_000;
  return {
    clock: () => t,
    sleep: (ms: number) => {
      t += ms;
      return Promise.resolve();
    },
  };
}

function disagg(extra: Partial<FakeData> = {}, objects: KubeObject[] = []): FakeData {
  return {
    objects: [
      pcsObject("demo"),
      pod("demo", "demo-0-frontend-x1", {
        clique: "demo-0-frontend",
        port: 8000,
        image: "dynamo",
        gpus: 0,
      }),
      pod("demo", "demo-0-prefill-0-pworker-a1", {
        clique: "demo-0-prefill-0-pworker",
        sg: "demo-0-prefill",
        port: 8000,
        gpus: 2,
      }),
      pod("demo", "demo-0-prefill-1-pworker-b1", {
        clique: "demo-0-prefill-1-pworker",
        sg: "demo-0-prefill",
        sgReplica: 1,
        port: 8000,
        gpus: 2,
      }),
      pod("demo", "demo-0-decode-0-dworker-c1", {
        clique: "demo-0-decode-0-dworker",
        sg: "demo-0-decode",
        port: 8000,
        gpus: 4,
        node: "node-2",
      }),
      pod("demo", "demo-0-decode-0-dleader-d1", {
        clique: "demo-0-decode-0-dleader",
        sg: "demo-0-decode",
        gpus: 4,
        node: "node-2",
      }),
      ...objects,
    ],
    metrics: {
      "demo-0-frontend-x1": [DY],
      "demo-0-prefill-0-pworker-a1": [V1, V2],
      "demo-0-prefill-1-pworker-b1": [V1, V2],
      "demo-0-decode-0-dworker-c1": [V1, V2],
    },
    ...extra,
  };
}

async function run(
  data: FakeData,
  windowMs = 30_000,
  sla: { slaTtftMs?: number; slaTpotMs?: number } = {},
) {
  const kube = fakeKube(data);
  const c = await collectMetrics(kube, {
    pcs: "demo",
    namespace: "inference",
    windowMs,
    ...clock(),
  });
  return { kube, report: buildMetricsReport(c, { now: NOW, ...sla }) };
}

Deno.test("metrics report: per-role and total figures from two scrapes 30 s apart", async () => {
  const { report: r, kube } = await run(
    disagg({}, [
      planConfigMap("demo", {
        sla: { ttft_ms: 1000, tpot_ms: 40 },
        expected: { throughput_tokens_per_sec_per_gpu: 500 },
      }),
    ]),
  );
  assertEquals(r.kind, "MetricsReport");
  assertEquals(r.windowSeconds, 30);
  assertEquals(r.roles.map((x) => [x.role, x.pods, x.scrapedPods, x.workers, x.gpus]), [
    ["decode", 2, 1, 1, 8],
    ["frontend", 1, 1, 1, 0],
    ["prefill", 2, 2, 2, 4],
  ]);
  const prefill = r.roles.find((x) => x.role === "prefill")!;
  assertEquals(prefill.inputTokensPerSec, 34877.33);
  assertEquals(prefill.latencyMs.ttft?.count, 262);
  assertEquals(prefill.latencyMs.ttft?.p50, 380.102);
  // total: input from prefill, output from decode, latencies from the frontend (no delta: its scrape repeats) -> workers
  assertEquals(r.total.inputTokensPerSec, 34877.33);
  assertEquals(r.total.outputTokensPerSec, 4262.57);
  assertEquals(r.total.latencyMs.ttft?.p99, 2254.375);
  assertEquals(r.total.latencyMs.itl?.p50, 34.407);
  assertEquals(r.total.gpus, 12);
  assertEquals(r.total.outputTokensPerSecPerGpu, 355.21);
  assertEquals(r.sla, { ttftMs: 1000, tpotMs: 40, source: "plan" });
  assertEquals(r.total.sla, { ttft: "breach", tpot: "breach" });
  assertEquals(r.total.running, 384);
  assertEquals(r.total.kvUsage, { mean: 0.8902, max: 0.8902 });
  assertEquals(r.partial, false);
  assert(
    r.warnings.some((w) => w.startsWith("TTFT p99 2.25s is over the SLA of 1.00s")),
    r.warnings.join("\n"),
  );
  assert(r.notes.some((n) => n.includes("1 pod(s) have no metrics port")), r.notes.join("\n"));
  // two rounds of 4 scrapes; lists: pods, cliques; gets: pcs, plan
  assertEquals(kube.proxyCalls, 8);
  await assertGolden("unit-disagg/metrics.table", renderMetrics(r, { style: PLAIN }));
  await assertGolden("unit-disagg/metrics.wide", renderMetrics(r, { style: PLAIN, wide: true }));
});

Deno.test("metrics: SLA flags override the plan; no plan and no flags says how to set one", async () => {
  const { report: r } = await run(disagg(), 30_000, { slaTtftMs: 5000 });
  assertEquals(r.sla, { ttftMs: 5000, tpotMs: null, source: "flags" });
  assertEquals(r.total.sla, { ttft: "ok", tpot: null });
  const { report: none } = await run(disagg());
  assertEquals(none.sla.source, "none");
  assertStringIncludes(renderMetrics(none, { style: PLAIN }), "kubectl grove plan store");
});

Deno.test("metrics: single scrape (window 0) gives lifetime values and says so", async () => {
  const data: FakeData = {
    objects: [
      pcsObject("demo"),
      pod("demo", "demo-0-worker-a", {
        clique: "demo-0-worker",
        port: 30000,
        image: "lmsysorg/sglang",
      }),
    ],
    metrics: { "demo-0-worker-a": [SG] },
  };
  const { report: r } = await run(data, 0);
  assertEquals(r.windowSeconds, 0);
  assertEquals(r.total.latencyMs.ttft?.count, 8842);
  assertEquals(r.total.latencyMs.ttft?.p50, 305.306);
  assertEquals(r.total.outputTokensPerSec, null);
  assertEquals(r.total.running, 128);
  assertEquals(r.total.waiting, 4);
  assert(r.notes.some((n) => n.includes("lifetime values")));
});

Deno.test("metrics: forbidden proxy, unknown engine, truncated text, missing buckets, counter reset", async () => {
  const truncated = V2.slice(0, V2.indexOf("vllm:kv_cache_usage_perc{") + 40);
  const noBuckets = V2.split("\n").filter((l) =>
    !l.startsWith("vllm:time_to_first_token_seconds_bucket")
  ).join("\n");
  const data: FakeData = {
    objects: [
      pcsObject("demo"),
      pod("demo", "demo-0-w-forbidden", { clique: "demo-0-w", port: 8000 }),
      pod("demo", "demo-0-w-unknown", { clique: "demo-0-w", port: 8000, image: "busybox" }),
      pod("demo", "demo-0-w-trunc", { clique: "demo-0-w", port: 8000 }),
      pod("demo", "demo-0-w-nobuckets", { clique: "demo-0-w", port: 8000 }),
      pod("demo", "demo-0-w-reset", { clique: "demo-0-w", port: 8000 }),
      pod("demo", "demo-0-w-pending", {
        clique: "demo-0-w",
        port: 8000,
        phase: "Pending",
        ready: false,
      }),
      pod("demo", "demo-0-w-crash", { clique: "demo-0-w", port: 8000, crashLoop: true }),
      pod("demo", "demo-0-w-notready", { clique: "demo-0-w", port: 8000, ready: false }),
      pod("demo", "demo-0-w-noport", { clique: "demo-0-w" }),
    ],
    metrics: {
      "demo-0-w-forbidden": { status: 403 },
      "demo-0-w-unknown": ["# TYPE up gauge\nup 1\n"],
      "demo-0-w-trunc": [V1, truncated],
      "demo-0-w-nobuckets": [V1, noBuckets],
      "demo-0-w-reset": [V2, V1],
      "demo-0-w-crash": { status: 503 },
    },
  };
  const { report: r } = await run(data);
  const by = Object.fromEntries(r.pods.map((p) => [p.pod, p]));
  assertEquals(by["demo-0-w-forbidden"].status, "failed");
  assertStringIncludes(by["demo-0-w-forbidden"].reason!, "forbidden: cannot get pods/proxy");
  assertStringIncludes(by["demo-0-w-unknown"].reason!, "unknown engine");
  assertEquals(by["demo-0-w-trunc"].status, "ok");
  assert(
    r.notes.some((n) => /^pod demo-0-w-trunc: metrics text line \d+: /.test(n)),
    r.notes.join("\n"),
  );
  assert(
    r.notes.some((n) =>
      n.includes("demo-0-w-nobuckets: histogram vllm:time_to_first_token_seconds has no buckets")
    ),
  );
  assertEquals(by["demo-0-w-nobuckets"].latencyMs.ttft?.p50, null);
  assertEquals(by["demo-0-w-nobuckets"].latencyMs.ttft?.mean, 434.878);
  assertEquals(by["demo-0-w-reset"].counterReset, true);
  assert(r.notes.some((n) => n.includes("demo-0-w-reset: counters were reset")));
  assertEquals(by["demo-0-w-pending"].status, "skipped");
  assertEquals(by["demo-0-w-pending"].reason, "Pending");
  // every pod of the set that was not scraped is listed with its reason
  const ns = Object.fromEntries(r.notScraped.map((p) => [p.pod, p.reason]));
  assertEquals(ns["demo-0-w-pending"], "Pending");
  assertEquals(ns["demo-0-w-crash"], "CrashLoopBackOff");
  assertStringIncludes(ns["demo-0-w-forbidden"], "scrape failed: forbidden");
  assertStringIncludes(ns["demo-0-w-unknown"], "scrape failed: unknown engine");
  assertEquals(ns["demo-0-w-notready"], "not ready");
  assertEquals(ns["demo-0-w-noport"], "no metrics port");
  assertEquals(r.notScraped.length, 6);
  assertEquals(r.pods.length, 9);
  assert(r.warnings.some((w) => w.includes("CrashLoopBackOff: demo-0-w-crash")));
  assertEquals(r.partial, true);
});

Deno.test("metrics: unknown PodCliqueSet is a clear error", async () => {
  const kube = fakeKube({ objects: [], metrics: {} });
  try {
    await collectMetrics(kube, { pcs: "nope", namespace: "inference", windowMs: 0 });
    throw new Error("expected an error");
  } catch (e) {
    assertStringIncludes(
      (e as Error).message,
      'podcliqueset "nope" not found in namespace "inference"',
    );
  }
});

Deno.test("metrics: scrapes are bounded in concurrency", async () => {
  const objects: KubeObject[] = [pcsObject("demo")];
  const metrics: FakeData["metrics"] = {};
  for (let i = 0; i < 40; i++) {
    objects.push(pod("demo", `demo-0-w-${i}`, { clique: "demo-0-w", port: 8000 }));
    metrics[`demo-0-w-${i}`] = [V1];
  }
  const kube = fakeKube({ objects, metrics, latencyMs: 5 });
  await collectMetrics(kube, { pcs: "demo", namespace: "inference", windowMs: 0, concurrency: 8 });
  assertEquals(kube.proxyCalls, 40);
  assertEquals(kube.maxInFlight, 8);
});

Deno.test("metrics: a malformed plan is a note, not a failure", async () => {
  const { report: r } = await run(disagg({}, [planConfigMap("demo", "{not json")]));
  assert(r.notes.some((n) => n.includes('configmap "demo-aic-plan": plan.json is not valid JSON')));
  assertEquals(r.plan, null);
});
