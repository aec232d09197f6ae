// End to end, offline: `kubectl grove replan` on the simulator's healthy scenario. The stored
// plan of qwen-disagg comes from a recorded real aiconfigurator 0.12 run at ISL 1000 / OSL 4000;
// the set's Dynamo frontends see p50 lengths 5472 / 1310. replan must ask aiconfigurator for
// exactly those (the fake replays the real run recorded with them, and fails on other inputs),
// propose a different worker split, and print commands that run with --dry-run.
import { assert, assertEquals, assertMatch, assertStringIncludes } from "../helpers/assert.ts";
import { runCli } from "../helpers/cli.ts";
import { startSimCluster } from "../../lib/sim/server.ts";
import { connect } from "../../lib/kube/connect.ts";
import { Resources } from "../../lib/kube/resources.ts";
import { deployedRoles } from "../../lib/aic/drift.ts";
import type { PodCliqueSet } from "../../lib/grove/types.ts";
import { moveCommands } from "../../tasks/replan/mod.ts";

const opts = { sanitizeResources: false, sanitizeOps: false };
const FIXTURES = new URL("../../fixtures/aic/", import.meta.url).pathname.replace(/\/$/, "");
const RUNS = `${FIXTURES}/v0.12/runs`;
const BIN = `${FIXTURES}/bin`;
const SYS_PATH = "/usr/local/bin:/usr/bin:/bin";

/** Splits a printed command (no quoting is printed) and runs it without `kubectl grove`. */
async function runPrinted(cmd: string, k: string[]) {
  const words = cmd.split(/\s+/).filter(Boolean);
  assertEquals(words.slice(0, 2), ["kubectl", "grove"], cmd);
  return await runCli([...k, ...words.slice(2)], {});
}

async function withStoredPlan(fn: (k: string[], dir: string) => Promise<void>) {
  const sim = await startSimCluster({ scenario: "healthy", shiftTimes: false });
  const dir = await Deno.makeTempDir({ prefix: "replan-" });
  try {
    const k = ["--kubeconfig", sim.kubeconfigPath, "-n", "inference"];
    const gen = await runCli([
      "generate",
      "--from-results",
      `${RUNS}/qwen3-32b-fp8_h200_vllm_40gpu_isl1000_osl4000/save-dir`,
      "--total-gpus",
      "40",
      "--name",
      "qwen",
      "--out-dir",
      `${dir}/gen`,
    ]);
    assertEquals(gen.code, 0, gen.stderr);
    const stored = await runCli([
      ...k,
      "plan",
      "store",
      "qwen-disagg",
      "-f",
      `${dir}/gen/qwen-disagg.plan.json`,
    ]);
    assertEquals(stored.code, 0, stored.stderr);
    await fn(k, dir);
  } finally {
    await sim.stop();
    await Deno.remove(dir, { recursive: true });
  }
}

const fakeEnv = (dir: string) => ({
  PATH: `${BIN}:${SYS_PATH}`,
  FAKE_AIC_RUN: "qwen3-32b-fp8_h200_vllm_40gpu_observed",
  FAKE_AIC_GPUS: "40",
  FAKE_AIC_ARGS_FILE: `${dir}/args.txt`,
});

