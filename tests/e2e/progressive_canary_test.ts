// End to end on the simulator: canary promoted, canary aborted, bad input.
import { assert, assertEquals, assertMatch, assertStringIncludes } from "../helpers/assert.ts";
import { runCli } from "../helpers/cli.ts";
import { startSimCluster } from "../../lib/sim/server.ts";
import { simOperator } from "../../lib/sim/operator/mod.ts";
import { synthMetricsHandler } from "../../lib/sim/metrics_synth.ts";

const opts = { sanitizeResources: false, sanitizeOps: false };
const FAST = ["--interval", "20ms", "--yes"];

async function sim() {
  const op = simOperator({ stepMs: 20, readyDelayMs: 40 });
  const s = await startSimCluster({
    scenario: "healthy",
    operator: op,
    proxyHandler: synthMetricsHandler(),
  });
  return { s, env: { KUBECONFIG: s.kubeconfigPath } };
}

function images(s: Awaited<ReturnType<typeof startSimCluster>>, clique: string): string[] {
  return s.store.list("pods", "inference")
    .filter((p) => p.metadata.labels?.["grove.io/podclique"] === clique)
    .map((p) => (p.spec as { containers: { image: string }[] }).containers[0].image).sort();
}

function pcs(s: Awaited<ReturnType<typeof startSimCluster>>) {
  return s.store.list("podcliquesets", "inference").find((p) => p.metadata.name === "qwen-disagg")!;
}

Deno.test("e2e progressive: canary of 1 prefill pod, then promote", opts, async () => {
  const { s, env } = await sim();
  try {
    const r = await runCli([
      "rollout",
      "canary",
      "qwen-disagg",
      "--image",
      "vllm:new",
      "--role",
      "prefill",
      "--pods",
      "1",
      ...FAST,
    ], { env });
    assertEquals(r.code, 0, r.stderr);
    assertStringIncludes(r.stdout, "canary");
    assertStringIncludes(r.stdout, "TTFT P99");
    // throughput per GPU on the metrics/compare basis; a prefill-only group produces no
    // output tokens of its own, so it shows "-"
    assertMatch(r.stdout, /TOK\/S\/GPU\ncanary +1 .* -\n/);
    assertEquals(images(s, "qwen-disagg-0-prefill"), [
      "nvcr.io/nvidia/ai-dynamo/vllm-runtime:0.6.1",
      "vllm:new",
    ]);
    assertEquals(
      (pcs(s).spec as { updateStrategy: { type: string } }).updateStrategy.type,
      "OnDelete",
    );
    const st = await runCli(["rollout", "status", "qwen-disagg", "--no-wait", "-o", "json"], {
      env,
    });
    assertEquals(JSON.parse(st.stdout).progressive.phase, "Canary");
    // a canary waits for promote or abort: status must not send the user to a plain resume
    assertStringIncludes(JSON.parse(st.stdout).message, "rollout promote qwen-disagg");
    assert(!JSON.parse(st.stdout).message.includes("resume with"), st.stdout);
    const table = await runCli(["rollout", "status", "qwen-disagg", "--no-wait"], { env });
    assertStringIncludes(table.stdout, "progressive rollout: canary to vllm:new, Canary");
    const second = await runCli([
      "rollout",
      "start",
      "qwen-disagg",
      "--image",
      "x:2",
      "--gate-ttft-p99",
      "5s",
      ...FAST,
    ], { env });
    assertEquals(second.code, 1);
    assertStringIncludes(second.stderr, "already has a progressive rollout");
    const p = await runCli(["rollout", "promote", "qwen-disagg", ...FAST], { env });
    assertEquals(p.code, 0, p.stderr);
    assertStringIncludes(p.stdout, "complete");
    assertEquals(images(s, "qwen-disagg-0-prefill"), ["vllm:new", "vllm:new"]);
    const after = pcs(s);
    assertEquals(
      (after.spec as { updateStrategy: { type: string } }).updateStrategy.type,
      "RollingRecreate",
    );
    assertEquals(after.metadata.annotations?.["kubectl-grove.io/rollout-state"], undefined);
    const h = await runCli(["rollout", "history", "qwen-disagg", "-o", "json"], { env });
    const entries = JSON.parse(h.stdout).entries as {
      images: string[];
      current: boolean;
      rolloutOutcome?: string;
    }[];
    assert(entries.length >= 2, h.stdout);
    // the promoted template is the current revision and says it was promoted
    const cur = entries.find((e) => e.current)!;
    assert(cur.images.includes("vllm:new"), h.stdout);
    assertMatch(cur.rolloutOutcome ?? "", /^promoted \d{4}-/);
    const histTable = await runCli(["rollout", "history", "qwen-disagg"], { env });
    assertStringIncludes(histTable.stdout, "[promoted]");
  } finally {
    await s.stop();
  }
});

