// End to end: `kubectl grove generate` with the fake aiconfigurator (fixtures/aic/bin), its
// manifests checked by the simulated cluster's server-side dry run, golden output, and every
// failure of the external tool.
import { assert, assertEquals, assertMatch, assertStringIncludes } from "../helpers/assert.ts";
import { assertGolden } from "../helpers/golden.ts";
import { runCli } from "../helpers/cli.ts";
import { startSimCluster } from "../../lib/sim/server.ts";
import { connect } from "../../lib/kube/connect.ts";
import { Resources } from "../../lib/kube/resources.ts";
import { yamlLoad } from "../../lib/deps.ts";
import type { KubeObject } from "../../lib/kube/types.ts";

const opts = { sanitizeResources: false, sanitizeOps: false };
const FIXTURES = new URL("../../fixtures/aic/", import.meta.url).pathname.replace(/\/$/, "");
const BIN = `${FIXTURES}/bin`;
const SYS_PATH = "/usr/local/bin:/usr/bin:/bin";
const SEARCH = [
  "generate",
  "--model",
  "Qwen/Qwen3-32B-FP8",
  "--system",
  "h200_sxm",
  "--total-gpus",
  "16",
  "--backend",
  "vllm",
  "--isl",
  "4000",
  "--osl",
  "1000",
  "--ttft",
  "2000",
  "--tpot",
  "30",
];

/** Replaces temp paths and timestamps so output can be compared with golden files. */
function stable(text: string, out: string): string {
  return text.replaceAll(out, "<out>").replaceAll(FIXTURES, "<fixtures>")
    .replace(/\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z/g, "<created>");
}

Deno.test(
  "e2e generate: runs the fake aiconfigurator, writes manifests the server accepts",
  opts,
  async () => {
    const out = await Deno.makeTempDir({ prefix: "gen-" });
    const sim = await startSimCluster({ scenario: "healthy", shiftTimes: false });
    try {
      const r = await runCli([...SEARCH, "--save-dir", `${out}/aic`, "--name", "gen"], {
        env: { PATH: `${BIN}:${SYS_PATH}` },
      });
      assertEquals(r.code, 0, r.stderr);
      // Progress on stderr, the report on stdout.
      assertMatch(
        r.stderr,
        /running: .*aiconfigurator cli default --model-path Qwen\/Qwen3-32B-FP8/,
      );
      assertStringIncludes(r.stderr, "aiconfigurator | 14:03:09 [aiconfigurator] [I]");
      assert(!r.stdout.includes("aiconfigurator |"));
      assertStringIncludes(
        r.stdout,
        `results: ${out}/aic/Qwen/Qwen3-32B-FP8_h200_sxm_vllm_isl4000`,
      );
      assertStringIncludes(
        r.stdout,
        "workers:     prefill 8 x (TP1, 1 GPU), decode 2 x (TP4, 4 GPUs)",
      );
      assertStringIncludes(r.stdout, "SLA met:     yes");
      assertStringIncludes(r.stdout, `kubectl apply -f ${out}/aic/gen-disagg.yaml`);
      // Both manifests pass the API server's validation (dry run) of the simulated cluster.
      const kube = await connect({ kubeconfig: sim.kubeconfigPath, env: {} });
      for (const mode of ["disagg", "agg"]) {
        const pcs = yamlLoad(await Deno.readTextFile(`${out}/aic/gen-${mode}.yaml`)) as KubeObject;
        const created = await kube.create(Resources.podcliquesets, pcs, {
          namespace: "inference",
          dryRun: true,
        });
        assertEquals(created.metadata.name, `gen-${mode}`);
      }
      assertEquals(
        (await kube.list(Resources.podcliquesets, { namespace: "inference" })).items.length,
        2,
        "dry run stored nothing",
      );
    } finally {
      await sim.stop();
      await Deno.remove(out, { recursive: true });
    }
  },
);

