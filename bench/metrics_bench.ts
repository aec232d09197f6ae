/**
 * Metrics scrape benchmark (issue 7): N engine pods scraped through the
 * simulated API server's pod proxy with injected latency per proxy answer,
 * metrics synthesized per pod. Measures one scrape round (window 0) and a
 * two-round collection with a short window (wall time minus the window),
 * and the heap growth after many rounds (bounded by pods, not history).
 *
 * `deno run -A bench/metrics_bench.ts [--pods 100] [--latency 50]` prints
 * JSON; bench/run.ts can import {@link benchMetrics}.
 *
 * @module
 */

import { startSimCluster } from "../lib/sim/server.ts";
import { synthMetricsHandler } from "../lib/sim/metrics_synth.ts";
import { connect } from "../lib/kube/connect.ts";
import { Resources } from "../lib/kube/resources.ts";
import type { KubeObject } from "../lib/kube/types.ts";
import { collectMetrics } from "../tasks/metrics/collect.ts";
import { buildMetricsReport } from "../tasks/metrics/report.ts";

/** Options of {@link benchMetrics}. */
export interface MetricsBenchOptions {
  /** Engine pods (default 100). */
  pods?: number;
  /** Injected latency of each pod-proxy answer, ms (default 50). */
  latencyMs?: number;
  /** Scrapes in flight (default 16, the command's default). */
  concurrency?: number;
  /** Single-round runs to take the median of (default 5). */
  runs?: number;
}

/** What {@link benchMetrics} measured. */
export interface MetricsBenchResult {
  pods: number;
  latencyMs: number;
  concurrency: number;
  /** Median wall time of one scrape round of all pods incl. the object lists, ms. */
  oneRoundMs: number;
  /** Wall time of a 2-round collection minus its 1 s window, ms (the budget: < 2000). */
  twoRoundsMs: number;
  /** Report building time for all pods, ms. */
  reportMs: number;
  /** Heap growth after 20 more rounds, bytes (bounded by pods, not history). */
  heapGrowthBytes: number;
  /** Pods scraped successfully in the last round. */
  scraped: number;
}

function benchObjects(n: number): KubeObject[] {
  const pcs = "bench";
  const objs: KubeObject[] = [];
  for (let i = 0; i < n; i++) {
    const name = `${pcs}-0-worker-${String(i).padStart(3, "0")}`;
    objs.push({
      apiVersion: "v1",
      kind: "Pod",
      metadata: {
        name,
        namespace: "inference",
        creationTimestamp: "2026-01-01T00:00:00Z",
        labels: {
          "app.kubernetes.io/part-of": pcs,
          "app.kubernetes.io/managed-by": "grove-operator",
          "grove.io/podclique": `${pcs}-0-worker`,
          "grove.io/podcliqueset-replica-index": "0",
          "grove.io/podgang": `${pcs}-0`,
        },
      },
      spec: {
        nodeName: `node-${i % 8}`,
        containers: [{
          name: "vllm",
          image: "vllm/vllm-openai:v0.11.0",
          ports: [{ containerPort: 8000, protocol: "TCP" }],
          resources: { requests: { "nvidia.com/gpu": "1" }, limits: { "nvidia.com/gpu": "1" } },
        }],
      },
      status: {
        phase: "Running",
        podIP: `10.1.${Math.floor(i / 250)}.${i % 250 + 1}`,
        startTime: "2026-01-01T00:00:00Z",
        conditions: [{ type: "Ready", status: "True" }],
        containerStatuses: [{
          name: "vllm",
          ready: true,
          restartCount: 0,
          image: "vllm/vllm-openai:v0.11.0",
          imageID: "",
          state: { running: { startedAt: "2026-01-01T00:00:00Z" } },
        }],
      },
    });
  }
  return objs;
}

/** Runs the benchmark against a freshly started simulator. */
export async function benchMetrics(opts: MetricsBenchOptions = {}): Promise<MetricsBenchResult> {
  const pods = opts.pods ?? 100;
  const latencyMs = opts.latencyMs ?? 50;
  const concurrency = opts.concurrency ?? 16;
  const runs = opts.runs ?? 5;
  // the PCS itself: a copy of the healthy scenario's sglang-chat, renamed
  const sim = await startSimCluster({
    scenario: "healthy",
    shiftTimes: false,
    faults: { latencyMs, pathPattern: /\/proxy\// },
    proxyHandler: synthMetricsHandler(),
    objects: benchObjects(pods),
  });
  try {
    const src = sim.store.get(Resources.podcliquesets, "inference", "sglang-chat");
    if (!src) throw new Error("the healthy scenario has no PodCliqueSet sglang-chat to copy");
    const copy = structuredClone(src);
    copy.metadata = { name: "bench", namespace: "inference" };
    delete copy.status;
    sim.store.put(copy);
    const kube = await connect({ kubeconfig: sim.kubeconfigPath, env: {} });
    const base = { pcs: "bench", namespace: "inference", concurrency };
    await collectMetrics(kube, { ...base, windowMs: 0 }); // warm up TLS and JIT
    const times: number[] = [];
    let last;
    for (let i = 0; i < runs; i++) {
      const t0 = performance.now();
      last = await collectMetrics(kube, { ...base, windowMs: 0 });
      times.push(performance.now() - t0);
    }
    times.sort((a, b) => a - b);
    const t1 = performance.now();
    const two = await collectMetrics(kube, { ...base, windowMs: 1000 });
    const twoRoundsMs = performance.now() - t1 - 1000;
    const t2 = performance.now();
    const report = buildMetricsReport(two, { now: new Date() });
    const reportMs = performance.now() - t2;
    // memory: many more rounds must not grow the heap with history
    const gc = (globalThis as { gc?: () => void }).gc;
    gc?.();
    const h0 = Deno.memoryUsage().heapUsed;
    for (let i = 0; i < 20; i++) await collectMetrics(kube, { ...base, windowMs: 0 });
    gc?.();
    const heapGrowthBytes = Deno.memoryUsage().heapUsed - h0;
    void last;
    return {
      pods,
      latencyMs,
      concurrency,
      oneRoundMs: Math.round(times[Math.floor(times.length / 2)]),
      twoRoundsMs: Math.round(twoRoundsMs),
      reportMs: Math.round(reportMs * 10) / 10,
      heapGrowthBytes,
      scraped: report.total.scrapedPods,
    };
  } finally {
    await sim.stop();
  }
}

if (import.meta.main) {
  const arg = (name: string) => {
    const i = Deno.args.indexOf(name);
    return i >= 0 ? Number(Deno.args[i + 1]) : undefined;
  };
  console.log(
    JSON.stringify(
      await benchMetrics({ pods: arg("--pods"), latencyMs: arg("--latency"), runs: arg("--runs") }),
      null,
      2,
    ),
  );
}
