// End to end: `restart` (batches never below minAvailable) and `apply -f`
// (diff, dry run, precondition, revision, create, bad files) against the
// simulated cluster with the operator simulation.
import { assert, assertEquals, assertMatch, assertStringIncludes } from "../helpers/assert.ts";
import { runCli } from "../helpers/cli.ts";
import { startSimCluster } from "../../lib/sim/server.ts";
import { simOperator } from "../../lib/sim/operator/mod.ts";
import { isPodReady } from "../../lib/grove/relations.ts";
import { yamlDump } from "../../lib/deps.ts";
import type { Pod } from "../../lib/grove/types.ts";
import { planConfigMap } from "../../tasks/plan/store.ts";

const opts = { sanitizeResources: false, sanitizeOps: false };
const NS = "inference";
const PCS = "qwen-disagg";
const NEW = "nvcr.io/nvidia/ai-dynamo/vllm-runtime:0.6.2";

Deno.test("e2e restart: batches keep every clique at or above minAvailable", opts, async () => {
  const op = simOperator({ stepMs: 20, readyDelayMs: 40 });
  const sim = await startSimCluster({ scenario: "healthy", operator: op });
  try {
    const env = { KUBECONFIG: sim.kubeconfigPath };
    const clique = "qwen-disagg-0-frontend";
    const q = sim.store.get("podcliques", NS, clique)!;
    const min = q.spec.minAvailable ?? q.spec.replicas;
    const readyNow = () =>
      sim.store.list("pods", NS).filter((p) =>
        p.metadata.labels?.["grove.io/podclique"] === clique && isPodReady(p as Pod)
      ).length;
    let lowest = readyNow();
    const unsub = sim.store.subscribe(() => (lowest = Math.min(lowest, readyNow())));
    const before = sim.store.list("pods", NS).filter((p) =>
      p.metadata.labels?.["grove.io/podclique"] === clique
    ).map((p) => p.metadata.name);

    const dry = await runCli(["restart", PCS, "--role", "frontend", "--dry-run"], { env });
    assertEquals(dry.code, 0, dry.stderr);
    assertMatch(dry.stdout, /2 pods in 2 batches,\s+never below minAvailable/); // wraps at 80

    const r = await runCli(["restart", PCS, "--role", "frontend", "--yes", "--interval", "20ms"], {
      env,
    });
    unsub();
    assertEquals(r.code, 0, r.stderr);
    assertMatch(r.stdout, /restarted: 2 pods in 2 batches/);
    assert(lowest >= min, `ready pods went to ${lowest}, below minAvailable ${min}`);
    const after = sim.store.list("pods", NS).filter((p) =>
      p.metadata.labels?.["grove.io/podclique"] === clique
    ).map((p) => p.metadata.name);
    assertEquals(after.filter((n) => before.includes(n)), [], "every pod was replaced");
    assertEquals(readyNow(), 2);

    const blocked = await runCli(["restart", PCS, "--role", "decode-leader", "--yes"], { env });
    assertEquals(blocked.code, 1);
    assertMatch(
      blocked.stderr,
      /cannot restart qwen-disagg-0-decode-0-dleader .* without going below minAvailable/,
    );
    const leaders = sim.store.list("pods", NS).filter((p) =>
      p.metadata.labels?.["grove.io/podclique"]?.endsWith("-dleader")
    ).map((p) => p.metadata.name);
    const forced = await runCli([
      "restart",
      PCS,
      "--role",
      "decode-leader",
      "--force",
      "--yes",
      "--interval",
      "20ms",
    ], { env });
    assertEquals(forced.code, 0, forced.stderr);
    assertMatch(forced.stdout, /2 pods in 1\s+batch \(--force: all at once\)/);
    // --force says what it does, and the preview fits 80 columns
    assertStringIncludes(
      forced.stdout.replace(/\n +/g, " "),
      "warning: --force deletes all 2 pods at once: nothing serves until they are back;",
    );
    assert(forced.stdout.split("\n").every((l) => l.length <= 80), forced.stdout);
    assertMatch(forced.stdout, /restarted: 2 pods in 1 batch$/m);
    assert(
      !sim.store.list("pods", NS).some((p) => leaders.includes(p.metadata.name)),
      "leaders replaced",
    );
    const badRole = await runCli(["restart", PCS, "--role", "nope", "--yes"], { env });
    assertEquals(badRole.code, 2);
    assertStringIncludes(badRole.stderr, `has no role "nope"`);
  } finally {
    await sim.stop();
  }
});

