// replan's pure part: workload from recorded engine scrapes (fixtures/metrics-samples), the
// search inputs, and which commands move the set.
import { parsePrometheusText } from "../../../lib/metrics/prom_parser.ts";
import { snapshotOf } from "../../../lib/metrics/snapshot.ts";
import type { EngineKind } from "../../../lib/metrics/engines.ts";
import {
  moveCommands,
  observeWorkload,
  type PodScrapes,
  replanInputs,
} from "../../../tasks/replan/mod.ts";
import type { DeployedRole } from "../../../lib/aic/drift.ts";
import type { Plan } from "../../../lib/aic/plan.ts";
import { GroveError } from "../../../lib/errors.ts";
import { assertEquals, assertMatch, assertThrows } from "../../helpers/assert.ts";

const SAMPLES = new URL("../../../fixtures/metrics-samples/", import.meta.url).pathname;

function snap(file: string, engine: EngineKind, atMs: number) {
  return snapshotOf(
    parsePrometheusText(Deno.readTextFileSync(`${SAMPLES}${file}`), { lenient: true }),
    engine,
    atMs,
  );
}

const PLAN: Plan = {
  model: "Qwen/Qwen3-32B-FP8",
  system: "h200_sxm",
  serving_mode: "disagg",
  config: { prefill_workers: 2, decode_workers: 2, prefill_tp: 4, decode_tp: 4 },
  expected: { throughput_tokens_per_sec_per_gpu: 900, ttft_ms: 200, tpot_ms: 25 },
  sla: { ttft_ms: 300, tpot_ms: 30 },
  backend: "vllm",
  isl: 1000,
  osl: 4000,
};

Deno.test("replan workload: the Dynamo frontend's length histograms win; lifetime without a window", () => {
  const pods: PodScrapes[] = [
    {
      pod: "fe",
      role: "frontend",
      engine: "dynamo-frontend",
      second: snap("dynamo-frontend_metrics.txt", "dynamo-frontend", 0),
    },
    {
      pod: "w",
      role: "worker",
      engine: "vllm",
      second: snap("vllm-0.11_v1_metrics_scrape2.txt", "vllm", 0),
    },
  ];
  const o = observeWorkload(pods, { percentile: "p50" });
  assertEquals([o.source, o.basis, o.pods], ["dynamo frontend (1 pod)", "lifetime", 1]);
  assertEquals(o.prompt!.count, 3975);
  // Mean from _sum/_count: 15874305 / 3975.
  assertEquals(Math.round(o.prompt!.mean!), 3994);
  assertEquals(o.isl, Math.round(o.prompt!.p50!));
  assertEquals(o.osl, Math.round(o.generation!.p50!));
  assertEquals(o.requestRate, null);
  // Latencies from the frontend (the sample README: TTFT p99 1.776636 s, ITL p50 0.033414 s).
  assertEquals(o.ttftMs!.p99, 1776.64);
  assertEquals(o.tpotMs!.p50, 33.41);
  // The frontend's buckets are coarse (3600-7400): the p50 is a guess, and the note says so.
  assertMatch(
    o.notes.join("\n"),
    /the input length p50 \(\d+\) is interpolated inside the 3600-7400 token bucket; the mean is 3994/,
  );
  const mean = observeWorkload(pods, { percentile: "mean" });
  assertEquals(mean.isl, 3994);
  assertEquals(mean.notes.some((n) => n.includes("interpolated")), false);
});

Deno.test("replan workload: vLLM workers over a 30 s window give rates and window lengths", () => {
  const pods: PodScrapes[] = [{
    pod: "w",
    role: "worker",
    engine: "vllm",
    first: snap("vllm-0.11_v1_metrics_scrape1.txt", "vllm", 0),
    second: snap("vllm-0.11_v1_metrics_scrape2.txt", "vllm", 30_000),
  }];
  const o = observeWorkload(pods, { percentile: "p90" });
  assertEquals([o.source, o.basis, o.windowSeconds], ["vllm workers (1 pod)", "window", 30]);
  // 131 requests finished in the window (sample README: TTFT delta count 131).
  assertEquals(o.prompt!.count, 131);
  assertEquals(o.isl, Math.round(o.prompt!.p90!));
  assertEquals(o.requestRate !== null && o.requestRate > 0, true);
});

Deno.test("replan workload: disaggregated prefill workers do not count for the output length", () => {
  const s = snap("vllm-0.11_v1_metrics_scrape2.txt", "vllm", 0);
  const withPrefill = observeWorkload([
    { pod: "p", role: "prefill", engine: "vllm", second: s },
    { pod: "d", role: "decode", engine: "vllm", second: s },
  ], { percentile: "p50" });
  assertEquals(withPrefill.generation!.count, s.workload!.generationLength!.count);
  assertEquals(withPrefill.prompt!.count, 2 * s.workload!.promptLength!.count);
});

