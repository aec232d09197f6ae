// End to end: `compare` against the simulated cluster with a stored plan.
import { assert, assertEquals, assertStringIncludes } from "../helpers/assert.ts";
import { assertGolden } from "../helpers/golden.ts";
import { runCli } from "../helpers/cli.ts";
import { startSimCluster } from "../../lib/sim/server.ts";
import { connect } from "../../lib/kube/connect.ts";
import type { KubeObject } from "../../lib/kube/types.ts";
import { collectMetrics } from "../../tasks/metrics/collect.ts";
import { buildCompareReport } from "../../tasks/compare/report.ts";
import { renderCompare } from "../../tasks/compare/render.ts";
import { PLAIN } from "../../lib/render/style.ts";
import { toJson } from "../../lib/render/output.ts";

const opts = { sanitizeResources: false, sanitizeOps: false };

const PLAN = {
  model: "Qwen/Qwen3-32B-FP8",
  system: "h200_sxm",
  serving_mode: "disagg",
  config: { prefill_workers: 2, decode_workers: 2, prefill_tp: 4, decode_tp: 16 },
  expected: { throughput_tokens_per_sec_per_gpu: 300, ttft_ms: 400, tpot_ms: 35 },
  sla: { ttft_ms: 1000, tpot_ms: 50 },
};

function planCm(pcs: string, plan: unknown): KubeObject {
  return {
    apiVersion: "v1",
    kind: "ConfigMap",
    metadata: {
      name: `${pcs}-aic-plan`,
      namespace: "inference",
      labels: { "grove.io/aic-plan": pcs },
    },
    data: { "plan.json": JSON.stringify(plan) },
  };
}

function fakeTime(start: number) {
  let t = start;
  return {
    clock: () => t,
    sleep: (ms: number) => {
      t += ms;
      return Promise.resolve();
    },
  };
}

Deno.test("e2e compare: fragmented scenario with a plan, golden table and json", opts, async () => {
  const sim = await startSimCluster({
    scenario: "fragmented",
    shiftTimes: false,
    objects: [planCm("llama-disagg", PLAN)],
  });
  try {
    const kube = await connect({ kubeconfig: sim.kubeconfigPath, env: {} });
    const now = new Date(sim.scenario.meta.recordedAt);
    const c = await collectMetrics(kube, {
      pcs: "llama-disagg",
      namespace: "inference",
      windowMs: 30_000,
      placement: true,
      ...fakeTime(now.getTime() - 30_000),
    });
    const r = buildCompareReport(c, { now });
    assertEquals(r.status, "breach");
    const rules = r.findings.map((f) => f.rule);
    for (const rule of ["placement-split", "missing-workers", "crash-loop"]) {
      assert(rules.includes(rule), `missing ${rule} in ${rules.join(", ")}`);
    }
    const consolidate = r.recommendations.find((x) => x.rule === "placement-split");
    // the decode pod outside rack-a1 is its clique's only ready pod (minAvailable 1):
    // no delete, a read-only command and the reason
    assertEquals(consolidate?.command, "kubectl grove topology llama-disagg -n inference");
    assertStringIncludes(consolidate!.action, "llama-disagg-0-decode-0-dworker-r99z2 (podclique");
    assert(r.recommendations.every((x, i) => x.priority === i + 1));
    // Every recommended kubectl-grove command is one the CLI accepts as written
    // (mutating ones with --dry-run): no unknown role, flag or object.
    const env = { KUBECONFIG: sim.kubeconfigPath };
    for (const rec of r.recommendations) {
      for (const cmd of rec.command.split(" && ")) {
        if (cmd.startsWith("kubectl delete pod ")) {
          // kubectl's discovery cache in a temp dir, never the user's ~/.kube/cache
          const cache = await Deno.makeTempDir({ prefix: "kubectl-cache-" });
          const k = new Deno.Command("kubectl", {
            args: ["--cache-dir", cache, ...cmd.split(" ").slice(1), "--dry-run=server"],
            env: { ...env, HOME: cache },
            stdout: "piped",
            stderr: "piped",
          });
          const out = await k.output().catch(() => undefined);
          await Deno.remove(cache, { recursive: true });
          // real kubectl, when installed, accepts it against the simulator
          if (out) assertEquals(out.code, 0, new TextDecoder().decode(out.stderr));
          continue;
        }
        if (!cmd.startsWith("kubectl grove ")) continue;
        const args = cmd.slice("kubectl grove ".length).split(" ");
        const mutating = args[0] === "scale" || args[0] === "restart";
        const run = await runCli(mutating ? [...args, "--dry-run"] : args, { env });
        assert(
          mutating ? run.code === 0 : run.code === 0 || run.code === 3,
          `${cmd}: exit ${run.code}\n${run.stderr}`,
        );
      }
    }
    await assertGolden("fragmented/compare.table", renderCompare(r, PLAIN));
    await assertGolden("fragmented/compare.json", toJson({ ...r, metrics: undefined }));
  } finally {
    await sim.stop();
  }
});

Deno.test(
  "e2e compare CLI: breach exits 3, no plan shows actuals and how to store one, within SLA exits 0",
  opts,
  async () => {
    const sim = await startSimCluster({
      scenario: "healthy",
      objects: [planCm("qwen-disagg", PLAN)],
    });
    try {
      const env = { KUBECONFIG: sim.kubeconfigPath };
      const breach = await runCli(["compare", "qwen-disagg", "-n", "inference", "--window", "0"], {
        env,
      });
      assertEquals(breach.code, 3, breach.stderr);
      assertStringIncludes(breach.stdout, "Status: BREACH (exit code 3)");

      const relaxed = await runCli(
        [
          "compare",
          "qwen-disagg",
          "-n",
          "inference",
          "--window",
          "0",
          "--sla-ttft",
          "5s",
          "--sla-tpot",
          "100ms",
          "-o",
          "json",
        ],
        { env },
      );
      const rr = JSON.parse(relaxed.stdout);
      assertEquals(rr.kind, "CompareReport");
      assert(rr.status === "ok" || rr.status === "warn", rr.status);
      assertEquals(relaxed.code, 0, relaxed.stderr);

      const noPlan = await runCli(["compare", "sglang-chat", "-n", "inference", "--window", "0"], {
        env,
      });
      assertEquals(noPlan.code, 0, noPlan.stderr);
      assertStringIncludes(noPlan.stdout, "no plan stored for sglang-chat");
      assertStringIncludes(noPlan.stdout, "kubectl grove plan store sglang-chat");
      assertStringIncludes(noPlan.stdout, "Status: actuals only");

      const missing = await runCli(["compare", "nope", "-n", "inference"], { env });
      assertEquals(missing.code, 1);
      assertStringIncludes(missing.stderr, 'podcliqueset "nope" not found');
    } finally {
      await sim.stop();
    }
  },
);
