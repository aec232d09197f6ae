// End to end on the simulator: rack-by-rack order and minAvailable from the
// store's history, a gate that passes, a gate that fails and rolls back, a
// resume after an interrupted run, gates without metrics.
import { describeRun, spawnCli } from "../helpers/spawn.ts";
import { assert, assertEquals, assertStringIncludes } from "../helpers/assert.ts";
import { runCli } from "../helpers/cli.ts";
import { startSimCluster } from "../../lib/sim/server.ts";
import { simOperator } from "../../lib/sim/operator/mod.ts";
import { synthMetricsHandler } from "../../lib/sim/metrics_synth.ts";
import { connect } from "../../lib/kube/connect.ts";
import { startProgressive } from "../../tasks/progressive/run.ts";
import type { KubeObject } from "../../lib/kube/types.ts";

const opts = { sanitizeResources: false, sanitizeOps: false };
const FAST = ["--interval", "20ms", "--yes"];
type Sim = Awaited<ReturnType<typeof startSimCluster>>;

async function sim(proxy = true) {
  const op = simOperator({ stepMs: 20, readyDelayMs: 40 });
  const s = await startSimCluster({
    scenario: "healthy",
    operator: op,
    proxyHandler: proxy
      ? synthMetricsHandler()
      : () => Promise.resolve(new Response("not found", { status: 404 })),
  });
  return { s, env: { KUBECONFIG: s.kubeconfigPath } };
}

function pods(s: Sim, clique: string): KubeObject[] {
  return s.store.list("pods", "inference").filter((p) =>
    p.metadata.labels?.["grove.io/podclique"] === clique
  );
}
const imageOf = (p: KubeObject) =>
  (p.spec as { containers: { image: string }[] }).containers[0].image;
const ready = (p: KubeObject) =>
  !p.metadata.deletionTimestamp &&
  ((p.status as { conditions?: { type: string; status: string }[] })?.conditions ?? []).some((c) =>
    c.type === "Ready" && c.status === "True"
  );

Deno.test(
  "e2e progressive: rack-by-rack goes rack by rack and never below minAvailable",
  opts,
  async () => {
    const { s, env } = await sim();
    const breaches: string[] = [];
    const order: string[] = [];
    const nodeRack = new Map(
      s.store.list("nodes").map((
        n,
      ) => [n.metadata.name, n.metadata.labels?.["topology.kubernetes.io/rack"] ?? ""]),
    );
    const unsub = s.store.subscribe((e) => {
      if (e.resource.plural !== "pods") return;
      const p = e.object;
      if (e.type === "DELETED" && imageOf(p) !== "nvcr.io/nvidia/ai-dynamo/vllm-runtime:0.7.0") {
        order.push(nodeRack.get(String((p.spec as { nodeName?: string }).nodeName)) ?? "?");
      }
      for (const [c, min] of [["qwen-disagg-0-prefill", 1]] as const) {
        const n = pods(s, c).filter(ready).length;
        if (n < min) breaches.push(`${c} ${n}`);
      }
      const groupReady = [0, 1].filter((j) =>
        ["dleader", "dworker"].every((m) =>
          pods(s, `qwen-disagg-0-decode-${j}-${m}`).some(ready)
        )
      ).length;
      if (groupReady < 1) breaches.push(`decode group ${groupReady}`);
    });
    try {
      const r = await runCli([
        "update",
        "qwen-disagg",
        "--image",
        "nvcr.io/nvidia/ai-dynamo/vllm-runtime:0.7.0",
        "--rack-by-rack",
        ...FAST,
      ], { env });
      assertEquals(r.code, 0, r.stderr);
      assertStringIncludes(r.stderr, "rack rack-a1 done");
      assertStringIncludes(r.stderr, "rack rack-a2 done");
      assertEquals(breaches, []);
      // pods replaced where they ran: prefill + decode-0 (rack-a1) before decode-1 (rack-a2)
      assert(order.length >= 4, order.join(","));
      assertEquals(order.indexOf("rack-a2") > order.lastIndexOf("rack-a1"), true, order.join(","));
      for (const c of ["qwen-disagg-0-prefill", "qwen-disagg-0-decode-1-dleader"]) {
        assert(
          pods(s, c).every((p) => imageOf(p) === "nvcr.io/nvidia/ai-dynamo/vllm-runtime:0.7.0"),
          c,
        );
      }
    } finally {
      unsub();
      await s.stop();
    }
  },
);