Deno.test("replan workload: SGLang without length histograms: mean lengths from counters", () => {
  const o = observeWorkload([
    {
      pod: "s",
      role: "worker",
      engine: "sglang",
      second: snap("sglang-0.5_metrics.txt", "sglang", 0),
    },
  ], { percentile: "p50" });
  assertEquals(o.prompt, undefined);
  assertEquals(typeof o.isl, "number");
  assertMatch(o.notes.join("\n"), /no request-length histograms: mean lengths from token counters/);
});

Deno.test("replan inputs: plan SLA and model, observed lengths, budget, overrides, errors", () => {
  const obs = observeWorkload([
    {
      pod: "fe",
      role: "frontend",
      engine: "dynamo-frontend",
      second: snap("dynamo-frontend_metrics.txt", "dynamo-frontend", 0),
    },
  ], { percentile: "p50" });
  const i = replanInputs("qwen", PLAN, obs, {}, 40);
  assertEquals([i.model, i.system, i.backend, i.totalGpus, i.ttftMs, i.tpotMs, i.mode], [
    "Qwen/Qwen3-32B-FP8",
    "h200_sxm",
    "vllm",
    40,
    300,
    30,
    "disagg",
  ]);
  assertEquals(i.from.totalGpus, "GPUs the set holds now");
  assertEquals(replanInputs("qwen", PLAN, obs, {}, 8).totalGpus, 16);
  const o = replanInputs("qwen", PLAN, obs, { isl: 123, osl: 45, totalGpus: 8, tpot: 50 }, 40);
  assertEquals([o.isl, o.osl, o.totalGpus, o.tpotMs, o.from.isl], [123, 45, 8, 50, "--isl"]);
  const e = assertThrows(() => replanInputs("qwen", PLAN, undefined, { isl: 1 }), GroveError);
  assertMatch(e.message, /cannot tell the output sequence length qwen serves/);
  const nb = assertThrows(
    () => replanInputs("qwen", { ...PLAN, backend: "tgi" }, obs),
    GroveError,
  );
  assertMatch(nb.message, /names no backend AIConfigurator models \(got tgi\)/);
});

Deno.test("replan commands: counts only -> scale per set replica; layout change -> apply", () => {
  const running: DeployedRole[] = [
    {
      role: "prefill",
      workers: 4,
      gpusPerWorker: 4,
      tp: 4,
      cliques: ["prefill"],
      countsFrom: "live",
    },
    {
      role: "decode",
      workers: 2,
      gpusPerWorker: 8,
      tp: 8,
      cliques: ["decode"],
      countsFrom: "live",
    },
  ];
  const base = { pcs: "q", namespace: "ns", running, planStored: false, planFile: "q.json" };
  const plan = (p: number, d: number, dtp = 8): Plan => ({
    ...PLAN,
    config: {
      prefill_workers: p,
      decode_workers: d,
      prefill_tp: 4,
      decode_tp: dtp,
      prefill_gpus_per_worker: 4,
      decode_gpus_per_worker: dtp,
    },
  });
  const s = moveCommands({ ...base, setReplicas: 2, proposed: plan(6, 2) });
  assertEquals(s.change, "scale");
  assertEquals(s.commands.map((c) => c.dryRun), [
    "kubectl grove scale q -n ns --prefill=3 --dry-run",
    "kubectl grove plan store q -f q.json -n ns --overwrite --dry-run",
  ]);
  assertEquals(moveCommands({ ...base, setReplicas: 1, proposed: plan(4, 2) }).change, "none");
  const odd = moveCommands({
    ...base,
    setReplicas: 2,
    proposed: plan(5, 2),
    manifestFile: "q.yaml",
  });
  assertEquals(odd.change, "reshape");
  assertMatch(odd.notes.join(), /do not divide/);
  const r = moveCommands({
    ...base,
    setReplicas: 1,
    proposed: plan(4, 1, 16),
    manifestFile: "q.yaml",
  });
  assertEquals(r.change, "reshape");
  assertEquals(r.commands[0].command, "kubectl grove apply -f q.yaml -n ns");
});

Deno.test("replan workload: frontend lengths, request rate from the workers when the frontend's counters did not move", () => {
  const fe = snap("dynamo-frontend_metrics.txt", "dynamo-frontend", 0);
  const o = observeWorkload([
    {
      pod: "fe",
      role: "frontend",
      engine: "dynamo-frontend",
      first: fe,
      second: { ...fe, atMs: 30_000 },
    },
    {
      pod: "d",
      role: "decode",
      engine: "vllm",
      first: snap("vllm-0.11_v1_metrics_scrape1.txt", "vllm", 0),
      second: snap("vllm-0.11_v1_metrics_scrape2.txt", "vllm", 30_000),
    },
  ], { percentile: "p50" });
  assertEquals([o.source, o.basis], ["dynamo frontend (1 pod)", "lifetime"]);
  assertMatch(o.notes.join("\n"), /only 0 requests finished in the 30s window/);
  // vllm:request_success_total moved by 131 in 30 s.
  assertEquals(o.requestRate, Math.round((131 / 30) * 1000) / 1000);
  assertMatch(o.notes.join("\n"), /request rate from the serving workers' counters/);
});