Deno.test("e2e generate: --from-results golden table, json and manifests", opts, async () => {
  const out = await Deno.makeTempDir({ prefix: "gen-" });
  try {
    const base = [
      "generate",
      "--from-results",
      `${FIXTURES}/save-dir`,
      "--out-dir",
      out,
      "--name",
      "qwen",
    ];
    const t = await runCli(base);
    assertEquals(t.code, 0, t.stderr);
    await assertGolden("aic/generate.table", stable(t.stdout, out));
    // the files exist now: nothing is overwritten without --overwrite
    const refused = await runCli(base);
    assertEquals(refused.code, 1, refused.stderr);
    assertMatch(refused.stderr, /refusing to overwrite .*qwen-disagg\.yaml.*nothing was written/);
    assertStringIncludes(refused.stderr, "hint: pass --overwrite");
    const j = await runCli([...base, "-o", "json", "--overwrite"]);
    assertEquals(j.code, 0, j.stderr);
    const report = JSON.parse(j.stdout);
    assertEquals(report.kind, "GenerateReport");
    assertEquals(report.modes.map((m: { pcs: string }) => m.pcs), ["qwen-disagg", "qwen-agg"]);
    await assertGolden("aic/generate.json", stable(j.stdout, out));
    for (const mode of ["disagg", "agg"]) {
      await assertGolden(
        `aic/generate.${mode}.yaml`,
        stable(await Deno.readTextFile(`${out}/qwen-${mode}.yaml`), out),
      );
    }
    // A multi-node layout: 2 GPUs per node makes every 4-GPU worker a scaling group of 2 pods.
    const mn = await runCli([
      ...base,
      "--gpus-per-node",
      "2",
      "--backend",
      "sglang",
      "--name",
      "mn",
    ]);
    assertEquals(mn.code, 0, mn.stderr);
    assertStringIncludes(mn.stdout, "decode 2 x (TP4, 4 GPUs, 2 nodes x 2 GPUs)");
    assertStringIncludes(mn.stdout, "the search modelled vllm 0.24.0; the manifests run sglang");
    // the backend version is vllm's, never printed as if it were sglang's
    assertStringIncludes(mn.stdout, "on 16 x h200_sxm (sglang), ISL 4000");
    assert(!mn.stdout.includes("sglang 0.24.0"), mn.stdout);
    const pcs = yamlLoad(await Deno.readTextFile(`${out}/mn-agg.yaml`)) as KubeObject;
    assertEquals(pcs.spec.template.podCliqueScalingGroups[0].cliqueNames, [
      "worker-ldr",
      "worker-wkr",
    ]);
  } finally {
    await Deno.remove(out, { recursive: true });
  }
});

Deno.test(
  "e2e generate: --store-plan and --validate against the simulator; no silent overwrite",
  opts,
  async () => {
    const out = await Deno.makeTempDir({ prefix: "gen-" });
    const sim = await startSimCluster({ scenario: "healthy", shiftTimes: false });
    try {
      const args = [
        "--kubeconfig",
        sim.kubeconfigPath,
        "-n",
        "inference",
        "generate",
        "--from-results",
        `${FIXTURES}/save-dir`,
        "--out-dir",
        out,
        "--name",
        "qwen3",
        "--store-plan",
        "--validate",
      ];
      const r = await runCli(args);
      assertEquals(r.code, 0, r.stderr);
      assertStringIncludes(r.stdout, "(ConfigMap qwen3-disagg-aic-plan created)");
      assertStringIncludes(
        r.stdout,
        "disagg: the server accepted the manifest (dry run, namespace inference)",
      );
      assertStringIncludes(
        r.stdout,
        `podcliqueset "qwen3-disagg" does not exist in namespace "inference" yet`,
      );
      assertStringIncludes(r.stdout, "kubectl apply -f");
      assert(!r.stdout.includes("kubectl grove plan store"), "plans are stored already");
      // the manifest files exist: refused without --overwrite, nothing written
      const files = await runCli(args);
      assertEquals(files.code, 1, files.stderr);
      assertStringIncludes(files.stderr, "refusing to overwrite");
      args[args.indexOf(out)] = `${out}/again`; // a new --out-dir: only the stored plans remain
      const again = await runCli(args);
      assertEquals(again.code, 0, "identical plans are left alone");
      assertStringIncludes(again.stdout, "created)".replace("created", "unchanged"));
      const kube = await connect({ kubeconfig: sim.kubeconfigPath, env: {} });
      const cm = await kube.get(Resources.configmaps, "qwen3-agg-aic-plan", "inference");
      assertEquals(cm.metadata.labels?.["grove.io/aic-plan"], "qwen3-agg");
      assertEquals(JSON.parse(cm.data["plan.json"]).config.agg_workers, 4);
      args[args.indexOf(`${out}/again`)] = `${out}/changed`;
      const changed = await runCli([...args, "--total-gpus", "32"]);
      assertEquals(changed.code, 1);
      assertMatch(
        changed.stderr,
        /a plan for "qwen3-disagg" is already stored .* nothing was changed/,
      );
      assertStringIncludes(changed.stderr, "Stored plan of qwen3-disagg:");
      assertStringIncludes(changed.stderr, "prefill   8");
      assertStringIncludes(changed.stderr, "hint: pass --overwrite");
      const over = await runCli([...args, "--total-gpus", "32", "--overwrite"]);
      assertEquals(over.code, 0, over.stderr);
      assertStringIncludes(over.stdout, "(ConfigMap qwen3-disagg-aic-plan replaced)");
    } finally {
      await sim.stop();
      await Deno.remove(out, { recursive: true });
    }
  },
);

