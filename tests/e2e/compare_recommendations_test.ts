// End to end (issue 25 item 2): every command `compare` recommends is run against the simulated
// cluster with the operator; no clique that was at or above minAvailable may drop below it
// while the command acts, and no recommendation deletes the only Ready pod of a role.
import { assert, assertEquals } from "../helpers/assert.ts";
import { runCli } from "../helpers/cli.ts";
import { startSimCluster } from "../../lib/sim/server.ts";
import { simOperator } from "../../lib/sim/operator/mod.ts";
import { Resources } from "../../lib/kube/resources.ts";
import { connect } from "../../lib/kube/connect.ts";
import type { KubeObject } from "../../lib/kube/types.ts";
import type { SimStore } from "../../lib/sim/store.ts";

const opts = { sanitizeResources: false, sanitizeOps: false };
const NS = "inference";

function planCm(pcs: string, plan: unknown): KubeObject {
  return {
    apiVersion: "v1",
    kind: "ConfigMap",
    metadata: { name: `${pcs}-aic-plan`, namespace: NS, labels: { "grove.io/aic-plan": pcs } },
    data: { "plan.json": JSON.stringify(plan) },
  };
}

const DISAGG_PLAN = {
  model: "Qwen/Qwen3-32B-FP8",
  system: "h200_sxm",
  serving_mode: "disagg",
  config: { prefill_workers: 2, decode_workers: 2, prefill_tp: 4, decode_tp: 16 },
  expected: { throughput_tokens_per_sec_per_gpu: 300, ttft_ms: 400, tpot_ms: 35 },
  sla: { ttft_ms: 1000, tpot_ms: 50 },
};

function isReady(p: KubeObject): boolean {
  const st = p.status as { conditions?: { type: string; status: string }[] } | undefined;
  return !p.metadata.deletionTimestamp &&
    !!st?.conditions?.some((c) => c.type === "Ready" && c.status === "True");
}

/** Ready pods and minAvailable of every PodClique of a set. */
function cliqueState(store: SimStore, pcs: string): Map<string, { ready: number; min: number }> {
  const out = new Map<string, { ready: number; min: number }>();
  for (const q of store.list(Resources.podcliques, NS)) {
    if (q.metadata.labels?.["app.kubernetes.io/part-of"] !== pcs) continue;
    const spec = q.spec as { replicas?: number; minAvailable?: number } | undefined;
    out.set(q.metadata.name, { ready: 0, min: spec?.minAvailable ?? spec?.replicas ?? 1 });
  }
  for (const p of store.list(Resources.pods, NS)) {
    const c = out.get(p.metadata.labels?.["grove.io/podclique"] ?? "");
    if (c && isReady(p)) c.ready++;
  }
  return out;
}

/** Runs every recommendation of `compare` and watches the cliques while each one acts. */
async function runRecommendations(
  sim: Awaited<ReturnType<typeof startSimCluster>>,
  pcs: string,
  extraArgs: string[] = [],
): Promise<string[]> {
  const env = { KUBECONFIG: sim.kubeconfigPath };
  const kube = await connect({ kubeconfig: sim.kubeconfigPath, env: {} });
  const cmp = await runCli(
    ["compare", pcs, "-n", NS, "--window", "0", "-o", "json", ...extraArgs],
    {
      env,
    },
  );
  assert(cmp.code === 0 || cmp.code === 3, `compare: exit ${cmp.code}\n${cmp.stderr}`);
  const report = JSON.parse(cmp.stdout) as {
    recommendations: { command: string; expected: string; action: string }[];
  };
  const ran: string[] = [];
  for (const rec of report.recommendations) {
    assert(rec.expected.length > 0, `no expected effect: ${rec.command}`);
    const before = cliqueState(sim.store, pcs);
    const args = rec.command.split(" ");
    if (rec.command.startsWith("kubectl delete pod ")) {
      const names = args.slice(3, args.indexOf("-n"));
      for (const n of names) await kube.delete(Resources.pods, n, { namespace: NS });
    } else if (rec.command.startsWith("kubectl logs ")) {
      continue; // read-only
    } else {
      assert(rec.command.startsWith("kubectl grove "), `unexpected command: ${rec.command}`);
      const g = args.slice(2);
      const mutating = g[0] === "scale" || g[0] === "restart";
      const run = await runCli(mutating ? [...g, "--yes"] : g, { env });
      assert(
        mutating ? run.code === 0 : run.code === 0 || run.code === 3,
        `${rec.command}: exit ${run.code}\n${run.stderr}`,
      );
    }
    ran.push(rec.command);
    // watch the cliques while the operator acts on the change
    for (let i = 0; i < 15; i++) {
      const now = cliqueState(sim.store, pcs);
      for (const [name, b] of before) {
        const a = now.get(name);
        if (!a || b.ready < b.min) continue;
        assert(
          a.ready >= a.min,
          `after "${rec.command}": podclique ${name} has ${a.ready} ready, below minAvailable ${a.min} (had ${b.ready})`,
        );
      }
      await new Promise((r) => setTimeout(r, 40));
    }
  }
  return ran;
}

