// `kubectl grove ... | head`: when the reader goes away, the command drops the rest of its
// output quietly instead of failing with "internal error: Broken pipe".
import { assert, assertEquals } from "../helpers/assert.ts";
import { CLI_MAIN, denoCommand } from "../helpers/spawn.ts";
import { startSimCluster } from "../../lib/sim/server.ts";

Deno.test("a closed stdout (| head) is not an error", async () => {
  const sim = await startSimCluster({ scenario: "large" });
  try {
    const child = denoCommand(
      CLI_MAIN,
      ["--kubeconfig", sim.kubeconfigPath, "status", "--all", "-A", "-o", "json"],
    ).spawn();
    const reader = child.stdout.getReader();
    const first = await reader.read(); // like head: one chunk, then the pipe is closed
    assert(!first.done);
    await reader.cancel();
    const status = await child.status;
    const stderr = new TextDecoder().decode(
      new Uint8Array(await new Response(child.stderr).arrayBuffer()),
    );
    assertEquals(stderr.includes("internal error"), false, stderr);
    assertEquals(status.code, 0, stderr);
  } finally {
    await sim.stop();
  }
});
