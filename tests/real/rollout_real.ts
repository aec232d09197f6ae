// The real tier, mutating commands: restart, scaling-group scale, canary
// promote and abort, a failing image, against kube-apiserver with the
// operator simulation as controller and kube-scheduler placing the pods.
import { assert, assertEquals, assertMatch, assertStringIncludes } from "../helpers/assert.ts";
import { Resources } from "../../lib/kube/resources.ts";
import type { Testbed } from "../../testbed/ts/bed.ts";
import { bed, cli, opts, podsOf, waitFor } from "./helpers.ts";

const NS = "inference";
const FAST = ["--interval", "100ms", "--yes"];
const BAD = "nvcr.io/nvidia/ai-dynamo/vllm-runtime:0.0.0-broken";

async function images(b: Testbed, clique: string): Promise<string[]> {
  const pods = (await b.kube.list(Resources.pods, {
    namespace: NS,
    labelSelector: `grove.io/podclique=${clique}`,
  })).items.filter((p) => !p.metadata.deletionTimestamp);
  return pods.map((p) => p.spec?.containers?.[0]?.image as string).sort();
}

async function allReady(b: Testbed, pcs: string, n?: number) {
  await waitFor(`all pods of ${pcs} Ready`, async () => {
    const { pods, ready } = await podsOf(b, NS, pcs);
    return pods.length > 0 && ready.length === pods.length &&
      (n === undefined || pods.length === n);
  }, 90_000);
}