Deno.test(
  "e2e apply: diff, dry run, apply with revision, create, malformed and foreign files",
  opts,
  async () => {
    const op = simOperator({ stepMs: 20, readyDelayMs: 30 });
    const sim = await startSimCluster({ scenario: "healthy", operator: op });
    const dir = await Deno.makeTempDir();
    try {
      const env = { KUBECONFIG: sim.kubeconfigPath };
      const live = sim.store.get("podcliquesets", NS, PCS)!;
      const doc = {
        apiVersion: "grove.io/v1alpha1",
        kind: "PodCliqueSet",
        metadata: { name: PCS, namespace: NS },
        spec: structuredClone(live.spec),
      };
      doc.spec.template.cliques[1].spec.podSpec.containers[0].image = NEW;
      const file = `${dir}/qwen.yaml`;
      await Deno.writeTextFile(file, yamlDump(doc));

      const d = await runCli(["apply", "-f", file, "--diff", "--dry-run"], { env });
      assertEquals(d.code, 0, d.stderr);
      assertMatch(d.stdout, /^--- live podcliqueset qwen-disagg\n\+\+\+ file$/m);
      assertMatch(d.stdout, /^\+ +image: nvcr\.io\/nvidia\/ai-dynamo\/vllm-runtime:0\.6\.2$/m);
      assertStringIncludes(d.stdout, "dry run");
      assertEquals(
        sim.store.get("podcliquesets", NS, PCS)!.spec,
        live.spec,
        "a dry run changes nothing",
      );

      const a = await runCli(["apply", "-f", file, "--yes", "-m", "from git"], { env });
      assertEquals(a.code, 0, a.stderr);
      assertMatch(a.stdout, /podcliqueset\/qwen-disagg configured \(revision 2\)/);
      const h = JSON.parse(
        (await runCli(["rollout", "history", PCS, "-o", "json"], { env })).stdout,
      );
      assertEquals(h.entries.at(-1).changeCause, "from git");
      const same = await runCli(["apply", "-f", file, "--yes"], { env });
      assertMatch(same.stdout, /unchanged/);

      const created = structuredClone(doc);
      created.metadata.name = "qwen-copy";
      // Small enough for the GPUs the healthy cluster has free (20 of 32):
      // the operator simulation schedules only where there is room.
      created.spec.template.cliques[1].spec.replicas = 1;
      created.spec.template.podCliqueScalingGroups[0].replicas = 1;
      const f2 = `${dir}/copy.json`;
      await Deno.writeTextFile(f2, JSON.stringify(created));
      // a new object diffs against nothing, not against the YAML `null`
      const cd = await runCli(["apply", "-f", f2, "--diff", "--dry-run"], { env });
      assertEquals(cd.code, 0, cd.stderr);
      assert(!cd.stdout.includes("-null"), cd.stdout);
      assertMatch(cd.stdout, /^@@ -0,0 \+1,\d+ @@$/m);
      const c = await runCli(["apply", "-f", f2, "--yes"], { env });
      assertEquals(c.code, 0, c.stderr);
      assertMatch(c.stdout, /podcliqueset\/qwen-copy created \(revision 1\)/);
      const st = await runCli([
        "rollout",
        "status",
        "qwen-copy",
        "--interval",
        "20ms",
        "--timeout",
        "20s",
      ], { env });
      assertEquals(st.code, 0, st.stdout + st.stderr);
      assert(
        sim.store.list("pods", NS).some((p) =>
          p.metadata.labels?.["app.kubernetes.io/part-of"] === "qwen-copy"
        ),
      );

      const bad = `${dir}/bad.yaml`;
      await Deno.writeTextFile(
        bad,
        "apiVersion: grove.io/v1alpha1\nkind: PodCliqueSet\nmetadata:\n  name: x\n spec: [\n",
      );
      const m = await runCli(["apply", "-f", bad, "--yes"], { env });
      assertEquals(m.code, 1);
      assertMatch(
        m.stderr,
        new RegExp(`^error: ${bad.replaceAll(".", "\\.")}:\\d+:\\d+: not valid YAML`, "m"),
      );

      const foreign = `${dir}/deploy.yaml`;
      await Deno.writeTextFile(
        foreign,
        yamlDump(doc) + "---\napiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\n",
      );
      const f = await runCli(["apply", "-f", foreign, "--yes"], { env });
      assertEquals(f.code, 1);
      assertMatch(
        f.stderr,
        /deploy\.yaml:\d+: document 2 is a Deployment \(apps\/v1\), not a PodCliqueSet/,
      );

      const missing = await runCli(["apply", "-f", `${dir}/nope.yaml`, "--yes"], { env });
      assertEquals(missing.code, 1);
      assertStringIncludes(missing.stderr, "nope.yaml: no such file");

      const invalid = structuredClone(doc);
      invalid.spec.updateStrategy = { type: "Sideways" };
      const f3 = `${dir}/invalid.yaml`;
      await Deno.writeTextFile(f3, yamlDump(invalid));
      const v = await runCli(["apply", "-f", f3, "--yes"], { env });
      assertEquals(v.code, 1);
      assertMatch(v.stderr, /is invalid: .*updateStrategy/);

      // an unknown field is refused by the server (fieldValidation=Strict), not pruned
      const typo = structuredClone(doc);
      (typo.spec as Record<string, unknown>).replicass = 3;
      const f4 = `${dir}/typo.yaml`;
      await Deno.writeTextFile(f4, yamlDump(typo));
      const before = structuredClone(sim.store.get("podcliquesets", NS, PCS)!);
      for (const argv of [["--dry-run"], ["--yes"]]) {
        const t = await runCli(["apply", "-f", f4, ...argv], { env });
        assertEquals(t.code, 1, t.stdout + t.stderr);
        assertMatch(t.stderr, /unknown field "spec\.replicass"/);
      }
      assertEquals(sim.store.get("podcliquesets", NS, PCS)!.spec, before.spec, "nothing applied");
      assertEquals(
        sim.store.get("podcliquesets", NS, PCS)!.metadata.resourceVersion,
        before.metadata.resourceVersion,
      );

      const plan = await runCli(["apply", "-f", file, "--compare-plan", PCS, "--dry-run"], { env });
      assertEquals(plan.code, 1);
      assertStringIncludes(plan.stderr, `no plan stored for "qwen-disagg"`);
      sim.store.put(planConfigMap(PCS, NS, {
        model: "Qwen/Qwen3-32B",
        system: "h200_sxm",
        serving_mode: "disagg",
        config: { prefill_workers: 2, prefill_tp: 4, decode_workers: 4, decode_tp: 8 },
        expected: { throughput_tokens_per_sec_per_gpu: 500, ttft_ms: 300, tpot_ms: 20 },
        sla: { ttft_ms: 500, tpot_ms: 30 },
      }));
      const cmp = await runCli(["apply", "-f", file, "--compare-plan", PCS, "--dry-run"], { env });
      assertEquals(cmp.code, 0, cmp.stderr);
      assertStringIncludes(cmp.stdout, "Compared with the plan stored for qwen-disagg");
      assertMatch(cmp.stdout, /^ROLE +FIELD +PLAN +/m);

      doc.spec.template.cliques[1].spec.podSpec.containers[0].image =
        "nvcr.io/nvidia/ai-dynamo/vllm-runtime:0.6.3";
      await Deno.writeTextFile(file, yamlDump(doc));
      const ro = await runCli(["--context", "sim-readonly", "apply", "-f", file, "--yes"], { env });
      assertEquals(ro.code, 1);
      assertMatch(ro.stderr, /forbidden: cannot update podcliquesets\.grove\.io "qwen-disagg"/);
    } finally {
      await sim.stop();
      await Deno.remove(dir, { recursive: true });
    }
  },
);

