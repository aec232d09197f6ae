// What the real aiconfigurator 0.12.0 prints and writes (recorded in fixtures/aic/v0.12/runs/)
// against what the parser assumed from the reconstructed 0.11 sample: one test per difference.
import {
  buildArgs,
  childEnv,
  deprecationFromLog,
  errorFromLog,
  resultsDirFromLog,
  runAiconfigurator,
} from "../../../lib/aic/runner.ts";
import { parseResults, readResultsDir, relaxAdvice } from "../../../lib/aic/results.ts";
import { buildManifest } from "../../../lib/aic/manifest.ts";
import { GroveError } from "../../../lib/errors.ts";
import {
  assert,
  assertEquals,
  assertMatch,
  assertRejects,
  assertStringIncludes,
} from "../../helpers/assert.ts";
import { FAKE_AIC } from "./_fixtures.ts";

const RUNS = new URL("../../../fixtures/aic/v0.12/runs/", import.meta.url).pathname;

function runDir(name: string): string {
  const base = `${RUNS}${name}/save-dir`;
  const org = [...Deno.readDirSync(base)][0].name;
  const run = [...Deno.readDirSync(`${base}/${org}`)][0].name;
  return `${base}/${org}/${run}`;
}

function lines(name: string, file: "stdout" | "stderr"): string[] {
  return Deno.readTextFileSync(`${RUNS}${name}/${file}.txt`).split("\n");
}

Deno.test("0.12: the results line, CSV columns and top1/generator_config.yaml are as in 0.11", async () => {
  // Same `Saving results to` line (now report_and_save.py:792), same column names.
  const out = lines("qwen3-32b-fp8_h200_vllm_16gpu", "stdout").join("\n");
  assertMatch(
    resultsDirFromLog(out)!,
    /\/Qwen\/Qwen3-32B-FP8_h200_sxm_vllm_isl4000_osl1000_ttft2000_tpot30_991289$/,
  );
  const r = await readResultsDir(runDir("qwen3-32b-fp8_h200_vllm_16gpu"), { totalGpus: 16 });
  assertEquals([r.model, r.system, r.backend, r.backendVersion], [
    "Qwen/Qwen3-32B-FP8",
    "h200_sxm",
    "vllm",
    "0.24.0",
  ]);
  assertEquals(r.best, "agg");
  assertEquals([r.agg!.worker!.workers, r.agg!.worker!.tp, r.agg!.throughputPerGpu], [
    16,
    1,
    568.987,
  ]);
  assertEquals([r.disagg!.prefill!.workers, r.disagg!.decode!.workers], [3, 13]);
  assertEquals(r.gpusPerNode, 8);
  assertEquals(r.suggestedImage, "nvcr.io/nvidia/ai-dynamo/vllm-runtime:1.3.0");
  // 0.12 writes top1..topN for agg too (0.11's sample had disagg/top1 only): agg now has a
  // generator_config.yaml, and it agrees with the rank-1 row.
  assert(!r.notes.some((n) => n.includes("differs")), r.notes.join("\n"));
});

Deno.test("0.12: the SGLang run on h100_sxm parses; sglang 0.5.14 modelled (its default perf database)", async () => {
  const r = await readResultsDir(runDir("qwen3-32b_h100_sglang_16gpu"), { totalGpus: 16 });
  assertEquals([r.system, r.backend, r.backendVersion], ["h100_sxm", "sglang", "0.5.14"]);
  assert(r.disagg && r.agg);
  assertEquals(r.disagg.totalGpusUsed <= 16 && r.agg.totalGpusUsed <= 16, true);
});

Deno.test("0.12: MoE attention-DP workers count tp x pp x dp GPUs (DeepSeek-V3, 16 GPUs each)", async () => {
  const r = await readResultsDir(runDir("deepseek-v3_h100_trtllm_32gpu"), { totalGpus: 32 });
  const p = r.disagg!.prefill!;
  assertEquals([p.tp, p.pp, p.dp, p.gpusPerWorker, p.workers], [1, 1, 16, 16, 1]);
  assertEquals(r.disagg!.totalGpusUsed, 32);
  assertEquals(r.agg!.worker!.gpusPerWorker, 16);
});

