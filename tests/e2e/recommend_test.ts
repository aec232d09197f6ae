// End to end: `kubectl grove recommend` against the simulated cluster, and
// every command it prints run as printed (writes previewed with the server's
// dry-run or kubectl grove's --dry-run) by the real kubectl and the CLI: each
// must succeed and leave the cluster unchanged.
import { assert, assertEquals, assertStringIncludes } from "../helpers/assert.ts";
import { runCli } from "../helpers/cli.ts";
import { toolGate } from "../helpers/tools.ts";
import { startSimCluster } from "../../lib/sim/server.ts";
import type { RecommendReport } from "../../tasks/recommend/report.ts";

const opts = { sanitizeResources: false, sanitizeOps: false };
const GATE = toolGate("kubectl", "apt-get install -y kubectl, or the release binary");

/** Splits a printed command line the way a POSIX shell would (quotes, no expansions). */
export function shellWords(line: string): string[] {
  const out: string[] = [];
  let cur = "";
  let inWord = false;
  for (let i = 0; i < line.length; i++) {
    const ch = line[i];
    if (ch === "'") {
      const end = line.indexOf("'", i + 1);
      if (end < 0) throw new Error(`unbalanced quote in: ${line}`);
      cur += line.slice(i + 1, end);
      i = end;
      inWord = true;
    } else if (ch === '"') {
      const end = line.indexOf('"', i + 1);
      if (end < 0) throw new Error(`unbalanced quote in: ${line}`);
      cur += line.slice(i + 1, end);
      i = end;
      inWord = true;
    } else if (/\s/.test(ch)) {
      if (inWord) out.push(cur);
      cur = "";
      inWord = false;
    } else if (/[|;&<>$`\\]/.test(ch)) {
      throw new Error(`shell syntax in a printed command: ${line}`);
    } else {
      cur += ch;
      inWord = true;
    }
  }
  if (inWord) out.push(cur);
  return out;
}

// `fragmented-move`: the fragmented cluster with one 4-GPU batch pod gone, so a move frees a block
for (
  const scenario of ["fragmented", "healthy", "aggregated", "rollout", "large", "fragmented-move"]
) {
  Deno.test({
    name:
      `e2e recommend ${scenario}: every printed command runs (writes as dry-run) and changes nothing`,
    ignore: GATE.ignore,
    ...opts,
    async fn() {
      const kubectl = GATE.require();
      const sim = await startSimCluster({ scenario: scenario.replace(/-move$/, "") });
      if (scenario === "fragmented-move") {
        assert(sim.store.remove("pods", "ml-batch", "batch-infer-kh9db"));
      }
      const cache = await Deno.makeTempDir({ prefix: "kubectl-cache-" });
      try {
        const env = { KUBECONFIG: sim.kubeconfigPath };
        const r = await runCli(["recommend", "-A", "-o", "json"], { env });
        const rep = JSON.parse(r.stdout) as RecommendReport;
        assertEquals(r.code, rep.summary.critical > 0 ? 3 : 0, r.stderr);
        const before = JSON.stringify(sim.store.list("nodes")) +
          JSON.stringify(sim.store.list("pcs")) + sim.store.list("pods").length;
        let ran = 0;
        const done = new Set<string>();
        for (const f of rep.findings) {
          for (const c of f.commands) {
            if (done.has(c.command)) continue; // the same line twice proves nothing more
            done.add(c.command);
            const words = shellWords(c.command);
            assertEquals(words[0], "kubectl", c.command);
            if (words[1] === "grove") {
              const argv = [...words.slice(2), ...(c.dryRun === "flag" ? ["--dry-run"] : [])];
              const out = await runCli(argv, { env });
              assertEquals(out.code, 0, `${c.command}: ${out.stderr}`);
            } else {
              const args = [
                "--cache-dir",
                cache,
                ...words.slice(1),
                ...(c.dryRun === "server" ? ["--dry-run=server"] : []),
              ];
              const out = await new Deno.Command(kubectl, {
                args,
                env: { ...env, HOME: cache },
                stdout: "piped",
                stderr: "piped",
              }).output();
              assertEquals(
                out.code,
                0,
                `${c.command}: ${new TextDecoder().decode(out.stderr)}`,
              );
            }
            ran++;
          }
        }
        const after = JSON.stringify(sim.store.list("nodes")) +
          JSON.stringify(sim.store.list("pcs")) + sim.store.list("pods").length;
        assert(before === after, "a dry-run changed the cluster");
        if (scenario === "fragmented-move") {
          const move = rep.findings.find((f) => f.rule === "fragmentation")!;
          assertEquals(move.commands.map((c) => c.command), [
            "kubectl cordon gpu-b1-03",
            "kubectl delete pod batch-infer-tzd4s -n ml-batch",
            "kubectl uncordon gpu-b1-03",
          ]);
        }
        if (scenario === "fragmented-move") {
          const move = rep.findings.find((f) => f.rule === "fragmentation")!;
          assertEquals(move.commands.map((c) => c.command), [
            "kubectl cordon gpu-b1-03",
            "kubectl delete pod batch-infer-tzd4s -n ml-batch",
            "kubectl uncordon gpu-b1-03",
          ]);
        }
        if (scenario === "fragmented") {
          assert(ran >= 6, `only ${ran} commands ran`);
          assertEquals(rep.findings[0].rule, "termination");
          assertEquals(rep.findings[0].object, "podgang/llama-disagg-0");
        }
      } finally {
        await sim.stop();
        await Deno.remove(cache, { recursive: true });
      }
    },
  });
}

Deno.test(
  "e2e recommend: table on the fragmented cluster lists the imminent termination first, exit 3",
  opts,
  async () => {
    const sim = await startSimCluster({ scenario: "fragmented" });
    try {
      sim.requestLog.reset();
      const r = await runCli(["recommend", "-A"], { env: { KUBECONFIG: sim.kubeconfigPath } });
      assertEquals(r.code, 3, r.stderr);
      const first = r.stdout.split("\n")[1];
      assertStringIncludes(first, "critical   termination");
      assertStringIncludes(first, "gang llama-disagg-0 will be terminated");
      assertStringIncludes(r.stdout, "#1 CRITICAL termination  inference/podgang/llama-disagg-0\n");
      assertStringIncludes(r.stdout, "torch.OutOfMemoryError: CUDA out of memory");
      // 11 lists + 1 previous log (the one crash-looping container), nothing per pod or per set
      const api = sim.requestLog.count((e) => e.path.startsWith("/api"));
      const logs = sim.requestLog.count((e) => e.path.endsWith("/log"));
      assertEquals(logs, 1);
      assertEquals(api, 12);
    } finally {
      await sim.stop();
    }
  },
);

const PLAN = {
  model: "Qwen/Qwen3-32B-FP8",
  system: "h200_sxm",
  serving_mode: "disagg",
  config: { prefill_workers: 2, decode_workers: 2, prefill_tp: 4, decode_tp: 16 },
  expected: { throughput_tokens_per_sec_per_gpu: 300, ttft_ms: 400, tpot_ms: 35 },
  sla: { ttft_ms: 1000, tpot_ms: 50 },
};

Deno.test({
  name:
    "e2e recommend: a stored plan the engines miss is a critical sla-breach with per-role figures; its commands run",
  ignore: GATE.ignore,
  ...opts,
  async fn() {
    const kubectl = GATE.require();
    const sim = await startSimCluster({
      scenario: "healthy",
      objects: [{
        apiVersion: "v1",
        kind: "ConfigMap",
        metadata: {
          name: "qwen-disagg-aic-plan",
          namespace: "inference",
          labels: { "grove.io/aic-plan": "qwen-disagg" },
        },
        data: { "plan.json": JSON.stringify(PLAN) },
      }],
    });
    const cache = await Deno.makeTempDir({ prefix: "kubectl-cache-" });
    try {
      const env = { KUBECONFIG: sim.kubeconfigPath };
      const r = await runCli(["recommend", "-A", "-o", "json"], { env });
      assertEquals(r.code, 3, r.stderr);
      const rep = JSON.parse(r.stdout) as RecommendReport;
      const f = rep.findings.find((x) => x.rule === "sla-breach")!;
      assert(f, "no sla-breach finding");
      assertEquals([f.severity, f.object, f.rank], ["critical", "podcliqueset/qwen-disagg", 1]);
      assert(
        f.evidence.some((e) => /measured .* vs plan .*-> breach/.test(e)),
        f.evidence.join("\n"),
      );
      for (const c of f.commands) {
        const words = shellWords(c.command);
        if (words[1] === "grove") {
          const out = await runCli(
            [...words.slice(2), ...(c.dryRun === "flag" ? ["--dry-run"] : [])],
            { env },
          );
          assertEquals(out.code, 0, `${c.command}: ${out.stderr}`);
        } else {
          const out = await new Deno.Command(kubectl, {
            args: [
              "--cache-dir",
              cache,
              ...words.slice(1),
              ...(c.dryRun === "server" ? ["--dry-run=server"] : []),
            ],
            env: { ...env, HOME: cache },
            stdout: "piped",
            stderr: "piped",
          }).output();
          assertEquals(out.code, 0, `${c.command}: ${new TextDecoder().decode(out.stderr)}`);
        }
      }
    } finally {
      await sim.stop();
      await Deno.remove(cache, { recursive: true });
    }
  },
});