Deno.test(
  "e2e replan: observed ISL/OSL differ from the plan -> a different split, commands run with --dry-run",
  opts,
  async () => {
    await withStoredPlan(async (k, dir) => {
      const r = await runCli(
        [...k, "replan", "qwen-disagg", "--window", "0", "--save-dir", `${dir}/aic`],
        { env: fakeEnv(dir) },
      );
      assertEquals(r.code, 0, r.stderr);
      const args = (await Deno.readTextFile(`${dir}/args.txt`)).trim().split("\n");
      const flag = (f: string) => args[args.indexOf(f) + 1];
      assertEquals(
        [flag("--model-path"), flag("--system"), flag("--backend"), flag("--total-gpus")],
        ["Qwen/Qwen3-32B-FP8", "h200_sxm", "vllm", "40"],
      );
      assertEquals([flag("--isl"), flag("--osl"), flag("--ttft"), flag("--tpot")], [
        "5472",
        "1310",
        "2000",
        "30",
      ]);
      assertEquals(flag("--perf-db-version"), "0.24.0");
      assertStringIncludes(
        r.stderr,
        "search: ISL 5472 (observed p50), OSL 1310 (observed p50), 40 GPUs (GPUs the set holds now)",
      );
      // Side by side: stored plan, new plan, running now.
      assertMatch(
        r.stdout,
        /ISL \/ OSL\s+1000 \/ 4000\s+5472 \/ 1310\s+5472 \/ 1310 \(observed p50\)/,
      );
      assertMatch(r.stdout, /prefill\s+1 x TP1 \(1 GPU\)\s+6 x TP1 \(1 GPU\)\s+2 x TP4 \(4 GPUs\)/);
      assertMatch(
        r.stdout,
        /decode\s+31 x TP1 \(1 GPU\)\s+26 x TP1 \(1 GPU\)\s+2 x TP16 \(16 GPUs\)/,
      );
      assertMatch(r.stdout, /TPOT measured:\s+p50 33.4 ms, p99 53.4 ms \(SLA 30 ms: BREACH\)/);
      assertStringIncludes(r.stdout, "Move the set to the new plan (the worker layout changes):");

      const json = await runCli(
        [...k, "replan", "qwen-disagg", "--window", "0", "--save-dir", `${dir}/aic2`, "-o", "json"],
        { env: fakeEnv(dir) },
      );
      assertEquals(json.code, 0, json.stderr);
      const rep = JSON.parse(json.stdout);
      assertEquals(rep.kind, "ReplanReport");
      assertEquals(
        [rep.stored.config.prefill_workers, rep.stored.config.decode_workers],
        [1, 31],
      );
      assertEquals(
        [rep.proposed.config.prefill_workers, rep.proposed.config.decode_workers],
        [6, 26],
      );
      assertEquals([rep.observed.source, rep.observed.isl, rep.observed.osl], [
        "dynamo frontend (2 pods)",
        5472,
        1310,
      ]);
      assertEquals(rep.change, "reshape");
      assertEquals(rep.gpus, { stored: 32, proposed: 32, running: 40 });

      // Every printed command runs with --dry-run against the simulator, and changes nothing.
      assert(rep.commands.length >= 2);
      for (const c of rep.commands) {
        const d = await runPrinted(c.dryRun, k.slice(0, 2));
        assertEquals(d.code, 0, `${c.dryRun}\n${d.stdout}\n${d.stderr}`);
      }
      const show = await runCli([...k, "plan", "show", "qwen-disagg", "-o", "json"]);
      assertEquals(JSON.parse(show.stdout).plan.config.prefill_workers, 1);
    });
  },
);

Deno.test("e2e replan: --store-plan never replaces silently", opts, async () => {
  await withStoredPlan(async (k, dir) => {
    const refused = await runCli(
      [...k, "replan", "qwen-disagg", "--store-plan", "--save-dir", `${dir}/aic`],
      { env: fakeEnv(dir) },
    );
    assertEquals(refused.code, 2);
    assertStringIncludes(
      refused.stderr,
      "--store-plan would replace the plan stored for qwen-disagg",
    );
    assertStringIncludes(refused.stderr, "add --overwrite");
    const stored = await runCli(
      [
        ...k,
        "replan",
        "qwen-disagg",
        "--window",
        "0",
        "--store-plan",
        "--overwrite",
        "--save-dir",
        `${dir}/aic`,
      ],
      { env: fakeEnv(dir) },
    );
    assertEquals(stored.code, 0, stored.stderr);
    assertStringIncludes(stored.stderr, "Replaced plan of qwen-disagg:");
    assertStringIncludes(stored.stdout, "stored plan: replaced");
    assert(!stored.stdout.includes("plan store qwen-disagg"), "no plan store command once stored");
    const show = await runCli([...k, "plan", "show", "qwen-disagg", "-o", "json"]);
    const p = JSON.parse(show.stdout).plan;
    assertEquals([p.config.prefill_workers, p.config.decode_workers, p.isl, p.osl], [
      6,
      26,
      5472,
      1310,
    ]);
    // The new plan round-trips through plan diff against the running set (it drifts: TP differs).
    const diff = await runCli([...k, "plan", "diff", "qwen-disagg"]);
    assertEquals(diff.code, 3, diff.stderr);
    assertMatch(diff.stdout, /prefill\s+workers\s+6\s+2\s+DRIFT/);
  });
});

