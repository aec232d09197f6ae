// End to end: every bad input of the rollout family gets a clear error and
// the right exit code, and changes nothing.
import { assert, assertEquals, assertMatch, assertStringIncludes } from "../helpers/assert.ts";
import { runCli } from "../helpers/cli.ts";
import { startSimCluster } from "../../lib/sim/server.ts";
import { simOperator } from "../../lib/sim/operator/mod.ts";

const opts = { sanitizeResources: false, sanitizeOps: false };
const NS = "inference";
const PCS = "qwen-disagg";
const NEW = "nvcr.io/nvidia/ai-dynamo/vllm-runtime:0.6.2";

Deno.test(
  "e2e rollout errors: unknown pcs, role, container, revision; being deleted; forbidden",
  opts,
  async () => {
    const sim = await startSimCluster({ scenario: "healthy" });
    try {
      const env = { KUBECONFIG: sim.kubeconfigPath };
      const rv = sim.store.get("podcliquesets", NS, PCS)!.metadata.resourceVersion;

      const missing = await runCli(["update", "nope", "--image", NEW, "--yes"], { env });
      assertEquals(missing.code, 1);
      assertMatch(
        missing.stderr,
        /^error: podcliqueset "nope" not found in namespace "inference"$/m,
      );
      assertMatch(missing.stderr, /^hint: /m);

      const role = await runCli(["update", PCS, "--image", NEW, "--role", "decoder", "--yes"], {
        env,
      });
      assertEquals(role.code, 2);
      assertStringIncludes(role.stderr, `podcliqueset "qwen-disagg" has no role "decoder"`);
      assertStringIncludes(
        role.stderr,
        "hint: roles: frontend, prefill, decode-leader, decode-worker",
      );

      const cont = await runCli([
        "update",
        PCS,
        "--image",
        NEW,
        "--role",
        "prefill",
        "--container",
        "main",
        "--yes",
      ], { env });
      assertEquals(cont.code, 2);
      assertStringIncludes(
        cont.stderr,
        `role "prefill" of podcliqueset "qwen-disagg" has no container "main"`,
      );
      assertStringIncludes(cont.stderr, "hint: containers: vllm");

      const noMatch = await runCli(["update", PCS, "--image", "other/engine:1", "--yes"], { env });
      assertEquals(noMatch.code, 2);
      assertStringIncludes(
        noMatch.stderr,
        'no container of podcliqueset "qwen-disagg" runs other/engine',
      );

      const rev = await runCli(["rollout", "diff", PCS, "--revision", "7"], { env });
      assertEquals(rev.code, 1);
      assertStringIncludes(rev.stderr, `revision 7 of podcliqueset "qwen-disagg" not found`);
      const undo = await runCli(["rollout", "undo", PCS, "--to-revision", "7", "--yes"], { env });
      assertEquals(undo.code, 1);
      assertStringIncludes(undo.stderr, "revision 7");
      const undoNone = await runCli(["rollout", "undo", PCS, "--yes"], { env });
      assertEquals(undoNone.code, 1);
      assertStringIncludes(undoNone.stderr, "has no earlier revision");

      const badN = await runCli(["rollout", "history", PCS, "--revision", "x"], { env });
      assertEquals(badN.code, 2);

      const ro = await runCli(
        ["--context", "sim-readonly", "update", PCS, "--image", NEW, "--yes"],
        { env },
      );
      assertEquals(ro.code, 1);
      assertMatch(ro.stderr, /forbidden: cannot update podcliquesets\.grove\.io "qwen-disagg"/);
      assertStringIncludes(ro.stderr, "hint: ask your cluster admin for 'update'");
      const roPause = await runCli(
        ["--context", "sim-readonly", "rollout", "pause", PCS, "--yes"],
        { env },
      );
      assertEquals(roPause.code, 1);
      assertStringIncludes(roPause.stderr, "forbidden");

      assertEquals(
        sim.store.get("podcliquesets", NS, PCS)!.metadata.resourceVersion,
        rv,
        "nothing changed",
      );
      assertEquals(sim.store.list("controllerrevisions", NS).length, 0);

      sim.store.update("podcliquesets", NS, PCS, (o) => {
        o.metadata.finalizers = ["grove.io/podcliqueset.grove.io"];
      });
      sim.store.delete("podcliquesets", NS, PCS);
      for (
        const argv of [
          ["update", PCS, "--image", NEW, "--yes"],
          ["rollout", "pause", PCS, "--yes"],
          ["rollout", "undo", PCS, "--yes"],
        ]
      ) {
        const r = await runCli(argv, { env });
        assertEquals(r.code, 1, argv.join(" "));
        assertMatch(r.stderr, /podcliqueset "qwen-disagg" is being deleted \(since .*\); cannot /);
      }
    } finally {
      await sim.stop();
    }
  },
);