Deno.test("e2e progressive: a gate that passes completes the rollout", opts, async () => {
  const { s, env } = await sim();
  try {
    const r = await runCli([
      "rollout",
      "start",
      "qwen-disagg",
      "--image",
      "vllm:fast",
      "--role",
      "prefill",
      "--gate-ttft-p99",
      "20s",
      "--gate-tpot-p99",
      "500ms",
      "--gate-window",
      "1200ms",
      ...FAST,
    ], { env });
    assertEquals(r.code, 0, r.stderr + r.stdout);
    assertStringIncludes(r.stdout, "complete");
    assertStringIncludes(r.stdout, "PASS");
    assert(pods(s, "qwen-disagg-0-prefill").every((p) => imageOf(p) === "vllm:fast"));
  } finally {
    await s.stop();
  }
});

Deno.test("e2e progressive: a failing gate rolls back by itself and exits 3", opts, async () => {
  const { s, env } = await sim();
  try {
    const r = await runCli([
      "rollout",
      "start",
      "qwen-disagg",
      "--image",
      "vllm:slow",
      "--role",
      "prefill",
      "--gate-ttft-p99",
      "1500ms",
      "--gate-tpot-p99",
      "150ms",
      "--gate-window",
      "1200ms",
      ...FAST,
    ], { env });
    assertEquals(r.code, 3, r.stderr + r.stdout);
    assertStringIncludes(r.stdout, "rolled-back");
    assertStringIncludes(r.stdout, "FAIL");
    assertStringIncludes(r.stdout, "threshold 1.50s"); // latencies in one unit rule (fmtMs)
    assertStringIncludes(r.stdout, "threshold 150ms");
    assert(pods(s, "qwen-disagg-0-prefill").every((p) => imageOf(p) !== "vllm:slow"));
    const p = s.store.list("podcliquesets", "inference").find((x) =>
      x.metadata.name === "qwen-disagg"
    )!;
    assertEquals(p.metadata.annotations?.["kubectl-grove.io/rollout-state"], undefined);
  } finally {
    await s.stop();
  }
});

Deno.test("e2e progressive: gates without metrics are refused", opts, async () => {
  const { s, env } = await sim(false);
  try {
    const r = await runCli([
      "rollout",
      "start",
      "qwen-disagg",
      "--image",
      "vllm:x",
      "--role",
      "prefill",
      "--gate-ttft-p99",
      "500ms",
      ...FAST,
    ], { env });
    assertEquals(r.code, 2, r.stderr);
    assertStringIncludes(r.stderr, "cannot gate the rollout");
    assertStringIncludes(r.stderr, "nothing was changed");
    assert(pods(s, "qwen-disagg-0-prefill").every((p) => imageOf(p) !== "vllm:x"));
  } finally {
    await s.stop();
  }
});

Deno.test("e2e progressive: an interrupted run resumes where it stopped", opts, async () => {
  const { s } = await sim();
  try {
    const kube = await connect({ kubeconfig: s.kubeconfigPath });
    const ac = new AbortController();
    const lines: string[] = [];
    const first = await startProgressive(kube, {
      kind: "rack-by-rack",
      name: "qwen-disagg",
      namespace: "inference",
      image: "nvcr.io/nvidia/ai-dynamo/vllm-runtime:0.7.1",
      intervalMs: 20,
      signal: ac.signal,
      progress: (l) => {
        lines.push(l);
        if (l.startsWith("batch 2:")) ac.abort();
      },
    });
    assertEquals(first.outcome, "interrupted", lines.join("\n"));
    const p = s.store.list("podcliquesets", "inference").find((x) =>
      x.metadata.name === "qwen-disagg"
    )!;
    const state = JSON.parse(p.metadata.annotations!["kubectl-grove.io/rollout-state"]);
    assertEquals(state.phase, "Progressing");
    assert(state.batch >= 1);
    // `rollout resume` continues a progressive rollout (not a plain strategy resume)
    const again = await runCli(["rollout", "resume", "qwen-disagg", "--yes"], {
      env: { KUBECONFIG: s.kubeconfigPath },
    });
    assertEquals(again.code, 0, again.stderr);
    assertStringIncludes(again.stdout, "complete");
    assert(
      pods(s, "qwen-disagg-0-prefill").every((x) =>
        imageOf(x) === "nvcr.io/nvidia/ai-dynamo/vllm-runtime:0.7.1"
      ),
    );
    assert(
      pods(s, "qwen-disagg-0-decode-1-dworker").every((x) =>
        imageOf(x) === "nvcr.io/nvidia/ai-dynamo/vllm-runtime:0.7.1"
      ),
    );
  } finally {
    await s.stop();
  }
});

