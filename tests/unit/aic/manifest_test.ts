import {
  buildManifest,
  checkPcsName,
  defaultName,
  layoutRole,
  manifestYaml,
} from "../../../lib/aic/manifest.ts";
import { parallelFromArgs, workerCommand } from "../../../lib/aic/engines.ts";
import { parsePlan, PLAN_JSON_ANNOTATION, planFromResults } from "../../../lib/aic/plan.ts";
import { readResultsDir } from "../../../lib/aic/results.ts";
import { yamlLoad } from "../../../lib/deps.ts";
import { GroveError } from "../../../lib/errors.ts";
import { Resources } from "../../../lib/kube/resources.ts";
import { validateObject } from "../../../lib/sim/validate.ts";
import type { PodCliqueSet } from "../../../lib/grove/types.ts";
import { assert, assertEquals, assertMatch, assertThrows } from "../../helpers/assert.ts";
import { SAVE_DIR } from "./_fixtures.ts";

const results = await readResultsDir(SAVE_DIR);

async function assertValid(pcs: PodCliqueSet) {
  const copy = structuredClone(pcs);
  const v = await validateObject(Resources.podcliquesets, copy);
  assertEquals(v.causes, [], `schema causes: ${JSON.stringify(v.causes)}`);
  assertEquals(v.unknownFields, []);
}

function container(pcs: PodCliqueSet, clique: string) {
  const c = pcs.spec.template.cliques.find((x) => x.name === clique);
  assert(c, `clique ${clique}`);
  return c.spec.podSpec.containers[0];
}

for (const backend of ["sglang", "vllm", "trtllm"] as const) {
  Deno.test(`manifest: ${backend} disagg and agg validate against the PodCliqueSet CRD`, async () => {
    for (const mode of ["disagg", "agg"] as const) {
      const pcs = buildManifest(results, mode, {
        name: `qwen-${mode}`,
        namespace: "inference",
        backend,
        plan: planFromResults(results, mode, { pcs: `qwen-${mode}` }),
      });
      await assertValid(pcs);
      // Also after a YAML round trip, as `kubectl apply -f` would read it.
      await assertValid(yamlLoad(manifestYaml(pcs, ["generated"])) as PodCliqueSet);
    }
  });
}

Deno.test("manifest: disagg has frontend, prefill and decode cliques with workers and GPUs", () => {
  const pcs = buildManifest(results, "disagg", { name: "qwen", backend: "sglang" });
  const t = pcs.spec.template;
  assertEquals(t.cliques.map((c) => [c.name, c.spec.replicas]), [
    ["frontend", 1],
    ["prefill", 8],
    ["decode", 2],
  ]);
  assertEquals(t.podCliqueScalingGroups, undefined);
  assertEquals(container(pcs, "decode").resources?.limits?.["nvidia.com/gpu"], "4");
  assertEquals(container(pcs, "prefill").resources?.limits?.["nvidia.com/gpu"], "1");
  assertEquals(container(pcs, "frontend").resources?.limits, undefined);
  assertEquals(pcs.metadata.labels?.["grove.io/aic-plan"], "qwen");
  const args = container(pcs, "decode").args!;
  assertEquals(parallelFromArgs(args), { tp: 4, pp: 1, dp: 1 });
  assert(args.includes("--enable-metrics"));
  assertEquals(args.slice(args.indexOf("--disaggregation-mode"))[1], "decode");
  assertEquals(container(pcs, "frontend").ports, [{
    name: "http",
    containerPort: 8000,
    protocol: "TCP",
  }]);
});

Deno.test("manifest: engine commands per backend", () => {
  const vllm = buildManifest(results, "disagg", { name: "q", backend: "vllm" });
  assertEquals(container(vllm, "prefill").command, ["python3", "-m", "dynamo.vllm"]);
  assert(container(vllm, "prefill").args!.includes("--is-prefill-worker"));
  assertEquals(parallelFromArgs(container(vllm, "decode").args!), { tp: 4, pp: 1, dp: 1 });
  const trt = buildManifest(results, "agg", { name: "q", backend: "trtllm" });
  assertEquals(container(trt, "worker").command, ["python3", "-m", "dynamo.trtllm"]);
  assertEquals(parallelFromArgs(container(trt, "worker").args!), { tp: 4, pp: 1 });
  assertEquals(
    container(trt, "worker").image,
    "nvcr.io/nvidia/ai-dynamo/tensorrtllm-runtime:1.3.0",
  );
  // The results' backend (vllm) suggests its own image; --image wins.
  assertEquals(container(vllm, "decode").image, "nvcr.io/nvidia/ai-dynamo/vllm-runtime:1.3.0");
  const own = buildManifest(results, "agg", { name: "q", image: "registry.local/llm:1" });
  assertEquals(container(own, "worker").image, "registry.local/llm:1");
});