Deno.test("real: rollouts, restarts and scaling against kube-apiserver", opts, async (t) => {
  const b = await bed({ scenario: "healthy", badImage: "broken" });
  try {
    await allReady(b, "qwen-disagg", 8);
    await allReady(b, "sglang-chat", 1);

    await t.step(
      "restart a role: every prefill pod is recreated, never below minAvailable",
      async () => {
        const before = (await podsOf(b, NS, "qwen-disagg")).pods
          .filter((p) => p.metadata.labels?.["grove.io/podclique"] === "qwen-disagg-0-prefill")
          .map((p) => p.metadata.uid);
        const r = await cli(b, ["restart", "qwen-disagg", "-n", NS, "--role", "prefill", ...FAST]);
        assertEquals(r.code, 0, r.stderr + r.stdout);
        await allReady(b, "qwen-disagg", 8);
        const after = (await podsOf(b, NS, "qwen-disagg")).pods
          .filter((p) => p.metadata.labels?.["grove.io/podclique"] === "qwen-disagg-0-prefill")
          .map((p) => p.metadata.uid);
        assertEquals(after.length, 2);
        assert(after.every((u) => !before.includes(u)), "a prefill pod was not recreated");
      },
    );

    await t.step(
      "scale a scaling group down through its PodCliqueScalingGroup /scale",
      async () => {
        // kube-scheduler spreads the 8-GPU decode pods (KAI would pack them), so no rack has
        // room for another group replica: the tool's capacity check refuses to scale up
        const up = await cli(b, ["scale", "qwen-disagg", "-n", NS, "--decode=3", "--yes"]);
        assertEquals(up.code !== 0, true, up.stdout);
        assertMatch(up.stderr, /no capacity for qwen-disagg-0-decode group replica 2/);
        const gangsBefore = (await b.kube.list(Resources.podgangs, { namespace: NS })).items
          .map((x) => x.metadata.name);
        assert(gangsBefore.includes("qwen-disagg-0-decode-0"), gangsBefore.join(","));
        const g = await cli(b, [
          "scale",
          "qwen-disagg",
          "-n",
          NS,
          "--decode=1",
          "--yes",
          "--timeout",
          "60s",
        ]);
        assertEquals(g.code, 0, g.stderr + g.stdout);
        await allReady(b, "qwen-disagg", 6);
        const pcsg = await b.kube.get(Resources.podcliquescalinggroups, "qwen-disagg-0-decode", NS);
        assertEquals(pcsg.spec?.replicas, 1);
        // group replica 1 was the scaled gang qwen-disagg-0-decode-0 (minAvailable 1): gone
        await waitFor("the scaled gang deleted", async () => {
          const gangs = (await b.kube.list(Resources.podgangs, { namespace: NS })).items
            .map((x) => x.metadata.name);
          return !gangs.includes("qwen-disagg-0-decode-0");
        });
      },
    );

    await t.step("canary of one prefill pod, then promote", async () => {
      const r = await cli(b, [
        "rollout",
        "canary",
        "qwen-disagg",
        "-n",
        NS,
        "--image",
        "nvcr.io/nvidia/ai-dynamo/vllm-runtime:0.6.2",
        "--role",
        "prefill",
        "--pods",
        "1",
        ...FAST,
      ]);
      assertEquals(r.code, 0, r.stderr + r.stdout);
      assertStringIncludes(r.stdout, "canary");
      assertEquals(await images(b, "qwen-disagg-0-prefill"), [
        "nvcr.io/nvidia/ai-dynamo/vllm-runtime:0.6.1",
        "nvcr.io/nvidia/ai-dynamo/vllm-runtime:0.6.2",
      ]);
      const st = await cli(b, [
        "rollout",
        "status",
        "qwen-disagg",
        "-n",
        NS,
        "--no-wait",
        "-o",
        "json",
      ]);
      assertEquals(JSON.parse(st.stdout).progressive?.phase, "Canary", st.stdout);
      const p = await cli(b, ["rollout", "promote", "qwen-disagg", "-n", NS, ...FAST]);
      assertEquals(p.code, 0, p.stderr + p.stdout);
      await waitFor("every prefill pod on 0.6.2", async () => {
        const imgs = await images(b, "qwen-disagg-0-prefill");
        return imgs.length === 2 && imgs.every((i) => i.endsWith(":0.6.2"));
      });
      const pcs = await b.kube.get(Resources.podcliquesets, "qwen-disagg", NS);
      assertEquals(pcs.spec?.updateStrategy?.type, "RollingRecreate");
      const h = await cli(b, ["rollout", "history", "qwen-disagg", "-n", NS]);
      assertStringIncludes(h.stdout, "[promoted]");
    });

    await t.step("canary aborted: the template and the pods come back", async () => {
      const r = await cli(b, [
        "rollout",
        "canary",
        "qwen-disagg",
        "-n",
        NS,
        "--image",
        "nvcr.io/nvidia/ai-dynamo/dynamo-frontend:0.7.0",
        "--role",
        "frontend",
        "--pods",
        "1",
        ...FAST,
      ]);
      assertEquals(r.code, 0, r.stderr + r.stdout);
      const a = await cli(b, ["rollout", "abort", "qwen-disagg", "-n", NS, ...FAST]);
      assertEquals(a.code, 0, a.stderr + a.stdout);
      await waitFor("frontend pods back on 0.6.1", async () => {
        const imgs = await images(b, "qwen-disagg-0-frontend");
        return imgs.length === 2 && imgs.every((i) => i.endsWith(":0.6.1"));
      });
      const pcs = await b.kube.get(Resources.podcliquesets, "qwen-disagg", NS);
      assertEquals(pcs.metadata.annotations?.["kubectl-grove.io/rollout-state"], undefined);
    });

    await t.step("metrics-gated rollout: a slow build fails its gates and rolls back", async () => {
      const r = await cli(b, [
        "rollout",
        "start",
        "qwen-disagg",
        "-n",
        NS,
        "--image",
        "nvcr.io/nvidia/ai-dynamo/vllm-runtime:0.6.3-slow",
        "--role",
        "prefill",
        "--gate-ttft-p99",
        "1500ms",
        "--gate-tpot-p99",
        "150ms",
        "--gate-window",
        "2s",
        ...FAST,
      ]);
      assertEquals(r.code, 3, r.stderr + r.stdout);
      assertStringIncludes(r.stdout, "rolled-back");
      assertStringIncludes(r.stdout, "FAIL");
      await waitFor("prefill pods back on the previous image", async () => {
        const imgs = await images(b, "qwen-disagg-0-prefill");
        return imgs.length === 2 && imgs.every((i) => !i.includes("slow"));
      });
      const pcs = await b.kube.get(Resources.podcliquesets, "qwen-disagg", NS);
      assertEquals(pcs.metadata.annotations?.["kubectl-grove.io/rollout-state"], undefined);
    });

    await t.step(
      "an image that never pulls: rollout status fails, health names the pod",
      async () => {
        // 1 replica, minAvailable 1: --force accepts the termination clock starting
        const u = await cli(b, [
          "update",
          "sglang-chat",
          "-n",
          NS,
          "--image",
          BAD,
          "--yes",
          "--force",
        ]);
        assertEquals(u.code, 0, u.stderr + u.stdout);
        await waitFor("the new pod in ImagePullBackOff", async () => {
          const { pods } = await podsOf(b, NS, "sglang-chat");
          return pods.some((p) =>
            p.status?.containerStatuses?.[0]?.state?.waiting?.reason === "ImagePullBackOff"
          );
        });
        const s = await cli(b, ["rollout", "status", "sglang-chat", "-n", NS, "--timeout", "5s"]);
        assert(
          s.code === 3 || s.code === 4,
          `rollout status exit ${s.code}: ${s.stdout}${s.stderr}`,
        );
        const h = await cli(b, ["health", "sglang-chat", "-n", NS]);
        assertEquals(h.code, 3, h.stdout + h.stderr);
        assertMatch(h.stdout, /ImagePullBackOff/);
        const un = await cli(b, ["rollout", "undo", "sglang-chat", "-n", NS, "--yes"]);
        assertEquals(un.code, 0, un.stderr + un.stdout);
        await allReady(b, "sglang-chat", 1);
      },
    );

    assertEquals(b.store.errors, [], "writes the API server refused");
  } finally {
    await b.stop();
  }
});
