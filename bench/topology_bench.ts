/**
 * Benchmark of `topology --cluster` on a (large) simulated cluster: the
 * work after start-up, measured in process (client connected, then lists,
 * report and rendering), against the 1 s budget of issue 5. Also the
 * request count of one run, which must not grow with cluster size.
 *
 * Used by `bench/run.ts` (`benchTopology(...)`), or on its own:
 *
 * ```
 * deno run -A bench/topology_bench.ts [--runs 7]
 * ```
 * which starts the `large` simulated scenario and prints the result as JSON.
 *
 * @module
 */

import { connect } from "../lib/kube/connect.ts";
import { PLAIN } from "../lib/render/style.ts";
import { collectTopology } from "../tasks/topology/collect.ts";
import { renderTopology } from "../tasks/topology/render.ts";
import { buildTopologyReport } from "../tasks/topology/report.ts";

/** Options of {@link benchTopology}. */
export interface TopologyBenchOptions {
  /** Kubeconfig of the server to measure against (the `large` simulated scenario). */
  kubeconfigPath: string;
  /** Timed runs after one warm-up (default 7). */
  runs?: number;
  /** The request log of a simulated cluster, to count requests per run. */
  requestLog?: { reset(): void; readonly length: number };
}

/** What {@link benchTopology} measured (medians, ms). */
export interface TopologyBenchResult {
  /** Lists (collect) median. */
  collectMs: number;
  /** Pure report median. */
  reportMs: number;
  /** Rendering median. */
  renderMs: number;
  /** Whole work after start-up, median. */
  totalMs: number;
  /** The budget: 1000 ms. */
  budgetMs: number;
  /** totalMs <= budgetMs. */
  withinBudget: boolean;
  /** Requests of one run. */
  requests?: number;
  /** Nodes and pods seen. */
  nodes: number;
  /** Pods seen. */
  pods: number;
  /** Timed runs. */
  runs: number;
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
}

/**
 * Measures `topology --cluster` work after start-up.
 *
 * @example
 * ```ts ignore
 * import { startSimCluster } from "../lib/sim/server.ts";
 * import { benchTopology } from "./topology_bench.ts";
 * const sim = await startSimCluster({ scenario: "large" });
 * const r = await benchTopology({ kubeconfigPath: sim.kubeconfigPath, requestLog: sim.requestLog });
 * console.log(r.totalMs, r.withinBudget);
 * await sim.stop();
 * ```
 */
export async function benchTopology(opts: TopologyBenchOptions): Promise<TopologyBenchResult> {
  const runs = opts.runs ?? 7;
  const kube = await connect({ kubeconfig: opts.kubeconfigPath, env: {} });
  const once = async () => {
    const t0 = performance.now();
    const objects = await collectTopology(kube, { namespace: kube.namespace, cluster: true });
    const t1 = performance.now();
    const report = buildTopologyReport(objects, { now: Date.now(), cluster: true });
    const t2 = performance.now();
    renderTopology(report, PLAIN);
    const t3 = performance.now();
    return {
      collect: t1 - t0,
      report: t2 - t1,
      render: t3 - t2,
      total: t3 - t0,
      nodes: objects.nodes.length,
      pods: objects.pods.length,
    };
  };
  opts.requestLog?.reset();
  const warm = await once();
  const requests = opts.requestLog?.length;
  const samples = [];
  for (let i = 0; i < runs; i++) samples.push(await once());
  const totalMs = median(samples.map((s) => s.total));
  return {
    collectMs: median(samples.map((s) => s.collect)),
    reportMs: median(samples.map((s) => s.report)),
    renderMs: median(samples.map((s) => s.render)),
    totalMs,
    budgetMs: 1000,
    withinBudget: totalMs <= 1000,
    requests,
    nodes: warm.nodes,
    pods: warm.pods,
    runs,
  };
}

if (import.meta.main) {
  const { startSimCluster } = await import("../lib/sim/server.ts");
  const i = Deno.args.indexOf("--runs");
  const sim = await startSimCluster({ scenario: "large" });
  try {
    const r = await benchTopology({
      kubeconfigPath: sim.kubeconfigPath,
      requestLog: sim.requestLog,
      runs: i >= 0 ? Number(Deno.args[i + 1]) : undefined,
    });
    console.log(JSON.stringify(r, null, 2));
  } finally {
    await sim.stop();
  }
}
