// Issue 21 item 10: without the Grove CRDs every command says the Grove API is not served
// (never `podcliqueset "x" not found`), with the same hint, exit 1.
import { assertEquals, assertMatch, assertNotMatch } from "../helpers/assert.ts";
import { runCli } from "../helpers/cli.ts";
import { startSimCluster } from "../../lib/sim/server.ts";

Deno.test("no Grove CRDs: every command names the missing API, none says 'not found'", async () => {
  const dir = await Deno.makeTempDir();
  await Deno.mkdir(`${dir}/resources`);
  await Deno.writeTextFile(
    `${dir}/meta.json`,
    JSON.stringify({
      recordedAt: "2026-11-01T12:00:00Z",
      namespace: "inference",
      groveInstalled: false,
    }),
  );
  await Deno.writeTextFile(`${dir}/resources/pods.yaml`, "");
  await Deno.writeTextFile(
    `${dir}/x.yaml`,
    "apiVersion: grove.io/v1alpha1\nkind: PodCliqueSet\nmetadata:\n  name: x\n  namespace: inference\nspec:\n  replicas: 1\n  template:\n    cliques: []\n",
  );
  const sim = await startSimCluster({ scenario: dir });
  try {
    const env = { KUBECONFIG: sim.kubeconfigPath };
    for (
      const argv of [
        ["status", "x"],
        ["health", "x"],
        ["topology", "x"],
        ["metrics", "x"],
        ["compare", "x"],
        ["rollout", "history", "x"],
        ["update", "x", "--image", "vllm/vllm-openai:v1", "--yes"],
        ["apply", "-f", `${dir}/x.yaml`, "--yes"],
      ]
    ) {
      const r = await runCli([...argv, "-n", "inference"], { env });
      assertEquals(r.code, 1, `${argv.join(" ")}: ${r.stderr}`);
      assertMatch(
        r.stderr,
        /does not serve [a-z]+\.(scheduler\.)?grove\.io[\s\S]*is the Grove operator installed\?/,
        argv.join(" "),
      );
      assertNotMatch(r.stderr, /not found/, argv.join(" "));
    }
  } finally {
    await sim.stop();
    await Deno.remove(dir, { recursive: true });
  }
});