Deno.test(
  "e2e progressive: rack-by-rack stops when the placement score is below --min-score",
  opts,
  async () => {
    const { s, env } = await sim();
    try {
      const r = await runCli([
        "update",
        "qwen-disagg",
        "--image",
        "nvcr.io/nvidia/ai-dynamo/vllm-runtime:0.7.0",
        "--rack-by-rack",
        "--min-score",
        "0.99",
        ...FAST,
      ], { env });
      assertEquals(r.code, 3, r.stderr + r.stdout);
      assertStringIncludes(r.stdout, "placement score 0.96 after rack rack-a1 is below 0.99");
      const p = s.store.list("podcliquesets", "inference").find((x) =>
        x.metadata.name === "qwen-disagg"
      )!;
      const state = JSON.parse(p.metadata.annotations!["kubectl-grove.io/rollout-state"]);
      assertEquals([state.phase, state.domainsDone], ["Stopped", ["rack-a1"]]);
      // rack-a2 untouched
      assert(
        pods(s, "qwen-disagg-0-decode-1-dleader").every((x) =>
          imageOf(x) !== "nvcr.io/nvidia/ai-dynamo/vllm-runtime:0.7.0"
        ),
      );
      const resume = await runCli(["rollout", "resume", "qwen-disagg", "--yes"], { env });
      assertEquals(resume.code, 3, resume.stderr);
      assertStringIncludes(resume.stderr, "stopped");
      const abort = await runCli(["rollout", "abort", "qwen-disagg", ...FAST], { env });
      assertEquals(abort.code, 0, abort.stderr);
      assert(
        pods(s, "qwen-disagg-0-prefill").every((x) =>
          imageOf(x) === "nvcr.io/nvidia/ai-dynamo/vllm-runtime:0.6.1"
        ),
      );
    } finally {
      await s.stop();
    }
  },
);

Deno.test(
  "e2e progressive: --no-rollback stops on a failed gate and keeps the state",
  opts,
  async () => {
    const { s, env } = await sim();
    try {
      const r = await runCli([
        "rollout",
        "start",
        "qwen-disagg",
        "--image",
        "vllm:slow",
        "--role",
        "prefill",
        "--gate-tpot-p99",
        "150ms",
        "--gate-window",
        "1200ms",
        "--no-rollback",
        "-o",
        "json",
        ...FAST,
      ], { env });
      assertEquals(r.code, 3, r.stderr + r.stdout);
      const doc = JSON.parse(r.stdout);
      assertEquals([doc.outcome, doc.state.phase, doc.gates[0].gate, doc.gates[0].pass], [
        "stopped",
        "Stopped",
        "tpot-p99",
        false,
      ]);
      assert(doc.gates[0].measuredMs > 150, r.stdout);
      // one batch went out, the other pod is still stable
      assertEquals(pods(s, "qwen-disagg-0-prefill").map(imageOf).sort(), [
        "nvcr.io/nvidia/ai-dynamo/vllm-runtime:0.6.1",
        "vllm:slow",
      ]);
    } finally {
      await s.stop();
    }
  },
);

