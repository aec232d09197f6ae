// End to end, offline: `generate` on the recorded real aiconfigurator 0.12.0 runs
// (fixtures/aic/v0.12/runs), both through the fake executable (stdout, stderr and results
// replayed) and with --from-results, with the manifests validated by the simulator.
import { assert, assertEquals, assertMatch, assertStringIncludes } from "../helpers/assert.ts";
import { runCli } from "../helpers/cli.ts";
import { startSimCluster } from "../../lib/sim/server.ts";
import { yamlLoad } from "../../lib/deps.ts";
import type { PodCliqueSet } from "../../lib/grove/types.ts";

const opts = { sanitizeResources: false, sanitizeOps: false };
const FIXTURES = new URL("../../fixtures/aic/", import.meta.url).pathname.replace(/\/$/, "");
const RUNS = `${FIXTURES}/v0.12/runs`;
const PATH = `${FIXTURES}/bin:/usr/local/bin:/usr/bin:/bin`;

async function withSim(fn: (k: string[], dir: string) => Promise<void>) {
  const sim = await startSimCluster({ scenario: "healthy", shiftTimes: false });
  const dir = await Deno.makeTempDir({ prefix: "aic012-" });
  try {
    await fn(["--kubeconfig", sim.kubeconfigPath, "-n", "inference"], dir);
  } finally {
    await sim.stop();
    await Deno.remove(dir, { recursive: true });
  }
}

Deno.test(
  "e2e aic 0.12: a replayed real run: deprecation passed on, manifests accepted",
  opts,
  async () => {
    await withSim(async (k, dir) => {
      const r = await runCli([
        ...k,
        "generate",
        "--model",
        "Qwen/Qwen3-32B-FP8",
        "--system",
        "h200_sxm",
        "--backend",
        "vllm",
        "--total-gpus",
        "16",
        "--save-dir",
        `${dir}/aic`,
        "--name",
        "q",
        "--validate",
      ], { env: { PATH, FAKE_AIC_RUN: "qwen3-32b-fp8_h200_vllm_16gpu" } });
      assertEquals(r.code, 0, r.stderr);
      assertStringIncludes(r.stderr, "(aiconfigurator 0.12.0)");
      assertStringIncludes(r.stderr, "note: aiconfigurator says its distribution is deprecated");
      assertStringIncludes(r.stdout, "agg: aggregated serving (best)");
      assertStringIncludes(r.stdout, "workers:     worker 16 x (TP1, 1 GPU)");
      assertStringIncludes(
        r.stdout,
        "workers:     prefill 3 x (TP1, 1 GPU), decode 13 x (TP1, 1 GPU)",
      );
      assertStringIncludes(r.stdout, "agg: the server accepted the manifest");
      assertStringIncludes(r.stdout, "disagg: the server accepted the manifest");
    });
  },
);

Deno.test(
  "e2e aic 0.12: a failed real run shows its [E] line, not the deprecation",
  opts,
  async () => {
    const dir = await Deno.makeTempDir({ prefix: "aic012-fail-" });
    try {
      const r = await runCli([
        "generate",
        "--model",
        "Qwen/Qwen3-32B-FP8",
        "--system",
        "h999_sxm",
        "--total-gpus",
        "16",
        "--backend",
        "vllm",
        "--save-dir",
        dir,
      ], { env: { PATH, FAKE_AIC_RUN: "bad-system" } });
      assertEquals(r.code, 1);
      const err = r.stderr.split("\n").filter((l) => l.startsWith("error:"));
      assertEquals(err, [
        "error: aiconfigurator failed (exit code 1): Backend vllm is not supported for system h999_sxm. Supported backends:; its last lines:",
      ]);
      assert(
        !r.stderr.split("\n").some((l) => l.startsWith("  | ") && l.includes("DeprecationWarning")),
      );
    } finally {
      await Deno.remove(dir, { recursive: true });
    }
  },
);

Deno.test(
  "e2e aic 0.12: nothing within the SLA (closest configs listed) is refused with advice",
  opts,
  async () => {
    const dir = await Deno.makeTempDir({ prefix: "aic012-nosla-" });
    try {
      const r = await runCli([
        "generate",
        "--model",
        "Qwen/Qwen3-32B-FP8",
        "--system",
        "h200_sxm",
        "--total-gpus",
        "16",
        "--backend",
        "vllm",
        "--tpot",
        "1",
        "--save-dir",
        dir,
      ], { env: { PATH, FAKE_AIC_RUN: "no-sla_tpot1" } });
      assertEquals(r.code, 1, r.stdout);
      assertStringIncludes(
        r.stderr,
        "found no configuration that meets the SLA (TTFT <= 2000 ms, TPOT <= 1 ms)",
      );
      assertMatch(
        r.stderr,
        /hint: the TPOT limit \(1 ms\) is below the fastest TPOT found \([\d.]+ ms\): raise --tpot to at least \d+/,
      );
      assertEquals(r.stdout, "");
    } finally {
      await Deno.remove(dir, { recursive: true });
    }
  },
);

