import {
  buildManifest,
  checkPcsName,
  defaultName,
  layoutRole,
  manifestYaml,
} from "../../../lib/aic/manifest.ts";
import { parallelFromArgs } from "../../../lib/aic/engines.ts";
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
  const plan = { workers: 1, tp: 3, pp: 1, dp: 1, gpusPerWorker: 3 };
  assertThrows(() => layoutRole("worker", plan, 2), GroveError);
  assertThrows(() => layoutRole("worker", plan, 0), GroveError);
  assertThrows(() => checkPcsName("Qwen_3"), GroveError);
  assertThrows(() => checkPcsName("a".repeat(41)), GroveError);
});

Deno.test("manifest: a TensorRT-LLM worker across nodes is one MPI world over SSH", () => {
  const trt = buildManifest(results, "agg", { name: "q", backend: "trtllm", gpusPerNode: 2 });
  const tpl = trt.spec!.template!;
  assertEquals(tpl.podCliqueScalingGroups![0].cliqueNames, ["worker-ldr", "worker-wkr"]);
  const ldr = tpl.cliques!.find((c) => c.name === "worker-ldr")!;
  const wkr = tpl.cliques!.find((c) => c.name === "worker-wkr")!;
  // mpirun needs the followers' SSH daemons: the leader starts after them, not before.
  assertEquals(ldr.spec!.startsAfter, ["worker-wkr"]);
  assertEquals(wkr.spec!.startsAfter, undefined);
  const script = container(trt, "worker-ldr").args![0];
  assertMatch(
    script,
    /exec mpirun --allow-run-as-root --oversubscribe -n 4 -H \$\(GROVE_PCSG_NAME\)-\$\(GROVE_PCSG_INDEX\)-worker-ldr-0\.\$\(GROVE_HEADLESS_SERVICE\):2,\$\(GROVE_PCSG_NAME\)-\$\(GROVE_PCSG_INDEX\)-worker-wkr-0\.\$\(GROVE_HEADLESS_SERVICE\):2 /,
  );
  assertMatch(script, /plm_rsh_args "-p 2222 -i \$HOME\/.ssh\/mpi_key/);
  assertMatch(
    script,
    /trtllm-llmapi-launch python3 -m dynamo.trtllm --model-path .* --tensor-parallel-size 4/,
  );
  assertMatch(container(trt, "worker-wkr").args![0], /exec \/usr\/sbin\/sshd -D -e -p 2222 /);
  assertEquals(container(trt, "worker-wkr").ports, [{
    name: "ssh",
    containerPort: 2222,
    protocol: "TCP",
  }]);
  for (const c of [ldr, wkr]) {
    assertEquals(c.spec!.podSpec!.volumes, [{
      name: "mpi-ssh",
      secret: { secretName: "q-mpi-ssh", defaultMode: 0o440 },
    }]);
    assertEquals(c.spec!.podSpec!.containers[0].volumeMounts, [
      { name: "mpi-ssh", mountPath: "/etc/mpi-ssh", readOnly: true },
    ]);
  }
  // vLLM and SGLang keep their order: followers after the leader, no Secret.
  const sg = buildManifest(results, "agg", { name: "q", backend: "sglang", gpusPerNode: 2 });
  const sgw = sg.spec!.template!.cliques!.find((c) => c.name === "worker-wkr")!;
  assertEquals(sgw.spec!.startsAfter, ["worker-ldr"]);
  assertEquals(sgw.spec!.podSpec!.volumes, undefined);
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