Deno.test(
  "e2e progressive: a gated run interrupted before its check is checked on resume",
  opts,
  async () => {
    const { s } = await sim();
    try {
      const kube = await connect({ kubeconfig: s.kubeconfigPath });
      const ac = new AbortController();
      const lines: string[] = [];
      const gates = { ttftP99Ms: 20_000, tpotP99Ms: 500, windowMs: 800 };
      const first = await startProgressive(kube, {
        kind: "gated",
        name: "qwen-disagg",
        namespace: "inference",
        image: "vllm:fast",
        role: "prefill",
        gates,
        intervalMs: 20,
        signal: ac.signal,
        progress: (l) => {
          lines.push(l);
          if (l.startsWith("batch 1: checking gates")) ac.abort();
        },
      });
      assertEquals(first.outcome, "interrupted", lines.join("\n"));
      const p = s.store.list("podcliquesets", "inference").find((x) =>
        x.metadata.name === "qwen-disagg"
      )!;
      const state = JSON.parse(p.metadata.annotations!["kubectl-grove.io/rollout-state"]);
      assertEquals([state.phase, state.batch, state.gatePending], ["Progressing", 1, true]);
      const resumed: string[] = [];
      const again = await startProgressive(kube, {
        kind: "gated",
        name: "qwen-disagg",
        namespace: "inference",
        image: "vllm:fast",
        role: "prefill",
        gates,
        intervalMs: 20,
        progress: (l) => resumed.push(l),
      });
      assertEquals(again.outcome, "complete", resumed.join("\n"));
      assertStringIncludes(resumed.join("\n"), "continuing the gated rollout");
      assertEquals(
        resumed.findIndex((l) => l.startsWith("batch 1: checking gates")) >= 0,
        true,
        resumed.join("\n"),
      );
      assertEquals(again.gates?.every((g) => g.pass), true);
      assert(pods(s, "qwen-disagg-0-prefill").every((x) => imageOf(x) === "vllm:fast"));
    } finally {
      await s.stop();
    }
  },
);

Deno.test(
  "e2e progressive: new pods that fail roll a gated rollout back by itself, exit 3",
  opts,
  async () => {
    const op = simOperator({ stepMs: 20, readyDelayMs: 40, badImages: ["vllm:broken"] });
    const s = await startSimCluster({
      scenario: "healthy",
      operator: op,
      proxyHandler: synthMetricsHandler(),
    });
    try {
      const r = await runCli([
        "rollout",
        "start",
        "qwen-disagg",
        "--image",
        "vllm:broken",
        "--role",
        "prefill",
        "--gate-ttft-p99",
        "20s",
        "--gate-window",
        "500ms",
        "--batch-timeout",
        "20s",
        ...FAST,
      ], { env: { KUBECONFIG: s.kubeconfigPath } });
      // rolled back by itself: not a success, even though no gate was measured
      assertEquals(r.code, 3, r.stderr + r.stdout);
      assertStringIncludes(r.stdout, "rolled-back");
      assertStringIncludes(r.stdout, "new pods failing");
      assertStringIncludes(r.stdout, "ImagePullBackOff");
      assert(pods(s, "qwen-disagg-0-prefill").every((p) => imageOf(p) !== "vllm:broken"));
      const p = s.store.list("podcliquesets", "inference").find((x) =>
        x.metadata.name === "qwen-disagg"
      )!;
      assertEquals(p.metadata.annotations?.["kubectl-grove.io/rollout-state"], undefined);
    } finally {
      await s.stop();
    }
  },
);