Deno.test(
  "e2e rollout status: failing new pods exit 3, timeout exit 4, no-wait prints once",
  opts,
  async () => {
    const op = simOperator({ stepMs: 20, readyDelayMs: 30, badImages: ["bad/image:1"] });
    const sim = await startSimCluster({ scenario: "healthy", operator: op });
    try {
      const env = { KUBECONFIG: sim.kubeconfigPath };
      const up = await runCli([
        "update",
        "sglang-chat",
        "--image",
        "bad/image:1",
        "--role",
        "worker",
        "--container",
        "sglang",
        "--yes",
        // its one worker pod has minAvailable 1: update refuses without --force
        "--force",
      ], { env });
      assertEquals(up.code, 0, up.stderr);
      const st = await runCli([
        "rollout",
        "status",
        "sglang-chat",
        "--interval",
        "20ms",
        "--timeout",
        "20s",
      ], { env });
      assertEquals(st.code, 3, st.stdout + st.stderr);
      assertMatch(st.stdout, /: Failed/);
      assertMatch(st.stdout, /ImagePullBackOff/);
      assertStringIncludes(
        st.stderr,
        "roll back with: kubectl grove rollout undo sglang-chat -n inference",
      );

      const json = await runCli(["rollout", "status", "sglang-chat", "--no-wait", "-o", "json"], {
        env,
      });
      assertEquals(json.code, 3);
      const r = JSON.parse(json.stdout);
      assertEquals([r.kind, r.phase], ["RolloutStatus", "Failed"]);

      // paused mid-way: waiting ends in a timeout (exit 4), the rollout is left alone
      const undo = await runCli(["rollout", "undo", "sglang-chat", "--yes"], { env });
      assertEquals(undo.code, 0, undo.stderr);
      const back = await runCli(
        ["rollout", "status", "sglang-chat", "--interval", "20ms", "--timeout", "20s"],
        { env },
      );
      assertEquals(back.code, 0, back.stdout + back.stderr);
      assertMatch(back.stdout, /Complete/);
      const p = await runCli(["rollout", "pause", PCS, "--yes"], { env });
      assertEquals(p.code, 0, p.stderr);
      const up2 = await runCli(["update", PCS, "--image", NEW, "--yes"], { env });
      assertEquals(up2.code, 0, up2.stderr);
      const t = await runCli(
        ["rollout", "status", PCS, "--interval", "20ms", "--timeout", "300ms"],
        { env },
      );
      assertEquals(t.code, 4, t.stderr);
      assertMatch(
        t.stderr,
        /^error: timed out after 300ms waiting for the rollout of podcliqueset\/qwen-disagg: paused/m,
      );
      assert(
        sim.store.get("podcliquesets", NS, PCS)!.metadata.annotations
          ?.["kubectl-grove.io/paused-from-strategy"],
      );
    } finally {
      await sim.stop();
    }
  },
);

Deno.test(
  "e2e rollout status --metrics: TTFT/TPOT p99 per role from the engines",
  opts,
  async () => {
    const sim = await startSimCluster({ scenario: "healthy" });
    try {
      const env = { KUBECONFIG: sim.kubeconfigPath };
      const r = await runCli(["rollout", "status", PCS, "--no-wait", "--metrics"], { env });
      assertEquals(r.code, 0, r.stderr);
      assertMatch(r.stdout, /^ROLE +PROGRESS +UPDATED +OLD +READY +TTFT-P99 +TPOT-P99/m);
      assertMatch(r.stdout, /^prefill +.* \d[\d.]*m?s +\d[\d.]*m?s/m);
      const j = JSON.parse(
        (await runCli(["rollout", "status", PCS, "--no-wait", "--metrics", "-o", "json"], { env }))
          .stdout,
      );
      assert(
        j.latency.some((l: { role: string; ttftP99Ms: number | null }) =>
          l.role === "prefill" && l.ttftP99Ms! > 0
        ),
      );
    } finally {
      await sim.stop();
    }
  },
);

