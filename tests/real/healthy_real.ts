// The real tier: kubectl-grove against a real kube-apiserver (with etcd,
// kube-scheduler and kube-controller-manager), scenario "healthy" loaded
// through the API and the operator's children created by the operator
// simulation running as a controller. Built and run by scripts/ci_real.sh.
import { assert, assertEquals, assertMatch, assertStringIncludes } from "../helpers/assert.ts";
import { Resources } from "../../lib/kube/resources.ts";
import { bed, cli, hasTmux, haveKubectl, kubectl, opts, podsOf, waitFor } from "./helpers.ts";

const NS = "inference";

Deno.test("real: healthy scenario against kube-apiserver", opts, async (t) => {
  const b = await bed({ scenario: "healthy" });
  try {
    await t.step("the scheduler binds every pod and the kubelet makes it Ready", async () => {
      for (const pcs of ["qwen-disagg", "sglang-chat"]) {
        await waitFor(`all pods of ${pcs} Ready`, async () => {
          const { pods, ready } = await podsOf(b, NS, pcs);
          return pods.length > 0 && ready.length === pods.length;
        }, 90_000);
      }
      const { pods } = await podsOf(b, NS, "qwen-disagg");
      // 2 frontend + 2 prefill + 2 group replicas x (decode-leader + decode-worker)
      assertEquals(pods.length, 8);
      for (const p of pods) {
        assert(p.spec?.nodeName, `${p.metadata.name} has no node`);
        assertMatch(p.status?.podIP ?? "", /^198\.1[89]\./);
      }
      // GPU pods went to GPU nodes with room: no node holds more GPUs than it has
      const nodes = (await b.kube.list(Resources.nodes)).items;
      const all = (await b.kube.list(Resources.pods)).items;
      for (const n of nodes) {
        const cap = Number(n.status?.allocatable?.["nvidia.com/gpu"] ?? 0);
        const used = all.filter((p) => p.spec?.nodeName === n.metadata.name).reduce(
          (s, p) =>
            s + (p.spec?.containers ?? []).reduce(
              (a: number, c: { resources?: { requests?: Record<string, string> } }) =>
                a + Number(c.resources?.requests?.["nvidia.com/gpu"] ?? 0),
              0,
            ),
          0,
        );
        assert(used <= cap, `${n.metadata.name}: ${used} GPUs requested, ${cap} allocatable`);
      }
    });

    await t.step("status: one set and --all", async () => {
      // the operator's status writes follow the pods: wait until both sets say Ready
      await waitFor("both sets Ready", async () => {
        const r = await cli(b, ["status", "--all", "-n", NS, "-o", "json"]);
        const j = JSON.parse(r.stdout);
        return j.podCliqueSets?.length === 2 &&
          j.podCliqueSets.every((p: { state: string }) => p.state === "Ready");
      }, 30_000);
      const r = await cli(b, ["status", "qwen-disagg", "-n", NS]);
      assertEquals(r.code, 0, r.stderr);
      assertMatch(r.stdout, /^Name: +qwen-disagg$/m);
      assertMatch(r.stdout, /8\/8 pods ready/);
      const all = await cli(b, ["status", "--all", "-A"]);
      assertEquals(all.code, 0, all.stderr);
      assertMatch(all.stdout, /inference +qwen-disagg +Ready/);
      assertMatch(all.stdout, /inference +sglang-chat +Ready/);
    });

    await t.step("health --all", async () => {
      const r = await cli(b, ["health", "--all", "-n", NS]);
      assertStringIncludes(r.stdout, "qwen-disagg-0");
      assert(r.code === 0 || r.code === 3, `exit ${r.code}: ${r.stderr}`);
    });

    await t.step("topology: pods by zone, rack and host", async () => {
      const r = await cli(b, ["topology", "qwen-disagg", "-n", NS, "-o", "json"]);
      assertEquals(r.code, 0, r.stderr);
      const j = JSON.parse(r.stdout);
      assert(JSON.stringify(j).includes("us-east-1"), "no zone in the topology report");
      const c = await cli(b, ["topology", "--cluster"]);
      assertEquals(c.code, 0, c.stderr);
    });

    await t.step("metrics through the API server's pod proxy", async () => {
      const r = await cli(b, ["metrics", "qwen-disagg", "-n", NS, "--window", "2s", "-o", "json"]);
      assertEquals(r.code, 0, r.stderr + r.stdout);
      const j = JSON.parse(r.stdout);
      assert(JSON.stringify(j).includes("vllm"), "no vLLM engine detected");
    });

    if (haveKubectl()) {
      await t.step("kubectl: discovery, tables, logs through the kubelet", async () => {
        const ar = await kubectl(b, ["api-resources", "--api-group=grove.io", "-o", "name"]);
        assertEquals(ar.code, 0, ar.stderr);
        assertStringIncludes(ar.stdout, "podcliquesets.grove.io");
        const g = await kubectl(b, ["get", "pcs", "-n", NS]);
        assertEquals(g.code, 0, g.stderr);
        assertMatch(g.stdout, /^qwen-disagg\s/m);
        const { pods } = await podsOf(b, NS, "sglang-chat");
        const l = await kubectl(b, ["logs", "-n", NS, pods[0].metadata.name, "--tail", "5"]);
        assertEquals(l.code, 0, l.stderr);
        assert(l.stdout.length > 0, "empty log");
        // the schema kubectl explains comes from the API server's OpenAPI v3 of the CRD
        const ex = await kubectl(b, ["explain", "pcs.spec.replicas"]);
        assertEquals(ex.code, 0, ex.stderr);
        assertMatch(ex.stdout, /FIELD: +replicas <integer>/);
        const can = await kubectl(b, [
          "auth",
          "can-i",
          "list",
          "nodes",
          "--context",
          "testbed-ns-user",
        ]);
        assertEquals(can.stdout.trim(), "no");
      });
    }

    await t.step("RBAC: a user who may edit one namespace, and a viewer", async () => {
      const ctx = "testbed-ns-user";
      assertEquals(b.userNamespace, NS);
      const own = await cli(b, ["status", "--all", "-n", NS], ctx);
      assertEquals(own.code, 0, own.stderr);
      assertMatch(own.stdout, /qwen-disagg +Ready/);
      const all = await cli(b, ["status", "--all", "-A"], ctx);
      assert(all.code !== 0, "ns-user listed every namespace");
      assertMatch(all.stderr, /forbidden|not allowed|permission/i);
      // no permission to list nodes: pods by node name, with a note on what is missing
      const topo = await cli(b, ["topology", "qwen-disagg", "-n", NS], ctx);
      assertEquals(topo.code, 0, topo.stderr);
      assertMatch(topo.stdout + topo.stderr, /nodes/i);
      const cluster = await cli(b, ["topology", "--cluster"], ctx);
      assert(cluster.code !== 0, "ns-user read the cluster's nodes");
      const v = await cli(b, ["status", "--all", "-A"], "testbed-viewer");
      assertEquals(v.code, 0, v.stderr);
      const s = await cli(
        b,
        ["rollout", "pause", "sglang-chat", "-n", NS, "--yes"],
        "testbed-viewer",
      );
      assert(s.code !== 0, "the viewer could pause a rollout");
      assertMatch(s.stderr, /forbidden|not allowed|permission/i);
    });

    await t.step(
      "generate --validate: the manifests pass the real CRD schema and CEL",
      async () => {
        const out = await Deno.makeTempDir({ prefix: "gen-real-" });
        try {
          const r = await cli(b, [
            "-n",
            NS,
            "generate",
            "--from-results",
            new URL("../../fixtures/aic/save-dir", import.meta.url).pathname,
            "--out-dir",
            out,
            "--name",
            "qwen3",
            "--store-plan",
            "--validate",
          ]);
          assertEquals(r.code, 0, r.stderr + r.stdout);
          assertStringIncludes(
            r.stdout,
            "disagg: the server accepted the manifest (dry run, namespace inference)",
          );
          const cm = await b.kube.get(Resources.configmaps, "qwen3-disagg-aic-plan", NS);
          assertEquals(cm.metadata.labels?.["grove.io/aic-plan"], "qwen3-disagg");
        } finally {
          await Deno.remove(out, { recursive: true });
        }
      },
    );

    await t.step(
      "plan store and compare: plan against engine metrics scraped through the pod proxy",
      async () => {
        const dir = await Deno.makeTempDir({ prefix: "plan-real-" });
        try {
          const plan = {
            model: "Qwen/Qwen3-32B-FP8",
            system: "h200_sxm",
            serving_mode: "disagg",
            config: { prefill_workers: 2, decode_workers: 2, prefill_tp: 4, decode_tp: 16 },
            expected: { throughput_tokens_per_sec_per_gpu: 300, ttft_ms: 400, tpot_ms: 35 },
            sla: { ttft_ms: 100000, tpot_ms: 100000 },
          };
          await Deno.writeTextFile(`${dir}/plan.json`, JSON.stringify(plan));
          const st = await cli(b, [
            "plan",
            "store",
            "qwen-disagg",
            "-n",
            NS,
            "-f",
            `${dir}/plan.json`,
          ]);
          assertEquals(st.code, 0, st.stderr + st.stdout);
          const show = await cli(b, ["plan", "show", "qwen-disagg", "-n", NS, "-o", "json"]);
          assertEquals(show.code, 0, show.stderr);
          assertEquals(
            JSON.parse(show.stdout).plan?.model ?? JSON.parse(show.stdout).model,
            plan.model,
          );
          const c = await cli(b, ["compare", "qwen-disagg", "-n", NS, "--window", "2s"]);
          // the synthesized engines may miss the plan's throughput (exit 3); what matters here
          // is that the actuals come from the engines through the pod proxy
          assert(c.code === 0 || c.code === 3, `compare exit ${c.code}: ${c.stderr}`);
          assertMatch(c.stdout, /^TTFT p99 .* \d+(\.\d+)?m?s /m);
          assertMatch(c.stdout, /^workers \(ready\) +prefill +2 +- +2 /m);
        } finally {
          await Deno.remove(dir, { recursive: true });
        }
      },
    );

    if (hasTmux()) {
      await t.step("tui: the first screen in a real terminal", async () => {
        const sock = `grove-real-${Deno.pid}`;
        const tmux = (...a: string[]) =>
          new TextDecoder().decode(
            new Deno.Command("tmux", { args: ["-L", sock, ...a] }).outputSync().stdout,
          );
        const root = new URL("../../", import.meta.url).pathname;
        tmux(
          "new-session",
          "-d",
          "-s",
          "t",
          "-x",
          "110",
          "-y",
          "30",
          `cd ${root} && NO_COLOR=1 ${Deno.execPath()} run -A cli/main.ts --kubeconfig ${b.kubeconfig} tui -n ${NS}; sleep 30`,
        );
        try {
          const screen = await waitFor(
            "the hierarchy view",
            () => {
              const s = tmux("capture-pane", "-p", "-t", "t");
              return s.includes("qwen-disagg-0-prefill") && s.includes("sglang-chat")
                ? s
                : undefined;
            },
            60_000,
            250,
          );
          assertMatch(screen, /live/);
          tmux("send-keys", "-t", "t", "q");
        } finally {
          tmux("kill-server");
        }
      });
    }

    await t.step("scale a standalone clique; new pods are scheduled and Ready", async () => {
      const r = await cli(b, [
        "scale",
        "qwen-disagg",
        "-n",
        NS,
        "--prefill=3",
        "--yes",
        "--timeout",
        "60s",
      ]);
      assertEquals(r.code, 0, r.stderr + r.stdout);
      // the tool's writes carry its field manager
      const pclq = await b.kube.get(Resources.podcliques, "qwen-disagg-0-prefill", NS);
      const managers =
        ((pclq.metadata as { managedFields?: { manager?: string }[] }).managedFields ?? []).map((
          m: { manager?: string },
        ) => m.manager);
      assert(managers.includes("kubectl-grove"), `field managers: ${managers.join(",")}`);
      await waitFor("9 Ready pods", async () => {
        const { pods, ready } = await podsOf(b, NS, "qwen-disagg");
        return pods.length === 9 && ready.length === 9;
      });
    });

    await t.step("update an image, rollout status, history, undo", async () => {
      const u = await cli(b, [
        "update",
        "sglang-chat",
        "-n",
        NS,
        "--image",
        "nvcr.io/nvidia/ai-dynamo/sglang-runtime:0.6.2",
        "-m",
        "real tier",
        "--yes",
        // its worker clique has 1 replica and minAvailable 1: the preview asks for --force
        "--force",
      ]);
      assertEquals(u.code, 0, u.stderr + u.stdout);
      const s = await cli(b, ["rollout", "status", "sglang-chat", "-n", NS, "--timeout", "90s"]);
      assertEquals(s.code, 0, s.stderr + s.stdout);
      await waitFor("the new image on every pod", async () => {
        const { pods, ready } = await podsOf(b, NS, "sglang-chat");
        return ready.length === pods.length &&
          pods.every((p) => p.spec?.containers?.[0]?.image?.endsWith(":0.6.2"));
      });
      const h = await cli(b, ["rollout", "history", "sglang-chat", "-n", NS]);
      assertEquals(h.code, 0, h.stderr);
      assertStringIncludes(h.stdout, "real tier");
      const un = await cli(b, ["rollout", "undo", "sglang-chat", "-n", NS, "--yes"]);
      assertEquals(un.code, 0, un.stderr + un.stdout);
      await waitFor("the old image back", async () => {
        const { pods, ready } = await podsOf(b, NS, "sglang-chat");
        return ready.length === pods.length && pods.length > 0 &&
          pods.every((p) => p.spec?.containers?.[0]?.image?.endsWith(":0.6.1"));
      }, 90_000);
    });

    await t.step("rollout pause and resume", async () => {
      const p = await cli(b, ["rollout", "pause", "qwen-disagg", "-n", NS, "--yes"]);
      assertEquals(p.code, 0, p.stderr + p.stdout);
      const pcs = await b.kube.get(Resources.podcliquesets, "qwen-disagg", NS);
      assertEquals(pcs.spec?.updateStrategy?.type, "OnDelete");
      const r = await cli(b, ["rollout", "resume", "qwen-disagg", "-n", NS, "--yes"]);
      assertEquals(r.code, 0, r.stderr + r.stdout);
      const after = await b.kube.get(Resources.podcliquesets, "qwen-disagg", NS);
      assert(after.spec?.updateStrategy?.type !== "OnDelete", "still paused");
    });

    await t.step("diag bundle and replay", async () => {
      const dir = await Deno.makeTempDir();
      const out = `${dir}/bundle`;
      const d = await cli(b, ["diag", "-n", NS, "-o", out, "--metrics"]);
      assert(d.code === 0 || d.code === 5, `diag exit ${d.code}: ${d.stderr}`);
      const rp = await cli(b, ["--replay", out, "status", "--all", "-n", NS]);
      assertEquals(rp.code, 0, rp.stderr);
      assertStringIncludes(rp.stdout, "qwen-disagg");
      await Deno.remove(dir, { recursive: true });
    });

    assertEquals(b.store.errors, [], "writes the API server refused");
  } finally {
    await b.stop();
  }
});
