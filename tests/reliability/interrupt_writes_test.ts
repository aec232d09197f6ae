/**
 * Issue 21 item 1: Ctrl-C before the write aborts with nothing changed; Ctrl-C once the write
 * was sent says exactly what was written. `update`, `scale` and `rollout undo` run as processes
 * against the simulator with 150 ms of API latency, and get a real SIGINT at several points:
 * after the 1st, 2nd and 4th answered request, and right after the PodCliqueSet changed.
 */
import { assert, assertEquals, assertMatch } from "../helpers/assert.ts";
import { runCli } from "../helpers/cli.ts";
import { describeRun, spawnCli } from "../helpers/spawn.ts";
import { startSimCluster } from "../../lib/sim/server.ts";

const NS = "inference";
const PCS = "qwen-disagg";
const IMG = "nvcr.io/nvidia/ai-dynamo/vllm-runtime:0.9.9";

type Sim = Awaited<ReturnType<typeof startSimCluster>>;

function snapshot(sim: Sim) {
  const pcs = sim.store.get("podcliquesets", NS, PCS)!;
  return {
    rv: pcs.metadata.resourceVersion,
    spec: JSON.stringify(pcs.spec),
    revisions: sim.store.list("controllerrevisions", NS).length,
  };
}

const COMMANDS: Record<string, { argv: string[]; prepare?: (sim: Sim) => Promise<void> }> = {
  update: { argv: ["update", PCS, "--image", IMG, "--yes"] },
  scale: { argv: ["scale", PCS, "--decode=3", "--yes", "--wait=false"] },
  undo: {
    argv: ["rollout", "undo", PCS, "--yes"],
    prepare: async (sim) => {
      const r = await runCli(["update", PCS, "--image", IMG, "--yes"], {
        env: { KUBECONFIG: sim.kubeconfigPath },
      });
      assertEquals(r.code, 0, r.stderr);
    },
  },
};

for (const [name, cmd] of Object.entries(COMMANDS)) {
  for (const point of ["after 1 answer", "after 2 answers", "after 4 answers", "after the write"]) {
    Deno.test(`Ctrl-C ${point} of ${name}: nothing changed, or the message names the change`, {
      sanitizeOps: false,
      sanitizeResources: false,
    }, async () => {
      const sim = await startSimCluster({ scenario: "healthy" });
      try {
        await cmd.prepare?.(sim);
        const before = snapshot(sim);
        sim.faults.set({ latencyMs: 150 });
        const start = sim.requestLog.length;
        let written = false;
        const unsubscribe = sim.store.subscribe((e) => {
          if (e.object.kind === "PodCliqueSet" && e.type === "MODIFIED") written = true;
        });
        const child = spawnCli(["--kubeconfig", sim.kubeconfigPath, "-n", NS, ...cmd.argv]);
        const answered = () => (sim.requestLog.length) - start;
        const n = point === "after the write" ? -1 : Number(point.split(" ")[1]);
        const deadline = Date.now() + 30_000;
        let exited = false;
        child.status.then(() => (exited = true));
        while (!exited && Date.now() < deadline && !(n < 0 ? written : answered() >= n)) {
          await new Promise((r) => setTimeout(r, 5));
        }
        child.kill("SIGINT");
        const run = await child.finished();
        unsubscribe();
        sim.faults.set({});
        const after = snapshot(sim);
        const changed = after.spec !== before.spec;
        if (!changed) {
          // nothing was written: the command says so, and recorded no revision
          assertEquals(after.revisions, before.revisions, describeRun(run));
          if (run.code === 130) {
            assertMatch(
              run.stderr,
              /before anything was written: nothing changed/,
              describeRun(run),
            );
          }
        } else {
          // written: either it finished (exit 0) or the interruption names what was written
          assert(run.code === 0 || run.code === 130, describeRun(run));
          if (run.code === 130) {
            assertMatch(
              run.stderr,
              /after the change was written: .*qwen-disagg/,
              describeRun(run),
            );
          }
          if (name !== "scale") {
            assertEquals(after.revisions > before.revisions || name === "undo", true, "a revision");
          }
        }
        if (n >= 0 && n <= 2) {
          // early interrupts must stop before the write
          assertEquals(
            changed,
            false,
            `${point}: the command went on and wrote\n${describeRun(run)}`,
          );
          assertEquals(run.code, 130, describeRun(run));
        }
        assert(!/\n\s+at /.test(run.stderr), `no stack trace:\n${run.stderr}`);
      } finally {
        await sim.stop();
      }
    });
  }
}