Deno.test("e2e progressive: canary aborted restores the template and the pods", opts, async () => {
  const { s, env } = await sim();
  try {
    const r = await runCli([
      "rollout",
      "canary",
      "qwen-disagg",
      "--image",
      "fe:bad",
      "--role",
      "frontend",
      "--pods",
      "2",
      ...FAST,
    ], { env });
    assertEquals(r.code, 0, r.stderr);
    // the preview shows the user's change, not kubectl-grove's own state annotations
    assert(!r.stdout.includes("metadata.annotations.kubectl-grove.io/"), r.stdout);
    assertStringIncludes(r.stdout, "kubectl-grove annotation(s) recording the rollout's state");
    assertEquals(images(s, "qwen-disagg-0-frontend"), ["fe:bad", "fe:bad"]);
    const a = await runCli(["rollout", "abort", "qwen-disagg", ...FAST], { env });
    assertEquals(a.code, 0, a.stderr);
    assertStringIncludes(a.stdout, "rolled-back: abort canary rollout of fe:bad");
    assert(!a.stdout.includes("rolled back: "), a.stdout);
    assertEquals(images(s, "qwen-disagg-0-frontend"), [
      "nvcr.io/nvidia/ai-dynamo/dynamo-frontend:0.6.1",
      "nvcr.io/nvidia/ai-dynamo/dynamo-frontend:0.6.1",
    ]);
    const after = pcs(s);
    assertEquals(after.metadata.annotations?.["kubectl-grove.io/rollout-state"], undefined);
    const h = await runCli(["rollout", "history", "qwen-disagg", "-o", "json"], { env });
    assertStringIncludes(h.stdout, "abort canary rollout");
    // the abandoned template keeps its revision, marked aborted with the reason
    // the template restored by the abort keeps, under its old number, when, by whom and why
    // it was recorded
    const old = (JSON.parse(h.stdout).entries as {
      revision: number;
      restoredAs?: number;
      recordedAt?: string;
      createdBy?: string;
      changeCause?: string;
    }[]).find((e) => e.restoredAs !== undefined);
    assert(old?.recordedAt, JSON.stringify(old));
    assertMatch(
      old.changeCause ?? "",
      /^change made outside kubectl-grove \(recorded later\) \(restored as revision \d+\)$/,
    );
    const bad = (JSON.parse(h.stdout).entries as { images: string[]; rolloutOutcome?: string }[])
      .find((e) => e.images.includes("fe:bad"));
    assertMatch(bad?.rolloutOutcome ?? "", /^aborted \d{4}-.*: abort canary rollout of fe:bad/);
  } finally {
    await s.stop();
  }
});

