// Throughput per GPU (issue 25 item 1): output tokens from the roles that produce them (or the
// frontend's counter), over the GPUs of ready engine pods, with allocated GPUs beside it.
import { assertEquals, assertMatch } from "../../helpers/assert.ts";
import type { WindowStats } from "../../../lib/metrics/snapshot.ts";
import { type PodData, throughputBasis } from "../../../tasks/metrics/report.ts";
import type { PodTarget } from "../../../tasks/metrics/targets.ts";

function pod(
  name: string,
  role: string,
  o: { gpus: number; ready: boolean; node?: string; phase?: string; outTokPerSec?: number },
): PodData {
  const target: PodTarget = {
    pod: name,
    namespace: "inference",
    role,
    clique: `demo-0-${role}`,
    replica: 0,
    worker: name,
    node: o.node,
    gpus: o.gpus,
    ready: o.ready,
    phase: o.phase ?? (o.node ? "Running" : "Pending"),
    restarts: 0,
    crashLooping: false,
  };
  const stats: WindowStats | undefined = o.outTokPerSec === undefined ? undefined : {
    seconds: 30,
    reset: false,
    latency: {},
    deltas: {},
    promptTokensPerSec: null,
    generationTokensPerSec: o.outTokPerSec,
    running: null,
    waiting: null,
    kvUsage: null,
  };
  return { target, stats };
}

// A disaggregated set as the issue found it: prefill workers count output tokens of their
// own, one decode worker is Pending (no node) and one is running but not ready.
const DISAGG: PodData[] = [
  pod("demo-0-prefill-a", "prefill", { gpus: 4, ready: true, node: "n1", outTokPerSec: 900 }),
  pod("demo-0-prefill-b", "prefill", { gpus: 4, ready: true, node: "n1", outTokPerSec: 900 }),
  pod("demo-0-decode-a", "decode", { gpus: 8, ready: true, node: "n2", outTokPerSec: 2000 }),
  pod("demo-0-decode-b", "decode", { gpus: 8, ready: true, node: "n2", outTokPerSec: 2000 }),
  pod("demo-0-decode-c", "decode", { gpus: 8, ready: false }),
  pod("demo-0-decode-d", "decode", { gpus: 8, ready: false, node: "n3" }),
  pod("demo-0-frontend-a", "frontend", { gpus: 0, ready: true, node: "n4" }),
];

Deno.test("throughput basis: decode output over ready engine GPUs, prefill output not added", () => {
  const b = throughputBasis(DISAGG);
  assertEquals(b.source, "decode");
  assertEquals(b.roles, ["decode"]);
  assertEquals(b.outputTokensPerSec, 4000);
  // prefill 4+4 and ready decode 8+8; the pending and the not-ready decode pods do not serve
  assertEquals([b.servingGpus, b.servingPods, b.allocatedGpus], [24, 4, 32]);
  assertEquals(b.value, 166.67);
  // the old basis, (all output) / (all GPUs), said (1800 + 4000) / 40 = 145: lower here,
  // but against a plan of 300 it hid which roles and GPUs it counted
  assertEquals(
    b.basis,
    "4000 output tok/s (decode) / 24 GPUs of 4 ready engine pods; 32 GPUs allocated",
  );
});

Deno.test("throughput basis: the frontend's output counter wins when it counts tokens", () => {
  const withFrontend = DISAGG.map((d) =>
    d.target.role === "frontend"
      ? pod(d.target.pod, "frontend", { gpus: 0, ready: true, node: "n4", outTokPerSec: 3900 })
      : d
  );
  const b = throughputBasis(withFrontend);
  assertEquals([b.source, b.outputTokensPerSec, b.servingGpus], ["frontend", 3900, 24]);
  assertEquals(b.value, 162.5);
  assertMatch(b.basis, /^3900 output tok\/s \(frontend\) \/ 24 GPUs/);
  // an idle frontend counter (0) does not hide the decode workers' tokens
  const idle = DISAGG.map((d) =>
    d.target.role === "frontend"
      ? pod(d.target.pod, "frontend", { gpus: 0, ready: true, node: "n4", outTokPerSec: 0 })
      : d
  );
  assertEquals(throughputBasis(idle).source, "decode");
});

Deno.test("throughput basis: aggregated workers, nothing ready, nothing scraped", () => {
  const agg = [
    pod("a-0-worker-a", "worker", { gpus: 2, ready: true, node: "n1", outTokPerSec: 500 }),
    pod("a-0-worker-b", "worker", { gpus: 2, ready: true, node: "n1", outTokPerSec: 300 }),
  ];
  const b = throughputBasis(agg);
  assertEquals([b.source, b.value, b.servingGpus], ["engines", 200, 4]);
  const none = throughputBasis([pod("x", "decode", { gpus: 8, ready: false })]);
  assertEquals([none.source, none.value, none.servingGpus, none.allocatedGpus], [
    "none",
    null,
    0,
    0,
  ]);
  assertMatch(none.basis, /^no output token counter scraped/);
});