Deno.test(
  "e2e generate: aiconfigurator missing, failing, silent, too old, or finding nothing",
  opts,
  async () => {
    const out = await Deno.makeTempDir({ prefix: "gen-" });
    try {
      const base = [...SEARCH, "--save-dir", out];
      const missing = await runCli(base, { env: { PATH: SYS_PATH } });
      assertEquals(missing.code, 1);
      assertStringIncludes(
        missing.stderr,
        "error: aiconfigurator is not installed (not found on PATH)",
      );
      assertStringIncludes(missing.stderr, "hint: install it with: pip install aiconfigurator");

      const env = { PATH: `${BIN}:${SYS_PATH}` };
      const fail = await runCli(base, { env: { ...env, FAKE_AIC_FAIL: "1" } });
      assertEquals(fail.code, 1);
      assertStringIncludes(
        fail.stderr,
        "error: aiconfigurator failed (exit code 1): ValueError: system 'h999_sxm' not found in the systems database; its last lines:",
      );
      assertStringIncludes(fail.stderr, "ValueError: system 'h999_sxm' not found");

      const silent = await runCli(base, { env: { ...env, FAKE_AIC_NO_RESULTS_LINE: "1" } });
      assertEquals(silent.code, 1);
      assertStringIncludes(silent.stderr, 'printed no "Saving results to <dir>" line');

      const old = await runCli(base, { env: { ...env, FAKE_AIC_VERSION: "0.3.0" } });
      assertEquals(old.code, 1);
      assertStringIncludes(old.stderr, "aiconfigurator 0.3.0 is too old");

      const legacy = await runCli(base, { env: { ...env, FAKE_AIC_VERSION: "0.5.0" } });
      assertEquals(legacy.code, 0, legacy.stderr);
      assertMatch(legacy.stderr, /cli default --model_path .* --total_gpus 16 .* --save_dir/);

      const none = await runCli([...base, "--ttft", "50", "--tpot", "2"], {
        env: { ...env, FAKE_AIC_NO_SLA: "1" },
      });
      assertEquals(none.code, 1);
      assertStringIncludes(
        none.stderr,
        "no configuration that meets the SLA (TTFT <= 50 ms, TPOT <= 2 ms)",
      );
      assertStringIncludes(none.stderr, "raise --ttft to at least 64");

      // The Pareto points fit the limits but nothing was ranked: aiconfigurator's log names
      // the limit (TPOT), and the advice follows it.
      const logged = await runCli(base, { env: { ...env, FAKE_AIC_NO_SLA: "1" } });
      assertEquals(logged.code, 1);
      assertStringIncludes(logged.stderr, "no configuration that meets the SLA");
      assertStringIncludes(
        logged.stderr,
        "aiconfigurator reports the TPOT limit as the one not met: raise --tpot",
      );

      const configured = await runCli(base, {
        env: { PATH: SYS_PATH, KUBECTL_GROVE_AICONFIGURATOR_PATH: "/opt/none/aiconfigurator" },
      });
      assertEquals(configured.code, 1);
      assertStringIncludes(
        configured.stderr,
        'aiconfigurator.path is set to "/opt/none/aiconfigurator"',
      );
    } finally {
      await Deno.remove(out, { recursive: true });
    }
  },
);

Deno.test("e2e generate: usage errors and bad results", opts, async () => {
  const r = await runCli(["generate", "--model", "m"]);
  assertEquals(r.code, 2);
  assertStringIncludes(r.stderr, "missing --system, --total-gpus");
  const bad = await runCli(["generate", "--from-results", "/nonexistent/aic"]);
  assertEquals(bad.code, 1);
  assertStringIncludes(bad.stderr, "results directory /nonexistent/aic does not exist");
  const dir = await Deno.makeTempDir();
  try {
    await Deno.mkdir(`${dir}/agg`);
    await Deno.writeTextFile(`${dir}/agg/best_config_topn.csv`, "model,isl,tp\nm,1,1\n");
    const renamed = await runCli(["generate", "--from-results", dir, "--out-dir", dir]);
    assertEquals(renamed.code, 1);
    assertMatch(renamed.stderr, /agg\/best_config_topn\.csv: missing columns "osl", "ttft"/);
    const ttft = await runCli(["generate", "--ttft", "fast"]);
    assertEquals(ttft.code, 2);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
