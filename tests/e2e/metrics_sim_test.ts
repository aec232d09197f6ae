// End to end: the metrics command against the simulated cluster serving the
// sample scrapes through its pod proxy (HTTPS, real client code path).
import { assert, assertEquals, assertStringIncludes } from "../helpers/assert.ts";
import { assertGolden } from "../helpers/golden.ts";
import { runCli } from "../helpers/cli.ts";
import { startSimCluster } from "../../lib/sim/server.ts";
import { synthMetricsHandler } from "../../lib/sim/metrics_synth.ts";
import { connect } from "../../lib/kube/connect.ts";
import { collectMetrics } from "../../tasks/metrics/collect.ts";
import { buildMetricsReport } from "../../tasks/metrics/report.ts";
import { renderMetrics } from "../../tasks/metrics/render.ts";
import { PLAIN } from "../../lib/render/style.ts";
import { toJson } from "../../lib/render/output.ts";
import { Resources } from "../../lib/kube/resources.ts";

const opts = { sanitizeResources: false, sanitizeOps: false };

/** A fake clock so the window is exactly 30 s and golden output is stable. */
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

Deno.test(
  "e2e metrics: healthy scenario through the pod proxy, golden table/wide/json",
  opts,
  async () => {
    const sim = await startSimCluster({ scenario: "healthy", shiftTimes: false });
    try {
      const kube = await connect({ kubeconfig: sim.kubeconfigPath, env: {} });
      const recordedAt = new Date(sim.scenario.meta.recordedAt);
      for (const pcs of ["qwen-disagg", "sglang-chat"]) {
        const c = await collectMetrics(kube, {
          pcs,
          namespace: "inference",
          windowMs: 30_000,
          ...fakeTime(recordedAt.getTime() - 30_000),
        });
        const r = buildMetricsReport(c, { now: recordedAt });
        assertEquals(r.partial, false, r.notes.join("\n"));
        const dir = pcs === "qwen-disagg" ? "healthy" : "healthy-sglang";
        await assertGolden(`${dir}/metrics.table`, renderMetrics(r, { style: PLAIN }));
        await assertGolden(`${dir}/metrics.wide`, renderMetrics(r, { style: PLAIN, wide: true }));
        await assertGolden(`${dir}/metrics.json`, toJson(r));
      }
    } finally {
      await sim.stop();
    }
  },
);

Deno.test(
  "e2e metrics CLI: json output, read-only context gets a forbidden note and exit 5, unknown PCS exit 1",
  opts,
  async () => {
    const sim = await startSimCluster({ scenario: "healthy" });
    try {
      const env = { KUBECONFIG: sim.kubeconfigPath };
      const ok = await runCli([
        "metrics",
        "qwen-disagg",
        "-n",
        "inference",
        "--window",
        "0",
        "--json",
      ], { env });
      assertEquals(ok.code, 0, ok.stderr);
      const r = JSON.parse(ok.stdout);
      assertEquals([r.apiVersion, r.kind, r.pcs], [
        "kubectl-grove.io/v1alpha1",
        "MetricsReport",
        "qwen-disagg",
      ]);
      assert(r.total.scrapedPods >= 4);

      const ro = await runCli(
        ["metrics", "qwen-disagg", "-n", "inference", "--window", "0", "--context", "sim-readonly"],
        { env },
      );
      assertEquals(ro.code, 5, ro.stderr);
      assertStringIncludes(ro.stdout.replace(/\s+/g, " "), "forbidden: cannot get pods/proxy");

      const missing = await runCli(["metrics", "nope", "-n", "inference", "--window", "0"], {
        env,
      });
      assertEquals(missing.code, 1);
      assertStringIncludes(
        missing.stderr,
        'podcliqueset "nope" not found in namespace "inference"',
      );

      const bad = await runCli(["metrics", "qwen-disagg", "--window", "100ms"], { env });
      assertEquals(bad.code, 2);
      const badSla = await runCli(["metrics", "qwen-disagg", "--sla-ttft", "fast"], { env });
      assertEquals(badSla.code, 2);
    } finally {
      await sim.stop();
    }
  },
);

