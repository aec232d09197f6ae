import { assert, assertEquals } from "../../helpers/assert.ts";
import { synthMetricsHandler, synthMetricsText } from "../../../lib/sim/metrics_synth.ts";
import { parsePrometheusText } from "../../../lib/metrics/prom_parser.ts";
import { detectEngineFromScrape, type EngineKind } from "../../../lib/metrics/engines.ts";
import { snapshotOf, windowStats } from "../../../lib/metrics/snapshot.ts";
import { pod } from "./fake_kube.ts";

Deno.test("synthesized metrics parse strictly, are detected as their engine, and grow with time", () => {
  for (const engine of ["vllm", "sglang", "trtllm", "dynamo-frontend"] as EngineKind[]) {
    const a = parsePrometheusText(synthMetricsText("demo-0-w-1", engine, 600));
    const b = parsePrometheusText(synthMetricsText("demo-0-w-1", engine, 630));
    assertEquals(detectEngineFromScrape(b), engine);
    const w = windowStats(snapshotOf(a, engine, 0), snapshotOf(b, engine, 30_000));
    assertEquals(w.reset, false, engine);
    assert((w.latency.ttft?.count ?? 0) > 0, engine);
    const p50 = w.latency.ttft!.p50!;
    assert(p50 > 0.1 && p50 < 1, `${engine} ttft p50 ${p50}`);
  }
  // deterministic
  assertEquals(synthMetricsText("x", "vllm", 10), synthMetricsText("x", "vllm", 10));
});

Deno.test("synth proxy handler: serves running pods on their metrics port, leaves recorded pods alone", async () => {
  const h = synthMetricsHandler({
    recorded: (_ns, p) => p === "recorded",
    now: () => Date.parse("2026-01-01T01:00:00Z"),
  });
  const p = pod("demo", "demo-0-w-1", { clique: "demo-0-w", port: 8000 });
  p.status.startTime = "2026-01-01T00:00:00Z";
  const res = await h("inference", "demo-0-w-1", "8000", "/metrics", p);
  assertEquals(res?.status, 200);
  assert((await res!.text()).includes("vllm:generation_tokens_total"));
  assertEquals(await h("inference", "recorded", "8000", "/metrics", p), undefined);
  assertEquals(await h("inference", "demo-0-w-1", "9999", "/metrics", p), undefined);
  const pending = pod("demo", "demo-0-w-2", { clique: "demo-0-w", port: 8000, phase: "Pending" });
  assertEquals(await h("inference", "demo-0-w-2", "8000", "/metrics", pending), undefined);
});
