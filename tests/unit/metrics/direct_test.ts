// --direct: scrape pod IPs with plain HTTP (a loopback server stands in for the pods), per-pod timeout.
import { assertEquals, assertStringIncludes } from "../../helpers/assert.ts";
import { collectMetrics } from "../../../tasks/metrics/collect.ts";
import { buildMetricsReport } from "../../../tasks/metrics/report.ts";
import { fakeKube, pcsObject, pod } from "./fake_kube.ts";

const V1 = Deno.readTextFileSync(
  new URL("../../../fixtures/metrics-samples/vllm-0.11_v1_metrics_scrape1.txt", import.meta.url),
);

Deno.test("--direct scrapes pod IPs over HTTP, applies the per-pod timeout, and never uses the proxy", async () => {
  const server = Deno.serve(
    { hostname: "127.0.0.1", port: 0, onListen: () => {} },
    () => new Response(V1),
  );
  const slow = Deno.serve({ hostname: "127.0.0.1", port: 0, onListen: () => {} }, async () => {
    await new Promise((r) => setTimeout(r, 1000));
    return new Response(V1);
  });
  try {
    const port = server.addr.port;
    const fast = pod("demo", "demo-0-w-fast", { clique: "demo-0-w", port });
    fast.status.podIP = "127.0.0.1";
    const sl = pod("demo", "demo-0-w-slow", { clique: "demo-0-w", port: slow.addr.port });
    sl.status.podIP = "127.0.0.1";
    const kube = fakeKube({ objects: [pcsObject("demo"), fast, sl], metrics: {} });
    const c = await collectMetrics(kube, {
      pcs: "demo",
      namespace: "inference",
      windowMs: 0,
      direct: true,
      timeoutMs: 150,
    });
    const r = buildMetricsReport(c, { now: new Date() });
    assertEquals(r.source, "direct");
    assertEquals(kube.proxyCalls, 0);
    const by = Object.fromEntries(r.pods.map((p) => [p.pod, p]));
    assertEquals(by["demo-0-w-fast"].status, "ok");
    assertEquals(by["demo-0-w-fast"].running, 127);
    assertEquals(by["demo-0-w-slow"].status, "failed");
    assertStringIncludes(by["demo-0-w-slow"].reason!, "timed out after 0.15s");
    assertEquals(r.partial, true);
  } finally {
    await server.shutdown();
    await slow.shutdown();
  }
});
