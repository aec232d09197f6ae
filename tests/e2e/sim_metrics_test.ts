/**
 * Engine metrics through the simulator's pod proxy: recorded scrapes keep
 * going at the recorded rate, and with `synthesizeMetrics` a new engine pod
 * (as a rollout creates) answers with synthesized metrics while recorded
 * pods keep their recordings. Without it, a new pod's scrape fails as before.
 */

import { assert, assertEquals, assertMatch } from "../helpers/assert.ts";
import { startSimCluster } from "../../lib/sim/server.ts";
import { parsePrometheusText } from "../../lib/metrics/prom_parser.ts";
import type { KubeObject } from "../../lib/kube/types.ts";

const NS = "inference";
const RECORDED = "qwen-disagg-0-prefill-28mlr";

async function withSim(
  synthesizeMetrics: boolean,
  fn: (
    scrape: (pod: string) => Promise<{ status: number; text: string }>,
    sim: Awaited<ReturnType<typeof startSimCluster>>,
  ) => Promise<void>,
) {
  const sim = await startSimCluster({ scenario: "healthy", synthesizeMetrics });
  const client = Deno.createHttpClient({ caCerts: [sim.caCert] });
  const scrape = async (pod: string) => {
    const res = await fetch(
      `${sim.server}/api/v1/namespaces/${NS}/pods/${pod}:8000/proxy/metrics`,
      {
        client,
        headers: { authorization: `Bearer ${sim.tokens.admin}` },
      },
    );
    return { status: res.status, text: await res.text() };
  };
  try {
    await fn(scrape, sim);
  } finally {
    client.close();
    await sim.stop();
  }
}

/** A copy of a recorded prefill pod under a new name, as the operator would create it. */
function newPod(sim: Awaited<ReturnType<typeof startSimCluster>>, name: string): KubeObject {
  const src = sim.store.get("pods", NS, RECORDED)!;
  const pod = structuredClone(src);
  pod.metadata = { ...pod.metadata, name, uid: undefined, resourceVersion: undefined };
  return sim.store.put(pod);
}

function total(text: string, name: string): number {
  return (parsePrometheusText(text).bySample.get(name) ?? []).reduce((a, s) => a + s.value, 0);
}

Deno.test("sim metrics: recorded scrapes go on at the recorded rate after the last one", async () => {
  await withSim(false, async (scrape) => {
    const [a, b, c] = [await scrape(RECORDED), await scrape(RECORDED), await scrape(RECORDED)];
    for (const r of [a, b, c]) assertEquals(r.status, 200);
    const name = "vllm:generation_tokens_total";
    const step = total(b.text, name) - total(a.text, name);
    assert(step > 0);
    assertEquals(total(c.text, name) - total(b.text, name), step);
  });
});

Deno.test("sim metrics: synthesizeMetrics answers new engine pods, recorded pods keep recordings", async () => {
  await withSim(true, async (scrape, sim) => {
    newPod(sim, "qwen-disagg-0-prefill-newpd");
    const fresh = await scrape("qwen-disagg-0-prefill-newpd");
    assertEquals(fresh.status, 200, fresh.text);
    assertMatch(fresh.text, /vllm:time_to_first_token_seconds_bucket/);
    parsePrometheusText(fresh.text); // strict: a real engine's format
    const rec = await scrape(RECORDED);
    const file = `fixtures/healthy/metrics/${NS}/${RECORDED}`;
    const first = [...Deno.readDirSync(file)].map((e) => e.name).sort()[0];
    assertEquals(rec.text, Deno.readTextFileSync(`${file}/${first}`));
  });
  await withSim(false, async (scrape, sim) => {
    newPod(sim, "qwen-disagg-0-prefill-newpd");
    const r = await scrape("qwen-disagg-0-prefill-newpd");
    assertEquals(r.status, 503);
    assertMatch(r.text, /connection refused/);
  });
});
