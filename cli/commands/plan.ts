/** `kubectl grove plan`: keep AIConfigurator plans beside their PodCliqueSets and compare. @module */

import { Command, Option } from "../../lib/deps.ts";
import { examples, outputOption, parsePositive } from "../common.ts";
import type { CliContext } from "../context.ts";

const FORMAT = `
A plan is a ConfigMap <pcs>-aic-plan labelled grove.io/aic-plan=<pcs>, key plan.json:
  { "model": "...", "system": "h200_sxm", "serving_mode": "disagg" | "agg",
    "config": { "prefill_workers": 8, "decode_workers": 2, "prefill_tp": 1, "decode_tp": 4 },
    "expected": { "throughput_tokens_per_sec_per_gpu": 1233.7, "ttft_ms": 285.6, "tpot_ms": 29.9 },
    "sla": { "ttft_ms": 2000, "tpot_ms": 30 } }
Worker counts are for the whole deployment. Agg plans use config.agg_workers and
config.agg_tp. Optional extras: {prefill,decode,agg}_{pp,dp,gpus_per_worker},
backend, backend_version, total_gpus, isl, osl, created, source.
`;

type Out = "table" | "json" | "yaml";

/** The `plan` command and its subcommands. */
export function planCommand(ctx: CliContext) {
  const plan = new Command("plan")
    .description("store, show, list and check AIConfigurator plans kept beside PodCliqueSets")
    .addHelpText("after", FORMAT);

  plan.addCommand(
    new Command("store")
      .description(
        "store the plan of a PodCliqueSet from a manifest, a plan.json or a results directory",
      )
      .argument("<pcs>", "PodCliqueSet name (it may not exist yet)")
      .requiredOption(
        "-f, --filename <path>",
        "manifest from generate, plan.json, or aiconfigurator results directory",
      )
      .option("--overwrite", "replace a plan that is already stored (the old one is shown)")
      .option("--dry-run", "show the ConfigMap that would be written; change nothing")
      .addOption(
        new Option("--mode <mode>", "with a results directory: which plan (default: the better)")
          .choices(["disagg", "agg"]),
      )
      .option("--total-gpus <n>", "with a results directory: GPUs of the search", parsePositive)
      .addOption(outputOption(["table", "json", "yaml"]))
      .addHelpText(
        "after",
        examples([
          "kubectl grove plan store qwen-disagg -f out/qwen-disagg.yaml -n inference",
          "kubectl grove plan store qwen-disagg -f out/qwen-disagg.plan.json --overwrite",
          "kubectl grove plan store qwen -f ./out/Qwen/Qwen3-32B_h200_sxm_sglang_isl4000_osl1000_ttft300_tpot10_1 --mode disagg",
        ]),
      )
      .action(async (pcs, opts) => {
        const { runPlanStore } = await import("../run/plan.ts");
        await runPlanStore(ctx, {
          pcs,
          file: opts.filename,
          overwrite: opts.overwrite,
          dryRun: opts.dryRun,
          mode: opts.mode as "disagg" | "agg" | undefined,
          totalGpus: opts.totalGpus,
          output: opts.output as Out,
        });
      }),
  );

  plan.addCommand(
    new Command("show")
      .description("show the stored plan of a PodCliqueSet")
      .argument("<pcs>", "PodCliqueSet name")
      .addOption(outputOption(["table", "json", "yaml"]))
      .addHelpText(
        "after",
        examples([
          "kubectl grove plan show qwen-disagg",
          "kubectl grove plan show qwen-disagg -o json",
        ]),
      )
      .action(async (pcs, opts) => {
        const { runPlanShow } = await import("../run/plan.ts");
        await runPlanShow(ctx, { pcs, output: opts.output as Out });
      }),
  );

  plan.addCommand(
    new Command("diff")
      .description(
        "compare the stored plan with the deployed PodCliqueSet: roles, workers, TP/PP/DP, GPUs",
      )
      .argument("<pcs>", "PodCliqueSet name")
      .addOption(outputOption(["table", "json", "yaml"]))
      .addHelpText(
        "after",
        examples([
          "kubectl grove plan diff qwen-disagg -n inference",
          "kubectl grove plan diff qwen-disagg -o json",
        ]) +
          "\nExit codes: 0 the deployment matches the plan, 3 drift, 1 error.\n",
      )
      .action(async (pcs, opts) => {
        const { runPlanDiff } = await import("../run/plan.ts");
        await runPlanDiff(ctx, { pcs, output: opts.output as Out });
      }),
  );

  plan.addCommand(
    new Command("list")
      .description("list stored plans (with -A: in all namespaces)")
      .option("--no-headers", "omit table headers")
      .addOption(outputOption(["table", "json", "yaml"]))
      .addHelpText(
        "after",
        examples(["kubectl grove plan list", "kubectl grove plan list -A -o json"]),
      )
      .action(async (opts) => {
        const { runPlanList } = await import("../run/plan.ts");
        await runPlanList(ctx, { output: opts.output as Out, noHeaders: opts.headers === false });
      }),
  );
  return plan;
}
