// End to end: update -> rollout status -> history -> undo, pause/resume, and a
// concurrent edit, through the real client over HTTPS against the simulated
// cluster with the operator simulation (fast pace).
import { assert, assertEquals, assertMatch, assertStringIncludes } from "../helpers/assert.ts";
import { runCli } from "../helpers/cli.ts";
import { startSimCluster } from "../../lib/sim/server.ts";
import { simOperator } from "../../lib/sim/operator/mod.ts";
import { main } from "../../cli/main.ts";
import type { CliIO } from "../../cli/context.ts";
import type { KubeObject } from "../../lib/kube/types.ts";

const opts = { sanitizeResources: false, sanitizeOps: false };
const NS = "inference";
const PCS = "qwen-disagg";
const OLD = "nvcr.io/nvidia/ai-dynamo/vllm-runtime:0.6.1";
const NEW = "nvcr.io/nvidia/ai-dynamo/vllm-runtime:0.6.2";

function images(sim: { store: { get(r: string, ns: string, n: string): KubeObject | undefined } }) {
  const pcs = sim.store.get("podcliquesets", NS, PCS)!;
  return pcs.spec.template.cliques.map((
    c: { name: string; spec: { podSpec: { containers: { image: string }[] } } },
  ) => `${c.name}=${c.spec.podSpec.containers[0].image}`);
}

function podHashes(
  sim: { store: { list(r: string, ns?: string): readonly KubeObject[] } },
  clique: string,
) {
  return sim.store.list("pods", NS)
    .filter((p) =>
      p.metadata.labels?.["grove.io/podclique"] === clique && !p.metadata.deletionTimestamp
    )
    .map((p) => p.metadata.labels?.["grove.io/pod-template-hash"]);
}

