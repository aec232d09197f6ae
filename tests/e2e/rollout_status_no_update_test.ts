// Issue 21 item 12: a set with no update in progress is not a failed rollout, even when some of
// its pods fail; the advice points to health, never to an undo that has nothing to go back to.
import { assertEquals, assertMatch, assertNotMatch } from "../helpers/assert.ts";
import { runCli } from "../helpers/cli.ts";
import { startSimCluster } from "../../lib/sim/server.ts";

Deno.test("rollout status on a breached set with no update in progress: complete, points to health, exit 0", async () => {
  const sim = await startSimCluster({ scenario: "fragmented" });
  try {
    const env = { KUBECONFIG: sim.kubeconfigPath };
    const r = await runCli(["rollout", "status", "llama-disagg", "-n", "inference", "--no-wait"], {
      env,
    });
    assertEquals(r.code, 0, r.stdout + r.stderr);
    assertMatch(r.stdout, /no update in progress/);
    assertMatch(r.stdout, /kubectl grove health llama-disagg -n inference/);
    assertNotMatch(r.stdout + r.stderr, /rollout undo/);
    assertMatch(r.stdout, /^podcliqueset inference\/llama-disagg: Complete$/m);
    const j = await runCli(
      ["rollout", "status", "llama-disagg", "-n", "inference", "--no-wait", "-o", "json"],
      { env },
    );
    assertEquals(JSON.parse(j.stdout).phase, "Complete");
  } finally {
    await sim.stop();
  }
});