Deno.test(
  "e2e compare recommendations: fragmented set, none takes a clique below minAvailable",
  opts,
  async () => {
    const sim = await startSimCluster({
      scenario: "fragmented",
      objects: [planCm("llama-disagg", DISAGG_PLAN)],
      operator: simOperator({ stepMs: 20, readyDelayMs: 200 }),
    });
    try {
      const ran = await runRecommendations(sim, "llama-disagg");
      assert(ran.length > 0, "no recommendation ran");
    } finally {
      await sim.stop();
    }
  },
);

Deno.test(
  "e2e compare recommendations: the only Ready prefill pod is never deleted (issue's case)",
  opts,
  async () => {
    const sim = await startSimCluster({
      scenario: "fragmented",
      objects: [planCm("llama-disagg", DISAGG_PLAN)],
      operator: simOperator({ stepMs: 20, readyDelayMs: 200 }),
    });
    try {
      // the crash-looping prefill pod moves next to the ready one in rack-a2: both prefill pods
      // are outside the rack the gang is consolidated into
      const crash = sim.store.get(Resources.pods, NS, "llama-disagg-0-prefill-g77jp")!;
      sim.store.put({ ...crash, spec: { ...(crash.spec as object), nodeName: "gpu-a2-03" } });
      const env = { KUBECONFIG: sim.kubeconfigPath };
      const cmp = await runCli(
        ["compare", "llama-disagg", "-n", NS, "--window", "0", "-o", "json"],
        { env },
      );
      const r = JSON.parse(cmp.stdout) as {
        recommendations: { rule: string; command: string; action: string }[];
      };
      const split = r.recommendations.find((x) => x.rule === "placement-split");
      assert(split, JSON.stringify(r.recommendations, null, 2));
      // the crash-looping pod may go; the only ready prefill pod stays
      assertEquals(split.command, "kubectl delete pod llama-disagg-0-prefill-g77jp -n inference");
      assert(
        split.action.includes("llama-disagg-0-prefill-82vgb (podclique llama-disagg-0-prefill"),
        split.action,
      );
      const ran = await runRecommendations(sim, "llama-disagg");
      assert(ran.some((c) => c.startsWith("kubectl delete pod")), ran.join("\n"));
    } finally {
      await sim.stop();
    }
  },
);

Deno.test(
  "e2e compare recommendations: scale advice on a healthy set keeps every clique available",
  opts,
  async () => {
    const plan = {
      ...DISAGG_PLAN,
      // more workers than exist, a tight SLA: compare recommends scaling
      config: { prefill_workers: 3, decode_workers: 3, prefill_tp: 4, decode_tp: 16 },
      sla: { ttft_ms: 100, tpot_ms: 10 },
    };
    const sim = await startSimCluster({
      scenario: "healthy",
      objects: [planCm("qwen-disagg", plan)],
      operator: simOperator({ stepMs: 20, readyDelayMs: 200 }),
    });
    try {
      const ran = await runRecommendations(sim, "qwen-disagg");
      assert(ran.some((c) => c.startsWith("kubectl grove scale")), ran.join("\n"));
    } finally {
      await sim.stop();
    }
  },
);