Deno.test(
  "e2e update: a forbidden revision write still applies the change and says so",
  opts,
  async () => {
    const sim = await startSimCluster({
      scenario: "healthy",
      onRequest: (req, { url }) =>
        req.method === "POST" && url.pathname.includes("/controllerrevisions")
          ? new Response(
            JSON.stringify({
              kind: "Status",
              apiVersion: "v1",
              status: "Failure",
              reason: "Forbidden",
              code: 403,
              message: "controllerrevisions.apps is forbidden",
            }),
            { status: 403, headers: { "content-type": "application/json" } },
          )
          : undefined,
    });
    try {
      const env = { KUBECONFIG: sim.kubeconfigPath };
      const r = await runCli(["update", PCS, "--image", NEW, "--role", "prefill", "--yes"], {
        env,
      });
      assertEquals(r.code, 0, r.stderr);
      assertStringIncludes(r.stdout, "image updated");
      assertMatch(
        r.stderr,
        /warning: the change was applied, but its revision could not be recorded: forbidden/,
      );
      assert(JSON.stringify(sim.store.get("podcliquesets", NS, PCS)!.spec).includes(NEW));
      const h = JSON.parse(
        (await runCli(["rollout", "history", PCS, "-o", "json"], { env })).stdout,
      );
      assertEquals(h.liveUnrecorded, true);
    } finally {
      await sim.stop();
    }
  },
);

Deno.test("e2e: answering no on a terminal changes nothing; yes applies", opts, async () => {
  const sim = await startSimCluster({ scenario: "healthy" });
  try {
    const env = { KUBECONFIG: sim.kubeconfigPath };
    const before = JSON.stringify(sim.store.get("podcliquesets", NS, PCS)!.spec);
    for (
      const argv of [
        ["update", PCS, "--image", NEW, "--role", "prefill"],
        ["rollout", "pause", PCS],
        ["restart", PCS, "--role", "frontend"],
      ]
    ) {
      const r = await runCli(argv, { env, answers: ["n"] });
      assertEquals(r.code, 0, r.stderr);
      assertMatch(r.stderr, /\[y\/N\] cancelled; nothing was changed/, argv.join(" "));
    }
    assertEquals(JSON.stringify(sim.store.get("podcliquesets", NS, PCS)!.spec), before);
    const y = await runCli(["rollout", "pause", PCS], { env, answers: ["y"] });
    assertEquals(y.code, 0, y.stderr);
    assertMatch(y.stdout, /paused/);
  } finally {
    await sim.stop();
  }
});

Deno.test(
  "e2e: rollout diff is coloured on a terminal only; restart --force asks before deleting",
  opts,
  async () => {
    const sim = await startSimCluster({ scenario: "healthy" });
    try {
      const env = { KUBECONFIG: sim.kubeconfigPath };
      const up = await runCli(["update", PCS, "--image", NEW, "--role", "prefill", "--yes"], {
        env,
      });
      assertEquals(up.code, 0, up.stderr);
      const tty = await runCli(["rollout", "diff", PCS, "--revision", "1"], { env, tty: true });
      assertEquals(tty.code, 0, tty.stderr);
      assertStringIncludes(tty.stdout, "\x1b[31m-");
      assertStringIncludes(tty.stdout, "\x1b[32m+");
      const piped = await runCli(["rollout", "diff", PCS, "--revision", "1"], { env });
      assertEquals(piped.code, 0, piped.stderr);
      assert(!piped.stdout.includes("\x1b["), "plain when piped");
      assertMatch(piped.stdout, /^-\s+image: .*vllm-runtime:0\.6\.1$/m);
      assertMatch(piped.stdout, /^\+\s+image: .*vllm-runtime:0\.6\.2$/m);
      const noColor = await runCli(["rollout", "diff", PCS, "--revision", "1"], {
        env: { ...env, NO_COLOR: "1" },
        tty: true,
      });
      assert(!noColor.stdout.includes("\x1b["), "NO_COLOR is honoured");

      const pods = () => sim.store.list("pods", NS).map((p) => p.metadata.name).sort().join(",");
      const before = pods();
      const no = await runCli(["restart", PCS, "--role", "frontend", "--force"], {
        env,
        answers: ["n"],
      });
      assertEquals(no.code, 0, no.stderr);
      assertMatch(
        no.stderr,
        /Delete all 2 pods at once\? Cliques go below minAvailable \[y\/N\] cancelled; nothing was changed/,
      );
      assertEquals(pods(), before, "declined: no pod deleted");
    } finally {
      await sim.stop();
    }
  },
);
