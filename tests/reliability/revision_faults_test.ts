/**
 * Issue 21 item 2: under injected 5xx answers, `update` may write the PodCliqueSet but not its
 * ControllerRevision at first. The revision write is retried; when it keeps failing, the change
 * cause still reaches `rollout history` (it travels on the set with the change) and the next
 * change records the revision with that cause.
 */
import { assertEquals, assertMatch } from "../helpers/assert.ts";
import { runCli } from "../helpers/cli.ts";
import { startSimCluster } from "../../lib/sim/server.ts";

const NS = "inference";
const PCS = "qwen-disagg";
const IMG = (v: string) => `nvcr.io/nvidia/ai-dynamo/vllm-runtime:${v}`;

Deno.test("revision recording: retried through transient 5xx answers", async () => {
  const sim = await startSimCluster({ scenario: "healthy" });
  try {
    const env = { KUBECONFIG: sim.kubeconfigPath };
    // the first two writes of a revision fail with 500 (the client does not retry writes)
    sim.faults.set({
      failFirst: 2,
      errorStatuses: [500],
      methods: ["POST", "PUT"],
      pathPattern: /controllerrevisions/,
    });
    const u = await runCli([
      "update",
      PCS,
      "-n",
      NS,
      "--image",
      IMG("1.0"),
      "--yes",
      "-m",
      "flaky api",
    ], { env });
    sim.faults.set({});
    assertEquals(u.code, 0, u.stderr);
    assertMatch(u.stdout, /image updated \(revision \d+\)/);
    const h = await runCli(["rollout", "history", PCS, "-n", NS, "-o", "json"], { env });
    const doc = JSON.parse(h.stdout);
    const live = doc.entries.find((e: { current: boolean }) => e.current);
    assertEquals(live.changeCause, "flaky api");
    assertEquals(typeof live.revision, "number");
  } finally {
    await sim.stop();
  }
});

Deno.test("revision recording: when it keeps failing, history still shows the change and its cause", async () => {
  const sim = await startSimCluster({ scenario: "healthy" });
  try {
    const env = { KUBECONFIG: sim.kubeconfigPath };
    sim.faults.set({ errorRate: 1, errorStatuses: [503], pathPattern: /controllerrevisions/ });
    const u = await runCli([
      "update",
      PCS,
      "-n",
      NS,
      "--image",
      IMG("1.1"),
      "--yes",
      "-m",
      "hotfix 1.1",
    ], { env });
    sim.faults.set({});
    assertEquals(u.code, 0, u.stderr);
    assertMatch(u.stderr, /revision could not be recorded/);
    const h = await runCli(["rollout", "history", PCS, "-n", NS, "-o", "json"], { env });
    const live = JSON.parse(h.stdout).entries.find((e: { current: boolean }) => e.current);
    assertEquals(live.revision, null);
    assertMatch(live.changeCause, /^hotfix 1\.1 \(its revision could not be recorded yet/);
    // the next change records the earlier one with its cause, not as an outside change
    const v = await runCli(["update", PCS, "-n", NS, "--image", IMG("1.2"), "--yes", "-m", "1.2"], {
      env,
    });
    assertEquals(v.code, 0, v.stderr);
    const h2 = await runCli(["rollout", "history", PCS, "-n", NS, "-o", "json"], { env });
    const causes = JSON.parse(h2.stdout).entries.map((e: { changeCause?: string }) =>
      e.changeCause
    );
    assertEquals(causes.slice(-2), ["hotfix 1.1 (recorded late)", "1.2"]);
  } finally {
    await sim.stop();
  }
});
