import { deployedRoles, diffPlan, roleOfClique } from "../../../lib/aic/drift.ts";
import { buildManifest } from "../../../lib/aic/manifest.ts";
import { parsePlan, planFromResults } from "../../../lib/aic/plan.ts";
import { readResultsDir } from "../../../lib/aic/results.ts";
import type { PodClique, PodCliqueScalingGroup } from "../../../lib/grove/types.ts";
import { assert, assertEquals } from "../../helpers/assert.ts";
import { SAVE_DIR } from "./_fixtures.ts";

const results = await readResultsDir(SAVE_DIR);

Deno.test("drift: a generated manifest matches its own plan", () => {
  for (const [mode, gpn] of [["disagg", 8], ["agg", 8], ["agg", 2]] as const) {
    const plan = planFromResults(results, mode);
    const pcs = buildManifest(results, mode, { name: "q", backend: "sglang", gpusPerNode: gpn });
    const d = diffPlan(plan, deployedRoles(pcs));
    assertEquals(d.rows.filter((r) => r.status !== "ok"), [], `${mode}/${gpn}`);
    assertEquals(d.drift, false);
  }
});

Deno.test("drift: scaled cliques and changed TP are drift; live objects win over the template", () => {
  const plan = planFromResults(results, "disagg");
  const pcs = buildManifest(results, "disagg", { name: "q", backend: "vllm" });
  const decode = pcs.spec.template.cliques.find((c) => c.name === "decode")!;
  const args = decode.spec.podSpec.containers[0].args!;
  args[args.indexOf("--tensor-parallel-size") + 1] = "8";
  const live = [{ metadata: { name: "q-0-prefill" }, spec: { replicas: 6 } }] as PodClique[];
  const d = diffPlan(plan, deployedRoles(pcs, { cliques: live }));
  assert(d.drift);
  const drifted = d.rows.filter((r) => r.status === "drift").map((
    r,
  ) => [r.role, r.field, r.plan, r.deployed]);
  assertEquals(drifted, [
    ["prefill", "workers", "8", "6"],
    ["decode", "tp", "4", "8"],
    ["all", "total gpus", "16", "14"],
  ]);
});

Deno.test("drift: a plan with only documented keys against a hand-written PCS", () => {
  const plan = parsePlan(
    JSON.stringify({
      model: "m",
      system: "h200_sxm",
      serving_mode: "disagg",
      config: { prefill_workers: 2, decode_workers: 1, prefill_tp: 1, decode_tp: 4 },
      expected: { throughput_tokens_per_sec_per_gpu: 1, ttft_ms: 1, tpot_ms: 1 },
      sla: { ttft_ms: 1, tpot_ms: 1 },
    }),
    "p",
  );
  const gpu = (n: number) => ({ limits: { "nvidia.com/gpu": String(n) } });
  const pcs = {
    metadata: { name: "mn" },
    spec: {
      replicas: 1,
      template: {
        cliques: [
          {
            name: "frontend",
            spec: { roleName: "frontend", replicas: 2, podSpec: { containers: [{ name: "f" }] } },
          },
          {
            name: "pleader",
            spec: {
              roleName: "pleader",
              replicas: 1,
              podSpec: { containers: [{ name: "p", args: ["--tp-size", "1"], resources: gpu(1) }] },
            },
          },
          {
            name: "decode",
            spec: {
              roleName: "decode",
              replicas: 1,
              podSpec: {
                containers: [{ name: "d", args: ["--model=m", "--tp=4"], resources: gpu(4) }],
              },
            },
          },
        ],
        podCliqueScalingGroups: [{ name: "prefill", cliqueNames: ["pleader"], replicas: 2 }],
      },
    },
  };
  const roles = deployedRoles(pcs);
  assertEquals(roles.map((r) => [r.role, r.workers, r.gpusPerWorker, r.tp]), [
    ["frontend", 2, 0, undefined],
    ["decode", 1, 4, 4],
    ["prefill", 2, 1, 1],
  ]);
  const groups = [{
    metadata: { name: "mn-0-prefill" },
    spec: { replicas: 3 },
  }] as PodCliqueScalingGroup[];
  const d = diffPlan(plan, deployedRoles(pcs, { groups }));
  assertEquals(d.rows.find((r) => r.role === "prefill" && r.field === "workers")?.deployed, "3");
  assert(d.drift);
});

Deno.test("drift: a role missing from the deployment, and an extra one", () => {
  const plan = planFromResults(results, "agg");
  const pcs = buildManifest(results, "disagg", { name: "q" });
  const d = diffPlan(plan, deployedRoles(pcs));
  assertEquals(d.rows.filter((r) => r.field === "role").map((r) => [r.role, r.deployed]), [
    ["worker", "missing"],
    ["prefill", "8 workers"],
    ["decode", "2 workers"],
  ]);
  assertEquals(
    roleOfClique({
      name: "router",
      spec: { roleName: "router", replicas: 1, podSpec: { containers: [] } },
    }),
    "frontend",
  );
});