Deno.test("0.12: nothing within the SLA gives the closest configurations, not an empty table", async () => {
  // 0.11 left best_config_topn.csv without rows; 0.12 logs "No config found with tpot <= 1.0.
  // Returning top-5 closest configs." and writes them. They must not become a plan.
  const dir = runDir("no-sla_tpot1");
  const csv = Deno.readTextFileSync(`${dir}/agg/best_config_topn.csv`).trim().split("\n");
  assertEquals(csv.length > 1, true);
  const log = lines("no-sla_tpot1", "stdout").join("\n");
  const e = await assertRejects(() => readResultsDir(dir, { log }), GroveError);
  assertMatch(
    e.message,
    /found no configuration that meets the SLA \(TTFT <= 2000 ms, TPOT <= 1 ms\)/,
  );
  assertMatch(e.message, /only the closest ones \(disagg TTFT 509.16 ms, TPOT 50.59 ms; agg/);
  assertMatch(e.hint!, /raise --tpot to at least/);
  // The 0.12 log line alone also names the limit.
  assertMatch(
    relaxAdvice(undefined, undefined, "No config found with tpot <= 1.0. Returning top-5"),
    /the TPOT limit as the one not met: raise --tpot/,
  );
});

Deno.test("0.12: one mode outside the SLA is dropped with a note, the other is kept", () => {
  const dir = runDir("qwen3-32b-fp8_h200_vllm_16gpu");
  const read = (rel: string) => Deno.readTextFileSync(`${dir}/${rel}`);
  // SLA between the two rank-1 rows: agg has TPOT 27.65, disagg 29.55.
  const r = parseResults({
    dir,
    aggCsv: read("agg/best_config_topn.csv"),
    disaggCsv: read("disagg/best_config_topn.csv"),
  }, { totalGpus: 16, sla: { ttftMs: 2000, tpotMs: 28 } });
  assertEquals([r.agg !== undefined, r.disagg === undefined, r.best], [true, true, "agg"]);
  assertMatch(
    r.notes.join("\n"),
    /disagg: no configuration met the SLA; the closest .* TPOT 29.55 ms/,
  );
});

Deno.test("0.12: a failure is an [E] log line without a traceback; the deprecation notice is noise", () => {
  const all = [...lines("bad-system", "stderr"), ...lines("bad-system", "stdout")];
  assertEquals(
    errorFromLog(all),
    "Backend vllm is not supported for system h999_sxm. Supported backends:",
  );
  assert(!all.some((l) => l.includes("Traceback")));
  assertEquals(
    errorFromLog(["Traceback (most recent call last):", "ValueError: bad"]),
    "ValueError: bad",
  );
  assertEquals(errorFromLog(["all fine"]), undefined);
  assertMatch(
    deprecationFromLog(all.join("\n"))!,
    /deprecated; it suggests installing aisimulate==0.12.0/,
  );
});

Deno.test("0.12: --backend-version is spelled --perf-db-version from 0.12 on", () => {
  const i = {
    model: "m",
    system: "h200_sxm",
    totalGpus: 8,
    backend: "vllm" as const,
    isl: 1,
    osl: 1,
    ttft: 1,
    tpot: 1,
    saveDir: "d",
    backendVersion: "0.24.0",
  };
  assertStringIncludes(buildArgs("0.12.0", i).join(" "), "--perf-db-version 0.24.0");
  assertStringIncludes(buildArgs("0.11.0", i).join(" "), "--backend-version 0.24.0");
  assertStringIncludes(buildArgs("0.6.0", i).join(" "), "--backend_version 0.24.0");
});

Deno.test("0.12: the child gets HF_* and HOME, not the rest of our environment", () => {
  const ours: Record<string, string> = {
    PATH: "/bin",
    HOME: "/root",
    HF_TOKEN: "t",
    HF_HUB_OFFLINE: "1",
    KUBECONFIG: "/secret",
    AWS_SECRET_ACCESS_KEY: "x",
  };
  assertEquals(childEnv((k) => ours[k]), {
    PATH: "/bin",
    HOME: "/root",
    HF_TOKEN: "t",
    HF_HUB_OFFLINE: "1",
  });
});

Deno.test("0.12: the fake replays a recorded 0.12 run, and a failed one exits 1 with its [E] line", async () => {
  const save = await Deno.makeTempDir({ prefix: "aic-v012-" });
  try {
    const ok = await runAiconfigurator(FAKE_AIC, ["cli", "default", "--save-dir", save], {
      env: { FAKE_AIC_RUN: "qwen3-32b-fp8_h200_vllm_16gpu" },
    });
    assertEquals(ok.resultsDir.startsWith(`${save}/Qwen/`), true);
    assertEquals(ok.warnings.length, 1);
    const e = await assertRejects(
      () =>
        runAiconfigurator(FAKE_AIC, ["cli", "default", "--save-dir", save], {
          env: { FAKE_AIC_RUN: "bad-system" },
        }),
      GroveError,
    );
    assertMatch(
      e.message,
      /failed \(exit code 1\): Backend vllm is not supported for system h999_sxm/,
    );
    assert(!e.message.includes("DeprecationWarning"), e.message);
  } finally {
    await Deno.remove(save, { recursive: true });
  }
});

Deno.test("0.12: DeepSeek-V3 on trtllm: 16-GPU workers become 2-node MPI scaling groups", async () => {
  // AIC's own k8s_deploy.yaml says nodeCount 32 and gpu '256' for these workers; the layout
  // comes from generator_config.yaml (gpus_per_worker 16, num_gpus_per_node 8) instead.
  const dir = runDir("deepseek-v3_h100_trtllm_32gpu");
  assertStringIncludes(
    Deno.readTextFileSync(`${dir}/disagg/top1/k8s_deploy.yaml`),
    "nodeCount: 32",
  );
  const r = await readResultsDir(dir, { totalGpus: 32 });
  assertEquals(r.gpusPerNode, 8);
  const m = buildManifest(r, "disagg", { name: "ds" });
  const groups = m.spec!.template!.podCliqueScalingGroups!;
  assertEquals(groups.map((g) => [g.name, g.replicas, g.cliqueNames]), [
    ["prefill", 1, ["prefill-ldr", "prefill-wkr"]],
    ["decode", 1, ["decode-ldr", "decode-wkr"]],
  ]);
  const ldr = m.spec!.template!.cliques!.find((c) => c.name === "prefill-ldr")!;
  const gpus = ldr.spec!.podSpec!.containers[0].resources!.limits!["nvidia.com/gpu"];
  assertEquals(gpus, "8");
  const script = (ldr.spec!.podSpec!.containers[0].args as string[])[0];
  assertMatch(
    script,
    /mpirun .* -n 16 -H .*prefill-ldr-0\.\$\(GROVE_HEADLESS_SERVICE\):8,.*prefill-wkr-0\.\$\(GROVE_HEADLESS_SERVICE\):8 /,
  );
  assertMatch(
    script,
    /--tensor-parallel-size 16 .*--enable-attention-dp --expert-parallel-size 16/,
  );
});

Deno.test("0.12: MoE rows (tp1 dp16 ep16) become each engine's world-size flags and read back", async () => {
  const { workerCommand, parallelFromArgs } = await import("../../../lib/aic/engines.ts");
  const r = await readResultsDir(runDir("deepseek-v3_h100_trtllm_32gpu"), { totalGpus: 32 });
  const plan = r.disagg!.prefill!;
  assertEquals(plan.ep, 16);
  const words = (backend: "sglang" | "vllm" | "trtllm") => {
    const c = workerCommand({
      backend,
      model: r.model,
      role: "prefill",
      plan,
      nodes: 1,
      part: "single",
    });
    return [...c.command, ...c.args];
  };
  const sg = words("sglang").join(" ");
  assertStringIncludes(sg, "--tp-size 16 --pp-size 1 --dp-size 16");
  assertStringIncludes(sg, "--enable-dp-attention --ep-size 16");
  const tr = words("trtllm").join(" ");
  assertStringIncludes(tr, "--tensor-parallel-size 16");
  assertStringIncludes(tr, "--enable-attention-dp --expert-parallel-size 16");
  assertStringIncludes(words("vllm").join(" "), "--data-parallel-size 16 --enable-expert-parallel");
  // plan diff reads the attention TP and DP back, not the world size.
  for (const b of ["sglang", "trtllm", "vllm"] as const) {
    const p = parallelFromArgs(words(b));
    assertEquals([p.tp, p.dp], [1, 16], b);
  }
});

Deno.test("0.12: vLLM DP ranks over nodes: every node runs vLLM with its share, followers headless", async () => {
  const { workerCommand } = await import("../../../lib/aic/engines.ts");
  const r = await readResultsDir(runDir("deepseek-v3_h100_trtllm_32gpu"), { totalGpus: 32 });
  const plan = r.disagg!.decode!; // tp1 dp16 ep16: 16 GPUs, 2 nodes of 8
  const base = {
    backend: "vllm" as const,
    model: r.model,
    role: "decode" as const,
    plan,
    nodes: 2,
    leaderClique: "decode-ldr",
    followerClique: "decode-wkr",
    gpusPerPod: 8,
  };
  const ldr = workerCommand({ ...base, part: "leader" });
  const l = [...ldr.command, ...ldr.args].join(" ");
  assertStringIncludes(l, "--data-parallel-size 16 --enable-expert-parallel");
  assertStringIncludes(
    l,
    "--data-parallel-size-local 8 --data-parallel-address $(GROVE_PCSG_NAME)",
  );
  assertStringIncludes(l, "--data-parallel-start-rank 0");
  assert(!l.includes("ray"), l);
  const f = workerCommand({ ...base, part: "follower" }).args[0];
  assertStringIncludes(
    f,
    `--data-parallel-start-rank "$(( (GROVE_PCLQ_POD_INDEX + 1) * 8 ))" --headless`,
  );
  // The rank is shell arithmetic: pod 0 of the follower clique starts at rank 8.
  const out = new Deno.Command("sh", {
    args: ["-c", `echo ${f.match(/"\$\(\(.*?\)\)"/)![0]}`],
    env: { GROVE_PCLQ_POD_INDEX: "0" },
  }).outputSync();
  assertEquals(new TextDecoder().decode(out.stdout).trim(), "8");
  // TP across nodes still goes through Ray.
  const tp16 = { ...plan, tp: 16, dp: 1, gpusPerWorker: 16 };
  const ray = workerCommand({ ...base, plan: tp16, part: "leader" }).args[0];
  assertMatch(ray, /ray start --head .* --distributed-executor-backend ray/);
});
