import {
  findRunDir,
  parseResults,
  readResultsDir,
  relaxAdvice,
  slaFromDirName,
} from "../../../lib/aic/results.ts";
import { parseCsv } from "../../../lib/aic/csv.ts";
import { GroveError } from "../../../lib/errors.ts";
import {
  assert,
  assertEquals,
  assertMatch,
  assertRejects,
  assertThrows,
} from "../../helpers/assert.ts";
import { copyRun, RUN_DIR, runFile, SAVE_DIR } from "./_fixtures.ts";

function files(over: Record<string, string | undefined> = {}) {
  return {
    dir: RUN_DIR,
    aggCsv: runFile("agg/best_config_topn.csv"),
    disaggCsv: runFile("disagg/best_config_topn.csv"),
    aggPareto: runFile("agg/pareto.csv"),
    disaggPareto: runFile("disagg/pareto.csv"),
    disaggGenerator: runFile("disagg/top1/generator_config.yaml"),
    ...over,
  };
}

Deno.test("results: the sample run gives the rank-1 disagg and agg plans of the whole deployment", async () => {
  const r = await readResultsDir(SAVE_DIR);
  assertEquals(r.dir, RUN_DIR);
  assertEquals([r.model, r.system, r.backend, r.backendVersion], [
    "Qwen/Qwen3-32B-FP8",
    "h200_sxm",
    "vllm",
    "0.24.0",
  ]);
  assertEquals([r.isl, r.osl, r.sla], [4000, 1000, { ttftMs: 2000, tpotMs: 30 }]);
  assertEquals([r.totalGpus, r.totalGpusSource, r.gpusPerNode], [16, "generator_config", 8]);
  const d = r.disagg!;
  assertEquals([d.replicas, d.gpusPerReplica, d.totalGpusUsed], [2, 8, 16]);
  assertEquals(d.prefill, { workers: 8, tp: 1, pp: 1, dp: 1, gpusPerWorker: 1, batchSize: 1 });
  assertEquals(d.decode, { workers: 2, tp: 4, pp: 1, dp: 1, gpusPerWorker: 4, batchSize: 320 });
  assertEquals([d.throughputPerGpu, d.ttftMs, d.tpotMs, d.slaMet], [
    1233.682,
    285.58,
    29.859,
    true,
  ]);
  const a = r.agg!;
  assertEquals(a.worker, { workers: 4, tp: 4, pp: 1, dp: 1, gpusPerWorker: 4, batchSize: 128 });
  assertEquals([a.throughputPerGpu, a.ttftMs, a.tpotMs, a.slaMet], [
    1096.33,
    324.002,
    28.893,
    true,
  ]);
  assertEquals(r.best, "disagg");
  assertMatch(r.notes.join("\n"), /total GPUs not given: assumed 16/);
});

Deno.test("results: --total-gpus sets the replica count of the CSV rows", () => {
  const r = parseResults(files({ disaggGenerator: undefined }), { totalGpus: 32 });
  assertEquals(r.disagg!.prefill!.workers, 16);
  assertEquals(r.disagg!.decode!.workers, 4);
  assertEquals(r.agg!.worker!.workers, 8);
  assertEquals(r.notes, []);
});

Deno.test("results: a generator_config that disagrees with the CSV wins, with a note", () => {
  const gen = runFile("disagg/top1/generator_config.yaml").replace(
    "prefill_workers: 8",
    "prefill_workers: 6",
  );
  const r = parseResults(files({ disaggGenerator: gen }));
  assertEquals(r.disagg!.prefill!.workers, 6);
  assertMatch(r.notes.join("\n"), /differs from the rank-1 CSV row/);
});

Deno.test("results: --total-gpus other than the generator_config's scales the CSV row instead", () => {
  const r = parseResults(files(), { totalGpus: 32 });
  assertEquals([r.disagg!.prefill!.workers, r.disagg!.decode!.workers, r.disagg!.replicas], [
    16,
    4,
    4,
  ]);
  assertMatch(r.notes.join("\n"), /generator_config\.yaml uses 16 GPUs; using the rank-1 CSV row/);
});

Deno.test("results: columns are found by name, not position", () => {
  const csv = runFile("agg/best_config_topn.csv").split("\n").filter(Boolean);
  const rows = csv.map((l) => l.split(","));
  const reversed = rows.map((r) => [...r].reverse().join(",")).join("\n") + "\n";
  const r = parseResults(files({ aggCsv: reversed }), { totalGpus: 16 });
  assertEquals(r.agg!.worker!.tp, 4);
  assertEquals(r.agg!.throughputPerGpu, 1096.33);
});