Deno.test(
  "e2e apply --preserve-placement: constraints kept, pods that would not fit their nodes named",
  opts,
  async () => {
    const sim = await startSimCluster({ scenario: "healthy" });
    const dir = await Deno.makeTempDir();
    try {
      const env = { KUBECONFIG: sim.kubeconfigPath };
      const live = sim.store.get("podcliquesets", NS, PCS)!;
      const doc = {
        apiVersion: "grove.io/v1alpha1",
        kind: "PodCliqueSet",
        metadata: { name: PCS, namespace: NS },
        spec: structuredClone(live.spec),
      };
      const c = doc.spec.template.cliques[1].spec.podSpec.containers[0];
      c.resources.limits["nvidia.com/gpu"] = "8";
      c.resources.requests["nvidia.com/gpu"] = "8";
      delete doc.spec.template.topologyConstraint;
      const file = `${dir}/gpus.yaml`;
      await Deno.writeTextFile(file, yamlDump(doc));
      const r = await runCli(["apply", "-f", file, "--preserve-placement", "--yes"], { env });
      assertEquals(r.code, 0, r.stderr);
      assertMatch(r.stdout, /warning: kept the set's topology constraint/);
      assertMatch(r.stdout, /warning: role prefill: GPUs per pod 4 -> 8/);
      assertMatch(
        r.stdout.replace(/\n {2}/g, " "),
        /warning: node \S+: qwen-disagg-0-prefill-\S+ .*would need 8 more GPUs, 0 free/,
      );
      const stored = sim.store.get("podcliquesets", NS, PCS)!;
      assertEquals(stored.spec.template.topologyConstraint, live.spec.template.topologyConstraint);
    } finally {
      await sim.stop();
      await Deno.remove(dir, { recursive: true });
    }
  },
);
