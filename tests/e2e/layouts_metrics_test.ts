// Metrics, compare's worker counts and scrape coverage on the Grove layouts
// of issue 26, against the simulated cluster serving each layout fixture:
// a scaling group holding prefill and decode together, and Grove's
// multinode-disaggregated-with-frontend sample (leader/worker groups).
import { assert, assertEquals } from "../helpers/assert.ts";
import { assertGolden } from "../helpers/golden.ts";
import { startSimCluster } from "../../lib/sim/server.ts";
import { connect } from "../../lib/kube/connect.ts";
import { collectMetrics } from "../../tasks/metrics/collect.ts";
import { buildMetricsReport } from "../../tasks/metrics/report.ts";
import { renderMetrics } from "../../tasks/metrics/render.ts";
import { PLAIN } from "../../lib/render/style.ts";
import { toJson } from "../../lib/render/output.ts";

const opts = { sanitizeResources: false, sanitizeOps: false };

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

async function report(scenario: string, pcs: string, namespace: string) {
  const sim = await startSimCluster({ scenario, shiftTimes: false });
  try {
    const kube = await connect({ kubeconfig: sim.kubeconfigPath, env: {} });
    const at = new Date(sim.scenario.meta.recordedAt);
    const c = await collectMetrics(kube, {
      pcs,
      namespace,
      windowMs: 30_000,
      ...fakeTime(at.getTime() - 30_000),
    });
    return { c, r: buildMetricsReport(c, { now: at }) };
  } finally {
    await sim.stop();
  }
}

Deno.test(
  "layouts: a group holding prefill and decode reports two roles, every pod counted",
  opts,
  async () => {
    const { c, r } = await report("sg-prefill-decode", "pd-pair", "inference");
    assertEquals(r.roles.map((x) => x.role).sort(), ["decode", "frontend", "prefill"]);
    assert(!r.roles.some((x) => x.role === "workers"), "no role named after the group");
    const prefill = r.roles.find((x) => x.role === "prefill")!;
    const decode = r.roles.find((x) => x.role === "decode")!;
    assertEquals([prefill.pods, prefill.scrapedPods, prefill.gpus], [3, 2, 12]);
    assertEquals([decode.pods, decode.scrapedPods], [3, 2]);
    // prefill owns TTFT, decode the per-token SLA: no mixing in one row
    assertEquals([prefill.roleClass, decode.roleClass], ["prefill", "decode"]);
    // every engine pod of the set is counted; the two not scraped are named
    assertEquals(r.pods.length, 7);
    assertEquals(r.total.scrapedPods, 5);
    const why = Object.fromEntries(
      r.notScraped.map((p) => [p.pod.replace(/-[a-z0-9]{5}$/, ""), p.reason]),
    );
    assertEquals(why, {
      "pd-pair-0-workers-2-prefill": "Pending",
      "pd-pair-0-workers-2-decode": "CrashLoopBackOff",
    });
    const table = renderMetrics(r, { style: PLAIN });
    assert(table.includes("5/7 engine pods scraped"), table);
    assert(/Not scraped \(2\):\n.*workers-2-(prefill|decode)/.test(table), table);
    // each pod of a role alone in its clique is one worker
    assertEquals(
      new Set(c.targets.filter((t) => t.role === "prefill").map((t) => t.worker)).size,
      3,
    );
    await assertGolden("sg-prefill-decode/metrics.table", table);
    await assertGolden(
      "sg-prefill-decode/metrics.wide",
      renderMetrics(r, { style: PLAIN, wide: true }),
    );
    await assertGolden("sg-prefill-decode/metrics.json", toJson(r));
  },
);

Deno.test(
  "layouts: Grove's multinode-disaggregated sample keeps pleader/pworker as one role",
  opts,
  async () => {
    const { c, r } = await report("mn-disagg", "mn-disagg", "default");
    assertEquals(r.roles.map((x) => x.role).sort(), ["decode", "frontend", "prefill"]);
    const prefill = r.roles.find((x) => x.role === "prefill")!;
    // 2 group replicas x (1 leader + 3 workers), one worker per group replica
    assertEquals([prefill.pods, prefill.workers, prefill.gpus], [8, 2, 64]);
    const decode = r.roles.find((x) => x.role === "decode")!;
    assertEquals([decode.pods, decode.workers], [3, 1]);
    // followers serve no metrics: counted and listed, not hidden
    assertEquals(
      r.notScraped.filter((p) => p.reason === "no port; worker scraped")
        .length,
      8,
    );
    assertEquals(r.pods.length, c.targets.length);
    await assertGolden("mn-disagg/metrics.table", renderMetrics(r, { style: PLAIN }));
    await assertGolden("mn-disagg/metrics.json", toJson(r));
  },
);