Deno.test(
  "e2e rollout: update, status to completion, history, undo, history of three",
  opts,
  async () => {
    const op = simOperator({ stepMs: 30, readyDelayMs: 60 });
    const sim = await startSimCluster({ scenario: "healthy", operator: op });
    try {
      const env = { KUBECONFIG: sim.kubeconfigPath, USER: "alice" };
      const before = images(sim);

      const dry = await runCli(["update", PCS, "--image", NEW, "--dry-run"], { env });
      assertEquals(dry.code, 0, dry.stderr);
      assertStringIncludes(
        dry.stdout,
        "spec.template.cliques[prefill].spec.podSpec.containers[vllm].image",
      );
      // a long before/after pair sits on two lines at 80 columns
      assertStringIncludes(dry.stdout.replace(/\n +-> /g, " -> "), `${OLD} -> ${NEW}`);
      assertMatch(dry.stdout, /^ +prefill +1 +2 +2 /m);
      assertMatch(dry.stdout, /^Estimated duration: ~/m);
      assertStringIncludes(dry.stdout, "dry run");
      assertEquals(images(sim), before, "a dry run changes nothing");
      const dj = await runCli(["update", PCS, "--image", NEW, "--dry-run", "-o", "json"], { env });
      assertEquals(dj.code, 0, dj.stderr);
      const doc = JSON.parse(dj.stdout);
      assertEquals([doc.kind, doc.applied, doc.skipped], ["UpdateResult", false, "dry-run"]);
      assertEquals(doc.plan.targets.map((t: { role: string }) => t.role), [
        "prefill",
        "decode-leader",
        "decode-worker",
      ]);

      const noTty = await runCli(["update", PCS, "--image", NEW], { env });
      assertEquals(noTty.code, 2);
      assertStringIncludes(noTty.stderr, "pass --yes");

      const up = await runCli(["update", PCS, "--image", NEW, "--yes", "-m", "vllm 0.6.2"], {
        env,
      });
      assertEquals(up.code, 0, up.stderr);
      assertMatch(up.stdout, /podcliqueset\/qwen-disagg image updated \(revision 2\)/);
      assert(images(sim).includes(`prefill=${NEW}`));
      assert(
        images(sim).includes("frontend=nvcr.io/nvidia/ai-dynamo/dynamo-frontend:0.6.1"),
        "frontend untouched",
      );

      const st = await runCli(
        ["rollout", "status", PCS, "--interval", "20ms", "--timeout", "30s"],
        { env },
      );
      assertEquals(st.code, 0, st.stderr);
      assertMatch(st.stdout, /Complete/);
      assertMatch(st.stdout, /revision 1 -> 2, strategy RollingRecreate/);
      assertMatch(st.stdout, /placement score: before 0\.\d\d, now 0\.\d\d/);
      assertMatch(st.stdout, /^prefill +\[#{10}\] 100% +2\/2 +0 /m);
      const newHash = podHashes(sim, "qwen-disagg-0-prefill");
      assertEquals(new Set(newHash).size, 1);

      const h = await runCli(["rollout", "history", PCS, "-o", "json"], { env });
      assertEquals(h.code, 0, h.stderr);
      const hist = JSON.parse(h.stdout);
      assertEquals(hist.kind, "RolloutHistory");
      assertEquals(hist.entries.map((e: { revision: number }) => e.revision), [1, 2]);
      assertEquals(hist.entries[0].unrecorded, true);
      assertEquals(hist.entries[1].changeCause, "vllm 0.6.2");
      assertEquals(hist.entries[1].createdBy, "alice@sim");
      assertEquals(hist.currentRevision, 2);
      assertStringIncludes(
        hist.entries[1].changes.join("\n"),
        `prefill image vllm: ${OLD} -> ${NEW}`,
      );

      const table = await runCli(["rollout", "history", PCS], { env });
      assertMatch(table.stdout, /^2\* +\S+ +alice@sim +/m);

      const diff = await runCli(["rollout", "diff", PCS, "--revision", "1"], { env });
      assertEquals(diff.code, 0, diff.stderr);
      assertMatch(diff.stdout, /^--- revision 1\n\+\+\+ live \(revision 2\)$/m);
      assertMatch(diff.stdout, new RegExp(`^- +image: ${OLD.replaceAll(".", "\\.")}$`, "m"));

      const undoDry = await runCli(["rollout", "undo", PCS, "--dry-run"], { env });
      assertEquals(undoDry.code, 0, undoDry.stderr);
      assertMatch(undoDry.stdout, /would roll back to revision 1/);
      assert(images(sim).includes(`prefill=${NEW}`), "undo --dry-run changes nothing");

      const u = await runCli(["rollout", "undo", PCS, "--yes"], { env });
      assertEquals(u.code, 0, u.stderr);
      assertMatch(u.stdout, /rolled back to revision 1 \(revision 3\)/);
      assertEquals(images(sim), before, "the template is back");
      const st2 = await runCli(
        ["rollout", "status", PCS, "--interval", "20ms", "--timeout", "30s"],
        { env },
      );
      assertEquals(st2.code, 0, st2.stderr);
      assertMatch(st2.stdout, /revision 2 -> 3/);

      const d23 = await runCli(["rollout", "diff", PCS, "--revision", "2", "--to-revision", "3"], {
        env,
      });
      assertEquals(d23.code, 0, d23.stderr);
      assertMatch(d23.stdout, /^--- revision 2\n\+\+\+ revision 3$/m);
      const h3 = JSON.parse(
        (await runCli(["rollout", "history", PCS, "-o", "json"], { env })).stdout,
      );
      assertEquals(h3.entries.map((e: { revision: number }) => e.revision), [1, 2, 3]);
      assertEquals(h3.entries[0].restoredAs, 3);
      assertEquals(h3.entries[2].changeCause, "rollback to revision 1");
      assertEquals(h3.currentRevision, 3);
      const crs = sim.store.list("controllerrevisions", NS);
      assertEquals(crs.length, 2, "one ControllerRevision per template");
      for (const cr of crs) {
        assertEquals(cr.metadata.labels?.["app.kubernetes.io/managed-by"], "kubectl-grove");
        assertEquals(cr.metadata.labels?.["grove.io/podcliqueset"], PCS);
        assertMatch(cr.metadata.name, /^qwen-disagg-[a-z0-9]{10}$/);
      }
      const again = await runCli(["update", PCS, "--image", OLD, "--role", "prefill", "--yes"], {
        env,
      });
      assertEquals(again.code, 0, again.stderr);
      assertMatch(again.stdout, /image already .* nothing to do/);
    } finally {
      await sim.stop();
    }
  },
);

Deno.test("e2e rollout: pause mid-rollout stops progress, resume finishes it", opts, async () => {
  const op = simOperator({ stepMs: 150, readyDelayMs: 150 });
  const sim = await startSimCluster({ scenario: "healthy", operator: op });
  try {
    const env = { KUBECONFIG: sim.kubeconfigPath };
    const up = await runCli(["update", PCS, "--image", NEW, "--yes"], { env });
    assertEquals(up.code, 0, up.stderr);
    // wait for the first replaced pod, then pause
    for (let i = 0; i < 100 && !op.operator!.actions.some((a) => a.action === "delete-pod"); i++) {
      await new Promise((r) => setTimeout(r, 10));
    }
    const p = await runCli(["rollout", "pause", PCS, "--yes"], { env });
    assertEquals(p.code, 0, p.stderr);
    assertMatch(p.stdout, /paused \(strategy RollingRecreate -> OnDelete\)/);
    const pcs = sim.store.get("podcliquesets", NS, PCS)!;
    assertEquals(pcs.spec.updateStrategy.type, "OnDelete");
    assertEquals(
      pcs.metadata.annotations?.["kubectl-grove.io/paused-from-strategy"],
      "RollingRecreate",
    );
    await new Promise((r) => setTimeout(r, 200)); // let an in-flight pod become ready
    const deletes = op.operator!.actions.filter((a) => a.action === "delete-pod").length;
    await new Promise((r) => setTimeout(r, 400));
    assertEquals(
      op.operator!.actions.filter((a) => a.action === "delete-pod").length,
      deletes,
      "no pod replaced while paused",
    );

    const s = await runCli(["rollout", "status", PCS, "--no-wait"], { env });
    assertEquals(s.code, 0, s.stderr);
    assertMatch(s.stdout, /: Paused/);
    assertMatch(s.stdout, /strategy OnDelete \(paused/);
    const rs = await runCli(["restart", PCS, "--role", "decode-worker", "--force", "--dry-run"], {
      env,
    });
    assertEquals(rs.code, 0, rs.stderr);
    assertMatch(
      rs.stdout.replace(/\n +/g, " "), // warnings wrap at 80 columns
      /warning: 2 of these pods run an older template: they come back on the current template \(the paused rollout advances for them\)/,
    );
    const again = await runCli(["rollout", "pause", PCS, "--yes"], { env });
    assertMatch(again.stdout, /already paused/);

    const r = await runCli(["rollout", "resume", PCS, "--yes"], { env });
    assertEquals(r.code, 0, r.stderr);
    assertMatch(r.stdout, /resumed \(strategy OnDelete -> RollingRecreate\)/);
    const done = await runCli(
      ["rollout", "status", PCS, "--interval", "20ms", "--timeout", "30s"],
      { env },
    );
    assertEquals(done.code, 0, done.stderr);
    assertMatch(done.stdout, /Complete/);
    assertEquals(
      sim.store.get("podcliquesets", NS, PCS)!.spec.updateStrategy.type,
      "RollingRecreate",
    );
    const notPaused = await runCli(["rollout", "resume", PCS, "--yes"], { env });
    assertMatch(notPaused.stdout, /not paused; nothing to do/);
  } finally {
    await sim.stop();
  }
});

Deno.test(
  "e2e rollout: a concurrent edit between preview and apply is a conflict; nothing changes",
  opts,
  async () => {
    const sim = await startSimCluster({ scenario: "healthy" });
    try {
      let stdout = "";
      let stderr = "";
      const env: Record<string, string> = {
        KUBECONFIG: sim.kubeconfigPath,
        HOME: "/nonexistent-home",
      };
      const io: CliIO = {
        stdout: (t) => (stdout += t),
        stderr: (t) => (stderr += t),
        stdoutIsTTY: false,
        stdinIsTTY: true,
        readLine: () => {
          // someone else edits the template while the user reads the preview
          sim.store.update("podcliquesets", NS, PCS, (o) => {
            o.spec.template.cliques[0].spec.replicas = 3;
          });
          return Promise.resolve("y");
        },
        env: (k) => env[k],
      };
      const code = await main(["update", PCS, "--image", NEW, "--role", "prefill"], io);
      assertEquals(code, 1, stderr);
      assertStringIncludes(
        stdout.replace(/\n +-> /g, " -> "),
        `${OLD} -> ${NEW}`,
        "the preview was shown",
      );
      assertMatch(
        stderr,
        /conflict: podcliqueset "qwen-disagg" in namespace "inference" was changed by someone else/,
      );
      assertStringIncludes(stderr, "spec.template.cliques[frontend].spec.replicas");
      assertStringIncludes(stderr, "nothing was changed");
      const pcs = sim.store.get("podcliquesets", NS, PCS)!;
      assert(JSON.stringify(pcs.spec).includes(OLD) && !JSON.stringify(pcs.spec).includes(NEW));
      assertEquals(sim.store.list("controllerrevisions", NS).length, 0, "no revision recorded");

      // a status-only write between preview and apply is not a conflict
      let stdout2 = "";
      const io2: CliIO = {
        ...io,
        stdout: (t) => (stdout2 += t),
        readLine: () => {
          sim.store.update("podcliquesets", NS, PCS, (o) => {
            o.status = { ...o.status, availableReplicas: 1 };
          });
          return Promise.resolve("y");
        },
      };
      const code2 = await main(["update", PCS, "--image", NEW, "--role", "prefill"], io2);
      assertEquals(code2, 0);
      assertMatch(stdout2, /image updated \(revision 2\)/);
    } finally {
      await sim.stop();
    }
  },
);

Deno.test(
  "e2e update --wait-for-approval: applied paused, waits for resume, then follows to completion",
  opts,
  async () => {
    const op = simOperator({ stepMs: 20, readyDelayMs: 30 });
    const sim = await startSimCluster({ scenario: "healthy", operator: op });
    try {
      const env = { KUBECONFIG: sim.kubeconfigPath };
      const waiting = runCli(
        [
          "update",
          PCS,
          "--image",
          NEW,
          "--role",
          "prefill",
          "--wait-for-approval",
          "--yes",
          "--interval",
          "20ms",
        ],
        { env },
      );
      // wait until the change is stored paused
      for (let i = 0; i < 200; i++) {
        const pcs = sim.store.get("podcliquesets", NS, PCS)!;
        if (JSON.stringify(pcs.spec).includes(NEW)) break;
        await new Promise((r) => setTimeout(r, 10));
      }
      const pcs = sim.store.get("podcliquesets", NS, PCS)!;
      assertEquals(pcs.spec.updateStrategy.type, "OnDelete");
      await new Promise((r) => setTimeout(r, 150));
      assertEquals(
        op.operator!.actions.filter((a) => a.action === "delete-pod").length,
        0,
        "nothing rolls before approval",
      );
      const r = await runCli(["rollout", "resume", PCS, "--yes"], { env });
      assertEquals(r.code, 0, r.stderr);
      const done = await waiting;
      assertEquals(done.code, 0, done.stderr);
      assertStringIncludes(done.stdout, "updated, paused until approved (revision 2)");
      assertStringIncludes(done.stderr, "waiting for approval");
      assertStringIncludes(done.stderr, "approved");
      assertMatch(done.stdout, /Complete/);
      assert(op.operator!.actions.some((a) => a.action === "delete-pod"));
    } finally {
      await sim.stop();
    }
  },
);

Deno.test("e2e rollout history is bounded by rollout.history_limit", opts, async () => {
  const sim = await startSimCluster({ scenario: "healthy" });
  try {
    const env = { KUBECONFIG: sim.kubeconfigPath, KUBECTL_GROVE_ROLLOUT_HISTORY_LIMIT: "3" };
    for (const tag of ["a", "b", "c", "d"]) {
      const r = await runCli([
        "update",
        PCS,
        "--image",
        `${OLD}-${tag}`,
        "--role",
        "prefill",
        "--yes",
      ], { env });
      assertEquals(r.code, 0, r.stderr);
    }
    const h = JSON.parse((await runCli(["rollout", "history", PCS, "-o", "json"], { env })).stdout);
    assertEquals(h.entries.map((e: { revision: number }) => e.revision), [3, 4, 5]);
    assertEquals(sim.store.list("controllerrevisions", NS).length, 3);
  } finally {
    await sim.stop();
  }
});