Deno.test("results: a renamed column names the column and the file", () => {
  const renamed = runFile("disagg/best_config_topn.csv").replace("(d)workers", "(d)num_workers");
  const e = assertThrows(() => parseResults(files({ disaggCsv: renamed })), GroveError);
  assertMatch(
    e.message,
    /disagg\/best_config_topn\.csv: missing column "\(d\)workers" \(found "\(d\)num_workers"\)/,
  );
});

Deno.test("results: a malformed row names the file and line", () => {
  const broken = runFile("agg/best_config_topn.csv") + "Qwen/Qwen3-32B-FP8,4000\n";
  const e = assertThrows(() => parseResults(files({ aggCsv: broken })), GroveError);
  assertMatch(e.message, /agg\/best_config_topn\.csv:6: expected \d+ fields/);
});

Deno.test("results: malformed generator_config.yaml names file and position", () => {
  const e = assertThrows(
    () => parseResults(files({ disaggGenerator: "WorkerConfig: [unclosed\n" })),
    GroveError,
  );
  assertMatch(e.message, /generator_config\.yaml:\d+:\d+: not valid YAML/);
});

Deno.test("results: no configuration met the SLA says which limit to relax", () => {
  const header = (f: string) => runFile(f).split("\n")[0] + "\n";
  const e = assertThrows(
    () =>
      parseResults(
        files({
          aggCsv: header("agg/best_config_topn.csv"),
          disaggCsv: header("disagg/best_config_topn.csv"),
          disaggGenerator: undefined,
        }),
        { sla: { ttftMs: 50, tpotMs: 2 } },
      ),
    GroveError,
  );
  assertMatch(e.message, /no configuration that meets the SLA \(TTFT <= 50 ms, TPOT <= 2 ms\)/);
  assertMatch(e.hint!, /TTFT limit \(50 ms\) is below the fastest TTFT found \(63\.19 ms\)/);
  assertMatch(e.hint!, /raise --tpot to at least 4/);
});

Deno.test("results: relax advice from the log when there is no Pareto file", () => {
  assertMatch(
    relaxAdvice(undefined, undefined, "No configurations for disagg met the TPOT constraint."),
    /raise --tpot/,
  );
  const p = parseCsv("ttft,tpot\n100,40\n500,10\n", "p.csv");
  assertMatch(relaxAdvice(p, { ttftMs: 300, tpotMs: 20 }), /closest has TTFT/);
  // Pareto points within both limits: the log's reason wins over "none was ranked".
  assertMatch(relaxAdvice(p, { ttftMs: 600, tpotMs: 50 }), /none was ranked/);
  assertMatch(
    relaxAdvice(
      p,
      { ttftMs: 600, tpotMs: 50 },
      "No configurations for agg met the TTFT constraint.",
    ),
    /TTFT limit as the one not met: raise --ttft/,
  );
});

Deno.test("results: one mode without rows leaves the other, with a note", () => {
  const header = runFile("agg/best_config_topn.csv").split("\n")[0] + "\n";
  const r = parseResults(files({ aggCsv: header }));
  assertEquals(r.agg, undefined);
  assert(r.disagg);
  assertMatch(r.notes.join("\n"), /agg: no configuration met the SLA/);
});

Deno.test("results: the SLA comes from the run directory name", () => {
  assertEquals(slaFromDirName("/x/QWEN3_32B_isl4000_osl500_ttft300_tpot10.5_904495/"), {
    isl: 4000,
    osl: 500,
    ttftMs: 300,
    tpotMs: 10.5,
  });
  assertEquals(slaFromDirName("/tmp/other"), undefined);
});

Deno.test("results: a missing directory and a directory with several runs are clear errors", async () => {
  const e = await assertRejects(() => findRunDir("/nonexistent/aic"), GroveError);
  assertMatch(e.message, /does not exist/);
  const one = await copyRun();
  const root = one.slice(0, one.lastIndexOf("/"));
  await Deno.mkdir(`${root}/second_isl1_osl1_ttft1_tpot1_2/agg`, { recursive: true });
  const e2 = await assertRejects(() => findRunDir(root), GroveError);
  assertMatch(e2.message, /holds 2 aiconfigurator runs/);
  const empty = await Deno.makeTempDir();
  const e3 = await assertRejects(() => findRunDir(empty), GroveError);
  assertMatch(e3.message, /no aiconfigurator results/);
  await Deno.remove(root, { recursive: true });
  await Deno.remove(empty, { recursive: true });
});