Deno.test(
  "layouts: the simulator serves the DRA scenario's ResourceClaims and ResourceSlices",
  opts,
  async () => {
    const { collectTopology } = await import("../../tasks/topology/collect.ts");
    const { buildTopologyReport } = await import("../../tasks/topology/report.ts");
    const sim = await startSimCluster({ scenario: "dra", shiftTimes: false });
    try {
      const kube = await connect({ kubeconfig: sim.kubeconfigPath, env: {} });
      const o = await collectTopology(kube, { namespace: "inference", cluster: true });
      assertEquals([o.resourceClaims?.length, o.resourceSlices?.length], [4, 4]);
      const r = buildTopologyReport(o, {
        now: new Date(sim.scenario.meta.recordedAt),
        cluster: true,
      });
      assertEquals([r.cluster!.totalGpus, r.cluster!.allocatedGpus], [32, 18]);
    } finally {
      await sim.stop();
    }
  },
);

Deno.test(
  "layouts: metrics counts DRA GPUs per pod from the set's claim templates",
  opts,
  async () => {
    const { r } = await report("dra", "dra-agg", "inference");
    assertEquals(r.total.gpus, 12);
    assertEquals(r.pods.map((p) => p.gpus), [4, 4, 4]);
    assert(r.total.outputTokensPerSecPerGpu !== null);
  },
);

Deno.test(
  "layouts: compare on a group holding prefill and decode counts workers per role and scales the group",
  opts,
  async () => {
    const { buildCompareReport } = await import("../../tasks/compare/report.ts");
    const { runCli } = await import("../helpers/cli.ts");
    const plan = {
      model: "Qwen/Qwen3-32B-FP8",
      system: "h200_sxm",
      serving_mode: "disagg",
      config: { prefill_workers: 5, decode_workers: 5, prefill_tp: 4, decode_tp: 4 },
      expected: { throughput_tokens_per_sec_per_gpu: 300, ttft_ms: 400, tpot_ms: 35 },
      sla: { ttft_ms: 5000, tpot_ms: 100 },
    };
    const sim = await startSimCluster({
      scenario: "sg-prefill-decode",
      shiftTimes: false,
      objects: [{
        apiVersion: "v1",
        kind: "ConfigMap",
        metadata: {
          name: "pd-pair-aic-plan",
          namespace: "inference",
          labels: { "grove.io/aic-plan": "pd-pair" },
        },
        data: { "plan.json": JSON.stringify(plan) },
      }],
    });
    try {
      const kube = await connect({ kubeconfig: sim.kubeconfigPath, env: {} });
      const at = new Date(sim.scenario.meta.recordedAt);
      const c = await collectMetrics(kube, {
        pcs: "pd-pair",
        namespace: "inference",
        windowMs: 30_000,
        placement: true,
        ...fakeTime(at.getTime() - 30_000),
      });
      const r = buildCompareReport(c, { now: at });
      const text = JSON.stringify(r);
      assert(!text.includes('"role":"workers"'), "no role named after the group");
      const scale = r.recommendations.map((x) => x.command).filter((x) =>
        x.includes("grove scale")
      );
      assert(scale.length > 0, JSON.stringify(r.recommendations, null, 1));
      // the roles share the group: the command scales the group, and the CLI accepts it
      for (const cmd of scale) {
        assert(/--workers=\d+/.test(cmd), cmd);
        const args = cmd.slice("kubectl grove ".length).split(" ");
        const run = await runCli([...args, "--dry-run"], {
          env: { KUBECONFIG: sim.kubeconfigPath },
        });
        assertEquals(run.code, 0, `${cmd}\n${run.stderr}`);
      }
    } finally {
      await sim.stop();
    }
  },
);
