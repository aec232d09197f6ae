// End to end: Ctrl-C while `rollout status` waits stops watching and leaves
// the rollout running in the cluster.
import { assertEquals, assertStringIncludes } from "../helpers/assert.ts";
import { startSimCluster } from "../../lib/sim/server.ts";
import { simOperator } from "../../lib/sim/operator/mod.ts";
import { CliContext, type CliIO } from "../../cli/context.ts";
import { runStatus } from "../../cli/run/rollout.ts";

const opts = { sanitizeResources: false, sanitizeOps: false };

Deno.test("e2e rollout status: Ctrl-C stops watching, the rollout goes on", opts, async () => {
  const op = simOperator({ stepMs: 200, readyDelayMs: 200 });
  const sim = await startSimCluster({ scenario: "healthy", operator: op });
  try {
    sim.store.update("podcliquesets", "inference", "qwen-disagg", (o) => {
      o.spec.template.cliques[1].spec.podSpec.containers[0].image = "vllm:next";
    });
    let stderr = "";
    let stdout = "";
    const env: Record<string, string> = { KUBECONFIG: sim.kubeconfigPath, HOME: "/nonexistent" };
    const io: CliIO = {
      stdout: (t) => (stdout += t),
      stderr: (t) => (stderr += t),
      stdoutIsTTY: false,
      stdinIsTTY: false,
      readLine: () => Promise.resolve(null),
      env: (k) => env[k],
    };
    const ctx = new CliContext(io);
    // Ctrl-C once the first progress report is out (at most 10 s, whatever the machine's load)
    const t0 = Date.now();
    const poll = setInterval(() => {
      if (stdout.includes("Progressing") || Date.now() - t0 > 10_000) {
        clearInterval(poll);
        ctx.abort.abort();
      }
    }, 20);
    await runStatus(ctx, "qwen-disagg", {
      timeoutMs: 60_000,
      intervalMs: 50,
      progressDeadlineMs: 600_000,
      output: "table",
    });
    await ctx.cleanup();
    assertStringIncludes(stdout, "Progressing");
    assertStringIncludes(
      stderr,
      "stopped watching; the rollout of podcliqueset/qwen-disagg goes on",
    );
    const before = op.operator!.actions.length;
    await new Promise((r) => setTimeout(r, 600));
    assertEquals(op.operator!.actions.length > before, true, "the operator keeps rolling");
  } finally {
    await sim.stop();
  }
});