Deno.test("manifest: workers larger than a node become a scaling group of leader and followers", async () => {
  const pcs = buildManifest(results, "agg", {
    name: "qwen-agg",
    backend: "sglang",
    gpusPerNode: 2,
  });
  await assertValid(pcs);
  const t = pcs.spec.template;
  assertEquals(t.podCliqueScalingGroups, [{
    name: "worker",
    cliqueNames: ["worker-ldr", "worker-wkr"],
    replicas: 4,
    minAvailable: 1,
  }]);
  assertEquals(t.cliqueStartupType, "CliqueStartupTypeExplicit");
  assertEquals(t.cliques.find((c) => c.name === "worker-wkr")!.spec.startsAfter, ["worker-ldr"]);
  assertEquals(container(pcs, "worker-ldr").resources?.limits?.["nvidia.com/gpu"], "2");
  assertMatch(
    container(pcs, "worker-wkr").args![0],
    /--nnodes 2 --node-rank "\$\(\(GROVE_PCLQ_POD_INDEX \+ 1\)\)"/,
  );
  assertMatch(
    container(pcs, "worker-ldr").args!.join(" "),
    /--dist-init-addr \$\(GROVE_PCSG_NAME\)-\$\(GROVE_PCSG_INDEX\)-worker-ldr-0\.\$\(GROVE_HEADLESS_SERVICE\):29500/,
  );
  const vllm = buildManifest(results, "agg", { name: "q", backend: "vllm", gpusPerNode: 2 });
  assertMatch(
    container(vllm, "worker-wkr").args![0],
    /ray start --address=.*worker-ldr-0.*:6379 --block/,
  );
  assertMatch(
    container(vllm, "worker-ldr").args![0],
    /ray start --head .* --distributed-executor-backend ray/,
  );
});

Deno.test("manifest: bad layouts and names are clear errors", () => {
  const e = assertThrows(
    () => buildManifest(results, "agg", { name: "q", backend: "trtllm", gpusPerNode: 2 }),
    GroveError,
  );
  assertMatch(
    e.message,
    /a trtllm worker needs 4 GPUs, which spans 2 nodes: multi-node TensorRT-LLM workers are not generated/,
  );
  const plan = { workers: 1, tp: 3, pp: 1, dp: 1, gpusPerWorker: 3 };
  assertThrows(() => layoutRole("worker", plan, 2), GroveError);
  assertThrows(() => layoutRole("worker", plan, 0), GroveError);
  assertThrows(() => checkPcsName("Qwen_3"), GroveError);
  assertThrows(() => checkPcsName("a".repeat(41)), GroveError);
  assertThrows(
    () =>
      workerCommand({
        backend: "trtllm",
        model: "m",
        role: "worker",
        plan,
        nodes: 2,
        part: "leader",
      }),
    GroveError,
  );
});

Deno.test("manifest: default names are DNS labels from the model id", () => {
  assertEquals(defaultName("Qwen/Qwen3-32B-FP8", "disagg"), "qwen3-32b-fp8-disagg");
  assertEquals(defaultName("meta-llama/Llama-3.1-70B_Instruct"), "llama-3-1-70b-instruct");
  assertEquals(defaultName("/models/7b/"), "m-7b");
});

Deno.test("manifest: the plan rides along in an annotation", () => {
  const plan = planFromResults(results, "disagg", { pcs: "qwen" });
  const pcs = buildManifest(results, "disagg", { name: "qwen", plan });
  assertEquals(parsePlan(pcs.metadata.annotations![PLAN_JSON_ANNOTATION], "a"), plan);
});