Deno.test(
  "e2e progressive: Ctrl-C of the CLI keeps a consistent state; rerunning the command continues",
  opts,
  async () => {
    const op = simOperator({ stepMs: 20, readyDelayMs: 300 });
    const s = await startSimCluster({
      scenario: "healthy",
      operator: op,
      proxyHandler: synthMetricsHandler(),
    });
    const IMG = "nvcr.io/nvidia/ai-dynamo/vllm-runtime:0.7.2";
    const argv = ["update", "qwen-disagg", "--image", IMG, "--rack-by-rack", ...FAST];
    try {
      const child = spawnCli(argv, { env: { KUBECONFIG: s.kubeconfigPath } });
      // interrupt while the second batch's new pods are coming up
      await child.waitFor((_o, e) => e.includes("batch 2: replacing"), "batch 2 to start", 60_000);
      child.kill("SIGINT");
      const run = await child.finished();
      const { stdout, stderr: err } = run;
      assertEquals(run.code, 130, describeRun(run));
      assertStringIncludes(stdout, "interrupted");
      assertStringIncludes(err, "kubectl grove rollout resume qwen-disagg");
      const p = s.store.list("podcliquesets", "inference").find((x) =>
        x.metadata.name === "qwen-disagg"
      )!;
      const state = JSON.parse(p.metadata.annotations!["kubectl-grove.io/rollout-state"]);
      assertEquals([state.kind, state.phase, state.image], ["rack-by-rack", "Progressing", IMG]);
      // the interrupted command gave up its claim: a rerun may drive at once
      assertEquals(state.driver, undefined);
      assertEquals(
        (p.spec as { updateStrategy: { type: string } }).updateStrategy.type,
        "OnDelete",
      );
      // rollout status from another terminal shows the progressive state
      const status = await runCli(["rollout", "status", "qwen-disagg", "--no-wait"], {
        env: { KUBECONFIG: s.kubeconfigPath },
      });
      assertStringIncludes(status.stdout, "progressive rollout: rack-by-rack");
      // the same command again continues where it stopped
      const again = await runCli(argv, { env: { KUBECONFIG: s.kubeconfigPath } });
      assertEquals(again.code, 0, again.stderr + again.stdout);
      assertStringIncludes(again.stderr, "continuing the rack-by-rack rollout");
      assertStringIncludes(again.stdout, "complete");
      for (const c of ["qwen-disagg-0-prefill", "qwen-disagg-0-decode-1-dworker"]) {
        assert(pods(s, c).every((x) => imageOf(x) === IMG), c);
      }
    } finally {
      await s.stop();
    }
  },
);

Deno.test(
  "e2e progressive: a rollout driven by another live command is refused; an expired claim is taken over",
  opts,
  async () => {
    const { s, env } = await sim();
    const IMG = "nvcr.io/nvidia/ai-dynamo/vllm-runtime:0.7.3";
    try {
      const kube = await connect({ kubeconfig: s.kubeconfigPath });
      const ac = new AbortController();
      const first = await startProgressive(kube, {
        kind: "rack-by-rack",
        name: "qwen-disagg",
        namespace: "inference",
        image: IMG,
        intervalMs: 20,
        signal: ac.signal,
        progress: (l) => {
          if (l.startsWith("batch 1:")) ac.abort();
        },
      });
      assertEquals(first.outcome, "interrupted");
      // another process (another terminal) claims it and is alive
      const claim = (atMs: number) =>
        s.store.update("podcliquesets", "inference", "qwen-disagg", (o) => {
          const key = "kubectl-grove.io/rollout-state";
          const st = JSON.parse(o.metadata.annotations![key]);
          st.driver = {
            id: "other-1",
            by: "alice@prod",
            at: new Date(atMs).toISOString(),
            ttlMs: 60_000,
          };
          o.metadata.annotations![key] = JSON.stringify(st);
        });
      claim(Date.now());
      const argv = ["update", "qwen-disagg", "--image", IMG, "--rack-by-rack", ...FAST];
      const podsBefore = s.store.list("pods", "inference").map((p) => p.metadata.name).sort();
      for (
        const cmd of [
          argv,
          ["rollout", "resume", "qwen-disagg", "--yes"],
          ["rollout", "promote", "qwen-disagg", ...FAST],
          ["rollout", "abort", "qwen-disagg", ...FAST],
        ]
      ) {
        const r = await runCli(cmd, { env });
        assertEquals(r.code, 1, `${cmd.join(" ")}: ${r.stderr}`);
        assertStringIncludes(r.stderr, "is being driven by another kubectl-grove (alice@prod");
        assertStringIncludes(r.stderr, "Ctrl-C");
      }
      // nothing was deleted meanwhile, the other claim is untouched
      assertEquals(
        s.store.list("pods", "inference").map((p) => p.metadata.name).sort(),
        podsBefore,
      );
      // the other process died long ago: its claim expired, the rerun takes over and finishes
      claim(Date.now() - 120_000);
      const again = await runCli(argv, { env });
      assertEquals(again.code, 0, again.stderr + again.stdout);
      assertStringIncludes(again.stdout, "complete");
      assert(pods(s, "qwen-disagg-0-prefill").every((x) => imageOf(x) === IMG));
    } finally {
      await s.stop();
    }
  },
);
