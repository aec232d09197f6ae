/** `kubectl grove generate`: AIConfigurator search -> PodCliqueSet manifests and plans. @module */

import { Command, InvalidArgumentError, Option } from "../../lib/deps.ts";
import { examples, outputOption, parsePositive } from "../common.ts";
import type { CliContext } from "../context.ts";

/** Parses a latency in milliseconds (a positive number). */
export function parseMs(value: string): number {
  const v = value.trim().replace(/ms$/, "");
  const n = Number(v);
  if (v === "" || !Number.isFinite(n) || n <= 0) {
    throw new InvalidArgumentError(`expected a positive number of milliseconds, got "${value}"`);
  }
  return n;
}

/** The `generate` command. */
export function generateCommand(ctx: CliContext) {
  return new Command("generate")
    .description(
      "run AIConfigurator and write deployable PodCliqueSet manifests (disaggregated and aggregated) with their plans",
    )
    .option("--model <id>", "Hugging Face model id or local path with config.json")
    .option("--system <name>", "AIConfigurator GPU system, e.g. h200_sxm, h100_sxm, b200_sxm")
    .option("--total-gpus <n>", "GPUs for the whole deployment", parsePositive)
    .addOption(
      new Option("--backend <engine>", "inference engine (default: config, else sglang)").choices([
        "sglang",
        "vllm",
        "trtllm",
      ]),
    )
    .option("--backend-version <version>", "engine version of AIConfigurator's performance data")
    .option("--isl <tokens>", "input sequence length", parsePositive, 4000)
    .option("--osl <tokens>", "output sequence length", parsePositive, 1000)
    .option("--ttft <ms>", "time-to-first-token limit in ms", parseMs, 2000)
    .option("--tpot <ms>", "time-per-output-token limit in ms", parseMs, 30)
    .option("--save-dir <dir>", "where aiconfigurator writes its results (default ./aic-results)")
    .option(
      "--from-results <dir>",
      "skip the search: read an earlier aiconfigurator results directory",
    )
    .option(
      "--out-dir <dir>",
      "where to write manifests and plans (default: --save-dir, or . with --from-results)",
    )
    .option(
      "--name <name>",
      "PodCliqueSet name prefix; manifests are <name>-disagg and <name>-agg (default: from the model)",
    )
    .option("--image <image>", "container image (default: the engine's Dynamo runtime image)")
    .option(
      "--gpus-per-node <n>",
      "GPUs per node; larger workers span nodes (default: results, else 8)",
      parsePositive,
    )
    .option("--store-plan", "also store both plans in the cluster (ConfigMaps <pcs>-aic-plan)")
    .option(
      "--overwrite",
      "replace manifest and plan files that exist in --out-dir (and, with --store-plan, plans already stored)",
    )
    .option("--validate", "check both manifests with the server's dry run in the current namespace")
    .addOption(outputOption(["table", "json", "yaml"]))
    .addHelpText(
      "after",
      examples([
        "kubectl grove generate --model Qwen/Qwen3-32B --system h200_sxm --total-gpus 32 \\",
        "    --backend sglang --isl 4000 --osl 1000 --ttft 300 --tpot 10 --save-dir ./out",
        "kubectl grove generate --from-results ./out/Qwen/Qwen3-32B_h200_sxm_sglang_isl4000_osl1000_ttft300_tpot10_1234 --name qwen",
        "kubectl grove generate --from-results ./out --name qwen -n inference --store-plan --validate",
      ]) +
        "\nNeeds aiconfigurator (pip install aiconfigurator) unless --from-results is given; set\n" +
        "aiconfigurator.path in the config file when it is not on PATH. Its output streams to stderr.\n",
    )
    .action(async (opts) => {
      const { runGenerate } = await import("../run/generate.ts");
      await runGenerate(ctx, {
        ...opts,
        output: opts.output as "table" | "json" | "yaml",
      });
    });
}
