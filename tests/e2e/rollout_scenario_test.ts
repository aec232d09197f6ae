// End to end on the `rollout` scenario (caught mid-rollout, revisions 1 and 2
// recorded): status follows the operator to completion, undo goes back to 1.
import { assertEquals, assertMatch } from "../helpers/assert.ts";
import { runCli } from "../helpers/cli.ts";
import { startSimCluster } from "../../lib/sim/server.ts";
import { simOperator } from "../../lib/sim/operator/mod.ts";

const opts = { sanitizeResources: false, sanitizeOps: false };

Deno.test("e2e rollout scenario: finish the recorded rollout, then undo it", opts, async () => {
  const op = simOperator({ stepMs: 40, readyDelayMs: 60 });
  const sim = await startSimCluster({ scenario: "rollout", operator: op });
  try {
    const env = { KUBECONFIG: sim.kubeconfigPath };
    const st = await runCli([
      "rollout",
      "status",
      "chat-disagg",
      "--interval",
      "20ms",
      "--timeout",
      "30s",
    ], { env });
    assertEquals(st.code, 0, st.stderr);
    assertMatch(st.stdout, /revision 1 -> 2, strategy RollingRecreate/);
    assertMatch(st.stdout, /^prefill +\[#{10}\] 100% +3\/3 /m);
    const u = await runCli(["rollout", "undo", "chat-disagg", "--yes"], { env });
    assertEquals(u.code, 0, u.stderr);
    assertMatch(u.stdout, /rolled back to revision 1 \(revision 3\)/);
    const st2 = await runCli([
      "rollout",
      "status",
      "chat-disagg",
      "--interval",
      "20ms",
      "--timeout",
      "30s",
    ], { env });
    assertEquals(st2.code, 0, st2.stderr);
    const images = sim.store.list("pods", "inference")
      .filter((p) => p.metadata.labels?.["app.kubernetes.io/part-of"] === "chat-disagg")
      .map((p) => p.spec.containers[0].image);
    assertEquals(images.filter((i) => i.endsWith(":0.6.1")), [], "every pod back on 0.6.0");
    const h = await runCli(["rollout", "history", "chat-disagg", "-o", "wide"], { env });
    // the restored template keeps, under its old number, when, by whom and why it was recorded
    assertMatch(
      h.stdout,
      /^1 +9d +alice@prod-us-east +.* initial deployment of Qwen3-32B disaggregated serving \(restored as revision 3\)$/m,
    );
    assertMatch(h.stdout, /^3\* .* rollback to revision 1$/m);
  } finally {
    await sim.stop();
  }
});

Deno.test(
  "e2e rollout: fixed request counts (status 6, history 2, update preview 5 + dry run)",
  opts,
  async () => {
    const sim = await startSimCluster({ scenario: "rollout" });
    try {
      const env = { KUBECONFIG: sim.kubeconfigPath };
      const count = async (argv: string[]) => {
        sim.requestLog.reset();
        const r = await runCli(argv, { env });
        assertEquals(r.code, 0, r.stderr);
        return sim.requestLog.entries.map((e) => e.method).join(",");
      };
      assertEquals(
        (await count(["rollout", "status", "chat-disagg", "--no-wait"])).split(",").length,
        6,
      );
      assertEquals(await count(["rollout", "history", "chat-disagg"]), "GET,GET");
      assertEquals(
        await count([
          "update",
          "chat-disagg",
          "--image",
          "x/y:1",
          "--role",
          "prefill",
          "--dry-run",
        ]),
        // pcs, pods, gangs, cliques (breached gangs in the preview), the server dry-run
        "GET,GET,GET,GET,PUT",
      );
    } finally {
      await sim.stop();
    }
  },
);
