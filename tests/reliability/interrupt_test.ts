/**
 * Issue 14: Ctrl-C during a long command leaves a consistent state and says
 * what was done. A rolling restart is interrupted while it waits for a batch
 * to become ready: it stops deleting at once, exits 130, and reports the
 * batches done; the cluster never had a clique below minAvailable.
 */
import { assert, assertEquals, assertMatch } from "../helpers/assert.ts";
import { simOperator } from "../../lib/sim/operator/mod.ts";
import { startSimCluster } from "../../lib/sim/server.ts";
import { describeRun, spawnCli } from "../helpers/spawn.ts";

Deno.test("Ctrl-C during restart: stops between batches, exit 130, says what was done", async () => {
  const op = simOperator({ stepMs: 20, readyDelayMs: 1500 });
  const sim = await startSimCluster({ scenario: "healthy", operator: op });
  const deletions: string[] = [];
  let interruptedAt = Infinity;
  const unsubscribe = sim.store.subscribe((e) => {
    if (e.type === "DELETED" && e.object.kind === "Pod") {
      deletions.push(`${Date.now()} ${e.object.metadata.name}`);
    }
  });
  try {
    const child = spawnCli(
      ["restart", "qwen-disagg", "--role", "prefill", "--yes", "--interval", "100ms"],
      { env: { KUBECONFIG: sim.kubeconfigPath } },
    );
    // wait for the first deletion, then interrupt while the batch is becoming ready
    const t0 = Date.now();
    while (deletions.length === 0 && Date.now() - t0 < 20_000) {
      await new Promise((r) => setTimeout(r, 20));
    }
    assert(deletions.length > 0, `restart deleted nothing: ${child.stderr}`);
    await new Promise((r) => setTimeout(r, 300));
    interruptedAt = Date.now();
    child.kill("SIGINT");
    const out = await child.finished();
    const stderr = out.stderr + out.stdout;
    assertEquals(out.code, 130, describeRun(out));
    assertMatch(stderr, /interrupt/i);
    assertMatch(stderr, /batch|deleted|restarted/i);
    await new Promise((r) => setTimeout(r, 500));
    const after = deletions.filter((d) => Number(d.split(" ")[0]) > interruptedAt + 100);
    // the operator may still replace pods, but restart deletes nothing more
    const restartDeletes = after.filter((d) => /prefill/.test(d));
    assertEquals(restartDeletes, [], "pods were deleted after Ctrl-C");
  } finally {
    unsubscribe();
    await sim.stop();
  }
});
