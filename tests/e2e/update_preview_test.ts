// End to end (issue 25 items 4 and 8): `update --dry-run` shows the order, the capacity during
// the transition and the command that applies it; a clique of 1 pod with minAvailable 1 is
// refused without --force.
import { assert, assertEquals, assertMatch, assertStringIncludes } from "../helpers/assert.ts";
import { runCli } from "../helpers/cli.ts";
import { startSimCluster } from "../../lib/sim/server.ts";
import { Resources } from "../../lib/kube/resources.ts";

const opts = { sanitizeResources: false, sanitizeOps: false };

Deno.test(
  "e2e update: dry-run preview with order and To apply; --force for a 1-pod clique",
  opts,
  async () => {
    const sim = await startSimCluster({ scenario: "healthy" });
    try {
      const env = { KUBECONFIG: sim.kubeconfigPath };
      const img = "nvcr.io/nvidia/ai-dynamo/vllm-runtime:0.7.0";
      const dry = await runCli(
        [
          "update",
          "qwen-disagg",
          "-n",
          "inference",
          "--image",
          img,
          "--role",
          "prefill",
          "--dry-run",
        ],
        { env },
      );
      assertEquals(dry.code, 0, dry.stderr);
      assertMatch(dry.stdout, /^Strategy: RollingRecreate; order: prefill$/m);
      assertStringIncludes(dry.stdout, "prefill: 1 of 2 pods serve while one is recreated");
      assertStringIncludes(
        dry.stdout.replace(/ \\\n */g, " "),
        `To apply: kubectl grove update qwen-disagg --image ${img} --role prefill -n inference`,
      );
      const lines = dry.stdout.split("\n").filter((l) => !l.startsWith("podcliqueset/"));
      assert(lines.every((l) => l.length <= 80), dry.stdout);

      const sglang = [
        "update",
        "sglang-chat",
        "-n",
        "inference",
        "--image",
        "lmsysorg/sglang:v0.5.0",
      ];
      const preview = await runCli([...sglang, "--dry-run"], { env });
      assertEquals(preview.code, 0, preview.stderr);
      assertStringIncludes(
        preview.stdout,
        "warning: clique worker has 1 replica and minAvailable 1",
      );
      assertStringIncludes(preview.stdout.replace(/ \\\n */g, " "), "--force -n inference");
      const before = sim.store.get(Resources.podcliquesets, "inference", "sglang-chat")!;
      const refused = await runCli([...sglang, "--yes"], { env });
      assertEquals(refused.code, 1, refused.stdout);
      assertStringIncludes(refused.stderr, "refusing to change podcliqueset inference/sglang-chat");
      assertStringIncludes(refused.stderr, "--force");
      const after = sim.store.get(Resources.podcliquesets, "inference", "sglang-chat")!;
      assertEquals(
        after.metadata.resourceVersion,
        before.metadata.resourceVersion,
        "nothing written",
      );
      const forced = await runCli([...sglang, "--yes", "--force"], { env });
      assertEquals(forced.code, 0, forced.stderr);
      // hints carry -n when the namespace is not the default
      assertStringIncludes(
        forced.stdout + forced.stderr,
        "follow it with: kubectl grove rollout status sglang-chat -n inference",
      );
    } finally {
      await sim.stop();
    }
  },
);
