import {
  buildArgs,
  findExecutable,
  readVersion,
  resultsDirFromLog,
  runAiconfigurator,
  versionFromOutput,
} from "../../../lib/aic/runner.ts";
import { GroveError } from "../../../lib/errors.ts";
import {
  assert,
  assertEquals,
  assertMatch,
  assertRejects,
  assertThrows,
} from "../../helpers/assert.ts";
import { FAKE_AIC } from "./_fixtures.ts";

const inputs = {
  model: "Qwen/Qwen3-32B",
  system: "h200_sxm",
  totalGpus: 32,
  backend: "sglang" as const,
  isl: 4000,
  osl: 1000,
  ttft: 300,
  tpot: 10,
  saveDir: "./out",
};

Deno.test("runner: 0.7 and later get kebab-case flags and --model-path", () => {
  assertEquals(buildArgs("0.11.0", inputs), [
    "cli",
    "default",
    "--model-path",
    "Qwen/Qwen3-32B",
    "--system",
    "h200_sxm",
    "--total-gpus",
    "32",
    "--backend",
    "sglang",
    "--isl",
    "4000",
    "--osl",
    "1000",
    "--ttft",
    "300",
    "--tpot",
    "10",
    "--save-dir",
    "./out",
  ]);
  assertEquals(buildArgs("0.7.0", { ...inputs, backendVersion: "0.5.6" }).slice(-4), [
    "--backend-version",
    "0.5.6",
    "--save-dir",
    "./out",
  ]);
});

Deno.test("runner: 0.4 to 0.6 get the snake-case forms", () => {
  const a = buildArgs("0.6.2", inputs);
  assertEquals(a.slice(0, 4), ["cli", "default", "--model_path", "Qwen/Qwen3-32B"]);
  assert(a.includes("--total_gpus") && a.includes("--save_dir"));
});

Deno.test("runner: older or unreadable versions are refused with the supported range", () => {
  const e = assertThrows(() => buildArgs("0.3.1", inputs), GroveError);
  assertMatch(
    e.message,
    /aiconfigurator 0\.3\.1 is too old: kubectl-grove supports 0\.4\.0 and later/,
  );
  assertMatch(e.hint!, /pip install -U aiconfigurator/);
  assertThrows(() => buildArgs("dev", inputs), GroveError);
});

Deno.test("runner: version and results line are read from the output", () => {
  assertEquals(versionFromOutput("Gradio not installed\naiconfigurator 0.11.0\n"), "0.11.0");
  assertEquals(versionFromOutput("0.7.1rc2\n"), "0.7.1rc2");
  assertEquals(
    resultsDirFromLog("x\n14:03 [I] Saving results to /tmp/aic/Qwen/run_1 \nmore\n"),
    "/tmp/aic/Qwen/run_1",
  );
  assertEquals(resultsDirFromLog("no such line"), undefined);
});

Deno.test("runner: a missing executable says how to install it", async () => {
  const e = await assertRejects(() => findExecutable(undefined, "/nonexistent"), GroveError);
  assertMatch(e.message, /aiconfigurator is not installed/);
  assertMatch(e.hint!, /pip install aiconfigurator/);
  const e2 = await assertRejects(() => findExecutable("/no/such/aic", undefined), GroveError);
  assertMatch(e2.message, /aiconfigurator\.path is set to "\/no\/such\/aic"/);
  const dir = FAKE_AIC.slice(0, FAKE_AIC.lastIndexOf("/"));
  assertEquals(await findExecutable(undefined, `/nonexistent:${dir}`), FAKE_AIC);
  assertEquals(await findExecutable(FAKE_AIC, undefined), FAKE_AIC);
});

Deno.test("runner: runs the fake, streams lines, finds the results directory", async () => {
  assertEquals(await readVersion(FAKE_AIC), "0.11.0");
  const save = await Deno.makeTempDir();
  const lines: string[] = [];
  const r = await runAiconfigurator(FAKE_AIC, buildArgs("0.11.0", { ...inputs, saveDir: save }), {
    onLine: (l) => lines.push(l),
  });
  assertEquals(
    r.resultsDir,
    `${save}/Qwen/Qwen3-32B-FP8_h200_sxm_vllm_isl4000_osl1000_ttft2000_tpot30_482913`,
  );
  assert(lines.length > 50);
  assert((await Deno.stat(`${r.resultsDir}/disagg/best_config_topn.csv`)).isFile);
  await Deno.remove(save, { recursive: true });
});

Deno.test("runner: a failing run reports its exit code and last lines", async () => {
  const e = await assertRejects(
    () => runAiconfigurator(FAKE_AIC, ["cli", "default"], { env: { FAKE_AIC_FAIL: "1" } }),
    GroveError,
  );
  assertMatch(
    e.message,
    /aiconfigurator failed \(exit code 1\): ValueError: system .h999_sxm. not found in the systems database; its last lines:/,
  );
  assertMatch(e.message, /ValueError: system 'h999_sxm' not found/);
});

Deno.test("runner: no results line is an error with the last lines", async () => {
  const save = await Deno.makeTempDir();
  const e = await assertRejects(
    () =>
      runAiconfigurator(FAKE_AIC, ["cli", "default", "--save-dir", save], {
        env: { FAKE_AIC_NO_RESULTS_LINE: "1" },
      }),
    GroveError,
  );
  assertMatch(e.message, /printed no "Saving results to <dir>" line; its last lines:/);
  assertMatch(e.message, /Config formats differ across backend releases/);
  await Deno.remove(save, { recursive: true });
});

Deno.test("runner: an old version reported by the executable is read", async () => {
  assertEquals(await readVersion(FAKE_AIC, { env: { FAKE_AIC_VERSION: "0.3.0" } }), "0.3.0");
});