Deno.test(
  "e2e metrics: truncated scrape names the pod and line; counter reset is noted",
  opts,
  async () => {
    const sim = await startSimCluster({ scenario: "healthy", shiftTimes: false });
    try {
      const key = "inference/qwen-disagg-0-prefill-28mlr";
      const [s1, s2] = sim.scenario.metrics.get(key)!;
      const cut = s2.indexOf("vllm:kv_cache_usage_perc{") + 30;
      sim.scenario.metrics.set(key, [s1, s2.slice(0, cut)]);
      const key2 = "inference/qwen-disagg-0-prefill-krzgp";
      const [a, b] = sim.scenario.metrics.get(key2)!;
      sim.scenario.metrics.set(key2, [b, a]);
      const kube = await connect({ kubeconfig: sim.kubeconfigPath, env: {} });
      const c = await collectMetrics(kube, {
        pcs: "qwen-disagg",
        namespace: "inference",
        windowMs: 30_000,
        ...fakeTime(Date.now()),
      });
      const r = buildMetricsReport(c, { now: new Date() });
      assert(
        r.notes.some((n) =>
          /^pod qwen-disagg-0-prefill-28mlr: metrics text line \d+: .*truncated/.test(
            n,
          )
        ),
        r.notes.join("\n"),
      );
      assert(
        r.notes.some((n) => n.startsWith("pod qwen-disagg-0-prefill-krzgp: counters were reset")),
      );
    } finally {
      await sim.stop();
    }
  },
);

Deno.test(
  "e2e metrics: synthesized metrics for the large scenario, counters grow",
  opts,
  async () => {
    let t = Date.parse("2026-11-01T12:00:00Z");
    // deno-lint-ignore prefer-const
    let sim: Awaited<ReturnType<typeof startSimCluster>> | undefined;
    sim = await startSimCluster({
      scenario: "large",
      shiftTimes: false,
      proxyHandler: synthMetricsHandler({
        recorded: (ns, p) => !!sim?.scenario.metrics.has(`${ns}/${p}`),
        now: () => t,
      }),
    });
    try {
      const kube = await connect({ kubeconfig: sim.kubeconfigPath, env: {} });
      const list = await kube.list(Resources.podcliquesets, { namespace: "inference" });
      const name = list.items[0].metadata.name;
      const c = await collectMetrics(kube, {
        pcs: name,
        namespace: "inference",
        windowMs: 30_000,
        clock: () => t,
        sleep: (ms) => {
          t += ms;
          return Promise.resolve();
        },
      });
      const r = buildMetricsReport(c, { now: new Date(t) });
      assert(r.total.scrapedPods > 0, r.notes.join("\n"));
      assert((r.total.outputTokensPerSec ?? 0) > 0, JSON.stringify(r.total));
      assert((r.total.latencyMs.ttft?.p50 ?? 0) > 200, JSON.stringify(r.total.latencyMs));
    } finally {
      await sim.stop();
    }
  },
);

Deno.test(
  "e2e metrics: a pod slower than the per-pod timeout through the proxy is a partial result (exit 5)",
  opts,
  async () => {
    const sim = await startSimCluster({
      scenario: "healthy",
      // only one pod's proxy answers late
      faults: { latencyMs: 1500, pathPattern: /pods\/qwen-disagg-0-prefill-28mlr[^/]*\/proxy\// },
    });
    try {
      const kube = await connect({ kubeconfig: sim.kubeconfigPath, env: {} });
      const started = Date.now();
      const c = await collectMetrics(kube, {
        pcs: "qwen-disagg",
        namespace: "inference",
        windowMs: 0,
        timeoutMs: 300,
      });
      assert(Date.now() - started < 1400, "the slow pod did not hold up the scrape round");
      const r = buildMetricsReport(c, { now: new Date() });
      const by = Object.fromEntries(r.pods.map((p) => [p.pod, p]));
      assertEquals(by["qwen-disagg-0-prefill-28mlr"].status, "failed");
      assertStringIncludes(
        by["qwen-disagg-0-prefill-28mlr"].reason!,
        "timed out after 0.3s through the pod proxy (raise metrics.scrape_timeout)",
      );
      assertEquals(by["qwen-disagg-0-prefill-krzgp"].status, "ok");
      assertEquals(r.partial, true);

      // The CLI takes the timeout from the config and exits 5 on a partial result.
      const cli = await runCli(["metrics", "qwen-disagg", "-n", "inference", "--window", "0"], {
        env: { KUBECONFIG: sim.kubeconfigPath, KUBECTL_GROVE_METRICS_SCRAPE_TIMEOUT: "300ms" },
      });
      assertEquals(cli.code, 5, cli.stderr);
      assertStringIncludes(cli.stdout, "qwen-disagg-0-prefill-28mlr");
      assertStringIncludes(cli.stdout, "timed out after 0.3s");
    } finally {
      await sim.stop();
    }
  },
);