Deno.test("e2e progressive: bad input is refused with nothing changed", opts, async () => {
  const { s, env } = await sim();
  try {
    const big = await runCli([
      "rollout",
      "canary",
      "qwen-disagg",
      "--image",
      "vllm:new",
      "--role",
      "prefill",
      "--pods",
      "3",
      ...FAST,
    ], { env });
    assertEquals(big.code, 2, big.stderr);
    assertStringIncludes(big.stderr, "larger than role");
    const lvl = await runCli([
      "update",
      "qwen-disagg",
      "--image",
      "vllm:new",
      "--rack-by-rack",
      "--domain-level",
      "row",
      ...FAST,
    ], { env });
    assertEquals(lvl.code, 2, lvl.stderr);
    assertStringIncludes(lvl.stderr, 'unknown topology level "row"');
    const dry = await runCli([
      "rollout",
      "canary",
      "qwen-disagg",
      "--image",
      "vllm:new",
      "--role",
      "prefill",
      "--dry-run",
      ...FAST,
    ], { env });
    assertEquals(dry.code, 0, dry.stderr);
    assertStringIncludes(dry.stdout, "batches (1)");
    assertStringIncludes(dry.stdout, "dry-run");
    const declined = await runCli([
      "rollout",
      "canary",
      "qwen-disagg",
      "--image",
      "vllm:new",
      "--role",
      "prefill",
      "--interval",
      "20ms",
    ], { env, answers: ["n"] });
    assertEquals(declined.code, 0, declined.stderr);
    assertStringIncludes(declined.stdout, "cancelled; nothing was changed");
    const noGate = await runCli(
      ["rollout", "start", "qwen-disagg", "--image", "vllm:new", ...FAST],
      {
        env,
      },
    );
    assertEquals(noGate.code, 2);
    assertStringIncludes(noGate.stderr, "needs at least one gate");
    const none = await runCli(["rollout", "promote", "qwen-disagg", ...FAST], { env });
    assertEquals(none.code, 1);
    assertStringIncludes(none.stderr, "no progressive rollout to promote");
    assertEquals(pcs(s).metadata.annotations?.["kubectl-grove.io/rollout-state"], undefined);
    assertEquals(images(s, "qwen-disagg-0-prefill").includes("vllm:new"), false);
  } finally {
    await s.stop();
  }
});

Deno.test(
  "e2e progressive: a canary of a scaling-group role replaces one group replica",
  opts,
  async () => {
    const { s, env } = await sim();
    try {
      const r = await runCli([
        "rollout",
        "canary",
        "qwen-disagg",
        "--image",
        "vllm:lead",
        "--role",
        "dleader",
        "--pods",
        "1",
        "-o",
        "json",
        // two scrapes 300 ms apart: rates, so tokens per GPU
        "--metrics-window",
        "300ms",
        ...FAST,
      ], { env });
      assertEquals(r.code, 0, r.stderr);
      const doc = JSON.parse(r.stdout);
      assertEquals(doc.outcome, "canary");
      assertEquals(doc.plannedBatches.length, 1);
      assertEquals(doc.comparison.canary.pods, 1);
      // a decode leader canary: its output tokens over its ready GPUs (synthesized metrics)
      assert(
        typeof doc.comparison.canary.tokensPerGpu === "number" &&
          doc.comparison.canary.tokensPerGpu > 0,
        JSON.stringify(doc.comparison),
      );
      const leaders = [0, 1].map((j) => images(s, `qwen-disagg-0-decode-${j}-dleader`)[0]);
      assertEquals(leaders.filter((x) => x === "vllm:lead").length, 1);
      const big = await runCli(["rollout", "abort", "qwen-disagg", ...FAST], { env });
      assertEquals(big.code, 0, big.stderr);
      assertEquals(
        [0, 1].map((j) => images(s, `qwen-disagg-0-decode-${j}-dleader`)[0]).includes("vllm:lead"),
        false,
      );
    } finally {
      await s.stop();
    }
  },
);

Deno.test(
  "e2e progressive: promote --handoff restores the strategy and marks the revision promoted",
  opts,
  async () => {
    const { s, env } = await sim();
    try {
      const r = await runCli([
        "rollout",
        "canary",
        "qwen-disagg",
        "--image",
        "vllm:handoff",
        "--role",
        "prefill",
        ...FAST,
      ], { env });
      assertEquals(r.code, 0, r.stderr);
      const p = await runCli(["rollout", "promote", "qwen-disagg", "--handoff", ...FAST], { env });
      assertEquals(p.code, 0, p.stderr);
      assertStringIncludes(p.stdout, "the operator replaces the remaining pods");
      const after = pcs(s);
      assertEquals(
        (after.spec as { updateStrategy: { type: string } }).updateStrategy.type,
        "RollingRecreate",
      );
      assertEquals(after.metadata.annotations?.["kubectl-grove.io/rollout-state"], undefined);
      const h = await runCli(["rollout", "history", "qwen-disagg", "-o", "json"], { env });
      const entry =
        (JSON.parse(h.stdout).entries as { images: string[]; rolloutOutcome?: string }[])
          .find((e) => e.images.includes("vllm:handoff"));
      assertMatch(entry?.rolloutOutcome ?? "", /^promoted \d{4}-.*handed off to the operator/);
    } finally {
      await s.stop();
    }
  },
);
