// End to end with the REAL aiconfigurator (.tools/aic, scripts/install_aic.sh): the fast
// combination (Qwen3-32B-FP8 on 16 x h200_sxm, vLLM; about 13 s of search), offline. Its
// manifests pass the simulator's server-side validation, and the plan from the real run
// round-trips: plan store, plan show, plan diff against the applied manifest, compare.
// Skipped with a message when .tools/aic is absent and CI is not set; a failure under CI.
// The slower combinations are in tests/real/aic_real_test.ts.
import { assert, assertEquals, assertMatch, assertStringIncludes } from "../helpers/assert.ts";
import { runCli } from "../helpers/cli.ts";
import { realAicEnv, requireRealAic, SKIP_REAL_AIC, timedCli } from "../helpers/aic_real.ts";
import { startSimCluster } from "../../lib/sim/server.ts";
import { readResultsDir } from "../../lib/aic/results.ts";

const opts = { sanitizeResources: false, sanitizeOps: false, ignore: SKIP_REAL_AIC };
const RECORDED = new URL(
  "../../fixtures/aic/v0.12/runs/qwen3-32b-fp8_h200_vllm_16gpu/save-dir",
  import.meta.url,
).pathname;

Deno.test(
  "real aiconfigurator: Qwen3-32B-FP8 / h200_sxm / vllm / 16 GPUs -> validated manifests, plan round trip",
  opts,
  async () => {
    requireRealAic();
    const sim = await startSimCluster({ scenario: "healthy", shiftTimes: false });
    const dir = await Deno.makeTempDir({ prefix: "aic-real-" });
    try {
      const k = ["--kubeconfig", sim.kubeconfigPath, "-n", "inference"];
      const r = await timedCli([
        ...k,
        "generate",
        "--model",
        "Qwen/Qwen3-32B-FP8",
        "--system",
        "h200_sxm",
        "--backend",
        "vllm",
        "--total-gpus",
        "16",
        "--isl",
        "4000",
        "--osl",
        "1000",
        "--ttft",
        "2000",
        "--tpot",
        "30",
        "--save-dir",
        `${dir}/aic`,
        "--name",
        "qreal",
        "--validate",
        "-o",
        "json",
      ], realAicEnv());
      console.log(`real aiconfigurator search + generate: ${r.seconds}s`);
      assertEquals(r.code, 0, r.stderr.split("\n").slice(-30).join("\n"));
      const rep = JSON.parse(r.stdout);
      assertMatch(rep.aiconfiguratorVersion, /^\d+\.\d+\.\d+/);
      assertEquals([rep.model, rep.system, rep.backend, rep.totalGpus], [
        "Qwen/Qwen3-32B-FP8",
        "h200_sxm",
        "vllm",
        16,
      ]);
      assertEquals(rep.modes.map((m: { pcs: string }) => m.pcs).sort(), [
        "qreal-agg",
        "qreal-disagg",
      ]);
      for (const mode of ["agg", "disagg"]) {
        assertStringIncludes(
          rep.notes.join("\n"),
          `${mode}: the server accepted the manifest (dry run, namespace inference)`,
        );
      }
      // Same version, same inputs: the live search equals the recorded 0.12.0 run.
      const live = await readResultsDir(rep.resultsDir, { totalGpus: 16 });
      if (rep.aiconfiguratorVersion === "0.12.0") {
        const rec = await readResultsDir(RECORDED, { totalGpus: 16 });
        for (const m of ["agg", "disagg"] as const) {
          assertEquals(
            { ...live[m], source: "" },
            { ...rec[m], source: "" },
            `${m} differs from fixtures/aic/v0.12/runs/qwen3-32b-fp8_h200_vllm_16gpu`,
          );
        }
      }

      // The plan from the real run round-trips.
      const file = `${dir}/aic/qreal-agg.yaml`;
      const store = await runCli([...k, "plan", "store", "qreal-agg", "-f", file]);
      assertEquals(store.code, 0, store.stderr);
      const show = await runCli([...k, "plan", "show", "qreal-agg", "-o", "json"]);
      assertEquals(show.code, 0, show.stderr);
      const plan = JSON.parse(show.stdout).plan;
      assertEquals(plan.config.agg_workers, live.agg!.worker!.workers);
      assertEquals(plan.aiconfigurator_version, rep.aiconfiguratorVersion);
      assertEquals(plan.sla, { ttft_ms: 2000, tpot_ms: 30 });
      const apply = await runCli([...k, "apply", "-f", file, "--yes"]);
      assertEquals(apply.code, 0, apply.stdout + apply.stderr);
      const diff = await runCli([...k, "plan", "diff", "qreal-agg"]);
      assertEquals(diff.code, 0, diff.stdout + diff.stderr);
      assertStringIncludes(diff.stdout, "no drift: the deployment matches the plan");
      const cmp = await runCli([...k, "compare", "qreal-agg", "--window", "0", "-o", "json"]);
      assert(cmp.code === 0 || cmp.code === 3, cmp.stderr);
      const c = JSON.parse(cmp.stdout);
      assertEquals(c.kind, "CompareReport");
      assert(c.plan !== null, "compare read no plan");
      assertEquals(c.plan.model, "Qwen/Qwen3-32B-FP8");
      assertEquals(c.status === "actuals-only", false);
      // compare's SLA and planned rows come from the real run's plan.
      assertEquals(c.sla, { ttftMs: 2000, tpotMs: 30, source: "plan" });
    } finally {
      await sim.stop();
      await Deno.remove(dir, { recursive: true });
    }
  },
);