Deno.test(
  "e2e replan: same worker layout -> scale commands, which the scale command accepts",
  opts,
  async () => {
    const sim = await startSimCluster({ scenario: "healthy", shiftTimes: false });
    try {
      const kube = await connect({ kubeconfig: sim.kubeconfigPath, env: {} });
      const pcs = await kube.get<PodCliqueSet>(Resources.podcliquesets, "qwen-disagg", "inference");
      const running = deployedRoles(pcs);
      const proposed = {
        model: "Qwen/Qwen3-32B-FP8",
        system: "h200_sxm",
        serving_mode: "disagg" as const,
        config: {
          prefill_workers: 3,
          decode_workers: 1,
          prefill_tp: 4,
          decode_tp: 16,
          prefill_gpus_per_worker: 4,
          decode_gpus_per_worker: 16,
        },
        expected: { throughput_tokens_per_sec_per_gpu: 1, ttft_ms: 1, tpot_ms: 1 },
        sla: { ttft_ms: 300, tpot_ms: 30 },
      };
      const m = moveCommands({
        pcs: "qwen-disagg",
        namespace: "inference",
        setReplicas: 1,
        running,
        proposed,
        planFile: "/tmp/x.json",
        planStored: true,
      });
      assertEquals(m.change, "scale");
      assertEquals(m.commands.map((c) => c.command), [
        "kubectl grove scale qwen-disagg -n inference --prefill=3 --decode=1",
      ]);
      const d = await runPrinted(m.commands[0].dryRun, ["--kubeconfig", sim.kubeconfigPath]);
      assertEquals(d.code, 0, d.stdout + d.stderr);
      assertMatch(d.stdout, /prefill/);
    } finally {
      await sim.stop();
    }
  },
);

Deno.test(
  "e2e replan: no plan, unknown set and no configuration within the SLA are clear errors",
  opts,
  async () => {
    const sim = await startSimCluster({ scenario: "healthy", shiftTimes: false });
    const dir = await Deno.makeTempDir({ prefix: "replan-err-" });
    try {
      const k = ["--kubeconfig", sim.kubeconfigPath, "-n", "inference"];
      const noPlan = await runCli([...k, "replan", "sglang-chat", "--window", "0"], {});
      assertEquals(noPlan.code, 1);
      assertStringIncludes(noPlan.stderr, 'no plan stored for "sglang-chat"');
      const bad = await runCli([...k, "replan", "qwen-disagg", "--percentile", "p42"], {});
      assertEquals(bad.code, 2);
      assertStringIncludes(bad.stderr, "expected one of p50, p90, p99, mean");
      // A stored plan whose SLA nothing meets: the real 0.12 run with --tpot 1 lists only the
      // closest configurations, which replan refuses.
      const gen = await runCli([
        "generate",
        "--from-results",
        `${RUNS}/qwen3-32b-fp8_h200_vllm_40gpu_isl1000_osl4000/save-dir`,
        "--name",
        "qwen",
        "--out-dir",
        `${dir}/gen`,
      ]);
      assertEquals(gen.code, 0, gen.stderr);
      await runCli([
        ...k,
        "plan",
        "store",
        "qwen-disagg",
        "-f",
        `${dir}/gen/qwen-disagg.plan.json`,
      ]);
      const nosla = await runCli([
        ...k,
        "replan",
        "qwen-disagg",
        "--window",
        "0",
        "--isl",
        "4000",
        "--osl",
        "1000",
        "--tpot",
        "1",
        "--total-gpus",
        "16",
        "--save-dir",
        `${dir}/aic`,
      ], { env: { PATH: `${BIN}:${SYS_PATH}`, FAKE_AIC_RUN: "no-sla_tpot1" } });
      assertEquals(nosla.code, 1, nosla.stdout);
      assertStringIncludes(
        nosla.stderr,
        "found no configuration that meets the SLA (TTFT <= 2000 ms, TPOT <= 1 ms)",
      );
      assertStringIncludes(nosla.stderr, "raise --tpot");
    } finally {
      await sim.stop();
      await Deno.remove(dir, { recursive: true });
    }
  },
);