Deno.test(
  "e2e aic 0.12: DeepSeek-V3 trtllm results -> 2-node MPI workers the server accepts, with the Secret to create",
  opts,
  async () => {
    await withSim(async (k, dir) => {
      const r = await runCli([
        ...k,
        "generate",
        "--from-results",
        `${RUNS}/deepseek-v3_h100_trtllm_32gpu/save-dir`,
        "--total-gpus",
        "32",
        "--out-dir",
        dir,
        "--name",
        "ds",
        "--validate",
        "-o",
        "json",
      ]);
      assertEquals(r.code, 0, r.stderr);
      const rep = JSON.parse(r.stdout);
      assertEquals(rep.backend, "trtllm");
      assertEquals(rep.notes.filter((n: string) => n.includes("server accepted")).length, 2);
      const d = rep.modes.find((m: { mode: string }) => m.mode === "disagg");
      assertEquals(
        d.roles.map((x: { role: string; nodesPerWorker: number; gpusPerPod: number }) => [
          x.role,
          x.nodesPerWorker,
          x.gpusPerPod,
        ]),
        [["prefill", 2, 8], ["decode", 2, 8]],
      );
      assertEquals(rep.next.filter((c: string) => c.startsWith("ssh-keygen")).sort(), [
        "ssh-keygen -q -t ed25519 -N '' -f ds-agg-mpi-ssh && kubectl create secret generic ds-agg-mpi-ssh --from-file=private.key=ds-agg-mpi-ssh --from-file=private.key.pub=ds-agg-mpi-ssh.pub -n inference",
        "ssh-keygen -q -t ed25519 -N '' -f ds-disagg-mpi-ssh && kubectl create secret generic ds-disagg-mpi-ssh --from-file=private.key=ds-disagg-mpi-ssh --from-file=private.key.pub=ds-disagg-mpi-ssh.pub -n inference",
      ]);
      // The Secret commands come before the applies.
      assert(
        rep.next.findIndex((c: string) => c.startsWith("ssh-keygen")) <
          rep.next.findIndex((c: string) => c.startsWith("kubectl apply")),
      );
      const pcs = yamlLoad(await Deno.readTextFile(`${dir}/ds-disagg.yaml`)) as PodCliqueSet;
      const ldr = pcs.spec!.template!.cliques!.find((c) => c.name === "decode-ldr")!;
      assertMatch(
        (ldr.spec!.podSpec!.containers[0].args as string[])[0],
        /exec mpirun .* -n 16 .*trtllm-llmapi-launch python3 -m dynamo.trtllm .*--disaggregation-mode decode/,
      );
      // The plan round-trips and diff reads TP/DP back from the MPI command.
      const st = await runCli([...k, "plan", "store", "ds-disagg", "-f", `${dir}/ds-disagg.yaml`]);
      assertEquals(st.code, 0, st.stderr);
      const ap = await runCli([...k, "apply", "-f", `${dir}/ds-disagg.yaml`, "--yes"]);
      assertEquals(ap.code, 0, ap.stdout + ap.stderr);
      const diff = await runCli([...k, "plan", "diff", "ds-disagg"]);
      assertEquals(diff.code, 0, diff.stdout + diff.stderr);
      assertStringIncludes(diff.stdout, "no drift");
    });
  },
);

Deno.test(
  "e2e aic 0.12: SGLang results on h100 (sglang 0.5.14 perf data) -> accepted manifests",
  opts,
  async () => {
    await withSim(async (k, dir) => {
      const r = await runCli([
        ...k,
        "generate",
        "--from-results",
        `${RUNS}/qwen3-32b_h100_sglang_16gpu/save-dir`,
        "--total-gpus",
        "16",
        "--out-dir",
        dir,
        "--name",
        "qs",
        "--validate",
      ]);
      assertEquals(r.code, 0, r.stderr);
      assertMatch(r.stdout, /on 16 x h100_sxm \(sglang 0\.5\.14\)/);
      assertStringIncludes(r.stdout, "disagg: the server accepted the manifest");
    });
  },
);
