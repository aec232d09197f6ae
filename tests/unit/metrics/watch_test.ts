import { assertEquals } from "../../helpers/assert.ts";
import { watchMetrics } from "../../../tasks/metrics/collect.ts";
import { buildMetricsReport } from "../../../tasks/metrics/report.ts";
import { fakeKube, pcsObject, pod } from "./fake_kube.ts";

const dir = new URL("../../../fixtures/metrics-samples/", import.meta.url);
const V1 = Deno.readTextFileSync(new URL("vllm-0.11_v1_metrics_scrape1.txt", dir));
const V2 = Deno.readTextFileSync(new URL("vllm-0.11_v1_metrics_scrape2.txt", dir));

Deno.test("--watch yields one report per window over a rolling window, and stops on abort", async () => {
  const kube = fakeKube({
    objects: [pcsObject("demo"), pod("demo", "demo-0-w-a", { clique: "demo-0-w", port: 8000 })],
    metrics: { "demo-0-w-a": [V1, V2, V2] },
  });
  let t = 0;
  const abort = new AbortController();
  const seen: (number | null)[] = [];
  for await (
    const c of watchMetrics(kube, {
      pcs: "demo",
      namespace: "inference",
      windowMs: 30_000,
      signal: abort.signal,
      clock: () => t,
      sleep: (ms) => {
        t += ms;
        return Promise.resolve();
      },
    })
  ) {
    const r = buildMetricsReport(c, { now: new Date(t) });
    assertEquals(r.windowSeconds, 30);
    seen.push(r.total.outputTokensPerSec);
    if (seen.length === 2) abort.abort();
  }
  // first window V1 -> V2, second V2 -> V2 (no traffic)
  assertEquals(seen, [4262.57, 0]);
});
